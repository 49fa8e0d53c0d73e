import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassicGroup } from '../../src/broker/groups/classic-group.js';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { uniqueName } from '../helpers/gregor-server.js';
import { createTmpDir, type TmpDir } from '../helpers/tmp-dir.js';
import { Member, eventually, findCoordinator, sleep } from './groups-classic-helpers.js';

// Session, rebalance and join-delay timers, group.max.size, and a restart in the middle of a group's life.

function start(configs: Record<string, string> = {}, dataDir?: string): Promise<RunningServer> {
  return serve(
    { host: '127.0.0.1', port: 0, ephemeral: dataDir === undefined, dataDir, logLevel: 'warn', configs: { 'group.min.session.timeout.ms': '50', ...configs } },
    { handleSignals: false },
  );
}

const servers: RunningServer[] = [];
const members: Member[] = [];
let server: RunningServer;
beforeAll(async () => {
  server = await start();
  servers.push(server);
  await findCoordinator(server.address.port, 'warm-up');
});
afterAll(async () => {
  for (const m of members) m.close();
  for (const s of servers) await s.close();
});

async function member(groupId: string, opts: ConstructorParameters<typeof Member>[2] = {}, s = server): Promise<Member> {
  const m = await Member.connect(s.address.port, groupId, opts);
  members.push(m);
  return m;
}
const groupOf = (id: string, s = server) => s.broker.groups.group(id) as ClassicGroup;

describe('session timeouts', () => {
  it('a member that stops heartbeating is removed; the last one leaves the group Empty at the next generation', async () => {
    const g = uniqueName('expire');
    const a = await member(g, { sessionTimeoutMs: 300 });
    await a.join();
    await a.sync([]);
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      expect((await a.heartbeat()).errorCode).toBe(0); // heartbeats keep it alive past its session timeout
    }
    await eventually(() => groupOf(g).state === 'Empty', 2000);
    expect(groupOf(g).generationId).toBe(2);
    expect((await a.heartbeat()).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('when one of two members expires the other is told to rejoin and gets a generation alone', async () => {
    const g = uniqueName('expire2');
    const a = await member(g, { sessionTimeoutMs: 5000 });
    const b = await member(g, { sessionTimeoutMs: 200 });
    await a.join();
    await a.sync([]);
    const [ja] = await Promise.all([sleep(30).then(() => a.join()), b.join()]);
    await Promise.all([a.sync([]), b.sync()]);
    expect(ja.generationId).toBe(2);
    // B goes silent.
    await eventually(async () => (await a.heartbeat()).errorCode === ErrorCode.REBALANCE_IN_PROGRESS, 2000);
    const again = await a.join();
    expect(again.generationId).toBe(3);
    expect(again.members.map((m: any) => m.memberId)).toEqual([a.memberId]);
  });

  it('a member id handed out with MEMBER_ID_REQUIRED expires if the member never comes back', async () => {
    const g = uniqueName('pending');
    const a = await member(g, { sessionTimeoutMs: 150 });
    const r = await a.joinOnce();
    expect(r.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(groupOf(g).pendingJoinMembers.has(r.memberId)).toBe(true);
    await eventually(() => groupOf(g).pendingJoinMembers.size === 0, 2000);
    // Joining with the expired id is now an unknown member.
    expect((await a.joinOnce()).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('rebalance timeouts', () => {
  it('a dynamic member that does not rejoin within the rebalance timeout is dropped from the new generation', async () => {
    const g = uniqueName('rebalance');
    const a = await member(g, { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 400 });
    const b = await member(g, { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 400 });
    await a.join();
    await a.sync([]);
    await Promise.all([sleep(30).then(() => a.join()), b.join()]);
    await Promise.all([a.sync([]), b.sync()]);
    const started = Date.now();
    const ja = await a.join(); // the leader rejoins: a rebalance; B only heartbeats
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(ja.generationId).toBe(3);
    expect(ja.members.map((m: any) => m.memberId)).toEqual([a.memberId]);
    expect((await b.heartbeat()).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('members that never send SyncGroup are removed after the rebalance timeout', async () => {
    const g = uniqueName('nosync');
    const a = await member(g, { rebalanceTimeoutMs: 300 });
    const b = await member(g, { rebalanceTimeoutMs: 300 });
    await a.join();
    await a.sync([]);
    await Promise.all([sleep(30).then(() => a.join()), b.join()]);
    await a.sync([]); // B never syncs
    await eventually(() => groupOf(g).state === 'PreparingRebalance', 2000);
    expect(groupOf(g).hasMember(b.memberId)).toBe(false);
    expect((await a.heartbeat()).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });
});

describe('group.initial.rebalance.delay.ms and group.max.size', () => {
  it('gregor defaults the initial delay to 0: a lone member is answered at once', async () => {
    const a = await member(uniqueName('nodelay'));
    const started = Date.now();
    expect((await a.join()).errorCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a set delay is honoured: members joining within it share the first generation', async () => {
    const s = await start({ 'group.initial.rebalance.delay.ms': '400' });
    servers.push(s);
    await findCoordinator(s.address.port, 'x');
    const g = uniqueName('delay');
    const a = await member(g, {}, s);
    const b = await member(g, {}, s);
    const started = Date.now();
    const [ja, jb] = await Promise.all([a.join(), sleep(100).then(() => b.join())]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(ja.generationId).toBe(1);
    expect(jb.generationId).toBe(1);
    expect([ja, jb].find((r) => r.leader === r.memberId)!.members).toHaveLength(2);
  });

  it('GROUP_MAX_SIZE_REACHED once the group is full', async () => {
    const s = await start({ 'group.max.size': '1' });
    servers.push(s);
    await findCoordinator(s.address.port, 'x');
    const g = uniqueName('max');
    const a = await member(g, {}, s);
    await a.join();
    await a.sync([]);
    const b = await member(g, {}, s);
    const r = await b.join();
    expect(r.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(groupOf(g, s).members.size).toBe(1);
  });
});

describe('restart', () => {
  let dir: TmpDir;
  beforeAll(() => {
    dir = createTmpDir();
  });
  afterAll(() => dir.remove());

  it('members, generation, leader and assignments survive a restart; restored members keep heartbeating, silent ones expire', async () => {
    const g = uniqueName('restart');
    const empty = uniqueName('restart-empty');
    let s = await start({}, dir.path);
    await findCoordinator(s.address.port, g);
    const a = await Member.connect(s.address.port, g, { sessionTimeoutMs: 1500 });
    const b = await Member.connect(s.address.port, g, { sessionTimeoutMs: 1500, instanceId: 'inst-b' });
    await a.join();
    await a.sync([]);
    await Promise.all([sleep(30).then(() => a.join()), b.join()]);
    await Promise.all([
      a.sync([
        { memberId: a.memberId, assignment: Buffer.from('A') },
        { memberId: b.memberId, assignment: Buffer.from('B') },
      ]),
      b.sync(),
    ]);
    const e = await Member.connect(s.address.port, empty);
    await e.join();
    await e.sync([]);
    await e.leave();
    const generation = groupOf(g, s).generationId;
    a.close();
    b.close();
    e.close();
    await s.close();

    s = await start({}, dir.path);
    servers.push(s);
    await findCoordinator(s.address.port, g);
    const restored = groupOf(g, s);
    expect(restored.state).toBe('Stable');
    expect(restored.generationId).toBe(generation);
    expect(restored.leaderId).toBe(a.memberId);
    expect(restored.protocolName).toBe('range');
    expect(restored.staticMembers.get('inst-b')).toBe(b.memberId);
    expect(groupOf(empty, s)).toMatchObject({ state: 'Empty', generationId: 2 });

    const a2 = await member(g, {}, s);
    a2.memberId = a.memberId;
    a2.generationId = generation;
    expect((await a2.heartbeat()).errorCode).toBe(0);
    expect(Buffer.from((await a2.sync()).assignment).toString()).toBe('A');
    // B is not heard from again: its fresh session timer removes it and A is asked to rejoin.
    for (let i = 0; i < 10 && restored.hasMember(b.memberId); i++) {
      await sleep(300);
      await a2.heartbeat();
    }
    expect(restored.hasMember(b.memberId)).toBe(false);
    expect((await a2.heartbeat()).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });
});

describe('gregor serve --config', () => {
  it('group.min.session.timeout.ms and group.max.session.timeout.ms reach the coordinator from the command line', async () => {
    const { startGregor } = await import('../helpers/gregor-server.js');
    const gregor = await startGregor(['--config', 'group.min.session.timeout.ms=100', '--config', 'group.max.session.timeout.ms=200']);
    try {
      const g = uniqueName('cli');
      await findCoordinator(gregor.port, g);
      const a = await Member.connect(gregor.port, g);
      members.push(a);
      expect((await a.joinOnce({ sessionTimeoutMs: 99 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
      expect((await a.joinOnce({ sessionTimeoutMs: 201 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
      expect((await a.join({ sessionTimeoutMs: 150 })).errorCode).toBe(0);
    } finally {
      await gregor.stop();
    }
  });
});

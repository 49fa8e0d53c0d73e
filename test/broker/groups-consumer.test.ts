/**
 * KIP-848 consumer groups over the wire (ConsumerGroupHeartbeat 68, ConsumerGroupDescribe 69): join, epochs,
 * revocation before reassignment, leave, fencing, static members, regex subscriptions, assignors, and state
 * that survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { ClassicGroup } from '../../src/broker/groups/classic-group.js';
import { GroupError } from '../../src/broker/groups/types.js';
import { ApiKey, ErrorCode } from '../../src/protocol/index.js';
import { startGregor, uniqueName } from '../helpers/gregor-server.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { createTopic, startBroker } from './data-helpers.js';
import { RawClient } from './raw-client.js';

type TPs = { topicId: string; partitions: number[] }[];

let server: RunningServer;
let c: RawClient;

beforeAll(async () => {
  server = await startBroker({
    'group.consumer.session.timeout.ms': '1500',
    'group.consumer.heartbeat.interval.ms': '500',
  });
  c = await RawClient.connect(server.address.port);
  const fc = await c.request(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['any'] });
  expect(fc.coordinators[0].errorCode).toBe(0);
});
afterAll(async () => {
  c.close();
  await server.close();
});

const memberIds = new Map<string, string>();
const newMemberId = (name: string) => {
  const id = `${name}-${Math.random().toString(36).slice(2, 12)}-0000000`.slice(0, 22);
  memberIds.set(name, id);
  return id;
};

function hb(client: RawClient, body: Record<string, unknown>, version = 1): Promise<any> {
  return client.request(ApiKey.ConsumerGroupHeartbeat, version, {
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: null,
    ...body,
  });
}

const join = (groupId: string, memberId: string, topics: string[] | null, extra: Record<string, unknown> = {}) =>
  hb(c, { groupId, memberId, memberEpoch: 0, rebalanceTimeoutMs: 10_000, subscribedTopicNames: topics, topicPartitions: [], ...extra });

const beat = (groupId: string, memberId: string, memberEpoch: number, owned: TPs | null, extra: Record<string, unknown> = {}) =>
  hb(c, { groupId, memberId, memberEpoch, topicPartitions: owned, ...extra });

async function describeGroup(groupId: string, version = 1): Promise<any> {
  const r = await c.request(ApiKey.ConsumerGroupDescribe, version, { groupIds: [groupId], includeAuthorizedOperations: false });
  return r.groups[0];
}

const count = (tps: TPs | null | undefined) => (tps ?? []).reduce((n, tp) => n + tp.partitions.length, 0);
const flat = (tps: TPs | null | undefined) => (tps ?? []).flatMap((tp) => tp.partitions.map((p) => `${tp.topicId}:${p}`)).sort();

describe('ConsumerGroupHeartbeat: joining', () => {
  it('a first member gets every partition at epoch 1; ConsumerGroupDescribe shows it Stable', async () => {
    const topic = createTopic(server, 'cg-join', { partitions: 4 });
    const g = uniqueName('cg-join');
    const m = newMemberId('m1');
    const r = await join(g, m, [topic.name]);
    expect(r.errorCode).toBe(0);
    expect(r.memberId).toBe(m);
    expect(r.memberEpoch).toBe(1);
    expect(r.heartbeatIntervalMs).toBe(500);
    expect(r.assignment.topicPartitions).toEqual([{ topicId: topic.topicId, partitions: [0, 1, 2, 3] }]);

    // A heartbeat with nothing changed: same epoch, no assignment sent.
    const again = await beat(g, m, 1, null);
    expect(again).toMatchObject({ errorCode: 0, memberEpoch: 1, assignment: null });

    const d = await describeGroup(g);
    expect(d).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 1, assignmentEpoch: 1, assignorName: 'uniform' });
    expect(d.members).toHaveLength(1);
    expect(d.members[0]).toMatchObject({ memberId: m, memberEpoch: 1, clientId: 'raw-test', subscribedTopicNames: [topic.name], memberType: 1 });
    expect(d.members[0].clientHost).toMatch(/^\/.*127\.0\.0\.1$/);
    expect(d.members[0].assignment.topicPartitions).toEqual([{ topicId: topic.topicId, topicName: topic.name, partitions: [0, 1, 2, 3] }]);
    expect(d.members[0].targetAssignment.topicPartitions).toEqual(d.members[0].assignment.topicPartitions);
  });

  it('v0 lets the coordinator generate the member id; v1 requires one', async () => {
    const topic = createTopic(server, 'cg-v0');
    const g = uniqueName('cg-v0');
    const r0 = await hb(c, { groupId: g, memberId: '', memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicNames: [topic.name], topicPartitions: [] }, 0);
    expect(r0.errorCode).toBe(0);
    expect(r0.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const r1 = await hb(c, { groupId: g, memberId: '', memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicNames: [topic.name], topicPartitions: [] }, 1);
    expect(r1).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "MemberId can't be empty.", memberId: null });
  });

  it('refuses invalid requests with Kafka errors and messages', async () => {
    const g = uniqueName('cg-bad');
    const cases: [Record<string, unknown>, number, string | RegExp][] = [
      [{ groupId: '', memberId: 'x' }, ErrorCode.INVALID_REQUEST, "GroupId can't be empty."],
      [{ groupId: g, memberId: 'x', rebalanceTimeoutMs: -1, subscribedTopicNames: [], topicPartitions: [] }, ErrorCode.INVALID_REQUEST, 'RebalanceTimeoutMs must be provided in first request.'],
      [{ groupId: g, memberId: 'x', rebalanceTimeoutMs: 1, subscribedTopicNames: [], topicPartitions: null }, ErrorCode.INVALID_REQUEST, 'TopicPartitions must be empty when (re-)joining.'],
      [{ groupId: g, memberId: 'x', rebalanceTimeoutMs: 1, topicPartitions: [] }, ErrorCode.INVALID_REQUEST, /Either SubscribedTopicNames or SubscribedTopicRegex/],
      [{ groupId: g, memberId: 'x', memberEpoch: -2 }, ErrorCode.INVALID_REQUEST, "InstanceId can't be null."],
      [{ groupId: g, memberId: 'x', memberEpoch: -3 }, ErrorCode.INVALID_REQUEST, 'MemberEpoch is invalid.'],
      [{ groupId: g, memberId: 'x', instanceId: '' }, ErrorCode.INVALID_REQUEST, "InstanceId can't be empty."],
      [
        { groupId: g, memberId: 'x', rebalanceTimeoutMs: 1, subscribedTopicNames: [], topicPartitions: [], serverAssignor: 'sticky' },
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        'ServerAssignor sticky is not supported. Supported assignors: uniform, range.',
      ],
      [
        { groupId: g, memberId: 'x', rebalanceTimeoutMs: 1, subscribedTopicRegex: 'a(?=b)', topicPartitions: [] },
        ErrorCode.INVALID_REGULAR_EXPRESSION,
        /^SubscribedTopicRegex `a\(\?=b\)` is not a valid regular expression: /,
      ],
      [{ groupId: g, memberId: 'x', memberEpoch: 3 }, ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${g} not found.`],
    ];
    for (const [body, code, message] of cases) {
      const r = await hb(c, body);
      expect(r.errorCode, JSON.stringify(body)).toBe(code);
      if (typeof message === 'string') expect(r.errorMessage).toBe(message);
      else expect(r.errorMessage).toMatch(message);
    }
    // Still serving: the broker did not fall over on any of it.
    expect((await describeGroup(g)).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('a classic group with members keeps its id; an empty one is replaced by the consumer group', async () => {
    const topic = createTopic(server, 'cg-classic');
    const busy = uniqueName('cg-classic-busy');
    const classic = server.broker.groups.classic.getOrCreate(busy);
    classic.members.set('c1', { memberId: 'c1', groupInstanceId: null, clientId: 'x', clientHost: '/h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 1, protocolType: 'consumer', protocols: [], assignment: Buffer.alloc(0) });
    classic.state = 'Stable';
    classic.protocolTypeName = 'consumer';
    const r = await join(busy, newMemberId('c'), [topic.name]);
    expect(r).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${busy} is not a consumer group.` });
    expect((await describeGroup(busy)).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    const simple = uniqueName('cg-classic-simple');
    server.broker.groups.classic.getOrCreate(simple);
    const ok = await join(simple, newMemberId('c'), [topic.name]);
    expect(ok).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    expect(server.broker.groups.group(simple)?.type).toBe('consumer');
    expect(server.broker.groups.group(simple)?.describe()).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, groupState: 'Dead' });
  });
});

describe('ConsumerGroupHeartbeat: reconciliation', () => {
  it('revokes partitions from their owner before another member gets them', async () => {
    const topic = createTopic(server, 'cg-rev', { partitions: 4 });
    const g = uniqueName('cg-rev');
    const a = newMemberId('a');
    const b = newMemberId('b');
    const ra = await join(g, a, [topic.name]);
    expect(ra.memberEpoch).toBe(1);
    let ownedA: TPs = ra.assignment.topicPartitions;
    expect(count(ownedA)).toBe(4);

    // B joins: epoch 2, but every partition is still A's: B gets nothing yet.
    const rb = await join(g, b, [topic.name]);
    expect(rb.memberEpoch).toBe(2);
    expect(count(rb.assignment.topicPartitions)).toBe(0);
    expect((await describeGroup(g)).groupState).toBe('Reconciling');

    // A is asked to give up two partitions and stays at epoch 1 until it has.
    const ra2 = await beat(g, a, 1, ownedA);
    expect(ra2.memberEpoch).toBe(1);
    expect(count(ra2.assignment.topicPartitions)).toBe(2);
    const keptA: TPs = ra2.assignment.topicPartitions;

    // B still waits while A reports it owns all four.
    const rb2 = await beat(g, b, 2, []);
    expect(rb2.memberEpoch).toBe(2);
    expect(count(rb2.assignment?.topicPartitions)).toBe(0);
    const ra3 = await beat(g, a, 1, ownedA);
    expect(ra3.memberEpoch).toBe(1);

    // A acknowledges the revocation: it moves to epoch 2; B then gets the released partitions.
    ownedA = keptA;
    const ra4 = await beat(g, a, 1, ownedA);
    expect(ra4.memberEpoch).toBe(2);
    const rb3 = await beat(g, b, 2, []);
    expect(rb3.memberEpoch).toBe(2);
    expect(count(rb3.assignment.topicPartitions)).toBe(2);
    const all = [...flat(ownedA), ...flat(rb3.assignment.topicPartitions)];
    expect(new Set(all).size).toBe(4);

    const d = await describeGroup(g);
    expect(d.groupState).toBe('Stable');
    expect(d.members.map((m: any) => m.memberEpoch)).toEqual([2, 2]);

    // B leaves: its partitions come back to A with a new epoch.
    const left = await beat(g, b, -1, null);
    expect(left).toMatchObject({ errorCode: 0, memberId: b, memberEpoch: -1, heartbeatIntervalMs: 0 });
    const ra5 = await beat(g, a, 2, ownedA);
    expect(ra5.memberEpoch).toBe(3);
    expect(count(ra5.assignment.topicPartitions)).toBe(4);
    const after = await beat(g, b, 2, []);
    expect(after.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('fences a member whose epoch is ahead or too far behind; accepts the previous epoch with a subset of its partitions', async () => {
    const topic = createTopic(server, 'cg-fence', { partitions: 2 });
    const g = uniqueName('cg-fence');
    const a = newMemberId('a');
    const r = await join(g, a, [topic.name]);
    expect(r.memberEpoch).toBe(1);
    const ahead = await beat(g, a, 5, null);
    expect(ahead.errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(ahead.errorMessage).toMatch(/greater member epoch \(5\)/);
    // A second member bumps the epoch; A moves to epoch 2 (nothing to revoke? it must revoke one).
    await join(g, newMemberId('b'), [topic.name]);
    const owned: TPs = r.assignment.topicPartitions;
    const r2 = await beat(g, a, 1, [{ topicId: topic.topicId, partitions: [] }]);
    expect(r2.memberEpoch).toBe(2);
    // The answer was "lost": A retries with its previous epoch and a subset of its partitions.
    const retry = await beat(g, a, 1, r2.assignment.topicPartitions);
    expect(retry.errorCode).toBe(0);
    expect(retry.memberEpoch).toBe(2);
    const stale = await beat(g, a, 0 + 1, owned);
    expect(stale.errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
  });

  it('fences a member whose session expires; its partitions go to the others', async () => {
    const topic = createTopic(server, 'cg-session', { partitions: 2 });
    const g = uniqueName('cg-session');
    const a = newMemberId('a');
    const b = newMemberId('b');
    await join(g, a, [topic.name]);
    let rb = await join(g, b, [topic.name]);
    // Keep B alive while A goes silent (session timeout 1.5 s).
    const deadline = Date.now() + 4000;
    let epoch = rb.memberEpoch;
    let owned: TPs = rb.assignment?.topicPartitions ?? [];
    while (Date.now() < deadline) {
      rb = await beat(g, b, epoch, owned);
      expect(rb.errorCode).toBe(0);
      epoch = rb.memberEpoch;
      if (rb.assignment !== null) owned = rb.assignment.topicPartitions;
      if (count(owned) === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(count(owned)).toBe(2);
    const gone = await beat(g, a, 1, []);
    expect(gone.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('OffsetCommit and OffsetFetch checks of a consumer group use member epochs', async () => {
    const topic = createTopic(server, 'cg-offsets');
    const g = uniqueName('cg-offsets');
    const a = newMemberId('a');
    await join(g, a, [topic.name]);
    const group = server.broker.groups.group(g)!;
    const commit = (memberId: string, epoch: number, apiVersion = 9) => () =>
      group.validateOffsetCommit({ memberId, groupInstanceId: null, generationIdOrMemberEpoch: epoch, isTransactional: false, apiVersion });
    expect(commit(a, 1)).not.toThrow();
    const codeOf = (f: () => void) => {
      try {
        f();
        return 0;
      } catch (e) {
        return (e as GroupError).code;
      }
    };
    expect(codeOf(commit(a, 0))).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(codeOf(commit('nobody', 1))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(codeOf(commit(a, 1, 8))).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(codeOf(commit('', -1))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(codeOf(() => group.validateOffsetFetch(null, -1))).toBe(0);
    expect(codeOf(() => group.validateOffsetFetch(a, 7))).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(codeOf(() => group.validateDeleteGroup())).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(group.isSubscribedToTopic(topic.name)).toBe(true);
    expect(group.isSubscribedToTopic('other')).toBe(false);
    expect(group.protocolType()).toBe('consumer');
  });
});

describe('ConsumerGroupHeartbeat: static members', () => {
  it('a static member that leaves with -2 keeps its partitions and gets them back under a new member id', async () => {
    const topic = createTopic(server, 'cg-static', { partitions: 3 });
    const g = uniqueName('cg-static');
    const a = newMemberId('a');
    const r = await join(g, a, [topic.name], { instanceId: 'inst-1' });
    expect(r.memberEpoch).toBe(1);
    const mine = flat(r.assignment.topicPartitions);

    // Another process with the same instance id while the first is alive.
    const dup = await join(g, newMemberId('dup'), [topic.name], { instanceId: 'inst-1' });
    expect(dup.errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    const wrongId = await beat(g, 'someone-else', 1, null, { instanceId: 'inst-1' });
    expect(wrongId.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);

    const away = await beat(g, a, -2, null, { instanceId: 'inst-1' });
    expect(away).toMatchObject({ errorCode: 0, memberId: a, memberEpoch: -2 });
    const d = await describeGroup(g);
    expect(d.members[0]).toMatchObject({ memberId: a, memberEpoch: -2, instanceId: 'inst-1' });

    // It restarts with a new member id: same partitions, no new group epoch.
    const a2 = newMemberId('a2');
    const back = await join(g, a2, [topic.name], { instanceId: 'inst-1' });
    expect(back).toMatchObject({ errorCode: 0, memberId: a2, memberEpoch: 1 });
    expect(flat(back.assignment.topicPartitions)).toEqual(mine);
    const d2 = await describeGroup(g);
    expect(d2).toMatchObject({ groupEpoch: 1, groupState: 'Stable' });
    expect(d2.members.map((m: any) => m.memberId)).toEqual([a2]);
  });
});

describe('ConsumerGroupHeartbeat: regex subscriptions', () => {
  it('subscribes to the topics a RE2 regex matches, and to topics created later', async () => {
    const base = uniqueName('rx').replace(/-/g, '_');
    const t1 = server.broker.metadata.createTopics([{ name: `${base}.orders`, numPartitions: 2, replicationFactor: 1, configs: [] }])[0]!;
    const t2 = server.broker.metadata.createTopics([{ name: `${base}.payments`, numPartitions: 1, replicationFactor: 1, configs: [] }])[0]!;
    server.broker.metadata.createTopics([{ name: `${base}_other`, numPartitions: 1, replicationFactor: 1, configs: [] }]);
    const g = uniqueName('cg-rx');
    const a = newMemberId('a');
    const r = await hb(c, { groupId: g, memberId: a, memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicRegex: `\\Q${base}.\\E[[:alpha:]]+`, topicPartitions: [] });
    expect(r.errorCode).toBe(0);
    expect(flat(r.assignment.topicPartitions)).toEqual([`${t1.topicId}:0`, `${t1.topicId}:1`, `${t2.topicId}:0`].sort());
    const d = await describeGroup(g);
    expect(d.members[0].subscribedTopicRegex).toBe(`\\Q${base}.\\E[[:alpha:]]+`);

    const t3 = server.broker.metadata.createTopics([{ name: `${base}.refunds`, numPartitions: 1, replicationFactor: 1, configs: [] }])[0]!;
    const r2 = await beat(g, a, r.memberEpoch, r.assignment.topicPartitions);
    expect(r2.memberEpoch).toBe(r.memberEpoch + 1);
    expect(flat(r2.assignment.topicPartitions)).toContain(`${t3.topicId}:0`);
    expect(count(r2.assignment.topicPartitions)).toBe(4);
  });
});

describe('assignors', () => {
  it('range gives co-partitioned ranges; uniform balances the total', async () => {
    const x = createTopic(server, 'cg-x', { partitions: 3 });
    const y = createTopic(server, 'cg-y', { partitions: 3 });
    for (const assignor of ['range', 'uniform']) {
      const g = uniqueName(`cg-${assignor}`);
      const [m1, m2] = [`a-${assignor}-member-000001`, `b-${assignor}-member-000002`];
      const r1 = await join(g, m1, [x.name, y.name], { serverAssignor: assignor });
      await join(g, m2, [x.name, y.name], { serverAssignor: assignor });
      // m1 revokes what it must; then both converge.
      await beat(g, m1, r1.memberEpoch, [{ topicId: x.topicId, partitions: [] }]);
      const d = await describeGroup(g);
      expect(d.assignorName).toBe(assignor);
      const target = new Map<string, TPs>(d.members.map((m: any) => [m.memberId, m.targetAssignment.topicPartitions]));
      const byTopic = (id: string, topicId: string) => target.get(id)!.find((tp) => tp.topicId === topicId)?.partitions ?? [];
      if (assignor === 'range') {
        expect(byTopic(m1, x.topicId)).toEqual([0, 1]);
        expect(byTopic(m1, y.topicId)).toEqual([0, 1]);
        expect(byTopic(m2, x.topicId)).toEqual([2]);
        expect(byTopic(m2, y.topicId)).toEqual([2]);
      } else {
        expect(count(target.get(m1))).toBe(3);
        expect(count(target.get(m2))).toBe(3);
      }
      expect(new Set([...flat(target.get(m1)), ...flat(target.get(m2))]).size).toBe(6);
    }
  });
});

describe('ConsumerGroupDescribe', () => {
  it('answers GROUP_ID_NOT_FOUND for unknown and classic groups, INVALID_GROUP_ID for an empty id', async () => {
    const classic = uniqueName('cg-d-classic');
    server.broker.groups.classic.getOrCreate(classic);
    const r = await c.request(ApiKey.ConsumerGroupDescribe, 0, { groupIds: ['nope-' + classic, classic, ''], includeAuthorizedOperations: true });
    expect(r.groups.map((g: any) => [g.errorCode, g.errorMessage])).toEqual([
      [ErrorCode.GROUP_ID_NOT_FOUND, `Group nope-${classic} not found.`],
      [ErrorCode.GROUP_ID_NOT_FOUND, `Group ${classic} is not a consumer group.`],
      [ErrorCode.INVALID_GROUP_ID, null],
    ]);
    expect(server.broker.groups.group(classic)).toBeInstanceOf(ClassicGroup);
  });
});

describe('restart', () => {
  it('members keep heartbeating with their epochs after the broker restarts', async () => {
    const dir = tmpDir('cg-restart-');
    let gregor = await startGregor(['--data-dir', dir]);
    let rc = await RawClient.connect(gregor.port);
    const topic = uniqueName('cg-restart');
    const ct = await rc.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(ct.topics[0].errorCode).toBe(0);
    const topicId = ct.topics[0].topicId;
    await rc.request(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['x'] });
    const g = uniqueName('cg-restart');
    const body = (memberId: string) => ({ groupId: g, memberId, memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicNames: [topic], topicPartitions: [] });
    const a = await hb(rc, body('member-a-0000000000000'));
    const b = await hb(rc, body('member-b-0000000000000'));
    await hb(rc, { groupId: g, memberId: 'member-a-0000000000000', memberEpoch: 1, topicPartitions: [{ topicId, partitions: [] }] });
    const b2 = await hb(rc, { groupId: g, memberId: 'member-b-0000000000000', memberEpoch: b.memberEpoch, topicPartitions: [] });
    const a2 = await hb(rc, { groupId: g, memberId: 'member-a-0000000000000', memberEpoch: 2, topicPartitions: null });
    expect(a.errorCode).toBe(0);
    const before = (await rc.request(ApiKey.ConsumerGroupDescribe, 1, { groupIds: [g], includeAuthorizedOperations: false })).groups[0];
    expect(before.groupState).toBe('Stable');
    rc.close();
    expect(await gregor.stop()).toBe(0);

    gregor = await startGregor(['--data-dir', dir]);
    rc = await RawClient.connect(gregor.port);
    try {
      const after = (await rc.request(ApiKey.ConsumerGroupDescribe, 1, { groupIds: [g], includeAuthorizedOperations: false })).groups[0];
      expect(after).toEqual(before);
      const a3 = await hb(rc, { groupId: g, memberId: 'member-a-0000000000000', memberEpoch: 2, topicPartitions: a2.assignment?.topicPartitions ?? null });
      expect(a3).toMatchObject({ errorCode: 0, memberEpoch: 2 });
      const b3 = await hb(rc, { groupId: g, memberId: 'member-b-0000000000000', memberEpoch: 2, topicPartitions: b2.assignment.topicPartitions });
      expect(b3).toMatchObject({ errorCode: 0, memberEpoch: 2 });
      // A leave after the restart bumps the epoch from where it was.
      await hb(rc, { groupId: g, memberId: 'member-b-0000000000000', memberEpoch: -1 });
      const a4 = await hb(rc, { groupId: g, memberId: 'member-a-0000000000000', memberEpoch: 2, topicPartitions: null });
      expect(a4.memberEpoch).toBe(3);
      expect(count(a4.assignment.topicPartitions)).toBe(4);
    } finally {
      rc.close();
      await gregor.stop();
    }
  }, 30_000);
});

/**
 * The consumer-group checks every client runs against a real `gregor serve` (members: group-members.ts). Test
 * names carry the check in brackets (`[group-3-members]`, …): make-matrix.mjs builds the groups matrix from them.
 *
 * Records are produced with kafkajs (setup), one distinct value per record, so that "consumed exactly once across
 * the group" is a comparison of multisets of values.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClientName } from '../helpers/debian-clients.js';
import { getFreePort } from '../helpers/free-port.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { createTmpDir } from '../helpers/tmp-dir.js';
import { committedOffsets, kafkajsDescribe, produceTo, type DescribedGroup } from './group-setup.js';
import { ended, until, type GroupMember, type MemberOptions } from './group-members.js';
import { RawMember, deleteGroup } from './raw-group.js';
import { createTopics, need, skip } from './suite.js';
import { sleep } from './support.js';

export { committedOffsets, kafkajsDescribe, produceTo, type DescribedGroup };


export interface GroupSuiteOptions {
  needs?: ClientName[];
  member: (bootstrap: string, o: MemberOptions) => GroupMember | Promise<GroupMember>;
  /** The client's own describe-groups; without it the check is skipped with `describeSkip`. */
  describe?: (bootstrap: string, group: string) => Promise<DescribedGroup>;
  describeSkip?: string;
  /**
   * How the live group is looked at in the checks (default: the client's describe, else kafkajs's DescribeGroups).
   * Kafka's DescribeGroups describes classic groups only (a consumer group is Dead / GROUP_ID_NOT_FOUND there).
   */
  describeLive?: (bootstrap: string, group: string) => Promise<DescribedGroup>;
  /** The client commits only when it closes (kcat: librdkafka's periodic auto-commit never ran from kcat here). */
  commitsOnlyOnClose?: boolean;
  /** Extra `gregor serve` arguments (broker configs) for this block's brokers. */
  brokerArgs?: string[];
  /** Why the client cannot live through a broker restart (the check is skipped with this reason). */
  skipRestart?: string;
  /** The members' group protocol (default classic). With 'consumer' the describe check is the caller's (`more`). */
  protocol?: 'classic' | 'consumer';
  /** More checks in the same block, on the same broker. */
  more?: (env: GroupSuiteEnv) => void;
}

export interface GroupSuiteEnv {
  gregor: () => GregorProcess;
  /** A member of the suite's client (closed after the block). */
  join: (group: string, topic: string, extra?: Partial<MemberOptions>) => Promise<GroupMember>;
  slug: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers (also used by groups-platformatic.test.ts for the consumer protocol)

const sorted = (xs: readonly string[]) => [...xs].sort();

/** Values consumed by the members from `since` (an index per member) on. */
export function consumedSince(members: GroupMember[], since?: number[]): string[] {
  return members.flatMap((m, i) => m.records.slice(since?.[i] ?? 0).map((r) => r.value ?? '<null>'));
}

export function marks(members: GroupMember[]): number[] {
  return members.map((m) => m.records.length);
}

function describeState(members: GroupMember[]): string {
  return members.map((m) => `${m.label}: assignment ${JSON.stringify(m.assignment)}, ${m.records.length} records${m.exited ? ', exited' : ''}\n${m.log().split('\n').slice(-12).join('\n')}`).join('\n---\n');
}

/** Waits until the members' assignments are disjoint, cover all `partitions` and have these sizes (any order). */
export async function settled(members: GroupMember[], partitions: number, sizes: number[], timeoutMs = 25_000): Promise<void> {
  const ok = () => {
    const as = members.map((m) => m.assignment);
    if (as.some((a) => a === null)) return false;
    const all = as.flatMap((a) => a!);
    if (all.length !== partitions || new Set(all).size !== partitions) return false;
    return JSON.stringify(as.map((a) => a!.length).sort()) === JSON.stringify([...sizes].sort());
  };
  await until(ok, () => `assignments of sizes ${JSON.stringify(sizes)} over ${partitions} partitions:\n${describeState(members)}`, timeoutMs);
  // A fetch a member sent before it lost a partition may still answer (clients differ in dropping such data):
  // the group is settled once it stays so for a moment.
  await sleep(300);
  if (!ok()) return settled(members, partitions, sizes, timeoutMs);
}

/** Waits for `want` to be consumed (from `since`), then a little longer, and asserts each exactly once. */
export async function consumedExactlyOnce(members: GroupMember[], want: string[], since?: number[], timeoutMs = 20_000): Promise<void> {
  await until(
    () => consumedSince(members, since).length >= want.length,
    () => `${want.length} records, consumed ${consumedSince(members, since).length}:\n${describeState(members)}`,
    timeoutMs,
  );
  await sleep(300); // duplicates would show up now
  const who = members.map((m, i) => `${m.label}: assignments ${JSON.stringify(m.history)}, records of partitions ${JSON.stringify(countBy(m.records.slice(since?.[i] ?? 0).map((r) => r.partition)))}`).join('; ');
  expect(sorted(consumedSince(members, since)), `records consumed across the group (each exactly once); ${who}`).toEqual(sorted(want));
}

function countBy(xs: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** Every record a member got (from `since`) is from a partition it was assigned at the time it was checked. */
export function expectOwnPartitions(members: GroupMember[], since?: number[]): void {
  members.forEach((m, i) => {
    const foreign = m.records.slice(since?.[i] ?? 0).filter((r) => !(m.assignment ?? []).includes(r.partition));
    expect(foreign.map((r) => `${r.partition}@${r.offset}`), `${m.label} got records of partitions it does not own (${JSON.stringify(m.assignment)})`).toEqual([]);
  });
}

async function closeAll(members: GroupMember[]): Promise<void> {
  await Promise.allSettled(members.map((m) => m.close()));
}

// ---------------------------------------------------------------------------------------------------------------
// The suite

export function defineGroupSuite(name: string, o: GroupSuiteOptions): void {
  describe(name, () => {
    let gregor: GregorProcess | undefined;
    const live: GroupMember[] = [];
    const slug = name.replace(/[^a-z0-9]+/gi, '-');
    const join = async (group: string, topic: string, extra: Partial<MemberOptions> = {}) => {
      const m = await o.member(gregor!.bootstrap, { group, topic, clientId: `gregor-${slug}`, protocol: o.protocol ?? 'classic', ...extra });
      live.push(m);
      return m;
    };

    beforeEach((ctx) => {
      for (const c of o.needs ?? []) need(c, ctx);
    });
    beforeAll(async () => {
      gregor = await startGregor(o.brokerArgs ?? []);
    });
    afterAll(async () => {
      await closeAll(live);
      await gregor?.stop();
    });

    // Three phases of one group's life, one check each: later phases need the earlier ones.
    const life: { topic?: string; group?: string; members?: GroupMember[]; produced: string[]; ok: number } = { produced: [], ok: 0 };

    it('[group-3-members] three members on 6 partitions get 2 each; 60 + 60 records consumed exactly once across the group', async () => {
      const topic = uniqueName(`${slug}-g3`);
      const group = uniqueName(`${slug}-g3`);
      await createTopics(gregor!.bootstrap, [topic], 6);
      const members: GroupMember[] = [];
      for (let i = 0; i < 3; i++) members.push(await join(group, topic));
      Object.assign(life, { topic, group, members });
      await settled(members, 6, [2, 2, 2]);
      const first = await produceTo(gregor!.bootstrap, topic, 6, 10, 'a');
      await consumedExactlyOnce(members, first);
      const second = await produceTo(gregor!.bootstrap, topic, 6, 10, 'b');
      await consumedExactlyOnce(members, [...first, ...second]);
      expectOwnPartitions(members);
      // What kafka-consumer-groups shows: Stable, the three members with what each was given (decoded).
      const d = await (o.describeLive ?? o.describe ?? kafkajsDescribe)(gregor!.bootstrap, group);
      expect(d.state, 'DescribeGroups state').toBe('Stable');
      expect(d.protocolType).toBe('consumer');
      expect(d.members.map((x) => x.assignment[topic] ?? []).sort()).toEqual(members.map((m) => m.assignment!).sort());
      await Promise.all(members.map((m) => m.commit()));
      life.produced = [...first, ...second];
      life.ok = 1;
    });

    it('[group-leave] when a member leaves, the other two take over its partitions; nothing consumed twice', async () => {
      if (life.ok < 1) throw new Error('needs [group-3-members]');
      const [a, b, c] = life.members!;
      const before = marks([a!, b!]);
      await c!.close();
      await settled([a!, b!], 6, [3, 3]);
      const more = await produceTo(gregor!.bootstrap, life.topic!, 6, 5, 'c');
      // Committed offsets are where the others start on c's partitions: only the new records, once.
      await consumedExactlyOnce([a!, b!], more, before);
      expectOwnPartitions([a!, b!], before);
      await Promise.all([a!.commit(), b!.commit()]);
      life.produced.push(...more);
      life.ok = 2;
    });

    it('[group-committed] a fresh member of the group resumes at the committed offsets', async () => {
      if (life.ok < 2) throw new Error('needs [group-leave]');
      await closeAll(life.members!);
      const fresh = await join(life.group!, life.topic!);
      await settled([fresh], 6, [6]);
      const more = await produceTo(gregor!.bootstrap, life.topic!, 6, 1, 'd');
      await consumedExactlyOnce([fresh], more);
      await fresh.close();
    });

    it('[group-resume-50] a member commits 50 of 100 records and closes; a new member resumes at offset 50', async () => {
      const topic = uniqueName(`${slug}-r50`);
      const group = uniqueName(`${slug}-r50`);
      await createTopics(gregor!.bootstrap, [topic], 1);
      const all = await produceTo(gregor!.bootstrap, topic, 1, 100, 'r');
      const first = await join(group, topic, { limit: 50 });
      await ended(first);
      expect(first.records.map((r) => r.offset), 'the first member took offsets 0-49').toEqual([...Array(50).keys()]);
      expect(await committedOffsets(gregor!.bootstrap, group, topic)).toEqual({ 0: 50 });
      const second = await join(group, topic);
      await until(() => second.records.length >= 50, () => `50 records for the second member, got ${second.records.length}:\n${second.log()}`);
      await sleep(300);
      expect(second.records[0]?.offset, 'first offset the new member read').toBe(50);
      expect(second.records.map((r) => r.value)).toEqual(all.slice(50));
      await second.close();
    });

    it('[group-restart] the broker restarts mid-life: membership and committed offsets recover, consumption goes on', async (ctx) => {
      if (o.skipRestart) skip(ctx, o.skipRestart);
      const dir = createTmpDir('gregor-groups-restart-');
      const port = await getFreePort();
      const args = ['--data-dir', dir.path, '--port', String(port), ...(o.brokerArgs ?? [])];
      let broker: GregorProcess | undefined = await startGregor(args);
      const members: GroupMember[] = [];
      try {
        const bootstrap = broker.bootstrap;
        const topic = uniqueName(`${slug}-rs`);
        const group = uniqueName(`${slug}-rs`);
        await createTopics(bootstrap, [topic], 4);
        for (let i = 0; i < 2; i++) members.push(await o.member(bootstrap, { group, topic, clientId: `gregor-${slug}`, protocol: o.protocol ?? 'classic' }));
        await settled(members, 4, [2, 2]);
        const before = await produceTo(bootstrap, topic, 4, 5, 'x');
        await consumedExactlyOnce(members, before);
        await Promise.all(members.map((m) => m.commit()));
        const look = o.describeLive ?? kafkajsDescribe;
        const described = await look(bootstrap, group);
        expect(described.state).toBe('Stable');
        const committed = await committedOffsets(bootstrap, group, topic);
        if (!o.commitsOnlyOnClose) expect(committed).toEqual({ 0: 5, 1: 5, 2: 5, 3: 5 });

        await broker.stop();
        broker = await startGregor(args);
        // Read back from __consumer_offsets: the same members (ids) in a live group, the same committed offsets.
        const after = await look(bootstrap, group);
        expect(after.state, 'state after the restart').toMatch(/^(Stable|PreparingRebalance|CompletingRebalance|Reconciling|Assigning)$/);
        expect(after.members.map((m) => m.memberId).sort(), 'members after the restart').toEqual(described.members.map((m) => m.memberId).sort());
        expect(await committedOffsets(bootstrap, group, topic), 'committed offsets after the restart').toEqual(committed);
        // The members reconnect and go on where they were: every new record, nothing before the restart again,
        // none by two members. A client that rejoins after losing its connection (kafkajs restarts its consumer;
        // a rejoining leader makes Kafka rebalance) resumes a partition it keeps from the committed offset, so a
        // record it took but had not committed yet may come to it again: Kafka's at-least-once across a
        // rebalance, allowed only for a member whose assignment was handed out again after the restart.
        const mark = marks(members);
        const rebalancesBefore = members.map((m) => m.history.length);
        const more = await produceTo(bootstrap, topic, 4, 5, 'y');
        await until(
          () => new Set(consumedSince(members, mark)).size >= more.length,
          () => `${more.length} records after the restart:\n${describeState(members)}`,
          30_000,
        );
        await sleep(300);
        expect([...new Set(consumedSince(members, mark))].sort(), 'every record after the restart').toEqual([...more].sort());
        members.forEach((m, i) => {
          const mine = m.records.slice(mark[i]).map((r) => r.value!);
          const others = new Set(members.flatMap((o, j) => (j === i ? [] : o.records.slice(mark[j]).map((r) => r.value!))));
          expect(mine.filter((v) => others.has(v)), `${m.label}: records another member also took`).toEqual([]);
          const again = mine.length - new Set(mine).size;
          if (again > 0) expect(m.history.length, `${m.label} re-read ${again} records without a new assignment`).toBeGreaterThan(rebalancesBefore[i]!);
        });
        await settled(members, 4, [2, 2]);
        const final = await look(bootstrap, group);
        expect(final.state).toBe('Stable');
        // The same ids unless a member came back with a new one, which Kafka allows (its restored session expired
        // before it reconnected: UNKNOWN_MEMBER_ID, then a fresh join); members that report their id say which.
        const current = members.every((m) => m.memberId !== undefined) ? members.map((m) => m.memberId!) : described.members.map((m) => m.memberId);
        expect(final.members.map((m) => m.memberId).sort(), 'members once the clients are back').toEqual(current.sort());
        await Promise.all(members.map((m) => m.commit()));
        await closeAll(members);
        expect(await committedOffsets(bootstrap, group, topic), 'committed offsets once the members closed').toEqual({ 0: 10, 1: 10, 2: 10, 3: 10 });
      } finally {
        await closeAll(members);
        await broker?.stop();
        dir.remove();
      }
    });

    if (o.protocol !== 'consumer') it('[group-describe] DescribeGroups shows CompletingRebalance, Stable, PreparingRebalance, Empty and Dead as Kafka does, assignments decoded', async (ctx) => {
      if (!o.describe) skip(ctx, o.describeSkip ?? 'no describe-groups API');
      const describeGroup = o.describe;
      const topic = uniqueName(`${slug}-ds`);
      const group = uniqueName(`${slug}-ds`);
      await createTopics(gregor!.bootstrap, [topic], 4);
      const a = await RawMember.connect(gregor!.port, group, topic);
      const b = await RawMember.connect(gregor!.port, group, topic);
      const seen: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      const look = async (step: string, expected: { state: string; members?: Record<string, Record<string, number[]>> }) => {
        const d = await describeGroup(gregor!.bootstrap, group);
        const state = d.state === 'Dead' || (d.found === false && expected.state === 'Dead') ? 'Dead' : d.state;
        seen[step] = expected.members ? { state, members: Object.fromEntries(d.members.map((m) => [m.memberId, m.assignment])) } : { state };
        want[step] = expected.members ? { state: expected.state, members: expected.members } : { state: expected.state };
      };
      try {
        await a.getMemberId();
        await a.join(); // alone: the join completes at once (group.initial.rebalance.delay.ms=0); a leads
        await look('a joined', { state: 'CompletingRebalance' });
        await a.sync({ [a.memberId]: { [topic]: [0, 1, 2, 3] } });
        await look('a synced', { state: 'Stable', members: { [a.memberId]: { [topic]: [0, 1, 2, 3] } } });
        await b.getMemberId();
        const bJoin = b.startJoin(); // waits for a to rejoin
        await sleep(200);
        await look('b joining', { state: 'PreparingRebalance' });
        expect(await a.heartbeat(), 'heartbeat during the rebalance').toBe(27); // REBALANCE_IN_PROGRESS
        await a.join();
        await bJoin.joined;
        await look('both joined', { state: 'CompletingRebalance' });
        const bSync = b.startSync();
        await a.sync({ [a.memberId]: { [topic]: [0, 1] }, [b.memberId]: { [topic]: [2, 3] } });
        await bSync;
        await look('both synced', { state: 'Stable', members: { [a.memberId]: { [topic]: [0, 1] }, [b.memberId]: { [topic]: [2, 3] } } });
        await a.leave();
        await b.leave();
        await look('both left', { state: 'Empty', members: {} });
        await deleteGroup(gregor!.port, group);
        await look('deleted', { state: 'Dead' });
      } finally {
        a.close();
        b.close();
      }
      expect(seen).toEqual(want);
    });
    o.more?.({ gregor: () => gregor!, join, slug });
  });
}

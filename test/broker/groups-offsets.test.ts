/**
 * Committed offsets and the shared group APIs against an in-process broker, over the wire with RawClient:
 * OffsetCommit v0-10, OffsetFetch v0-10 (multi-group v8+, topic ids v10), OffsetDelete, DescribeGroups,
 * ListGroups, DeleteGroups, and offsets retention.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_AUTHORIZED_OPERATIONS } from '../../src/broker/admin-common.js';
import { GroupError, type DescribedGroupEntry, type Group } from '../../src/broker/groups/types.js';
import type { RunningServer } from '../../src/broker/serve.js';
import { ApiKey, ErrorCode } from '../../src/protocol/index.js';
import { startGregor } from '../helpers/gregor-server.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { createTopic, startBroker, uniqueName } from './data-helpers.js';
import { RawClient } from './raw-client.js';

let server: RunningServer;
let c: RawClient;
let topic: { name: string; topicId: string };

beforeAll(async () => {
  server = await startBroker();
  c = await RawClient.connect(server.address.port);
  // FindCoordinator creates __consumer_offsets, as a client's first group request does.
  await c.request(ApiKey.FindCoordinator, 3, { key: 'any', keyType: 0 });
  topic = createTopic(server, 'offsets', { partitions: 3 });
});
afterAll(async () => {
  c.close();
  await server.close();
});

/** One OffsetCommit of a simple (generation -1) commit, answering the partitions' error codes. */
async function commit(
  version: number,
  groupId: string,
  partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch?: number; committedMetadata?: string | null }[],
  extra: Record<string, unknown> = {},
  t: { name: string; topicId: string } = topic,
): Promise<number[]> {
  const r = await c.request(ApiKey.OffsetCommit, version, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: t.name, topicId: t.topicId, partitions }],
    ...extra,
  });
  return r.topics.flatMap((x: any) => x.partitions.map((p: any) => p.errorCode));
}

/** OffsetFetch of one group at any version: its partitions (flattened) and its group-level error. */
async function fetchOne(version: number, groupId: string, partitions: number[] | null, t = topic): Promise<{ errorCode: number; partitions: any[] }> {
  if (version >= 8) {
    const topics = partitions === null ? null : [{ name: t.name, topicId: t.topicId, partitionIndexes: partitions }];
    const r = await c.request(ApiKey.OffsetFetch, version, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable: false });
    const g = r.groups[0];
    return { errorCode: g.errorCode, partitions: g.topics.flatMap((x: any) => x.partitions.map((p: any) => ({ ...p, topic: x.name, topicId: x.topicId }))) };
  }
  const topics = partitions === null ? null : [{ name: t.name, partitionIndexes: partitions }];
  const r = await c.request(ApiKey.OffsetFetch, version, { groupId, topics, requireStable: false });
  return { errorCode: r.errorCode, partitions: r.topics.flatMap((x: any) => x.partitions.map((p: any) => ({ ...p, topic: x.name }))) };
}

describe('OffsetCommit and OffsetFetch', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])('v%i commits and fetches back offset, metadata and (v6+/v5+) leader epoch', async (v) => {
    const group = uniqueName(`g-v${v}`);
    expect(await commit(v, group, [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, committedMetadata: `meta-${v}` }, { partitionIndex: 2, committedOffset: 7n, committedMetadata: null }])).toEqual([0, 0]);
    const fetchVersion = Math.max(1, Math.min(v, 10));
    const r = await fetchOne(fetchVersion, group, [0, 1, 2]);
    expect(r.errorCode).toBe(0);
    expect(r.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])).toEqual([
      [0, 42n, `meta-${v}`, 0],
      [1, -1n, '', 0],
      [2, 7n, '', 0],
    ]);
    if (fetchVersion >= 5) expect(r.partitions[0].committedLeaderEpoch).toBe(v >= 6 ? 3 : -1);
  });

  it('v10 names topics by id; an unknown id answers UNKNOWN_TOPIC_ID', async () => {
    const group = uniqueName('g-v10');
    const bogus = { name: '', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' };
    expect(await commit(10, group, [{ partitionIndex: 1, committedOffset: 11n, committedLeaderEpoch: 1, committedMetadata: 'x' }], {}, { name: '', topicId: topic.topicId })).toEqual([0]);
    expect(await commit(10, group, [{ partitionIndex: 0, committedOffset: 1n }], {}, bogus)).toEqual([ErrorCode.UNKNOWN_TOPIC_ID]);
    const r = await fetchOne(10, group, [1], { name: '', topicId: topic.topicId });
    expect(r.partitions).toMatchObject([{ topicId: topic.topicId, partitionIndex: 1, committedOffset: 11n, committedLeaderEpoch: 1, metadata: 'x', errorCode: 0 }]);
    const unknown = await fetchOne(10, group, [0], bogus);
    expect(unknown.partitions).toMatchObject([{ topicId: bogus.topicId, committedOffset: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }]);
    // All offsets, by id; and the same offsets seen by name at v9.
    const all = await fetchOne(10, group, null);
    expect(all.partitions.map((p) => [p.topicId, p.partitionIndex, p.committedOffset])).toEqual([[topic.topicId, 1, 11n]]);
    const byName = await fetchOne(9, group, null);
    expect(byName.partitions.map((p) => [p.topic, p.partitionIndex, p.committedOffset])).toEqual([[topic.name, 1, 11n]]);
  });

  it('an unknown topic or partition answers UNKNOWN_TOPIC_OR_PARTITION and commits nothing there', async () => {
    const group = uniqueName('g-unknown-topic');
    const r = await c.request(ApiKey.OffsetCommit, 8, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        { name: 'no-such-topic-here', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] },
        { name: topic.name, partitions: [{ partitionIndex: 9, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }, { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' }] },
      ],
    });
    expect(r.topics.map((t: any) => [t.name, t.partitions.map((p: any) => [p.partitionIndex, p.errorCode])])).toEqual([
      ['no-such-topic-here', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      [topic.name, [[9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [0, 0]]],
    ]);
    const f = await fetchOne(8, group, null);
    expect(f.partitions.map((p) => [p.topic, p.partitionIndex, p.committedOffset])).toEqual([[topic.name, 0, 5n]]);
  });

  it('metadata longer than offset.metadata.max.bytes answers OFFSET_METADATA_TOO_LARGE for that partition only', async () => {
    const group = uniqueName('g-meta');
    const errors = await commit(8, group, [
      { partitionIndex: 0, committedOffset: 1n, committedMetadata: 'm'.repeat(4097) },
      { partitionIndex: 1, committedOffset: 2n, committedMetadata: 'm'.repeat(4096) },
    ]);
    expect(errors).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
    const f = await fetchOne(8, group, [0, 1]);
    expect(f.partitions.map((p) => p.committedOffset)).toEqual([-1n, 2n]);
  });

  it('an unknown group answers -1 offsets at every version (no group error)', async () => {
    const group = uniqueName('g-none');
    for (const v of [0, 1, 2, 5, 7, 8, 9]) {
      const r = await fetchOne(v, group, [0, 1]);
      expect(r.errorCode).toBe(0);
      expect(r.partitions.map((p) => [p.committedOffset, p.errorCode])).toEqual([
        [-1n, 0],
        [-1n, 0],
      ]);
    }
    expect((await fetchOne(8, group, null)).partitions).toEqual([]);
  });

  it('a member commit to a group that does not exist: ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9', async () => {
    const group = uniqueName('g-gen');
    const p = [{ partitionIndex: 0, committedOffset: 1n }];
    expect(await commit(8, group, p, { generationIdOrMemberEpoch: 1, memberId: 'm1' })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit(1, group, p, { generationIdOrMemberEpoch: 1, memberId: 'm1' })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit(9, group, p, { generationIdOrMemberEpoch: 1, memberId: 'm1' })).toEqual([ErrorCode.GROUP_ID_NOT_FOUND]);
    expect(server.broker.groups.group(group)).toBeUndefined();
  });

  it('a simple group validates members through the classic group: UNKNOWN_MEMBER_ID for a member it lacks', async () => {
    const group = uniqueName('g-simple');
    expect(await commit(8, group, [{ partitionIndex: 0, committedOffset: 3n }])).toEqual([0]);
    const g = server.broker.groups.group(group)!;
    expect([g.type, g.stateName(), g.protocolType()]).toEqual(['classic', 'Empty', '']);
    // The group exists now: a member commit is checked against its members (none) and generation.
    expect(await commit(8, group, [{ partitionIndex: 0, committedOffset: 4n }], { generationIdOrMemberEpoch: 0, memberId: 'ghost' })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await commit(9, group, [{ partitionIndex: 0, committedOffset: 4n }], { generationIdOrMemberEpoch: 5, memberId: 'ghost' })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    // Generation -1 with a member id is still a commit from outside the group: allowed while the group is empty.
    expect(await commit(8, group, [{ partitionIndex: 0, committedOffset: 5n }], { memberId: 'whoever' })).toEqual([0]);
    expect((await fetchOne(8, group, [0])).partitions[0].committedOffset).toBe(5n);
  });

  it('a member commit goes through the classic group: ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, then accepted', async () => {
    const group = uniqueName('g-member');
    const g = server.broker.groups.classic.getOrCreate(group);
    // A member as JoinGroup/SyncGroup would leave it (the classic protocol is another component).
    g.members.set('m-1', { memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 1000, sessionTimeoutMs: 1000, protocolType: 'consumer', protocols: [], assignment: Buffer.alloc(0) });
    g.generationId = 3;
    g.protocolTypeName = 'consumer';
    g.state = 'Stable';
    const p = [{ partitionIndex: 0, committedOffset: 50n }];
    expect(await commit(8, group, p, { generationIdOrMemberEpoch: 2, memberId: 'm-1' })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit(8, group, p, { generationIdOrMemberEpoch: 3, memberId: 'm-2' })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    // Generation -1 and no member while the group has members: UNKNOWN_MEMBER_ID (only an empty group takes those).
    expect(await commit(8, group, p)).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    g.state = 'CompletingRebalance';
    expect(await commit(8, group, p, { generationIdOrMemberEpoch: 3, memberId: 'm-1' })).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    g.state = 'Stable';
    expect(await commit(8, group, p, { generationIdOrMemberEpoch: 3, memberId: 'm-1' })).toEqual([0]);
    expect((await fetchOne(8, group, [0])).partitions[0].committedOffset).toBe(50n);
    server.broker.groups.removeGroup(group);
  });

  it('v8 fetches several groups at once, each with its own answer', async () => {
    const a = uniqueName('g-multi-a');
    const b = uniqueName('g-multi-b');
    await commit(8, a, [{ partitionIndex: 0, committedOffset: 100n }]);
    await commit(8, b, [{ partitionIndex: 1, committedOffset: 200n }, { partitionIndex: 2, committedOffset: 201n }]);
    const r = await c.request(ApiKey.OffsetFetch, 8, {
      groups: [
        { groupId: a, topics: [{ name: topic.name, partitionIndexes: [0, 1] }] },
        { groupId: b, topics: null },
        { groupId: uniqueName('g-multi-none'), topics: null },
      ],
      requireStable: true,
    });
    expect(r.groups.map((g: any) => [g.groupId, g.errorCode, g.topics.flatMap((t: any) => t.partitions.map((p: any) => [t.name, p.partitionIndex, p.committedOffset]))])).toEqual([
      [a, 0, [[topic.name, 0, 100n], [topic.name, 1, -1n]]],
      [b, 0, [[topic.name, 1, 200n], [topic.name, 2, 201n]]],
      [r.groups[2].groupId, 0, []],
    ]);
  });

  it('a later commit replaces the offset; a v2 commit with a retention time keeps its own expiry', async () => {
    const group = uniqueName('g-replace');
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 1n }]);
    await commit(2, group, [{ partitionIndex: 0, committedOffset: 2n }], { retentionTimeMs: 3_600_000n });
    const o = server.broker.groups.offsets.offset(group, topic.name, 0)!;
    expect(o.committedOffset).toBe(2n);
    expect(o.expireTimestampMs! - o.commitTimestampMs).toBe(3_600_000);
  });

  it('deleting a topic deletes its committed offsets (a re-created topic starts without any)', async () => {
    const doomed = createTopic(server, 'offsets-doomed');
    const group = uniqueName('g-doomed');
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 8n }], {}, doomed);
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 9n }]);
    const d = await c.request(ApiKey.DeleteTopics, 4, { topicNames: [doomed.name], timeoutMs: 5000 });
    expect(d.responses[0].errorCode).toBe(0);
    const all = await fetchOne(8, group, null);
    expect(all.partitions.map((p) => [p.topic, p.committedOffset])).toEqual([[topic.name, 9n]]);
  });

  it('a commit from a group-less client for an empty group id is allowed, as Kafka does for compatibility', async () => {
    expect(await commit(8, '', [{ partitionIndex: 0, committedOffset: 9n }])).toEqual([0]);
    expect((await fetchOne(8, '', [0])).partitions[0].committedOffset).toBe(9n);
  });
});


/**
 * A stand-in group with members, through the Group interface only (the classic and KIP-848 protocols that make
 * real ones are other components): Stable, "consumer" protocol, subscribed to `subscribed`.
 */
function activeGroup(server: RunningServer, groupId: string, subscribed: string, type: 'classic' | 'consumer' = 'classic'): Group {
  const entry: DescribedGroupEntry = {
    errorCode: 0,
    errorMessage: null,
    groupId,
    groupState: 'Stable',
    protocolType: 'consumer',
    protocolData: 'range',
    members: [{ memberId: 'm-1', groupInstanceId: 'i-1', clientId: 'client', clientHost: '/127.0.0.1', memberMetadata: Buffer.from([1, 2]), memberAssignment: Buffer.from([3]) }],
  };
  const g: Group = {
    groupId,
    type,
    stateName: () => 'Stable',
    protocolType: () => 'consumer',
    isEmpty: () => false,
    validateOffsetCommit: () => {},
    validateOffsetFetch: () => {},
    validateOffsetDelete: () => {},
    validateDeleteGroup: () => {
      throw new GroupError(ErrorCode.NON_EMPTY_GROUP);
    },
    isSubscribedToTopic: (t) => t === subscribed,
    deletionRecords: () => [],
    describe: () => entry,
    shutdown: () => {},
  };
  server.broker.groups.groups.set(groupId, g);
  return g;
}

describe('OffsetDelete', () => {
  it('deletes committed offsets of existing partitions; unknown topics and partitions answer UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const group = uniqueName('g-odel');
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 10n }, { partitionIndex: 1, committedOffset: 11n }]);
    const r = await c.request(ApiKey.OffsetDelete, 0, {
      groupId: group,
      topics: [
        { name: topic.name, partitions: [{ partitionIndex: 0 }, { partitionIndex: 9 }, { partitionIndex: 2 }] },
        { name: 'no-such-topic-here', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(r.errorCode).toBe(0);
    expect(r.topics.map((t: any) => [t.name, t.partitions.map((p: any) => [p.partitionIndex, p.errorCode])])).toEqual([
      [topic.name, [[0, 0], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [2, 0]]],
      ['no-such-topic-here', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ]);
    expect((await fetchOne(8, group, [0, 1])).partitions.map((p) => p.committedOffset)).toEqual([-1n, 11n]);
  });

  it('group errors are top-level: GROUP_ID_NOT_FOUND for an unknown group, INVALID_GROUP_ID for an empty id', async () => {
    const unknown = await c.request(ApiKey.OffsetDelete, 0, { groupId: uniqueName('g-odel-none'), topics: [{ name: topic.name, partitions: [{ partitionIndex: 0 }] }] });
    expect([unknown.errorCode, unknown.topics]).toEqual([ErrorCode.GROUP_ID_NOT_FOUND, []]);
    const empty = await c.request(ApiKey.OffsetDelete, 0, { groupId: '', topics: [] });
    expect(empty.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('a topic the group subscribes to answers GROUP_SUBSCRIBED_TO_TOPIC and keeps its offsets', async () => {
    const other = createTopic(server, 'offsets-other');
    const group = uniqueName('g-odel-sub');
    activeGroup(server, group, topic.name);
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 5n }]);
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 6n }], {}, other);
    const r = await c.request(ApiKey.OffsetDelete, 0, {
      groupId: group,
      topics: [
        { name: topic.name, partitions: [{ partitionIndex: 0 }] },
        { name: other.name, partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(r.topics.map((t: any) => t.partitions[0].errorCode)).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0]);
    expect((await fetchOne(8, group, [0])).partitions[0].committedOffset).toBe(5n);
    expect((await fetchOne(8, group, [0], other)).partitions[0].committedOffset).toBe(-1n);
    server.broker.groups.removeGroup(group);
  });
});

describe('DescribeGroups', () => {
  it.each([0, 1, 2, 3, 4, 5, 6])('v%i describes a simple group as Empty with no members', async (v) => {
    const group = uniqueName(`g-desc-${v}`);
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 1n }]);
    const r = await c.request(ApiKey.DescribeGroups, v, { groups: [group], ...(v >= 3 ? { includeAuthorizedOperations: true } : {}) });
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]).toMatchObject({ errorCode: 0, groupId: group, groupState: 'Empty', protocolType: '', protocolData: '', members: [] });
    if (v >= 3) expect(r.groups[0].authorizedOperations).toBe(GROUP_AUTHORIZED_OPERATIONS);
  });

  it('authorized operations only when asked for', async () => {
    const group = uniqueName('g-desc-ops');
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 1n }]);
    const r = await c.request(ApiKey.DescribeGroups, 5, { groups: [group], includeAuthorizedOperations: false });
    expect(r.groups[0].authorizedOperations).toBe(-2147483648);
  });

  it('an unknown group is Dead without error before v6, GROUP_ID_NOT_FOUND with a message from v6', async () => {
    const group = uniqueName('g-desc-none');
    for (const v of [0, 3, 5]) {
      const r = await c.request(ApiKey.DescribeGroups, v, { groups: [group] });
      expect(r.groups[0]).toMatchObject({ errorCode: 0, groupId: group, groupState: 'Dead', protocolType: '', members: [] });
    }
    const r6 = await c.request(ApiKey.DescribeGroups, 6, { groups: [group], includeAuthorizedOperations: true });
    expect(r6.groups[0]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${group} not found.`, groupState: 'Dead', authorizedOperations: -2147483648 });
  });

  it('a group with members is described with them (v4+ with instance ids); a consumer group only by ConsumerGroupDescribe', async () => {
    const group = uniqueName('g-desc-active');
    activeGroup(server, group, topic.name);
    const r = await c.request(ApiKey.DescribeGroups, 4, { groups: [group], includeAuthorizedOperations: false });
    expect(r.groups[0]).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(r.groups[0].members).toMatchObject([{ memberId: 'm-1', groupInstanceId: 'i-1', clientId: 'client', memberMetadata: Buffer.from([1, 2]), memberAssignment: Buffer.from([3]) }]);
    server.broker.groups.removeGroup(group);

    const consumerGroup = uniqueName('g-desc-kip848');
    activeGroup(server, consumerGroup, topic.name, 'consumer');
    const c6 = await c.request(ApiKey.DescribeGroups, 6, { groups: [consumerGroup], includeAuthorizedOperations: false });
    expect(c6.groups[0]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${consumerGroup} is not a classic group.` });
    server.broker.groups.removeGroup(consumerGroup);
  });
});

describe('ListGroups', () => {
  it.each([0, 1, 2, 3, 4, 5])('v%i lists a simple group (v4+ with its state, v5+ with its type)', async (v) => {
    const group = uniqueName(`g-list-${v}`);
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 1n }]);
    const r = await c.request(ApiKey.ListGroups, v, { statesFilter: [], typesFilter: [] });
    expect(r.errorCode).toBe(0);
    const mine = r.groups.find((g: any) => g.groupId === group);
    expect(mine).toMatchObject({ groupId: group, protocolType: '' });
    if (v >= 4) expect(mine.groupState).toBe('Empty');
    if (v >= 5) expect(mine.groupType).toBe('classic');
  });

  it('filters by state (case-insensitive) and by type', async () => {
    const simple = uniqueName('g-filter-simple');
    const stable = uniqueName('g-filter-stable');
    const kip848 = uniqueName('g-filter-kip848');
    await commit(8, simple, [{ partitionIndex: 0, committedOffset: 1n }]);
    activeGroup(server, stable, topic.name);
    activeGroup(server, kip848, topic.name, 'consumer');
    const ids = async (statesFilter: string[], typesFilter: string[] = [], v = 5) => {
      const r = await c.request(ApiKey.ListGroups, v, { statesFilter, typesFilter });
      return r.groups.map((g: any) => g.groupId).filter((id: string) => [simple, stable, kip848].includes(id)).sort();
    };
    expect(await ids(['empty'])).toEqual([simple]);
    expect(await ids(['STABLE'])).toEqual([kip848, stable].sort());
    expect(await ids(['Stable', 'Empty'], ['Classic'])).toEqual([simple, stable].sort());
    expect(await ids([], ['consumer'])).toEqual([kip848]);
    expect(await ids([], ['share'])).toEqual([]);
    expect(await ids(['PreparingRebalance'])).toEqual([]);
    expect(await ids(['Stable'], [], 4)).toEqual([kip848, stable].sort());
    server.broker.groups.removeGroup(stable);
    server.broker.groups.removeGroup(kip848);
  });
});

describe('DeleteGroups', () => {
  it.each([0, 1, 2, 3])('v%i deletes an empty group with its offsets; unknown is GROUP_ID_NOT_FOUND, active NON_EMPTY_GROUP', async (v) => {
    const group = uniqueName(`g-del-${v}`);
    const active = uniqueName(`g-del-active-${v}`);
    const unknown = uniqueName(`g-del-none-${v}`);
    await commit(8, group, [{ partitionIndex: 0, committedOffset: 1n }, { partitionIndex: 1, committedOffset: 2n }]);
    activeGroup(server, active, topic.name);
    const r = await c.request(ApiKey.DeleteGroups, v, { groupsNames: [group, unknown, active] });
    expect(r.results.map((x: any) => [x.groupId, x.errorCode])).toEqual([
      [group, 0],
      [unknown, ErrorCode.GROUP_ID_NOT_FOUND],
      [active, ErrorCode.NON_EMPTY_GROUP],
    ]);
    if (v >= 3) expect(r.results.map((x: any) => x.errorMessage)).toEqual([null, `Group ${unknown} not found.`, 'non empty group']);
    expect(server.broker.groups.group(group)).toBeUndefined();
    expect((await fetchOne(8, group, [0, 1])).partitions.map((p) => p.committedOffset)).toEqual([-1n, -1n]);
    const again = await c.request(ApiKey.DeleteGroups, v, { groupsNames: [group] });
    expect(again.results[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    server.broker.groups.removeGroup(active);
  });
});

describe('group-level errors, each where its version puts it', () => {
  it('without __consumer_offsets every group API answers COORDINATOR_NOT_AVAILABLE', async () => {
    const fresh = await startBroker();
    const fc = await RawClient.connect(fresh.address.port);
    try {
      const t = createTopic(fresh, 'no-coordinator');
      const group = uniqueName('g-nocoord');
      const NA = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      const oc = await fc.request(ApiKey.OffsetCommit, 8, {
        groupId: group,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [
          { name: t.name, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] },
          { name: 'no-such-topic-here', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] },
        ],
      });
      // The group's error replaces every partition's, as OffsetCommitRequest.getErrorResponse does.
      expect(oc.topics.map((x: any) => x.partitions[0].errorCode)).toEqual([NA, NA]);
      // Only unknown topics: the coordinator is never asked.
      const unknownOnly = await fc.request(ApiKey.OffsetCommit, 8, {
        groupId: group,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [{ name: 'no-such-topic-here', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      });
      expect(unknownOnly.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

      const v1 = await fc.request(ApiKey.OffsetFetch, 1, { groupId: group, topics: [{ name: t.name, partitionIndexes: [0, 1] }] });
      expect(v1.topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.errorCode])).toEqual([
        [0, -1n, NA],
        [1, -1n, NA],
      ]);
      const v2 = await fc.request(ApiKey.OffsetFetch, 2, { groupId: group, topics: [{ name: t.name, partitionIndexes: [0] }] });
      expect([v2.errorCode, v2.topics]).toEqual([NA, []]);
      const v8 = await fc.request(ApiKey.OffsetFetch, 8, { groups: [{ groupId: group, topics: null }], requireStable: false });
      expect(v8.groups).toMatchObject([{ groupId: group, errorCode: NA, topics: [] }]);

      const od = await fc.request(ApiKey.OffsetDelete, 0, { groupId: group, topics: [{ name: t.name, partitions: [{ partitionIndex: 0 }] }] });
      expect([od.errorCode, od.topics]).toEqual([NA, []]);
      const dg = await fc.request(ApiKey.DescribeGroups, 6, { groups: [group], includeAuthorizedOperations: true });
      expect(dg.groups[0]).toMatchObject({ groupId: group, errorCode: NA, groupState: '', authorizedOperations: -2147483648 });
      const del = await fc.request(ApiKey.DeleteGroups, 2, { groupsNames: [group] });
      expect(del.results[0].errorCode).toBe(NA);
      const lg = await fc.request(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: [] });
      expect([lg.errorCode, lg.groups]).toEqual([0, []]);
      expect(fresh.broker.groups.group(group)).toBeUndefined();
    } finally {
      fc.close();
      await fresh.close();
    }
  });
});

describe('offsets retention', () => {
  let s: RunningServer;
  let rc: RawClient;
  let t: { name: string; topicId: string };
  beforeAll(async () => {
    s = await startBroker({ 'offsets.retention.check.interval.ms': '50', 'offsets.retention.minutes': '1' });
    rc = await RawClient.connect(s.address.port);
    await rc.request(ApiKey.FindCoordinator, 3, { key: 'any', keyType: 0 });
    t = createTopic(s, 'retention', { partitions: 2 });
  });
  afterAll(async () => {
    rc.close();
    await s.close();
  });
  const commitTo = (groupId: string, partitionIndex: number, extra: Record<string, unknown> = {}, version = 8) =>
    rc.request(ApiKey.OffsetCommit, version, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: t.name, partitions: [{ partitionIndex, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      ...extra,
    });
  const listed = async (groupId: string) => (await rc.request(ApiKey.ListGroups, 4, { statesFilter: [] })).groups.some((g: any) => g.groupId === groupId);

  it('a v2 commit with a short retention time expires on the next check; the empty simple group goes with it', async () => {
    const shortLived = uniqueName('g-expire');
    const kept = uniqueName('g-kept');
    await commitTo(shortLived, 0, { retentionTimeMs: 1n }, 2);
    await commitTo(kept, 0);
    expect(await listed(shortLived)).toBe(true);
    const deadline = Date.now() + 5000;
    while ((await listed(shortLived)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await listed(shortLived)).toBe(false);
    expect(s.broker.groups.offsets.offset(shortLived, t.name, 0)).toBeUndefined();
    // The other group's offset counts from its commit time with offsets.retention.minutes (1 minute): still there.
    expect(s.broker.groups.offsets.offset(kept, t.name, 0)?.committedOffset).toBe(5n);
    expect(await listed(kept)).toBe(true);
  });

  it('offsets.retention.minutes after the commit the offset expires (clock-independent: the cycle is run at a later time)', async () => {
    const group = uniqueName('g-minutes');
    await commitTo(group, 1);
    const committedAt = s.broker.groups.offsets.offset(group, t.name, 1)!.commitTimestampMs;
    s.broker.groups.offsets.cleanupGroupMetadata(committedAt + 59_999);
    expect(s.broker.groups.offsets.offset(group, t.name, 1)).toBeDefined();
    s.broker.groups.offsets.cleanupGroupMetadata(committedAt + 60_000);
    expect(s.broker.groups.offsets.offset(group, t.name, 1)).toBeUndefined();
    expect(s.broker.groups.group(group)).toBeUndefined();
  });

  it('a stable group keeps the offsets of topics it subscribes to, and itself', async () => {
    const other = createTopic(s, 'retention-other');
    const group = uniqueName('g-stable');
    activeGroup(s, group, t.name);
    await commitTo(group, 0);
    await rc.request(ApiKey.OffsetCommit, 8, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: other.name, partitions: [{ partitionIndex: 0, committedOffset: 9n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    });
    s.broker.groups.offsets.cleanupGroupMetadata(Date.now() + 86_400_000);
    expect(s.broker.groups.offsets.offset(group, t.name, 0)?.committedOffset).toBe(5n);
    expect(s.broker.groups.offsets.offset(group, other.name, 0)).toBeUndefined();
    expect(s.broker.groups.group(group)).toBeDefined();
    s.broker.groups.removeGroup(group);
  });
});

describe('against a real gregor serve', () => {
  it('committed offsets and deletions survive a restart (records in __consumer_offsets, replayed at start)', async () => {
    const dataDir = tmpDir();
    let g = await startGregor(['--data-dir', dataDir]);
    let rc = await RawClient.connect(g.port);
    const kept = uniqueName('g-restart');
    const deleted = uniqueName('g-restart-deleted');
    const name = uniqueName('restart');
    try {
      await rc.request(ApiKey.FindCoordinator, 3, { key: kept, keyType: 0 });
      const created = await rc.request(ApiKey.CreateTopics, 5, { topics: [{ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      expect(created.topics[0].errorCode).toBe(0);
      const commitOne = (groupId: string, partitionIndex: number, offset: bigint, metadata: string) =>
        rc.request(ApiKey.OffsetCommit, 8, {
          groupId,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          topics: [{ name, partitions: [{ partitionIndex, committedOffset: offset, committedLeaderEpoch: 4, committedMetadata: metadata }] }],
        });
      await commitOne(kept, 0, 10n, 'first');
      await commitOne(kept, 0, 12n, 'second');
      await commitOne(kept, 1, 20n, 'other');
      await commitOne(deleted, 0, 30n, 'gone');
      const del = await rc.request(ApiKey.OffsetDelete, 0, { groupId: kept, topics: [{ name, partitions: [{ partitionIndex: 1 }] }] });
      expect(del.topics[0].partitions[0].errorCode).toBe(0);
      expect((await rc.request(ApiKey.DeleteGroups, 2, { groupsNames: [deleted] })).results[0].errorCode).toBe(0);
    } finally {
      rc.close();
      expect(await g.stop()).toBe(0);
    }

    g = await startGregor(['--data-dir', dataDir]);
    rc = await RawClient.connect(g.port);
    try {
      const r = await rc.request(ApiKey.OffsetFetch, 8, {
        groups: [
          { groupId: kept, topics: null },
          { groupId: deleted, topics: [{ name, partitionIndexes: [0] }] },
        ],
        requireStable: false,
      });
      expect(r.groups[0].topics.flatMap((x: any) => x.partitions.map((p: any) => [x.name, p.partitionIndex, p.committedOffset, p.committedLeaderEpoch, p.metadata]))).toEqual([[name, 0, 12n, 4, 'second']]);
      expect(r.groups[1].topics[0].partitions[0].committedOffset).toBe(-1n);
      const groups = (await rc.request(ApiKey.ListGroups, 4, { statesFilter: [] })).groups.map((x: any) => x.groupId);
      expect(groups).toContain(kept);
      expect(groups).not.toContain(deleted);
    } finally {
      rc.close();
      await g.stop();
    }
  });

  it('kafkajs admin: fetchOffsets, listGroups, describeGroups, deleteGroups', async () => {
    const g = await startGregor();
    const kafka = new Kafka({ clientId: 'offsets-test', brokers: [g.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const admin = kafka.admin();
    const rc = await RawClient.connect(g.port);
    try {
      await admin.connect();
      const name = uniqueName('kjs-offsets');
      const group = uniqueName('kjs-group');
      expect(await admin.createTopics({ topics: [{ topic: name, numPartitions: 2 }] })).toBe(true);
      // Nothing committed yet: kafkajs shows -1 for every partition.
      expect(await admin.fetchOffsets({ groupId: group, topics: [name] })).toEqual([
        { topic: name, partitions: expect.arrayContaining([expect.objectContaining({ partition: 0, offset: '-1' }), expect.objectContaining({ partition: 1, offset: '-1' })]) },
      ]);
      await rc.request(ApiKey.FindCoordinator, 3, { key: group, keyType: 0 });
      await rc.request(ApiKey.OffsetCommit, 8, {
        groupId: group,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [{ name, partitions: [{ partitionIndex: 1, committedOffset: 33n, committedLeaderEpoch: -1, committedMetadata: 'kjs' }] }],
      });
      const fetched = await admin.fetchOffsets({ groupId: group, topics: [name] });
      expect(fetched[0]!.partitions.sort((a, b) => a.partition - b.partition)).toEqual([
        // kafkajs shows Kafka's empty metadata of an uncommitted partition as null.
        { partition: 0, offset: '-1', metadata: null },
        { partition: 1, offset: '33', metadata: 'kjs' },
      ]);
      const listedGroups = await admin.listGroups();
      expect(listedGroups.groups).toContainEqual({ groupId: group, protocolType: '' });
      const described = await admin.describeGroups([group]);
      expect(described.groups[0]).toMatchObject({ groupId: group, state: 'Empty', protocolType: '', members: [], errorCode: 0 });
      await admin.deleteGroups([group]);
      expect((await admin.listGroups()).groups.map((x) => x.groupId)).not.toContain(group);
      const after = await admin.fetchOffsets({ groupId: group, topics: [name] });
      expect(after[0]!.partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
      await expect(admin.deleteGroups([uniqueName('kjs-none')])).rejects.toThrow();
    } finally {
      rc.close();
      await admin.disconnect();
      await g.stop();
    }
  });
});

/**
 * Committed offsets and the shared group APIs against an in-process broker, over the wire with RawClient:
 * OffsetCommit v0-10, OffsetFetch v0-10 (multi-group v8+, topic ids v10), OffsetDelete, DescribeGroups,
 * ListGroups, DeleteGroups, and offsets retention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { ApiKey, ErrorCode } from '../../src/protocol/index.js';
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

  it('a commit from a group-less client for an empty group id is allowed, as Kafka does for compatibility', async () => {
    expect(await commit(8, '', [{ partitionIndex: 0, committedOffset: 9n }])).toEqual([0]);
    expect((await fetchOne(8, '', [0])).partitions[0].committedOffset).toBe(9n);
  });
});


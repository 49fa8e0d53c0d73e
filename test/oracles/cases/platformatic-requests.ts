// Requests encoded by @platformatic/kafka (createRequest of dist/apis/<group>/<api>-v<N>.js), with what OUR
// decoder must read back. Argument lists follow each createRequest signature; `ours` is in Kafka field names
// (lowerCamelCase), a superset over versions (the test projects it onto version v and requires every field of v).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { expect } from 'vitest';
import * as plt from '../platformatic.js';
import * as kjs from '../kafkajs.js';
import type { RequestCase } from './types.js';
import {
  TOPIC, TOPIC2, GROUP, MEMBER, INSTANCE, TXN, TOPIC_ID, TOPIC_ID_HEX, TOPIC2_ID, TOPIC2_ID_HEX, DIR_ID, DIR_ID_HEX,
  ZERO_UUID, TS,
} from '../fixtures.js';

const b = (s: string) => Buffer.from(s, 'utf8');

// ---- Produce (0) ----------------------------------------------------------------------------------------------
// createRequest(acks, timeout, messages[], options): groups messages by topic then partition and builds ONE
// record batch per partition with createRecordsBatch(messages, options). We build the same batches with the
// library's own createRecordsBatch (fixed timestamps make them deterministic) as the expected `records` bytes,
// and decode the blob our decoder returns with BOTH libraries' record-batch decoders.
const produceMessages = () => [
  { topic: TOPIC, partition: 0, key: b('k-ü'), value: b('v-日本'), timestamp: TS, headers: new Map([[b('h1'), b('x')]]) },
  { topic: TOPIC, partition: 0, key: undefined, value: b('second'), timestamp: TS + 5n },
  { topic: TOPIC, partition: 3, key: b('p3'), value: b(''), timestamp: TS + 1n },
  { topic: TOPIC2, partition: 1, key: b('a'), value: b('🚀'.repeat(50)), timestamp: TS + 2n },
];
// compression 'lz4' (sync, wasm) — NOT 'gzip': platformatic's Produce api switches to createRequestAsync for gzip,
// whose gzipAsync uses Promise.withResolvers (Node >= 22) and fails on Node 20; zstd needs zlib zstd (Node >= 22.15).
const produceOptions = (txn: boolean, compression?: string) => ({
  ...(txn ? { transactionalId: TXN, producerId: 77n, producerEpoch: 3, partitionLeaderEpoch: 0 } : { producerId: -1n, producerEpoch: 0 }),
  ...(compression ? { compression } : {}),
});
function produceBatches(txn: boolean, compression?: string) {
  const m = produceMessages();
  const o = produceOptions(txn, compression);
  return {
    t1p0: plt.recordBatch([m[0]!, m[1]!], o),
    t1p3: plt.recordBatch([m[2]!], o),
    t2p1: plt.recordBatch([m[3]!], o),
  };
}
async function checkProduceRecords(decoded: any) {
  const parts = decoded.topicData.flatMap((t: any) => t.partitionData);
  const all = parts.map((p: any) => p.records as Buffer);
  // platformatic's own reader
  const pb = all.flatMap((r: Buffer) => plt.decodeRecordBatches(r));
  expect(pb.map((x: any) => x.records.map((r: any) => r.value?.toString()))).toEqual([['v-日本', 'second'], [''], ['🚀'.repeat(50)]]);
  // kafkajs's reader (real cross-library interop on the same bytes)
  const kb = (await Promise.all(all.map((r: Buffer) => kjs.decodeRecordBatches(r)))).flat();
  expect(kb.map((x: any) => x.records.map((r: any) => r.value?.toString()))).toEqual([['v-日本', 'second'], [''], ['🚀'.repeat(50)]]);
  expect(kb[0].records[0].key.toString()).toBe('k-ü');
  expect(kb[0].records[0].headers).toEqual({ h1: b('x') });
}
const produce = (txn: boolean, compression?: string): RequestCase => ({
  apiKey: 0,
  label: (txn ? 'transactional' : 'idempotent-less') + (compression ? ` ${compression}` : ''),
  args: () => [txn ? -1 : 1, 30_000, produceMessages(), produceOptions(txn, compression)],
  ours: () => {
    const bt = produceBatches(txn, compression);
    return {
      transactionalId: txn ? TXN : null,
      acks: txn ? -1 : 1,
      timeoutMs: 30_000,
      topicData: [
        { name: TOPIC, partitionData: [{ index: 0, records: bt.t1p0 }, { index: 3, records: bt.t1p3 }] },
        { name: TOPIC2, partitionData: [{ index: 1, records: bt.t2p1 }] },
      ],
    };
  },
  check: compression ? checkCompressedProduceRecords : checkProduceRecords,
});
// lz4 batches: kafkajs has no built-in lz4 codec, so only platformatic decodes them (attributes bits 0-2 = 3).
function checkCompressedProduceRecords(decoded: any) {
  const parts = decoded.topicData.flatMap((t: any) => t.partitionData);
  const pb = parts.flatMap((p: any) => plt.decodeRecordBatches(p.records));
  expect(pb.map((x: any) => x.attributes & 7)).toEqual([3, 3, 3]);
  expect(pb.map((x: any) => x.records.map((r: any) => r.value?.toString()))).toEqual([['v-日本', 'second'], [''], ['🚀'.repeat(50)]]);
}

// ---- Fetch (1) ------------------------------------------------------------------------------------------------
// createRequest(maxWaitMs, minBytes, maxBytes, isolationLevel, sessionId, sessionEpoch, topics, forgotten, rackId)
// topics[].topicId is the topic NAME before v13 and a hex uuid from v13. The library always writes ReplicaId -1
// (v<=14) and LogStartOffset -1 (v5+, a consumer's value); ReplicaDirectoryId (v17, tag 0) only when given.
const fetchCase: RequestCase = {
  apiKey: 1,
  args: (v) => [
    500, 1, 52_428_800, 1, 123456, 7,
    [
      { topicId: v >= 13 ? TOPIC_ID_HEX : TOPIC, partitions: [
        { partition: 0, currentLeaderEpoch: 4, fetchOffset: 9_007_199_254_740_993n, lastFetchedEpoch: 3, partitionMaxBytes: 1_048_576, replicaDirectoryId: DIR_ID_HEX },
        { partition: 5, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 65_536 },
      ] },
    ],
    [{ topicId: v >= 13 ? TOPIC2_ID_HEX : TOPIC2, partitions: [2, 7] }],
    'rack-🚀',
  ],
  ours: (v) => ({
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52_428_800,
    isolationLevel: 1,
    sessionId: 123456,
    sessionEpoch: 7,
    topics: [{
      topic: TOPIC,
      topicId: TOPIC_ID,
      partitions: [
        { partition: 0, currentLeaderEpoch: 4, fetchOffset: 9_007_199_254_740_993n, lastFetchedEpoch: 3, logStartOffset: -1n, partitionMaxBytes: 1_048_576, replicaDirectoryId: DIR_ID, highWatermark: 9223372036854775807n },
        { partition: 5, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 65_536, replicaDirectoryId: ZERO_UUID, highWatermark: 9223372036854775807n },
      ],
    }],
    forgottenTopicsData: [{ topic: TOPIC2, topicId: TOPIC2_ID, partitions: [2, 7] }],
    rackId: 'rack-🚀',
  }),
};

// ---- ListOffsets (2) ------------------------------------------------------------------------------------------
// createRequest(replicaId, isolationLevel, topics); v0 writes MaxNumOffsets = 1.
const listOffsets: RequestCase = {
  apiKey: 2,
  args: () => [-1, 1, [
    { name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: 2, timestamp: -1n }, { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: TS }] },
    { name: TOPIC2, partitions: [{ partitionIndex: 9, currentLeaderEpoch: 0, timestamp: -2n }] },
  ]],
  ours: () => ({
    replicaId: -1,
    isolationLevel: 1,
    topics: [
      { name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: 2, timestamp: -1n, maxNumOffsets: 1 }, { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: TS, maxNumOffsets: 1 }] },
      { name: TOPIC2, partitions: [{ partitionIndex: 9, currentLeaderEpoch: 0, timestamp: -2n, maxNumOffsets: 1 }] },
    ],
  }),
};

// ---- Metadata (3) ---------------------------------------------------------------------------------------------
// createRequest(topics, allowAutoTopicCreation, includeTopicAuthorizedOperations, includeClusterAuthorizedOperations)
// topics may be strings or { name, topicId }; v10/v11 always write a zero uuid, v12 writes topicId when given.
const metadata: RequestCase = {
  apiKey: 3,
  args: () => [[TOPIC, { name: TOPIC2, topicId: TOPIC2_ID_HEX }], false, true, true],
  ours: (v) => ({
    topics: [{ topicId: ZERO_UUID, name: TOPIC }, { topicId: v >= 12 ? TOPIC2_ID : ZERO_UUID, name: TOPIC2 }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: true,
    includeTopicAuthorizedOperations: true,
  }),
};
const metadataAll: RequestCase = {
  apiKey: 3,
  label: 'all topics (null array)',
  versions: (v) => v >= 1,
  args: () => [null, true, false, false],
  ours: () => ({ topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
};

// ---- OffsetCommit (8) -----------------------------------------------------------------------------------------
// createRequest(groupId, generationIdOrMemberEpoch, memberId, groupInstanceId, topics)
// The library writes CommitTimestamp -1 (v1) and RetentionTimeMs -1 (v2-4).
const offsetCommit: RequestCase = {
  apiKey: 8,
  args: () => [GROUP, 42, MEMBER, INSTANCE, [
    { name: TOPIC, partitions: [
      { partitionIndex: 0, committedOffset: 1234567890123n, committedLeaderEpoch: 5, committedMetadata: 'meta-ü' },
      { partitionIndex: 1, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null },
    ] },
  ]],
  ours: () => ({
    groupId: GROUP,
    generationIdOrMemberEpoch: 42,
    memberId: MEMBER,
    groupInstanceId: INSTANCE,
    retentionTimeMs: -1n,
    topics: [{ name: TOPIC, partitions: [
      { partitionIndex: 0, committedOffset: 1234567890123n, committedLeaderEpoch: 5, commitTimestamp: -1n, committedMetadata: 'meta-ü' },
      { partitionIndex: 1, committedOffset: 0n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null },
    ] }],
  }),
};

// ---- OffsetFetch (9) ------------------------------------------------------------------------------------------
// createRequest(groups, requireStable); before v8 only groups[0] is sent (GroupId + Topics).
const offsetFetch: RequestCase = {
  apiKey: 9,
  args: () => [[{ groupId: GROUP, memberId: MEMBER, memberEpoch: 12, topics: [{ name: TOPIC, partitionIndexes: [0, 3, 2147483647] }, { name: TOPIC2, partitionIndexes: [] }] }], true],
  ours: () => ({
    groupId: GROUP,
    topics: [{ name: TOPIC, partitionIndexes: [0, 3, 2147483647] }, { name: TOPIC2, partitionIndexes: [] }],
    groups: [{ groupId: GROUP, memberId: MEMBER, memberEpoch: 12, topics: [{ name: TOPIC, partitionIndexes: [0, 3, 2147483647] }, { name: TOPIC2, partitionIndexes: [] }] }],
    requireStable: true,
  }),
};
const offsetFetchAll: RequestCase = {
  apiKey: 9,
  label: 'all topics (null array)',
  versions: (v) => v >= 2,
  args: () => [[{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: null }], false],
  ours: () => ({ groupId: GROUP, topics: null, groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: null }], requireStable: false }),
};

// ---- FindCoordinator (10) -------------------------------------------------------------------------------------
const findCoordinator: RequestCase = {
  apiKey: 10,
  args: () => [1, [TXN, GROUP]],
  ours: (v) => ({ key: TXN, keyType: 1, coordinatorKeys: v >= 4 ? [TXN, GROUP] : undefined }),
};

// ---- JoinGroup (11) -------------------------------------------------------------------------------------------
const joinGroup: RequestCase = {
  apiKey: 11,
  args: () => [GROUP, 45_000, 300_000, MEMBER, INSTANCE, 'consumer', [
    { name: 'cooperative-sticky', metadata: Buffer.from([0, 3, 0, 0, 0, 1, 0, 1, 0x41, 0xff, 0xff, 0xff, 0xff]) },
    { name: 'range', metadata: Buffer.alloc(0) },
  ], 'rebalance: ünïcode reason'],
  ours: () => ({
    groupId: GROUP,
    sessionTimeoutMs: 45_000,
    rebalanceTimeoutMs: 300_000,
    memberId: MEMBER,
    groupInstanceId: INSTANCE,
    protocolType: 'consumer',
    protocols: [
      { name: 'cooperative-sticky', metadata: Buffer.from([0, 3, 0, 0, 0, 1, 0, 1, 0x41, 0xff, 0xff, 0xff, 0xff]) },
      { name: 'range', metadata: Buffer.alloc(0) },
    ],
    reason: 'rebalance: ünïcode reason',
  }),
};
const joinGroupNulls: RequestCase = {
  apiKey: 11,
  label: 'empty member id, null instance id and reason',
  args: () => [GROUP, 10_000, 10_000, '', null, 'consumer', [{ name: 'range', metadata: b('m') }], null],
  ours: () => ({
    groupId: GROUP, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: b('m') }], reason: null,
  }),
};

// ---- Heartbeat (12) -------------------------------------------------------------------------------------------
const heartbeat: RequestCase = {
  apiKey: 12,
  args: () => [GROUP, 2147483647, MEMBER, INSTANCE],
  ours: () => ({ groupId: GROUP, generationId: 2147483647, memberId: MEMBER, groupInstanceId: INSTANCE }),
};

// ---- LeaveGroup (13) ------------------------------------------------------------------------------------------
// createRequest(groupId, members); v0-2 send members[0].memberId only.
const leaveGroup: RequestCase = {
  apiKey: 13,
  args: () => [GROUP, [{ memberId: MEMBER, groupInstanceId: INSTANCE, reason: 'bye 👋' }, { memberId: 'm2', groupInstanceId: null, reason: null }]],
  ours: () => ({
    groupId: GROUP,
    memberId: MEMBER,
    members: [{ memberId: MEMBER, groupInstanceId: INSTANCE, reason: 'bye 👋' }, { memberId: 'm2', groupInstanceId: null, reason: null }],
  }),
};

// ---- SyncGroup (14) -------------------------------------------------------------------------------------------
const syncGroup: RequestCase = {
  apiKey: 14,
  args: () => [GROUP, 9, MEMBER, INSTANCE, 'consumer', 'range', [
    { memberId: MEMBER, assignment: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, 0x74, 0x6f, 0x70, 0x69, 0x63, 0x41]) },
    { memberId: 'other', assignment: Buffer.alloc(0) },
  ]],
  ours: () => ({
    groupId: GROUP, generationId: 9, memberId: MEMBER, groupInstanceId: INSTANCE, protocolType: 'consumer', protocolName: 'range',
    assignments: [
      { memberId: MEMBER, assignment: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, 0x74, 0x6f, 0x70, 0x69, 0x63, 0x41]) },
      { memberId: 'other', assignment: Buffer.alloc(0) },
    ],
  }),
};

// ---- DescribeGroups (15) / ListGroups (16) ----------------------------------------------------------------------
const describeGroups: RequestCase = {
  apiKey: 15,
  args: () => [[GROUP, 'g2', ''], true],
  ours: () => ({ groups: [GROUP, 'g2', ''], includeAuthorizedOperations: true }),
};
// listGroups normalises STABLE → Stable etc.
const listGroups: RequestCase = {
  apiKey: 16,
  args: () => [['STABLE', 'Empty'], ['consumer', 'classic']],
  ours: () => ({ statesFilter: ['Stable', 'Empty'], typesFilter: ['consumer', 'classic'] }),
};

// ---- SaslHandshake (17) / ApiVersions (18) -----------------------------------------------------------------------
const saslHandshake: RequestCase = { apiKey: 17, args: () => ['SCRAM-SHA-512'], ours: () => ({ mechanism: 'SCRAM-SHA-512' }) };
const apiVersions: RequestCase = {
  apiKey: 18,
  args: () => ['gregor-oracle', '1.2.3-ü'],
  ours: () => ({ clientSoftwareName: 'gregor-oracle', clientSoftwareVersion: '1.2.3-ü' }),
};

// ---- CreateTopics (19) / DeleteTopics (20) / DeleteRecords (21) --------------------------------------------------
const createTopics: RequestCase = {
  apiKey: 19,
  args: () => [[
    { name: TOPIC, numPartitions: 6, replicationFactor: 3, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: null }] },
    { name: TOPIC2, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }, { partitionIndex: 1, brokerIds: [2, 3] }], configs: [] },
  ], 30_000, true],
  ours: () => ({
    topics: [
      { name: TOPIC, numPartitions: 6, replicationFactor: 3, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: null }] },
      { name: TOPIC2, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }, { partitionIndex: 1, brokerIds: [2, 3] }], configs: [] },
    ],
    timeoutMs: 30_000,
    validateOnly: true,
  }),
};
// createRequest(topics, timeoutMs): v0-5 TopicNames from topics[].name; v6 Topics { name, topicId }.
const deleteTopics: RequestCase = {
  apiKey: 20,
  args: () => [[{ name: TOPIC, topicId: TOPIC_ID_HEX }, { name: TOPIC2 }], 15_000],
  ours: () => ({
    topicNames: [TOPIC, TOPIC2],
    topics: [{ name: TOPIC, topicId: TOPIC_ID }, { name: TOPIC2, topicId: ZERO_UUID }],
    timeoutMs: 15_000,
  }),
};
const deleteRecords: RequestCase = {
  apiKey: 21,
  args: () => [[{ name: TOPIC, partitions: [{ partitionIndex: 0, offset: 100n }, { partitionIndex: 2, offset: -1n }] }], 5000],
  ours: () => ({ topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, offset: 100n }, { partitionIndex: 2, offset: -1n }] }], timeoutMs: 5000 }),
};

// ---- InitProducerId (22) / OffsetForLeaderEpoch (23) ------------------------------------------------------------
const initProducerId: RequestCase = {
  apiKey: 22,
  args: () => [TXN, 60_000, 4242n, 7],
  ours: () => ({ transactionalId: TXN, transactionTimeoutMs: 60_000, producerId: 4242n, producerEpoch: 7 }),
};
const initProducerIdNull: RequestCase = {
  apiKey: 22,
  label: 'null transactional id, no producer id',
  args: () => [null, 2147483647],
  ours: () => ({ transactionalId: null, transactionTimeoutMs: 2147483647, producerId: -1n, producerEpoch: -1 }),
};
// createRequest(replicaId, topics) — library names topics[].name / partitions[].partitionIndex map to Kafka's
// Topic / Partition. v0-2 have no ReplicaId.
const offsetForLeaderEpoch: RequestCase = {
  apiKey: 23,
  args: () => [-1, [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: 5, leaderEpoch: 4 }, { partitionIndex: 1, currentLeaderEpoch: -1, leaderEpoch: 0 }] }]],
  ours: () => ({ replicaId: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: 5, leaderEpoch: 4 }, { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }),
};

// ---- transactions: AddPartitionsToTxn (24), AddOffsetsToTxn (25), EndTxn (26), TxnOffsetCommit (28) ----------------
// AddPartitionsToTxn v0-3 send transactions[0] as the V3AndBelow* fields; v4+ the Transactions array.
const addPartitionsToTxn: RequestCase = {
  apiKey: 24,
  args: () => [[
    { transactionalId: TXN, producerId: 9_007_199_254_740_993n, producerEpoch: 2, verifyOnly: false, topics: [{ name: TOPIC, partitions: [0, 1, 2] }, { name: TOPIC2, partitions: [] }] },
    { transactionalId: 'txn-2', producerId: 5n, producerEpoch: 0, verifyOnly: true, topics: [{ name: TOPIC2, partitions: [4] }] },
  ]],
  ours: () => ({
    v3AndBelowTransactionalId: TXN,
    v3AndBelowProducerId: 9_007_199_254_740_993n,
    v3AndBelowProducerEpoch: 2,
    v3AndBelowTopics: [{ name: TOPIC, partitions: [0, 1, 2] }, { name: TOPIC2, partitions: [] }],
    transactions: [
      { transactionalId: TXN, producerId: 9_007_199_254_740_993n, producerEpoch: 2, verifyOnly: false, topics: [{ name: TOPIC, partitions: [0, 1, 2] }, { name: TOPIC2, partitions: [] }] },
      { transactionalId: 'txn-2', producerId: 5n, producerEpoch: 0, verifyOnly: true, topics: [{ name: TOPIC2, partitions: [4] }] },
    ],
  }),
};
const addOffsetsToTxn: RequestCase = {
  apiKey: 25,
  args: () => [TXN, 123n, 4, GROUP],
  ours: () => ({ transactionalId: TXN, producerId: 123n, producerEpoch: 4, groupId: GROUP }),
};
const endTxn: RequestCase = {
  apiKey: 26,
  args: () => [TXN, -9_007_199_254_740_993n, 32767, true],
  ours: () => ({ transactionalId: TXN, producerId: -9_007_199_254_740_993n, producerEpoch: 32767, committed: true }),
};
const txnOffsetCommit: RequestCase = {
  apiKey: 28,
  args: () => [TXN, GROUP, 77n, 3, 8, MEMBER, INSTANCE, [
    { name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 55n, committedLeaderEpoch: 2, committedMetadata: 'md' }, { partitionIndex: 4, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] },
  ]],
  ours: () => ({
    transactionalId: TXN, groupId: GROUP, producerId: 77n, producerEpoch: 3, generationIdOrMemberEpoch: 8, memberId: MEMBER, groupInstanceId: INSTANCE,
    topics: [{ name: TOPIC, partitions: [
      { partitionIndex: 0, committedOffset: 55n, committedLeaderEpoch: 2, committedMetadata: 'md' },
      { partitionIndex: 4, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null },
    ] }],
  }),
};

// ---- ACLs: DescribeAcls (29), CreateAcls (30), DeleteAcls (31) --------------------------------------------------
// library names resourceType/resourceName/resourcePatternType/principal/host for the *Filter fields.
const aclFilter = { resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: 'User:alice', host: null, operation: 3, permissionType: 3 };
const describeAcls: RequestCase = {
  apiKey: 29,
  args: () => [{ ...aclFilter, resourceName: null, principal: 'User:ünï' }],
  ours: () => ({ resourceTypeFilter: 2, resourceNameFilter: null, patternTypeFilter: 3, principalFilter: 'User:ünï', hostFilter: null, operation: 3, permissionType: 3 }),
};
const createAcls: RequestCase = {
  apiKey: 30,
  args: () => [[
    { resourceType: 2, resourceName: TOPIC, resourcePatternType: 4, principal: 'User:alice', host: '*', operation: 2, permissionType: 3 },
    { resourceType: 3, resourceName: GROUP, resourcePatternType: 3, principal: 'User:bob', host: '10.0.0.1', operation: 4, permissionType: 2 },
  ]],
  ours: () => ({ creations: [
    { resourceType: 2, resourceName: TOPIC, resourcePatternType: 4, principal: 'User:alice', host: '*', operation: 2, permissionType: 3 },
    { resourceType: 3, resourceName: GROUP, resourcePatternType: 3, principal: 'User:bob', host: '10.0.0.1', operation: 4, permissionType: 2 },
  ] }),
};
const deleteAcls: RequestCase = {
  apiKey: 31,
  args: () => [[aclFilter, { resourceType: 1, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1 }]],
  ours: () => ({ filters: [
    { resourceTypeFilter: 2, resourceNameFilter: TOPIC, patternTypeFilter: 3, principalFilter: 'User:alice', hostFilter: null, operation: 3, permissionType: 3 },
    { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 },
  ] }),
};

// ---- configs: DescribeConfigs (32), AlterConfigs (33), IncrementalAlterConfigs (44) ----------------------------
const describeConfigs: RequestCase = {
  apiKey: 32,
  args: () => [[{ resourceType: 2, resourceName: TOPIC, configurationKeys: ['retention.ms', 'cleanup.policy'] }, { resourceType: 4, resourceName: '1', configurationKeys: null }], true, true],
  ours: () => ({
    resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: ['retention.ms', 'cleanup.policy'] }, { resourceType: 4, resourceName: '1', configurationKeys: null }],
    includeSynonyms: true,
    includeDocumentation: true,
  }),
};
const alterConfigs: RequestCase = {
  apiKey: 33,
  args: () => [[{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', value: '86400000' }, { name: 'min.insync.replicas', value: null }] }], true],
  ours: () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', value: '86400000' }, { name: 'min.insync.replicas', value: null }] }], validateOnly: true }),
};
const incrementalAlterConfigs: RequestCase = {
  apiKey: 44,
  args: () => [[{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }, { name: 'cleanup.policy', configOperation: 1, value: null }] }], false],
  ours: () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }, { name: 'cleanup.policy', configOperation: 1, value: null }] }], validateOnly: false }),
};

// ---- log dirs: AlterReplicaLogDirs (34), DescribeLogDirs (35) ------------------------------------------------------
const alterReplicaLogDirs: RequestCase = {
  apiKey: 34,
  args: () => [[{ path: '/var/lib/kafka/dïr-1', topics: [{ name: TOPIC, partitions: [0, 1] }] }]],
  ours: () => ({ dirs: [{ path: '/var/lib/kafka/dïr-1', topics: [{ name: TOPIC, partitions: [0, 1] }] }] }),
};
const describeLogDirs: RequestCase = {
  apiKey: 35,
  args: () => [[{ name: TOPIC, partitions: [0, 7] }]],
  ours: () => ({ topics: [{ topic: TOPIC, partitions: [0, 7] }] }),
};
const describeLogDirsAll: RequestCase = { apiKey: 35, label: 'all (null)', args: () => [null], ours: () => ({ topics: null }) };

// ---- SaslAuthenticate (36), CreatePartitions (37) -----------------------------------------------------------------
const saslAuthenticate: RequestCase = {
  apiKey: 36,
  args: () => [Buffer.from('\u0000alice\u0000s3cr3t-ü', 'utf8')],
  ours: () => ({ authBytes: Buffer.from('\u0000alice\u0000s3cr3t-ü', 'utf8') }),
};
const createPartitions: RequestCase = {
  apiKey: 37,
  args: () => [[{ name: TOPIC, count: 8, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [3] }] }, { name: TOPIC2, count: 3, assignments: null }], 10_000, true],
  ours: () => ({ topics: [{ name: TOPIC, count: 8, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [3] }] }, { name: TOPIC2, count: 3, assignments: null }], timeoutMs: 10_000, validateOnly: true }),
};

// ---- delegation tokens (38-41) ---------------------------------------------------------------------------------
const createDelegationToken: RequestCase = {
  apiKey: 38,
  args: () => ['User', 'owner-ü', [{ principalType: 'User', principalName: 'renewer-1' }], 86_400_000n],
  ours: () => ({ ownerPrincipalType: 'User', ownerPrincipalName: 'owner-ü', renewers: [{ principalType: 'User', principalName: 'renewer-1' }], maxLifetimeMs: 86_400_000n }),
};
const renewDelegationToken: RequestCase = {
  apiKey: 39,
  args: () => [Buffer.from([1, 2, 3, 0xff]), 3_600_000n],
  ours: () => ({ hmac: Buffer.from([1, 2, 3, 0xff]), renewPeriodMs: 3_600_000n }),
};
const expireDelegationToken: RequestCase = {
  apiKey: 40,
  args: () => [Buffer.from([9, 8, 7]), -1n],
  ours: () => ({ hmac: Buffer.from([9, 8, 7]), expiryTimePeriodMs: -1n }),
};
const describeDelegationToken: RequestCase = {
  apiKey: 41,
  args: () => [[{ principalType: 'User', principalName: 'alice' }, { principalType: 'Group', principalName: 'ops-ü' }]],
  ours: () => ({ owners: [{ principalType: 'User', principalName: 'alice' }, { principalType: 'Group', principalName: 'ops-ü' }] }),
};
const describeDelegationTokenAll: RequestCase = { apiKey: 41, label: 'all owners (null)', args: () => [null], ours: () => ({ owners: null }) };

// ---- DeleteGroups (42), AlterPartitionReassignments (45), ListPartitionReassignments (46), OffsetDelete (47) -------
const deleteGroups: RequestCase = { apiKey: 42, args: () => [[GROUP, 'g-2']], ours: () => ({ groupsNames: [GROUP, 'g-2'] }) };
const alterPartitionReassignments: RequestCase = {
  apiKey: 45,
  args: () => [45_000, false, [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [1, 2, 3] }, { partitionIndex: 1, replicas: null }] }]],
  ours: () => ({ timeoutMs: 45_000, allowReplicationFactorChange: false, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [1, 2, 3] }, { partitionIndex: 1, replicas: null }] }] }),
};
const listPartitionReassignments: RequestCase = {
  apiKey: 46,
  args: () => [20_000, [{ name: TOPIC, partitionIndexes: [0, 1, 2] }]],
  ours: () => ({ timeoutMs: 20_000, topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2] }] }),
};
const listPartitionReassignmentsAll: RequestCase = { apiKey: 46, label: 'all (null)', args: () => [20_000, null], ours: () => ({ timeoutMs: 20_000, topics: null }) };
const offsetDelete: RequestCase = {
  apiKey: 47,
  args: () => [GROUP, [{ name: TOPIC, partitions: [{ partitionIndex: 0 }, { partitionIndex: 9 }] }]],
  ours: () => ({ groupId: GROUP, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }, { partitionIndex: 9 }] }] }),
};

// ---- quotas and SCRAM (48-51) -----------------------------------------------------------------------------------
const describeClientQuotas: RequestCase = {
  apiKey: 48,
  args: () => [[{ entityType: 'user', matchType: 0, match: 'alice' }, { entityType: 'client-id', matchType: 2 }], true],
  ours: () => ({ components: [{ entityType: 'user', matchType: 0, match: 'alice' }, { entityType: 'client-id', matchType: 2, match: null }], strict: true }),
};
const alterClientQuotas: RequestCase = {
  apiKey: 49,
  args: () => [[{ entities: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }], ops: [{ key: 'producer_byte_rate', value: 1048576.5, remove: false }, { key: 'consumer_byte_rate', value: undefined, remove: true }] }], true],
  ours: () => ({
    entries: [{ entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }], ops: [{ key: 'producer_byte_rate', value: 1048576.5, remove: false }, { key: 'consumer_byte_rate', value: 0, remove: true }] }],
    validateOnly: true,
  }),
};
const describeUserScramCredentials: RequestCase = {
  apiKey: 50,
  args: () => [[{ name: 'alice' }, { name: 'bøb' }]],
  ours: () => ({ users: [{ name: 'alice' }, { name: 'bøb' }] }),
};
const alterUserScramCredentials: RequestCase = {
  apiKey: 51,
  args: () => [[{ name: 'old', mechanism: 1 }], [{ name: 'alice', mechanism: 2, iterations: 8192, salt: Buffer.from('salt'), saltedPassword: Buffer.alloc(64, 0xab) }]],
  ours: () => ({ deletions: [{ name: 'old', mechanism: 1 }], upsertions: [{ name: 'alice', mechanism: 2, iterations: 8192, salt: Buffer.from('salt'), saltedPassword: Buffer.alloc(64, 0xab) }] }),
};

// ---- KRaft / cluster: DescribeQuorum (55), AlterPartition (56), UpdateFeatures (57), Envelope (58),
//      DescribeCluster (60), DescribeProducers (61), UnregisterBroker (64) --------------------------------------------
const describeQuorum: RequestCase = {
  apiKey: 55,
  args: () => [[{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }]],
  ours: () => ({ topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] }),
};
// AlterPartition: library takes newIsrWithEpochs and writes only the broker ids as NewIsr before v3.
const alterPartition: RequestCase = {
  apiKey: 56,
  args: () => [3, 1234n, [{ topicName: TOPIC, topicId: TOPIC_ID_HEX, partitions: [{ partitionIndex: 0, leaderEpoch: 7, newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: 10n }, { brokerId: 2, brokerEpoch: -1n }], leaderRecoveryState: 1, partitionEpoch: 42 }] }]],
  ours: () => ({
    brokerId: 3,
    brokerEpoch: 1234n,
    topics: [{ topicName: TOPIC, topicId: TOPIC_ID, partitions: [{ partitionIndex: 0, leaderEpoch: 7, newIsr: [1, 2], newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: 10n }, { brokerId: 2, brokerEpoch: -1n }], leaderRecoveryState: 1, partitionEpoch: 42 }] }],
  }),
};
// UpdateFeatures v0 derives AllowDowngrade from upgradeType !== UPGRADE(1).
const updateFeatures: RequestCase = {
  apiKey: 57,
  args: () => [30_000, [{ feature: 'metadata.version', maxVersionLevel: 21, upgradeType: 2 }, { feature: 'kraft.version', maxVersionLevel: 1, upgradeType: 1 }], true],
  ours: () => ({
    timeoutMs: 30_000,
    featureUpdates: [
      { feature: 'metadata.version', maxVersionLevel: 21, allowDowngrade: true, upgradeType: 2 },
      { feature: 'kraft.version', maxVersionLevel: 1, allowDowngrade: false, upgradeType: 1 },
    ],
    validateOnly: true,
  }),
};
const envelope: RequestCase = {
  apiKey: 58,
  args: () => [Buffer.from([0, 18, 0, 3, 0, 0, 0, 1]), null, Buffer.from([127, 0, 0, 1])],
  ours: () => ({ requestData: Buffer.from([0, 18, 0, 3, 0, 0, 0, 1]), requestPrincipal: null, clientHostAddress: Buffer.from([127, 0, 0, 1]) }),
};
const describeCluster: RequestCase = {
  apiKey: 60,
  args: () => [true, 2],
  ours: () => ({ includeClusterAuthorizedOperations: true, endpointType: 2 }),
};
const describeProducers: RequestCase = {
  apiKey: 61,
  args: () => [[{ name: TOPIC, partitionIndexes: [0, 1] }]],
  ours: () => ({ topics: [{ name: TOPIC, partitionIndexes: [0, 1] }] }),
};
const unregisterBroker: RequestCase = { apiKey: 64, args: () => [7], ours: () => ({ brokerId: 7 }) };

// ---- DescribeTransactions (65), ListTransactions (66) ------------------------------------------------------------
const describeTransactions: RequestCase = { apiKey: 65, args: () => [[TXN, 'txn-2']], ours: () => ({ transactionalIds: [TXN, 'txn-2'] }) };
// ListTransactions normalises ONGOING → Ongoing, COMMITTING → PrepareCommit.
const listTransactions: RequestCase = {
  apiKey: 66,
  args: () => [['ONGOING', 'COMMITTING'], [1n, 9_007_199_254_740_993n], 60_000n, 'txn-.*'],
  ours: () => ({ stateFilters: ['Ongoing', 'PrepareCommit'], producerIdFilters: [1n, 9_007_199_254_740_993n], durationFilter: 60_000n, transactionalIdPattern: 'txn-.*' }),
};

// ---- next-gen groups: ConsumerGroupHeartbeat (68), ConsumerGroupDescribe (69) -------------------------------------
const consumerGroupHeartbeat: RequestCase = {
  apiKey: 68,
  args: () => [GROUP, MEMBER, 3, INSTANCE, 'rack-a', 45_000, [TOPIC, TOPIC2], 'orders-.*', 'uniform', [{ topicId: TOPIC_ID_HEX, partitions: [0, 2] }]],
  ours: () => ({
    groupId: GROUP, memberId: MEMBER, memberEpoch: 3, instanceId: INSTANCE, rackId: 'rack-a', rebalanceTimeoutMs: 45_000,
    subscribedTopicNames: [TOPIC, TOPIC2], subscribedTopicRegex: 'orders-.*', serverAssignor: 'uniform',
    topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 2] }],
  }),
};
const consumerGroupHeartbeatNulls: RequestCase = {
  apiKey: 68,
  label: 'leave group: nulls everywhere',
  args: () => [GROUP, MEMBER, -1, null, null, -1, null, null, null, null],
  ours: () => ({
    groupId: GROUP, memberId: MEMBER, memberEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: -1,
    subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null,
  }),
};
const consumerGroupDescribe: RequestCase = {
  apiKey: 69,
  args: () => [[GROUP, 'g2'], true],
  ours: () => ({ groupIds: [GROUP, 'g2'], includeAuthorizedOperations: true }),
};

// ---- telemetry (71, 72), ListConfigResources (74), DescribeTopicPartitions (75) ------------------------------------
const getTelemetrySubscriptions: RequestCase = { apiKey: 71, args: () => [TOPIC_ID_HEX], ours: () => ({ clientInstanceId: TOPIC_ID }) };
const pushTelemetry: RequestCase = {
  apiKey: 72,
  args: () => [TOPIC_ID_HEX, 17, true, 1, Buffer.from('otlp-metrics')],
  ours: () => ({ clientInstanceId: TOPIC_ID, subscriptionId: 17, terminating: true, compressionType: 1, metrics: Buffer.from('otlp-metrics') }),
};
// v0 is list-client-metrics-resources-v0 (no fields), v1 list-config-resources-v1.
const listConfigResources: RequestCase = { apiKey: 74, args: () => [[2, 16]], ours: () => ({ resourceTypes: [2, 16] }) };
const describeTopicPartitions: RequestCase = {
  apiKey: 75,
  args: () => [[{ name: TOPIC }, { name: TOPIC2 }], 500, { topicName: TOPIC, partitionIndex: 3 }],
  ours: () => ({ topics: [{ name: TOPIC }, { name: TOPIC2 }], responsePartitionLimit: 500, cursor: { topicName: TOPIC, partitionIndex: 3 } }),
};
const describeTopicPartitionsNoCursor: RequestCase = {
  apiKey: 75,
  label: 'null cursor',
  args: () => [[{ name: TOPIC }], 2000, undefined],
  ours: () => ({ topics: [{ name: TOPIC }], responsePartitionLimit: 2000, cursor: null }),
};

export const platformaticRequestCases: RequestCase[] = [
  produce(false), produce(true), produce(false, 'lz4'), fetchCase, listOffsets, metadata, metadataAll, offsetCommit, offsetFetch, offsetFetchAll,
  findCoordinator, joinGroup, joinGroupNulls, heartbeat, leaveGroup, syncGroup, describeGroups, listGroups,
  saslHandshake, apiVersions, createTopics, deleteTopics, deleteRecords, initProducerId, initProducerIdNull,
  offsetForLeaderEpoch, addPartitionsToTxn, addOffsetsToTxn, endTxn, txnOffsetCommit, describeAcls, createAcls,
  deleteAcls, describeConfigs, alterConfigs, incrementalAlterConfigs, alterReplicaLogDirs, describeLogDirs,
  describeLogDirsAll, saslAuthenticate, createPartitions, createDelegationToken, renewDelegationToken,
  expireDelegationToken, describeDelegationToken, describeDelegationTokenAll, deleteGroups, alterPartitionReassignments,
  listPartitionReassignments, listPartitionReassignmentsAll, offsetDelete, describeClientQuotas, alterClientQuotas,
  describeUserScramCredentials, alterUserScramCredentials, describeQuorum, alterPartition, updateFeatures, envelope,
  describeCluster, describeProducers, unregisterBroker, describeTransactions, listTransactions, consumerGroupHeartbeat,
  consumerGroupHeartbeatNulls, consumerGroupDescribe, getTelemetrySubscriptions, pushTelemetry, listConfigResources,
  describeTopicPartitions, describeTopicPartitionsNoCursor,
];

// Requests encoded by kafkajs 2.2.4 (requests/<api>/index.js protocol({version})(args).request.encode()), with what
// OUR decoder must read back. `args` uses kafkajs's own argument names; `ours` is in Kafka field names, a superset
// over versions (the test projects it onto version v and requires every field of v).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import * as kjs from '../kafkajs.js';
import * as plt from '../platformatic.js';
import type { RequestCase } from './types.js';
import { TOPIC, TOPIC2, GROUP, MEMBER, INSTANCE, TXN } from '../fixtures.js';

const require = createRequire(import.meta.url);
const b = (s: string) => Buffer.from(s, 'utf8');
const TSN = 1_700_000_000_123;

// ---- Produce (0) ----------------------------------------------------------------------------------------------
// v0-1 write a magic-0 message set, v2 magic-1, v3+ one magic-2 record batch per partition (kafkajs RecordBatch).
// Messages carry timestamps so the bytes are deterministic; the expected `records` are built by the same kafkajs
// encoders, and the blob our decoder returns is decoded again by kafkajs AND by @platformatic/kafka (v3+).
const messagesP0 = () => [
  { key: 'k-ü', value: 'v-日本', timestamp: TSN, headers: { 'h-1': 'x' } },
  { key: null, value: 'second', timestamp: TSN + 5 },
];
const messagesP3 = () => [{ key: 'p3', value: '🚀'.repeat(40), timestamp: TSN + 1 }];
async function produceRecords(v: number, messages: any[], txn: boolean, gzip = false) {
  if (v <= 1) return kjs.messageSet(messages.map(({ headers: _h, ...m }) => m), 0, { omitCompression: true });
  if (v === 2) return kjs.messageSet(messages.map(({ headers: _h, ...m }) => m), 1);
  return kjs.recordBatch(messages, {
    baseTimestamp: Math.min(...messages.map((m) => m.timestamp)),
    producerId: txn ? '77' : '-1',
    producerEpoch: txn ? 3 : 0,
    transactional: txn,
    compression: gzip ? kjs.Compression.Types.GZIP : undefined,
  });
}
// gzip: kafkajs's own GZIP codec (zlib), record batch v3+ only.
const produce = (txn: boolean, gzip = false): RequestCase => ({
  apiKey: 0,
  label: (txn ? 'transactional' : 'plain') + (gzip ? ' gzip' : ''),
  versions: (v) => (!txn && !gzip) || v >= 3,
  args: () => ({
    compression: gzip ? kjs.Compression.Types.GZIP : undefined,
    acks: txn ? -1 : 1,
    timeout: 30_000,
    transactionalId: txn ? TXN : undefined,
    producerId: txn ? kjs.Long.fromNumber(77) : undefined,
    producerEpoch: txn ? 3 : undefined,
    topicData: [
      { topic: TOPIC, partitions: [{ partition: 0, messages: messagesP0() }, { partition: 3, messages: messagesP3() }] },
      { topic: TOPIC2, partitions: [{ partition: 1, messages: [{ key: 'a', value: 'b', timestamp: TSN + 2 }] }] },
    ],
  }),
  // records: exactly the bytes kafkajs's own encoders produce for the same messages
  ours: async (v) => ({
    transactionalId: txn ? TXN : null,
    acks: txn ? -1 : 1,
    timeoutMs: 30_000,
    topicData: [
      { name: TOPIC, partitionData: [{ index: 0, records: await produceRecords(v, messagesP0(), txn, gzip) }, { index: 3, records: await produceRecords(v, messagesP3(), txn, gzip) }] },
      { name: TOPIC2, partitionData: [{ index: 1, records: await produceRecords(v, [{ key: 'a', value: 'b', timestamp: TSN + 2 }], txn, gzip) }] },
    ],
  }),
  check: async (decoded: any, v: number) => {
    const blob: Buffer = decoded.topicData[0].partitionData[0].records;
    if (v >= 3) {
      const [batch] = await kjs.decodeRecordBatches(blob);
      expect(batch.records.map((r: any) => [r.key?.toString() ?? null, r.value.toString(), r.timestamp])).toEqual([
        ['k-ü', 'v-日本', String(TSN)],
        [null, 'second', String(TSN + 5)],
      ]);
      expect(batch.inTransaction).toBe(txn);
      const [pb] = plt.decodeRecordBatches(blob);
      expect(pb.attributes & 7).toBe(gzip ? 1 : 0);
      expect(pb.records.map((r: any) => r.value.toString())).toEqual(['v-日本', 'second']);
      expect(pb.records[0].headers.map(([k, x]: Buffer[]) => [k!.toString(), x!.toString()])).toEqual([['h-1', 'x']]);
      expect(pb.producerId).toBe(txn ? 77n : -1n);
    } else {
      const msgs = await kjs.decodeMessageSet(blob);
      expect(msgs.map((m: any) => [m.key?.toString() ?? null, m.value.toString()])).toEqual([['k-ü', 'v-日本'], [null, 'second']]);
    }
  },
});

// ---- Fetch (1) ------------------------------------------------------------------------------------------------
const fetchCase: RequestCase = {
  apiKey: 1,
  args: () => ({
    replicaId: -1,
    maxWaitTime: 500,
    minBytes: 1,
    maxBytes: 10_485_760,
    isolationLevel: 0,
    sessionId: 99,
    sessionEpoch: 2,
    forgottenTopics: [{ topic: TOPIC2, partitions: [4, 5] }],
    rackId: 'rack-ü',
    topics: [{ topic: TOPIC, partitions: [
      { partition: 0, currentLeaderEpoch: 7, fetchOffset: '9007199254740993', logStartOffset: '12', maxBytes: 1_048_576 },
      { partition: 2, fetchOffset: '0', maxBytes: 65_536 },
    ] }],
  }),
  ours: () => ({
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 10_485_760,
    isolationLevel: 0,
    sessionId: 99,
    sessionEpoch: 2,
    topics: [{ topic: TOPIC, partitions: [
      { partition: 0, currentLeaderEpoch: 7, fetchOffset: 9_007_199_254_740_993n, logStartOffset: 12n, partitionMaxBytes: 1_048_576 },
      { partition: 2, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 65_536 },
    ] }],
    forgottenTopicsData: [{ topic: TOPIC2, partitions: [4, 5] }],
    rackId: 'rack-ü',
  }),
};

// ---- ListOffsets (2) ------------------------------------------------------------------------------------------
const listOffsets: RequestCase = {
  apiKey: 2,
  args: () => ({ replicaId: -1, isolationLevel: 1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, timestamp: -1 }, { partition: 1, timestamp: TSN }] }] }),
  ours: () => ({
    replicaId: -1,
    isolationLevel: 1,
    topics: [{ name: TOPIC, partitions: [
      { partitionIndex: 0, timestamp: -1n, maxNumOffsets: 1 },
      { partitionIndex: 1, timestamp: BigInt(TSN), maxNumOffsets: 1 },
    ] }],
  }),
};

// ---- Metadata (3) ---------------------------------------------------------------------------------------------
const metadata: RequestCase = {
  apiKey: 3,
  args: () => ({ topics: [TOPIC, TOPIC2], allowAutoTopicCreation: false }),
  ours: () => ({ topics: [{ name: TOPIC }, { name: TOPIC2 }], allowAutoTopicCreation: false }),
};
// QUIRK: kafkajs writes an empty topic list as a NULL array from v1 (writeNullableArray: "empty array and null are
// the same thing") — i.e. "all topics"; v0 has no null and writes an empty array (which also means all topics in v0).
const metadataEmpty: RequestCase = {
  apiKey: 3,
  label: 'empty topic list → null (all topics)',
  args: () => ({ topics: [] }),
  ours: (v) => ({ topics: v === 0 ? [] : null, allowAutoTopicCreation: true }),
};

// ---- OffsetCommit (8) -----------------------------------------------------------------------------------------
const offsetCommit: RequestCase = {
  apiKey: 8,
  args: () => ({
    groupId: GROUP,
    groupGenerationId: 5,
    memberId: MEMBER,
    retentionTime: 86_400_000,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '123456789012', timestamp: TSN, metadata: 'md-ü' }, { partition: 1, offset: '0', timestamp: TSN }] }],
  }),
  ours: () => ({
    groupId: GROUP,
    generationIdOrMemberEpoch: 5,
    memberId: MEMBER,
    retentionTimeMs: 86_400_000n,
    topics: [{ name: TOPIC, partitions: [
      { partitionIndex: 0, committedOffset: 123_456_789_012n, commitTimestamp: BigInt(TSN), committedMetadata: 'md-ü' },
      { partitionIndex: 1, committedOffset: 0n, commitTimestamp: BigInt(TSN), committedMetadata: null },
    ] }],
  }),
};

// ---- OffsetFetch (9) ------------------------------------------------------------------------------------------
const offsetFetch: RequestCase = {
  apiKey: 9,
  args: () => ({ groupId: GROUP, topics: [{ topic: TOPIC, partitions: [{ partition: 0 }, { partition: 7 }] }] }),
  ours: () => ({ groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0, 7] }] }),
};
// QUIRK: from v3 kafkajs writes an empty topic list as NULL ("all topics", valid from v2).
const offsetFetchAll: RequestCase = {
  apiKey: 9,
  label: 'empty topics → null from v3',
  args: () => ({ groupId: GROUP, topics: [] }),
  ours: (v) => ({ groupId: GROUP, topics: v >= 3 ? null : [] }),
};

// ---- FindCoordinator (10), JoinGroup (11), Heartbeat (12), LeaveGroup (13), SyncGroup (14) ---------------------------
const findCoordinator: RequestCase = {
  apiKey: 10,
  args: () => ({ groupId: TXN, coordinatorType: 1 }),
  ours: () => ({ key: TXN, keyType: 1 }),
};
const groupProtocols = () => [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 1, 0x41, 0, 0, 0, 0]) }, { name: 'range', metadata: Buffer.alloc(0) }];
const joinGroup: RequestCase = {
  apiKey: 11,
  args: () => ({ groupId: GROUP, sessionTimeout: 30_000, rebalanceTimeout: 60_000, memberId: '', groupInstanceId: INSTANCE, protocolType: 'consumer', groupProtocols: groupProtocols() }),
  ours: () => ({ groupId: GROUP, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, memberId: '', groupInstanceId: INSTANCE, protocolType: 'consumer', protocols: groupProtocols() }),
};
const heartbeat: RequestCase = {
  apiKey: 12,
  args: () => ({ groupId: GROUP, groupGenerationId: 12, memberId: MEMBER, groupInstanceId: INSTANCE }),
  ours: () => ({ groupId: GROUP, generationId: 12, memberId: MEMBER, groupInstanceId: INSTANCE }),
};
const leaveGroup: RequestCase = {
  apiKey: 13,
  args: () => ({ groupId: GROUP, memberId: MEMBER, groupInstanceId: INSTANCE }),
  ours: () => ({ groupId: GROUP, memberId: MEMBER, members: [{ memberId: MEMBER, groupInstanceId: INSTANCE }] }),
};
const syncGroup: RequestCase = {
  apiKey: 14,
  args: () => ({ groupId: GROUP, generationId: 3, memberId: MEMBER, groupInstanceId: INSTANCE, groupAssignment: [{ memberId: MEMBER, memberAssignment: Buffer.from([0, 1, 2]) }, { memberId: 'm2', memberAssignment: Buffer.alloc(0) }] }),
  ours: () => ({ groupId: GROUP, generationId: 3, memberId: MEMBER, groupInstanceId: INSTANCE, assignments: [{ memberId: MEMBER, assignment: Buffer.from([0, 1, 2]) }, { memberId: 'm2', assignment: Buffer.alloc(0) }] }),
};

// ---- DescribeGroups (15), ListGroups (16), SaslHandshake (17), ApiVersions (18) ----------------------------------
const describeGroups: RequestCase = { apiKey: 15, args: () => ({ groupIds: [GROUP, 'g2'] }), ours: () => ({ groups: [GROUP, 'g2'] }) };
const listGroups: RequestCase = { apiKey: 16, args: () => ({}), ours: () => ({}) };
const saslHandshake: RequestCase = { apiKey: 17, args: () => ({ mechanism: 'PLAIN' }), ours: () => ({ mechanism: 'PLAIN' }) };
const apiVersions: RequestCase = { apiKey: 18, args: () => ({}), ours: () => ({}) };

// ---- CreateTopics (19), DeleteTopics (20), DeleteRecords (21), InitProducerId (22) ------------------------------
const createTopics: RequestCase = {
  apiKey: 19,
  args: () => ({
    timeout: 25_000,
    validateOnly: true,
    topics: [
      { topic: TOPIC, numPartitions: 3, replicationFactor: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: TOPIC2, replicaAssignment: [{ partition: 0, replicas: [1, 2] }] },
    ],
  }),
  ours: () => ({
    topics: [
      { name: TOPIC, numPartitions: 3, replicationFactor: 2, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
      { name: TOPIC2, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [] },
    ],
    timeoutMs: 25_000,
    validateOnly: true,
  }),
};
const deleteTopics: RequestCase = { apiKey: 20, args: () => ({ topics: [TOPIC, TOPIC2], timeout: 7000 }), ours: () => ({ topicNames: [TOPIC, TOPIC2], timeoutMs: 7000 }) };
const deleteRecords: RequestCase = {
  apiKey: 21,
  args: () => ({ topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '42' }, { partition: 1, offset: '-1' }] }], timeout: 3000 }),
  ours: () => ({ topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, offset: 42n }, { partitionIndex: 1, offset: -1n }] }], timeoutMs: 3000 }),
};
const initProducerId: RequestCase = {
  apiKey: 22,
  args: () => ({ transactionalId: TXN, transactionTimeout: 60_000 }),
  ours: () => ({ transactionalId: TXN, transactionTimeoutMs: 60_000 }),
};

// ---- transactions (24, 25, 26, 28) --------------------------------------------------------------------------------
const addPartitionsToTxn: RequestCase = {
  apiKey: 24,
  args: () => ({ transactionalId: TXN, producerId: '9007199254740993', producerEpoch: 1, topics: [{ topic: TOPIC, partitions: [0, 1] }, { topic: TOPIC2, partitions: [3] }] }),
  ours: () => ({
    v3AndBelowTransactionalId: TXN,
    v3AndBelowProducerId: 9_007_199_254_740_993n,
    v3AndBelowProducerEpoch: 1,
    v3AndBelowTopics: [{ name: TOPIC, partitions: [0, 1] }, { name: TOPIC2, partitions: [3] }],
  }),
};
const addOffsetsToTxn: RequestCase = {
  apiKey: 25,
  args: () => ({ transactionalId: TXN, producerId: '5', producerEpoch: 0, groupId: GROUP }),
  ours: () => ({ transactionalId: TXN, producerId: 5n, producerEpoch: 0, groupId: GROUP }),
};
const endTxn: RequestCase = {
  apiKey: 26,
  args: () => ({ transactionalId: TXN, producerId: '-2', producerEpoch: 9, transactionResult: false }),
  ours: () => ({ transactionalId: TXN, producerId: -2n, producerEpoch: 9, committed: false }),
};
const txnOffsetCommit: RequestCase = {
  apiKey: 28,
  args: () => ({ transactionalId: TXN, groupId: GROUP, producerId: '77', producerEpoch: 3, topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '10', metadata: 'm' }, { partition: 1, offset: '11', metadata: null }] }] }),
  ours: () => ({
    transactionalId: TXN, groupId: GROUP, producerId: 77n, producerEpoch: 3,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 10n, committedMetadata: 'm' }, { partitionIndex: 1, committedOffset: 11n, committedMetadata: null }] }],
  }),
};

// ---- ACLs (29, 30, 31) ---------------------------------------------------------------------------------------
const acl = { resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 };
const describeAcls: RequestCase = {
  apiKey: 29,
  args: () => ({ ...acl, resourceName: null, host: null }),
  ours: () => ({ resourceTypeFilter: 2, resourceNameFilter: null, patternTypeFilter: 3, principalFilter: 'User:alice', hostFilter: null, operation: 3, permissionType: 3 }),
};
const createAcls: RequestCase = {
  apiKey: 30,
  args: () => ({ creations: [acl, { ...acl, resourceType: 3, resourceName: GROUP, resourcePatternType: 4, permissionType: 2 }] }),
  ours: () => ({ creations: [
    { resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 },
    { resourceType: 3, resourceName: GROUP, resourcePatternType: 4, principal: 'User:alice', host: '*', operation: 3, permissionType: 2 },
  ] }),
};
const deleteAcls: RequestCase = {
  apiKey: 31,
  args: () => ({ filters: [{ ...acl, principal: null }] }),
  ours: () => ({ filters: [{ resourceTypeFilter: 2, resourceNameFilter: TOPIC, patternTypeFilter: 3, principalFilter: null, hostFilter: '*', operation: 3, permissionType: 3 }] }),
};

// ---- configs (32, 33) -------------------------------------------------------------------------------------------
// QUIRK: kafkajs writes an empty configNames list as NULL (= all configs), which is what Kafka means by it too.
const describeConfigs: RequestCase = {
  apiKey: 32,
  args: () => ({ resources: [{ type: 2, name: TOPIC, configNames: ['retention.ms'] }, { type: 4, name: '1', configNames: [] }], includeSynonyms: true }),
  ours: () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: ['retention.ms'] }, { resourceType: 4, resourceName: '1', configurationKeys: null }], includeSynonyms: true }),
};
const alterConfigs: RequestCase = {
  apiKey: 33,
  args: () => ({ validateOnly: true, resources: [{ type: 2, name: TOPIC, configEntries: [{ name: 'retention.ms', value: '1000' }, { name: 'x', value: null }] }] }),
  ours: () => ({ resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', value: '1000' }, { name: 'x', value: null }] }], validateOnly: true }),
};

// ---- SaslAuthenticate (36) ---------------------------------------------------------------------------------------
// QUIRK: kafkajs's SaslAuthenticate encoder writes authBytes RAW (writeBuffer); its SASL mechanisms hand it bytes
// that already carry the int32 length (e.g. protocol/sasl/plain/request.js uses writeBytes). We build them the
// same way, with kafkajs's PLAIN mechanism encoder.
const plainRequest = require(kjs.kjsPath('protocol/sasl/plain/request.js'));
const saslAuthenticate: RequestCase = {
  apiKey: 36,
  args: async () => ({ authBytes: await plainRequest({ username: 'alice', password: 's3cr3t-ü' }).encode() }),
  ours: () => ({ authBytes: Buffer.from('\u0000alice\u0000s3cr3t-ü', 'utf8') }),
};

// ---- CreatePartitions (37), DeleteGroups (42) -------------------------------------------------------------------
// QUIRK: kafkajs writes an empty assignments list as NULL (= let the broker assign), as Kafka defines it.
const createPartitions: RequestCase = {
  apiKey: 37,
  args: () => ({ timeout: 9000, validateOnly: false, topicPartitions: [{ topic: TOPIC, count: 5, assignments: [[1, 2], [2, 3]] }, { topic: TOPIC2, count: 2 }] }),
  ours: () => ({ topics: [{ name: TOPIC, count: 5, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] }, { name: TOPIC2, count: 2, assignments: null }], timeoutMs: 9000, validateOnly: false }),
};
// deleteGroups' protocol() takes the group id array itself, not an object
const deleteGroups: RequestCase = { apiKey: 42, args: () => [GROUP, 'g2'], ours: () => ({ groupsNames: [GROUP, 'g2'] }) };

// ---- flexible: AlterPartitionReassignments (45), ListPartitionReassignments (46) ----------------------------------
const alterPartitionReassignments: RequestCase = {
  apiKey: 45,
  args: () => ({ timeout: 12_000, topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: [1, 2, 3] }, { partition: 4, replicas: [3] }] }] }),
  ours: () => ({ timeoutMs: 12_000, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [1, 2, 3] }, { partitionIndex: 4, replicas: [3] }] }] }),
};
const listPartitionReassignments: RequestCase = {
  apiKey: 46,
  args: () => ({ timeout: 8000, topics: [{ topic: TOPIC, partitions: [0, 1] }] }),
  ours: () => ({ timeoutMs: 8000, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }] }),
};
const listPartitionReassignmentsAll: RequestCase = {
  apiKey: 46,
  label: 'all (null topics)',
  args: () => ({ timeout: 8000, topics: null }),
  ours: () => ({ timeoutMs: 8000, topics: null }),
};

export const kafkajsRequestCases: RequestCase[] = [
  produce(false), produce(true), produce(false, true), fetchCase, listOffsets, metadata, metadataEmpty, offsetCommit, offsetFetch, offsetFetchAll,
  findCoordinator, joinGroup, heartbeat, leaveGroup, syncGroup, describeGroups, listGroups, saslHandshake, apiVersions,
  createTopics, deleteTopics, deleteRecords, initProducerId, addPartitionsToTxn, addOffsetsToTxn, endTxn, txnOffsetCommit,
  describeAcls, createAcls, deleteAcls, describeConfigs, alterConfigs, saslAuthenticate, createPartitions, deleteGroups,
  alterPartitionReassignments, listPartitionReassignments, listPartitionReassignmentsAll,
];

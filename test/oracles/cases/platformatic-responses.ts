// Responses in OUR format, encoded by our codec and parsed by @platformatic/kafka (parseResponse of
// dist/apis/<group>/<api>-v<N>.js). platformatic's parsed objects use Kafka's field names in lowerCamelCase, so the
// mapping is the identity except where a case's `view.rename` says otherwise; uuids are converted hex → base64url
// and int64 stay bigint. `notExposed(v)` lists, per version, the fields platformatic reads and drops (or leaves at
// a constant) — every other field of the version is compared.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { expect } from 'vitest';
import * as plt from '../platformatic.js';
import * as kjs from '../kafkajs.js';
import type { ResponseCase } from './types.js';
import { TOPIC, TOPIC2, GROUP, MEMBER, INSTANCE, TXN, TOPIC_ID, TOPIC2_ID, ZERO_UUID, TS } from '../fixtures.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const UNKNOWN_TAG = [{ tag: 77, data: Buffer.from([1, 2, 3]) }];

// ---- record batches made by the libraries, carried in Fetch responses ------------------------------------------
const pltBatch = () =>
  plt.recordBatch(
    [
      { topic: TOPIC, key: b('pk-ü'), value: b('from platformatic'), timestamp: TS, headers: new Map([[b('h'), b('1')]]) },
      { topic: TOPIC, key: undefined, value: b('second'), timestamp: TS + 10n },
    ],
    { producerId: 5n, producerEpoch: 1 },
  );
const kjsBatch = () => kjs.recordBatch([{ key: 'kk', value: 'from kafkajs 🚀', timestamp: Number(TS) + 20 }], { baseTimestamp: Number(TS) + 20, firstOffset: '2' });

// ---- Produce (0) ----------------------------------------------------------------------------------------------
const produce: ResponseCase = {
  apiKey: 0,
  ours: () => ({
    responses: [
      { name: TOPIC, topicId: TOPIC_ID, partitionResponses: [
        { index: 0, errorCode: 0, baseOffset: 9_007_199_254_740_993n, logAppendTimeMs: TS, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } },
        { index: 3, errorCode: 6, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n,
          recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: 'bad record ü' }, { batchIndex: 2, batchIndexErrorMessage: null }],
          errorMessage: 'NOT_LEADER_OR_FOLLOWER', currentLeader: { leaderId: 2, leaderEpoch: 17 } },
      ] },
      { name: TOPIC2, topicId: TOPIC2_ID, partitionResponses: [] },
    ],
    throttleTimeMs: 150,
    nodeEndpoints: [{ nodeId: 2, host: 'broker-2.example', port: 9092, rack: 'rack-ü' }],
    _unknownTaggedFields: UNKNOWN_TAG,
  }),
};

// ---- Fetch (1) ------------------------------------------------------------------------------------------------
// Partition 0 carries TWO record batches in one records blob: one made by @platformatic/kafka, one by kafkajs;
// platformatic must decode both (its parser returns batches) and the values must be the messages produced.
const fetchCase: ResponseCase = {
  apiKey: 1,
  ours: async () => ({
    throttleTimeMs: 25,
    errorCode: 0,
    sessionId: 777,
    responses: [{ topic: TOPIC, topicId: TOPIC_ID, partitions: [
      { partitionIndex: 0, errorCode: 0, highWatermark: 3n, lastStableOffset: 3n, logStartOffset: 0n,
        divergingEpoch: { epoch: 4, endOffset: 88n }, currentLeader: { leaderId: 1, leaderEpoch: 9 }, snapshotId: { endOffset: 50n, epoch: 1 },
        abortedTransactions: [{ producerId: 77n, firstOffset: 10n }], preferredReadReplica: -1,
        records: Buffer.concat([pltBatch(), await kjsBatch()]) },
      { partitionIndex: 1, errorCode: 6, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
        divergingEpoch: { epoch: -1, endOffset: -1n }, currentLeader: { leaderId: 3, leaderEpoch: 10 }, snapshotId: { endOffset: -1n, epoch: -1 },
        abortedTransactions: null, preferredReadReplica: 2, records: null },
    ] }],
    nodeEndpoints: [{ nodeId: 3, host: 'broker-3', port: 9093, rack: null }],
    _unknownTaggedFields: UNKNOWN_TAG,
  }),
  // records: platformatic returns parsed batches — compared in check() instead.
  // v4-12: platformatic stores the topic NAME under the key `topicId`.
  view: { rename: { 'responses.topic': 'topicId' }, transform: { 'responses.partitions.records': () => undefined } },
  notExposed: () => ['responses.partitions.records'],
  check: (parsed: any) => {
    const batches = parsed.responses[0].partitions[0].records;
    expect(batches.length).toBe(2);
    expect(batches.flatMap((bt: any) => bt.records.map((r: any) => r.value.toString()))).toEqual(['from platformatic', 'second', 'from kafkajs 🚀']);
    expect(batches[0].records[0].key.toString()).toBe('pk-ü');
    expect(batches[1].firstOffset).toBe(2n);
    expect(batches[0].producerId).toBe(5n);
    expect(parsed.responses[0].partitions[1].records).toBe(null);
  },
};

// ---- ListOffsets (2) ------------------------------------------------------------------------------------------
// v0: platformatic keeps only OldStyleOffsets[0], as the v1+ `offset` (which v0 does not have): checked in check().
const listOffsets: ResponseCase = {
  apiKey: 2,
  notExposed: (v) => (v === 0 ? ['topics.partitions.oldStyleOffsets'] : []),
  check: (parsed: any, v: number) => {
    if (v === 0) expect(parsed.topics[0].partitions.map((p: any) => p.offset)).toEqual([100n, -1n]);
  },
  ours: () => ({
    throttleTimeMs: 10,
    topics: [{ name: TOPIC, partitions: [
      { partitionIndex: 0, errorCode: 0, oldStyleOffsets: [100n, 0n], timestamp: TS, offset: 100n, leaderEpoch: 3 },
      { partitionIndex: 1, errorCode: 3, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 },
    ] }],
  }),
};

// ---- Metadata (3) ---------------------------------------------------------------------------------------------
const metadata: ResponseCase = {
  apiKey: 3,
  ours: () => ({
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'broker-1.ü.example', port: 9092, rack: 'rack-a' }, { nodeId: 2, host: '10.0.0.2', port: 19092, rack: null }],
    clusterId: 'cluster-Ω',
    controllerId: 1,
    topics: [
      { errorCode: 0, name: TOPIC, topicId: TOPIC_ID, isInternal: false, partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 5, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] },
        { errorCode: 9, partitionIndex: 1, leaderId: -1, leaderEpoch: -1, replicaNodes: [2], isrNodes: [], offlineReplicas: [2] },
      ], topicAuthorizedOperations: 0x0df8 },
      { errorCode: 0, name: '__consumer_offsets', topicId: ZERO_UUID, isInternal: true, partitions: [], topicAuthorizedOperations: -2147483648 },
    ],
    clusterAuthorizedOperations: -2147483648,
    errorCode: 0,
    _unknownTaggedFields: UNKNOWN_TAG,
  }),
};

// ---- OffsetCommit (8) / OffsetFetch (9) -------------------------------------------------------------------------
const offsetCommit: ResponseCase = {
  apiKey: 8,
  ours: () => ({
    throttleTimeMs: 5,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 22 }] }, { name: TOPIC2, partitions: [] }],
  }),
};
const offsetFetchTopics = () => [{ name: TOPIC, partitions: [
  { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, metadata: 'md-ü', errorCode: 0 },
  { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
] }];
const offsetFetch: ResponseCase = {
  apiKey: 9,
  ours: () => ({
    throttleTimeMs: 7,
    topics: offsetFetchTopics(),
    errorCode: 0,
    groups: [{ groupId: GROUP, topics: offsetFetchTopics(), errorCode: 0 }, { groupId: 'g-err', topics: [], errorCode: 16 }],
  }),
};

// ---- FindCoordinator (10) / JoinGroup (11) ------------------------------------------------------------------------
// v0-3: platformatic returns the v4 shape, the single coordinator as coordinators[0] (key '' and, in v0, errorMessage
// null); mapped back explicitly.
const first = (field: string) => (p: any) => p.coordinators?.[0]?.[field];
const findCoordinator: ResponseCase = {
  apiKey: 10,
  view: (v) => (v >= 4 ? {} : {
    derive: { errorCode: first('errorCode'), errorMessage: first('errorMessage'), nodeId: first('nodeId'), host: first('host'), port: first('port') },
  }),
  ours: () => ({
    throttleTimeMs: 1,
    errorCode: 0,
    errorMessage: null,
    nodeId: 2,
    host: 'broker-2.example',
    port: 9092,
    coordinators: [
      { key: GROUP, nodeId: 2, host: 'broker-2.example', port: 9092, errorCode: 0, errorMessage: null },
      { key: TXN, nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'COORDINATOR_NOT_AVAILABLE ü' },
    ],
  }),
};
const joinGroup: ResponseCase = {
  apiKey: 11,
  ours: () => ({
    throttleTimeMs: 3,
    errorCode: 0,
    generationId: 12,
    protocolType: 'consumer',
    protocolName: 'cooperative-sticky',
    leader: MEMBER,
    skipAssignment: false,
    memberId: MEMBER,
    members: [
      { memberId: MEMBER, groupInstanceId: INSTANCE, metadata: Buffer.from([0, 3, 0, 0, 0, 1, 0, 1, 0x41]) },
      { memberId: 'member-2', groupInstanceId: null, metadata: Buffer.alloc(0) },
    ],
  }),
};

// ---- group coordination: Heartbeat (12), LeaveGroup (13), SyncGroup (14), DescribeGroups (15), ListGroups (16) ----
const heartbeat: ResponseCase = { apiKey: 12, ours: () => ({ throttleTimeMs: 100, errorCode: 27 }) };
const leaveGroup: ResponseCase = {
  apiKey: 13,
  ours: () => ({
    throttleTimeMs: 2,
    errorCode: 0,
    members: [{ memberId: MEMBER, groupInstanceId: INSTANCE, errorCode: 0 }, { memberId: 'm2', groupInstanceId: null, errorCode: 25 }],
  }),
};
const syncGroup: ResponseCase = {
  apiKey: 14,
  ours: () => ({ throttleTimeMs: 4, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from([0, 1, 0, 0, 0, 1, 0, 5, 0x74, 0x6f, 0x70, 0x69, 0x63]) }),
};
const describeGroups: ResponseCase = {
  apiKey: 15,
  ours: () => ({
    throttleTimeMs: 8,
    groups: [
      { errorCode: 0, errorMessage: null, groupId: GROUP, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', members: [
        { memberId: MEMBER, groupInstanceId: INSTANCE, clientId: 'client-ü', clientHost: '/10.0.0.1', memberMetadata: Buffer.from([0, 1, 2]), memberAssignment: Buffer.from([3, 4]) },
        { memberId: 'm2', groupInstanceId: null, clientId: 'c2', clientHost: '/10.0.0.2', memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) },
      ], authorizedOperations: 0x1f8 },
      { errorCode: 69, errorMessage: 'group is dead ü', groupId: 'g-dead', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 },
    ],
  }),
};
const listGroups: ResponseCase = {
  apiKey: 16,
  ours: () => ({
    throttleTimeMs: 1,
    errorCode: 0,
    groups: [{ groupId: GROUP, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }, { groupId: 'share-g', protocolType: '', groupState: 'Empty', groupType: 'consumer' }],
  }),
};

// ---- SaslHandshake (17), ApiVersions (18) ---------------------------------------------------------------------------
const saslHandshake: ResponseCase = { apiKey: 17, ours: () => ({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }) };
// ApiVersions: response header is v0 for every version (KIP-511), body flexible from v3 with tagged fields 0-3.
// platformatic adds a derived `name` to each apiKeys entry (ignored).
const apiVersions: ResponseCase = {
  apiKey: 18,
  ours: () => ({
    errorCode: 0,
    apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }, { apiKey: 1, minVersion: 4, maxVersion: 17 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }],
    throttleTimeMs: 0,
    supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 25 }],
    finalizedFeaturesEpoch: 12345n,
    finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 25, minVersionLevel: 25 }],
    zkMigrationReady: true,
  }),
};

// ---- CreateTopics (19), DeleteTopics (20), DeleteRecords (21) -------------------------------------------------------
// v5-6: platformatic skips the TopicConfigErrorCode tagged field (reads it from v7).
const createTopics: ResponseCase = {
  apiKey: 19,
  notExposed: (v) => (v === 5 || v === 6 ? ['topics.topicConfigErrorCode'] : []),
  ours: () => ({
    throttleTimeMs: 0,
    topics: [
      { name: TOPIC, topicId: TOPIC_ID, errorCode: 0, errorMessage: null, topicConfigErrorCode: 0, numPartitions: 6, replicationFactor: 3, configs: [
        { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 5, isSensitive: false },
        { name: 'sasl.jaas.config', value: null, readOnly: true, configSource: 4, isSensitive: true },
      ] },
      { name: TOPIC2, topicId: ZERO_UUID, errorCode: 36, errorMessage: 'Topic already exists ü', topicConfigErrorCode: 29, numPartitions: -1, replicationFactor: -1, configs: null },
    ],
  }),
};
const deleteTopics: ResponseCase = {
  apiKey: 20,
  ours: () => ({
    throttleTimeMs: 3,
    responses: [{ name: TOPIC, topicId: TOPIC_ID, errorCode: 0, errorMessage: null }, { name: TOPIC2, topicId: ZERO_UUID, errorCode: 3, errorMessage: 'unknown ü' }],
  }),
};
const deleteRecords: ResponseCase = {
  apiKey: 21,
  ours: () => ({
    throttleTimeMs: 1,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, lowWatermark: 100n, errorCode: 0 }, { partitionIndex: 1, lowWatermark: -1n, errorCode: 1 }] }],
  }),
};

// ---- InitProducerId (22), OffsetForLeaderEpoch (23) --------------------------------------------------------------
const initProducerId: ResponseCase = {
  apiKey: 22,
  ours: () => ({ throttleTimeMs: 0, errorCode: 0, producerId: 9_007_199_254_740_993n, producerEpoch: 32767, ongoingTxnProducerId: -1n, ongoingTxnProducerEpoch: -1 }),
};
const offsetForLeaderEpoch: ResponseCase = {
  apiKey: 23,
  ours: () => ({
    throttleTimeMs: 6,
    topics: [{ topic: TOPIC, partitions: [{ errorCode: 0, partition: 0, leaderEpoch: 5, endOffset: 1000n }, { errorCode: 75, partition: 1, leaderEpoch: -1, endOffset: -1n }] }],
  }),
};

// ---- transactions: AddPartitionsToTxn (24), AddOffsetsToTxn (25), EndTxn (26), TxnOffsetCommit (28) ------------------
const addPartitionsTopicResults = () => [
  { name: TOPIC, resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 1, partitionErrorCode: 48 }] },
];
// v0-3: platformatic returns the v4 shape, ResultsByTopicV3AndBelow as resultsByTransaction[0].topicResults.
const addPartitionsToTxn: ResponseCase = {
  apiKey: 24,
  view: (v) => (v >= 4 ? {} : { derive: { resultsByTopicV3AndBelow: (p: any) => p.resultsByTransaction?.[0]?.topicResults } }),
  ours: () => ({
    throttleTimeMs: 9,
    errorCode: 0,
    resultsByTransaction: [{ transactionalId: TXN, topicResults: addPartitionsTopicResults() }, { transactionalId: 'txn-2', topicResults: [] }],
    resultsByTopicV3AndBelow: addPartitionsTopicResults(),
  }),
};
const addOffsetsToTxn: ResponseCase = { apiKey: 25, ours: () => ({ throttleTimeMs: 12, errorCode: 0 }) };
const endTxn: ResponseCase = { apiKey: 26, ours: () => ({ throttleTimeMs: 0, errorCode: 48, producerId: 77n, producerEpoch: 4 }) };
const txnOffsetCommit: ResponseCase = {
  apiKey: 28,
  ours: () => ({ throttleTimeMs: 2, topics: [{ name: TOPIC, topicId: TOPIC_ID, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 4, errorCode: 47 }] }] }),
};

// ---- ACLs: DescribeAcls (29), CreateAcls (30), DeleteAcls (31) ---------------------------------------------------
// platformatic names PatternType `resourcePatternType`.
const describeAcls: ResponseCase = {
  apiKey: 29,
  view: { rename: { 'resources.patternType': 'resourcePatternType' } },
  ours: () => ({
    throttleTimeMs: 3,
    errorCode: 0,
    errorMessage: null,
    resources: [{ resourceType: 2, resourceName: TOPIC, patternType: 3, acls: [
      { principal: 'User:alice', host: '*', operation: 3, permissionType: 3 },
      { principal: 'User:bøb', host: '10.0.0.1', operation: 4, permissionType: 2 },
    ] }],
  }),
};
const createAcls: ResponseCase = {
  apiKey: 30,
  ours: () => ({ throttleTimeMs: 1, results: [{ errorCode: 0, errorMessage: null }, { errorCode: 58, errorMessage: 'bad acl ü' }] }),
};
const deleteAcls: ResponseCase = {
  apiKey: 31,
  view: { rename: { 'filterResults.matchingAcls.patternType': 'resourcePatternType' } },
  ours: () => ({
    throttleTimeMs: 2,
    filterResults: [
      { errorCode: 0, errorMessage: null, matchingAcls: [
        { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: TOPIC, patternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 },
      ] },
      { errorCode: 31, errorMessage: 'not authorized', matchingAcls: [] },
    ],
  }),
};

// ---- configs: DescribeConfigs (32), AlterConfigs (33), IncrementalAlterConfigs (44) --------------------------------
// v0: platformatic reads and drops IsDefault.
const describeConfigs: ResponseCase = {
  apiKey: 32,
  notExposed: (v) => (v === 0 ? ['results.configs.isDefault'] : []),
  ours: () => ({
    throttleTimeMs: 0,
    results: [
      { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: TOPIC, configs: [
        { name: 'retention.ms', value: '604800000', readOnly: false, isDefault: false, configSource: 1, isSensitive: false,
          synonyms: [{ name: 'retention.ms', value: '604800000', source: 1 }, { name: 'log.retention.hours', value: '168', source: 5 }],
          configType: 5, documentation: 'retention in ms — ü' },
        { name: 'ssl.key.password', value: null, readOnly: true, isDefault: true, configSource: 5, isSensitive: true, synonyms: [], configType: 9, documentation: null },
      ] },
      { errorCode: 3, errorMessage: 'unknown topic', resourceType: 2, resourceName: TOPIC2, configs: [] },
    ],
  }),
};
const alterConfigsResponses = () => [
  { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: TOPIC },
  { errorCode: 40, errorMessage: 'invalid config ü', resourceType: 4, resourceName: '1' },
];
const alterConfigs: ResponseCase = { apiKey: 33, ours: () => ({ throttleTimeMs: 4, responses: alterConfigsResponses() }) };
const incrementalAlterConfigs: ResponseCase = { apiKey: 44, ours: () => ({ throttleTimeMs: 4, responses: alterConfigsResponses() }) };

// ---- log dirs: AlterReplicaLogDirs (34), DescribeLogDirs (35) --------------------------------------------------------
const alterReplicaLogDirs: ResponseCase = {
  apiKey: 34,
  ours: () => ({ throttleTimeMs: 0, results: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 57 }] }] }),
};
const describeLogDirs: ResponseCase = {
  apiKey: 35,
  ours: () => ({
    throttleTimeMs: 0,
    errorCode: 0,
    results: [{ errorCode: 0, logDir: '/var/lib/kafka/dïr', topics: [{ name: TOPIC, partitions: [
      { partitionIndex: 0, partitionSize: 9_007_199_254_740_993n, offsetLag: 0n, isFutureKey: false },
      { partitionIndex: 1, partitionSize: 0n, offsetLag: 12n, isFutureKey: true },
    ] }], totalBytes: 1_000_000_000_000n, usableBytes: 400_000_000_000n }],
  }),
};

// ---- SaslAuthenticate (36), CreatePartitions (37) -------------------------------------------------------------------
const saslAuthenticate: ResponseCase = {
  apiKey: 36,
  ours: () => ({ errorCode: 0, errorMessage: null, authBytes: Buffer.from('s=server-final ü'), sessionLifetimeMs: 3_600_000n }),
};
const createPartitions: ResponseCase = {
  apiKey: 37,
  ours: () => ({ throttleTimeMs: 0, results: [{ name: TOPIC, errorCode: 0, errorMessage: null }, { name: TOPIC2, errorCode: 37, errorMessage: 'invalid partitions' }] }),
};

// ---- delegation tokens (38-41) -------------------------------------------------------------------------------------
const createDelegationToken: ResponseCase = {
  apiKey: 38,
  ours: () => ({
    errorCode: 0, principalType: 'User', principalName: 'alice', tokenRequesterPrincipalType: 'User', tokenRequesterPrincipalName: 'bøb',
    issueTimestampMs: TS, expiryTimestampMs: TS + 86_400_000n, maxTimestampMs: TS + 604_800_000n, tokenId: 'token-1', hmac: Buffer.from([1, 2, 3, 4]), throttleTimeMs: 0,
  }),
};
const renewDelegationToken: ResponseCase = { apiKey: 39, ours: () => ({ errorCode: 0, expiryTimestampMs: TS, throttleTimeMs: 5 }) };
const expireDelegationToken: ResponseCase = { apiKey: 40, ours: () => ({ errorCode: 62, expiryTimestampMs: -1n, throttleTimeMs: 0 }) };
const describeDelegationToken: ResponseCase = {
  apiKey: 41,
  ours: () => ({
    errorCode: 0,
    tokens: [{
      principalType: 'User', principalName: 'alice', tokenRequesterPrincipalType: 'User', tokenRequesterPrincipalName: 'alice',
      issueTimestamp: TS, expiryTimestamp: TS + 1n, maxTimestamp: TS + 2n, tokenId: 'tok-ü', hmac: Buffer.from([9, 9]),
      renewers: [{ principalType: 'User', principalName: 'bob' }],
    }],
    throttleTimeMs: 1,
  }),
};

// ---- DeleteGroups (42), AlterPartitionReassignments (45), ListPartitionReassignments (46), OffsetDelete (47) ---------
const deleteGroups: ResponseCase = {
  apiKey: 42,
  ours: () => ({ throttleTimeMs: 0, results: [{ groupId: GROUP, errorCode: 0, errorMessage: null }, { groupId: 'g2', errorCode: 68, errorMessage: 'not empty' }] }),
};
const alterPartitionReassignments: ResponseCase = {
  apiKey: 45,
  ours: () => ({
    throttleTimeMs: 0,
    allowReplicationFactorChange: false,
    errorCode: 0,
    errorMessage: null,
    responses: [{ name: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }, { partitionIndex: 1, errorCode: 85, errorMessage: 'no reassignment ü' }] }],
  }),
};
const listPartitionReassignments: ResponseCase = {
  apiKey: 46,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0, errorMessage: null,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }] }],
  }),
};
const offsetDelete: ResponseCase = {
  apiKey: 47,
  ours: () => ({ errorCode: 0, throttleTimeMs: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 86 }] }] }),
};

// ---- quotas and SCRAM (48-51) -----------------------------------------------------------------------------------
const describeClientQuotas: ResponseCase = {
  apiKey: 48,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0, errorMessage: null,
    entries: [{ entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }], values: [{ key: 'producer_byte_rate', value: 1048576.25 }, { key: 'request_percentage', value: -0.5 }] }],
  }),
};
const alterClientQuotas: ResponseCase = {
  apiKey: 49,
  ours: () => ({
    throttleTimeMs: 1,
    entries: [
      { errorCode: 0, errorMessage: null, entity: [{ entityType: 'user', entityName: 'alice' }] },
      { errorCode: 42, errorMessage: 'bad quota ü', entity: [{ entityType: 'client-id', entityName: null }] },
    ],
  }),
};
const describeUserScramCredentials: ResponseCase = {
  apiKey: 50,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0, errorMessage: null,
    results: [
      { user: 'alice', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 4096 }, { mechanism: 2, iterations: 8192 }] },
      { user: 'bøb', errorCode: 91, errorMessage: 'not found', credentialInfos: [] },
    ],
  }),
};
const alterUserScramCredentials: ResponseCase = {
  apiKey: 51,
  ours: () => ({ throttleTimeMs: 0, results: [{ user: 'alice', errorCode: 0, errorMessage: null }, { user: 'x', errorCode: 92, errorMessage: 'bad ü' }] }),
};

// ---- KRaft / cluster (55-64) ---------------------------------------------------------------------------------------
const replica = (id: number, dir: string) => ({ replicaId: id, replicaDirectoryId: dir, logEndOffset: 500n + BigInt(id), lastFetchTimestamp: TS, lastCaughtUpTimestamp: TS - 5n });
const describeQuorum: ResponseCase = {
  apiKey: 55,
  ours: () => ({
    errorCode: 0,
    errorMessage: null,
    topics: [{ topicName: '__cluster_metadata', partitions: [{
      partitionIndex: 0, errorCode: 0, errorMessage: null, leaderId: 1, leaderEpoch: 7, highWatermark: 510n,
      currentVoters: [replica(1, TOPIC_ID), replica(2, TOPIC2_ID)], observers: [replica(4, ZERO_UUID)],
    }] }],
    nodes: [{ nodeId: 1, listeners: [{ name: 'CONTROLLER', host: 'ctl-1', port: 9093 }, { name: 'EXTERNAL', host: 'ctl-1.example', port: 65535 }] }],
  }),
};
const alterPartition: ResponseCase = {
  apiKey: 56,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0,
    topics: [{ topicName: TOPIC, topicId: TOPIC_ID, partitions: [
      { partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 7, isr: [1, 2], leaderRecoveryState: 0, partitionEpoch: 43 },
      { partitionIndex: 1, errorCode: 103, leaderId: -1, leaderEpoch: -1, isr: [], leaderRecoveryState: 1, partitionEpoch: -1 },
    ] }],
  }),
};
const updateFeatures: ResponseCase = {
  apiKey: 57,
  ours: () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, results: [{ feature: 'metadata.version', errorCode: 0, errorMessage: null }, { feature: 'x', errorCode: 95, errorMessage: 'invalid ü' }] }),
};
const envelope: ResponseCase = { apiKey: 58, ours: () => ({ responseData: Buffer.from([0, 0, 0, 1, 0, 0]), errorCode: 0 }) };
const describeCluster: ResponseCase = {
  apiKey: 60,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0, errorMessage: null, endpointType: 1, clusterId: 'cluster-Ω', controllerId: 1,
    brokers: [{ brokerId: 1, host: 'b1', port: 9092, rack: 'r1', isFenced: false }, { brokerId: 2, host: 'b2', port: 9092, rack: null, isFenced: true }],
    clusterAuthorizedOperations: 0x0ff8,
  }),
};
const describeProducers: ResponseCase = {
  apiKey: 61,
  ours: () => ({
    throttleTimeMs: 0,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null, activeProducers: [
      { producerId: 77n, producerEpoch: 3, lastSequence: 41, lastTimestamp: TS, coordinatorEpoch: 2, currentTxnStartOffset: 100n },
    ] }, { partitionIndex: 1, errorCode: 6, errorMessage: 'not leader', activeProducers: [] }] }],
  }),
};
const unregisterBroker: ResponseCase = { apiKey: 64, ours: () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null }) };

// ---- transactions admin (65, 66) ----------------------------------------------------------------------------------
const describeTransactions: ResponseCase = {
  apiKey: 65,
  ours: () => ({
    throttleTimeMs: 0,
    transactionStates: [{
      errorCode: 0, transactionalId: TXN, transactionState: 'Ongoing', transactionTimeoutMs: 60_000, transactionStartTimeMs: TS,
      producerId: 77n, producerEpoch: 3, topics: [{ topic: TOPIC, partitions: [0, 1] }],
    }],
  }),
};
const listTransactions: ResponseCase = {
  apiKey: 66,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0, unknownStateFilters: ['Bogus'],
    transactionStates: [{ transactionalId: TXN, producerId: 77n, transactionState: 'Ongoing' }, { transactionalId: 'txn-2', producerId: 9_007_199_254_740_993n, transactionState: 'CompleteCommit' }],
  }),
};

// ---- next-gen consumer groups (68, 69) ------------------------------------------------------------------------------
const consumerGroupHeartbeat: ResponseCase = {
  apiKey: 68,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: MEMBER, memberEpoch: 5, heartbeatIntervalMs: 5000,
    assignment: { topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1, 2] }, { topicId: TOPIC2_ID, partitions: [] }] },
  }),
};
const consumerGroupHeartbeatNoAssignment: ResponseCase = {
  apiKey: 68,
  label: 'null assignment, error',
  ours: () => ({ throttleTimeMs: 0, errorCode: 110, errorMessage: 'fenced ü', memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null }),
};
const cgAssignment = () => ({ topicPartitions: [{ topicId: TOPIC_ID, topicName: TOPIC, partitions: [0, 1] }] });
const consumerGroupDescribe: ResponseCase = {
  apiKey: 69,
  ours: () => ({
    throttleTimeMs: 0,
    groups: [{
      errorCode: 0, errorMessage: null, groupId: GROUP, groupState: 'Stable', groupEpoch: 4, assignmentEpoch: 4, assignorName: 'uniform',
      members: [{
        memberId: MEMBER, instanceId: INSTANCE, rackId: null, memberEpoch: 4, clientId: 'c-ü', clientHost: '/127.0.0.1',
        subscribedTopicNames: [TOPIC], subscribedTopicRegex: null, assignment: cgAssignment(), targetAssignment: { topicPartitions: [] }, memberType: 1,
      }],
      authorizedOperations: -2147483648,
    }],
  }),
};

// ---- telemetry (71, 72), ListConfigResources (74), DescribeTopicPartitions (75) --------------------------------------
const getTelemetrySubscriptions: ResponseCase = {
  apiKey: 71,
  ours: () => ({
    throttleTimeMs: 0, errorCode: 0, clientInstanceId: TOPIC_ID, subscriptionId: 1234, acceptedCompressionTypes: [0, 1, 4],
    pushIntervalMs: 30_000, telemetryMaxBytes: 1_048_576, deltaTemporality: true, requestedMetrics: ['org.apache.kafka.producer.', ''],
  }),
};
const pushTelemetry: ResponseCase = { apiKey: 72, ours: () => ({ throttleTimeMs: 0, errorCode: 0 }) };
const listConfigResources: ResponseCase = {
  apiKey: 74,
  ours: () => ({ throttleTimeMs: 0, errorCode: 0, configResources: [{ resourceName: 'metrics-sub-ü', resourceType: 16 }, { resourceName: TOPIC, resourceType: 2 }] }),
};
const describeTopicPartitions: ResponseCase = {
  apiKey: 75,
  ours: () => ({
    throttleTimeMs: 0,
    topics: [{
      errorCode: 0, name: TOPIC, topicId: TOPIC_ID, isInternal: false,
      partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1, 2], isrNodes: [1], eligibleLeaderReplicas: [2], lastKnownElr: null, offlineReplicas: [] },
        { errorCode: 0, partitionIndex: 1, leaderId: 2, leaderEpoch: 0, replicaNodes: [2], isrNodes: [2], eligibleLeaderReplicas: null, lastKnownElr: [1], offlineReplicas: [1] },
      ],
      topicAuthorizedOperations: 0x0df8,
    }],
    nextCursor: { topicName: TOPIC, partitionIndex: 2 },
  }),
};
const describeTopicPartitionsNoCursor: ResponseCase = {
  apiKey: 75,
  label: 'null cursor, null name',
  ours: () => ({ throttleTimeMs: 0, topics: [{ errorCode: 100, name: null, topicId: TOPIC2_ID, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 }], nextCursor: null }),
};

export const platformaticResponseCases: ResponseCase[] = [
  produce, fetchCase, listOffsets, metadata, offsetCommit, offsetFetch, findCoordinator, joinGroup, heartbeat, leaveGroup,
  syncGroup, describeGroups, listGroups, saslHandshake, apiVersions, createTopics, deleteTopics, deleteRecords,
  initProducerId, offsetForLeaderEpoch, addPartitionsToTxn, addOffsetsToTxn, endTxn, txnOffsetCommit, describeAcls,
  createAcls, deleteAcls, describeConfigs, alterConfigs, incrementalAlterConfigs, alterReplicaLogDirs, describeLogDirs,
  saslAuthenticate, createPartitions, createDelegationToken, renewDelegationToken, expireDelegationToken,
  describeDelegationToken, deleteGroups, alterPartitionReassignments, listPartitionReassignments, offsetDelete,
  describeClientQuotas, alterClientQuotas, describeUserScramCredentials, alterUserScramCredentials, describeQuorum,
  alterPartition, updateFeatures, envelope, describeCluster, describeProducers, unregisterBroker, describeTransactions,
  listTransactions, consumerGroupHeartbeat, consumerGroupHeartbeatNoAssignment, consumerGroupDescribe,
  getTelemetrySubscriptions, pushTelemetry, listConfigResources, describeTopicPartitions, describeTopicPartitionsNoCursor,
];

/** The main (unlabelled) response fixture of an API, in our format — reused by the kafkajs cases. */
export function fixtureOf(apiKey: number): ResponseCase['ours'] {
  const c = platformaticResponseCases.find((x) => x.apiKey === apiKey && !x.label);
  if (!c) throw new Error(`no platformatic response fixture for ${apiKey}`);
  return c.ours;
}
export { pltBatch, kjsBatch };

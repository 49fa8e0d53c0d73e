/** Controller operations: what they write, and their validation with Kafka's error codes and messages. */
import { describe, expect, it } from 'vitest';
import {
  AlterConfigOp,
  ConfigResourceType,
  ConfigSource,
  ElectionType,
  ErrorCode,
  MetadataController,
  MetadataRecordType,
  type MetadataDelta,
} from '../../src/metadata/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { ControlRecordType, FakeLogManager, logBatches, openNode, registerBrokers } from './helpers.js';
import { openDataDir } from '../../src/metadata/index.js';

const TOPIC = ConfigResourceType.TOPIC;
const BROKER = ConfigResourceType.BROKER;
const GROUP = ConfigResourceType.GROUP;

function node(brokers = 1, options: Parameters<typeof openNode>[1] = {}) {
  const n = openNode(tmpDir(), options);
  registerBrokers(n.controller, brokers, n.info.directoryId);
  return n;
}

describe('a new cluster', () => {
  it('starts with LeaderChange (+ kraft.version and voters), then the bootstrap FeatureLevelRecords', () => {
    const n = openNode(tmpDir(), { controllerEndpoints: [{ name: 'CONTROLLER', host: 'localhost', port: 9093 }] });
    const log = n.logManager.partition('__cluster_metadata', 0)!;
    expect(log.topicId).toBe('AAAAAAAAAAAAAAAAAAAAAQ');
    const batches = logBatches(log);
    expect(batches[0]).toEqual({
      baseOffset: 0,
      epoch: 1,
      isControl: true,
      control: [ControlRecordType.LEADER_CHANGE, ControlRecordType.KRAFT_VERSION, ControlRecordType.KRAFT_VOTERS],
      count: 3,
    });
    expect(batches[1]).toMatchObject({ baseOffset: 3, epoch: 1, isControl: false, count: 4 });
    expect(n.controller.finalizedFeatures()).toEqual({
      'metadata.version': 29,
      'kraft.version': 1,
      'group.version': 1,
      'transaction.version': 2,
      'share.version': 1,
    });
    expect(n.controller.startup.bootstrapped).toBe(true);
    const q = n.controller.describeQuorum();
    expect(q).toMatchObject({
      topicName: '__cluster_metadata',
      partitionIndex: 0,
      leaderId: 1,
      leaderEpoch: 1,
      highWatermark: 7,
      kraftVersion: 1,
      nodes: [{ nodeId: 1, listeners: [{ name: 'CONTROLLER', host: 'localhost', port: 9093 }] }],
    });
    expect(q.currentVoters).toEqual([
      { replicaId: 1, replicaDirectoryId: n.info.directoryId, logEndOffset: 7, lastFetchTimestamp: expect.any(Number), lastCaughtUpTimestamp: expect.any(Number) },
    ]);
    n.close();
  });

  it('refuses bootstrap features this build does not support, or whose dependencies are missing', () => {
    expect(() => openNode(tmpDir(), { bootstrapFeatures: { 'streams.version': 1 } })).toThrow(/streams\.version level 1 is not supported/);
    expect(() => openNode(tmpDir(), { bootstrapFeatures: { 'metadata.version': 21 } })).toThrow(/share\.version level 1 depends on metadata\.version level 27/);
    expect(() => openNode(tmpDir(), { bootstrapFeatures: { 'no.such.feature': 1 } })).toThrow(/Unsupported feature: no\.such\.feature/);
  });
});

describe('createTopics', () => {
  it('writes TopicRecord, ConfigRecords and PartitionRecords in one batch, then applies them', () => {
    const n = node(1);
    const deltas: MetadataDelta[] = [];
    n.controller.subscribe((d) => deltas.push(d));
    const before = logBatches(n.logManager.partition('__cluster_metadata', 0)!).length;
    const results = n.controller.createTopics([
      { name: 'a', numPartitions: 10, replicationFactor: 1, configs: [{ name: 'retention.ms', value: '1000' }, { name: 'cleanup.policy', value: 'compact' }] },
      { name: 'b', numPartitions: 10 },
      { name: 'c' },
    ]);
    expect(results.map((r) => [r.name, r.errorCode, r.numPartitions, r.replicationFactor])).toEqual([
      ['a', 0, 10, 1],
      ['b', 0, 10, 1],
      ['c', 0, 1, 1],
    ]);
    const batches = logBatches(n.logManager.partition('__cluster_metadata', 0)!);
    expect(batches.length).toBe(before + 1);
    expect(batches[batches.length - 1]!.count).toBe(3 + 2 + 21);
    expect(deltas).toHaveLength(1);
    const d = deltas[0]!;
    expect(d.records.map((r) => r.apiKey).slice(0, 4)).toEqual([MetadataRecordType.TOPIC, MetadataRecordType.CONFIG, MetadataRecordType.CONFIG, MetadataRecordType.PARTITION]);
    expect(d.topicsCreated.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(d.partitionsCreated).toHaveLength(21);
    expect(d.configsChanged).toEqual([{ resourceType: TOPIC, resourceName: 'a' }]);
    expect(d.epoch).toBe(n.controller.epoch);

    const a = n.controller.topic('a')!;
    expect(a.topicId).toBe(results[0]!.topicId);
    expect(n.controller.topicById(a.topicId)).toBe(a);
    expect(a.partitions.get(9)).toMatchObject({ replicas: [1], isr: [1], leader: 1, leaderEpoch: 0, partitionEpoch: 0, directories: [n.info.directoryId] });
    expect(n.controller.resourceConfigs(TOPIC, 'a')).toEqual(new Map([['cleanup.policy', 'compact'], ['retention.ms', '1000']]));
    const retention = results[0]!.configs.find((c) => c.name === 'retention.ms')!;
    expect(retention).toMatchObject({ value: '1000', source: ConfigSource.TOPIC_CONFIG });
    expect(results[1]!.configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '604800000', source: ConfigSource.DEFAULT_CONFIG });
    expect(n.controller.topicConfig('a')['cleanup.policy']).toBe('compact');
    n.close();
  });

  it('spreads leaders round-robin over the registered brokers and places followers on the others', () => {
    const n = node(3);
    const [r] = n.controller.createTopics([{ name: 't', numPartitions: 6, replicationFactor: 2 }]);
    expect(r!.errorCode).toBe(0);
    const parts = [...n.controller.topic('t')!.partitions.values()];
    expect(parts.map((p) => p.leader)).toEqual([1, 2, 3, 1, 2, 3]);
    for (const p of parts) {
      expect(p.replicas).toHaveLength(2);
      expect(new Set(p.replicas).size).toBe(2);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leader).toBe(p.replicas[0]);
    }
    n.close();
  });

  it('uses num.partitions and default.replication.factor for -1', () => {
    const n = node(3, { numPartitions: 4, defaultReplicationFactor: 3 });
    const [r] = n.controller.createTopics([{ name: 't', numPartitions: -1, replicationFactor: -1 }]);
    expect([r!.numPartitions, r!.replicationFactor]).toEqual([4, 3]);
    n.close();
  });

  it('accepts manual assignments', () => {
    const n = node(3);
    const [r] = n.controller.createTopics([{ name: 't', assignments: [{ partitionIndex: 1, brokerIds: [3, 1] }, { partitionIndex: 0, brokerIds: [2, 3] }] }]);
    expect(r!.errorCode).toBe(0);
    expect(n.controller.partition('t', 0)).toMatchObject({ replicas: [2, 3], leader: 2 });
    expect(n.controller.partition('t', 1)).toMatchObject({ replicas: [3, 1], leader: 3 });
    n.close();
  });

  it('validates like Kafka', () => {
    const n = node(1);
    n.controller.createTopics([{ name: 'exists' }, { name: 'with.dot' }]);
    const cases: [Parameters<MetadataController['createTopics']>[0][0], number, string][] = [
      [{ name: 'exists' }, ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'exists' already exists."],
      [{ name: 'with_dot' }, ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic 'with_dot' collides with existing topic: with.dot"],
      [{ name: '' }, ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic name is illegal, it can't be empty"],
      [{ name: '.' }, ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name cannot be "." or ".."'],
      [{ name: '..' }, ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name cannot be "." or ".."'],
      [{ name: 'x'.repeat(250) }, ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name is illegal, it can't be longer than 249 characters, topic name: ${'x'.repeat(250)}`],
      [{ name: 'a b' }, ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "a b" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`],
      [{ name: 'é' }, ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "é" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`],
      [{ name: '__cluster_metadata' }, ErrorCode.INVALID_REQUEST, 'Creation of internal topic __cluster_metadata is prohibited.'],
      [{ name: 'p0', numPartitions: 0 }, ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.'],
      [{ name: 'p2', numPartitions: -2 }, ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.'],
      [{ name: 'r0', replicationFactor: 0 }, ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.'],
      [
        { name: 'r3', replicationFactor: 3 },
        ErrorCode.INVALID_REPLICATION_FACTOR,
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
      ],
      [{ name: 'c1', configs: [{ name: 'no.such.config', value: '1' }] }, ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.config'],
      [{ name: 'c2', configs: [{ name: 'retention.ms', value: 'soon' }] }, ErrorCode.INVALID_CONFIG, 'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
      [{ name: 'c3', configs: [{ name: 'retention.ms', value: '-2' }] }, ErrorCode.INVALID_CONFIG, 'Invalid value -2 for configuration retention.ms: Value must be at least -1'],
      [
        { name: 'c4', configs: [{ name: 'cleanup.policy', value: 'compact,forever' }] },
        ErrorCode.INVALID_CONFIG,
        'Invalid value compact,forever for configuration cleanup.policy: String must be one of: compact, delete',
      ],
      [{ name: 'c5', configs: [{ name: 'segment.bytes', value: '1000' }] }, ErrorCode.INVALID_CONFIG, 'Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576'],
      [{ name: 'c6', configs: [{ name: 'retention.ms', value: null }] }, ErrorCode.INVALID_CONFIG, 'Null value not supported for topic configs: retention.ms'],
      [{ name: 'c7', configs: [{ name: 'preallocate', value: 'yes' }] }, ErrorCode.INVALID_CONFIG, 'Invalid value yes for configuration preallocate: Expected value to be either true or false'],
      [
        { name: 'c8', configs: [{ name: 'min.compaction.lag.ms', value: '10' }, { name: 'max.compaction.lag.ms', value: '5' }] },
        ErrorCode.INVALID_CONFIG,
        'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
      ],
      [
        { name: 'm1', numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] },
        ErrorCode.INVALID_REQUEST,
        'A manual partition assignment was specified, but numPartitions was not set to -1.',
      ],
      [
        { name: 'm2', replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] },
        ErrorCode.INVALID_REQUEST,
        'A manual partition assignment was specified, but replication factor was not set to -1.',
      ],
      [{ name: 'm3', assignments: [{ partitionIndex: 0, brokerIds: [] }] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
      [
        { name: 'm4', assignments: [{ partitionIndex: 0, brokerIds: [9] }] },
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'The manual partition assignment includes broker 9, but no such broker is registered.',
      ],
      [
        { name: 'm5', assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] },
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'The manual partition assignment includes the broker 1 more than once.',
      ],
      [
        { name: 'm6', assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 0, brokerIds: [1] }] },
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'Found multiple manual partition assignments for partition 0',
      ],
      [{ name: 'm7', assignments: [{ partitionIndex: 1, brokerIds: [1] }] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence'],
    ];
    const results = n.controller.createTopics(cases.map(([t]) => t));
    expect(results.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual(cases.map(([t, code, message]) => [t.name, code, message]));
    for (const r of results) expect([r.topicId, r.numPartitions, r.replicationFactor]).toEqual(['AAAAAAAAAAAAAAAAAAAAAA', -1, -1]);
    expect([...n.controller.image.topicsByName.keys()].sort()).toEqual(['exists', 'with.dot']);
    n.close();
  });

  it('rejects inconsistent replication factors in a manual assignment', () => {
    const n = node(2);
    const [r] = n.controller.createTopics([{ name: 't', assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }, { partitionIndex: 1, brokerIds: [1] }] }]);
    expect(r).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).',
    });
    n.close();
  });

  it('fails every duplicate name, and every topic of a request over 10,000 partitions', () => {
    const n = node(1);
    const dup = n.controller.createTopics([{ name: 'x' }, { name: 'y' }, { name: 'x' }]);
    expect(dup.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      ['x', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      ['y', 0, null],
      ['x', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
    ]);
    const big = n.controller.createTopics([{ name: 'p', numPartitions: 5000 }, { name: 'q', numPartitions: 5001 }]);
    expect(big.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.POLICY_VIOLATION, 'Excessively large number of partitions per request.'],
      [ErrorCode.POLICY_VIOLATION, 'Excessively large number of partitions per request.'],
    ]);
    n.close();
  });

  it('validateOnly returns the results and writes nothing', () => {
    const n = node(1);
    const end = n.controller.highWatermark;
    const [r] = n.controller.createTopics([{ name: 'v', numPartitions: 3 }], { validateOnly: true });
    expect(r).toMatchObject({ errorCode: 0, numPartitions: 3, replicationFactor: 1 });
    expect(n.controller.topic('v')).toBeUndefined();
    expect(n.controller.highWatermark).toBe(end);
    n.close();
  });

  it('a failed append changes nothing and reports the storage error', () => {
    const dir = tmpDir();
    const info = openDataDir(dir, { nodeId: 1 });
    const lm = new FakeLogManager(dir);
    const c = MetadataController.open({ logManager: lm, dataDir: info, random: () => 0 });
    registerBrokers(c, 1);
    const log = lm.partition('__cluster_metadata', 0)!;
    const end = log.logEndOffset();
    const seen: MetadataDelta[] = [];
    c.subscribe((d) => seen.push(d));
    log.failAppends = true;
    const [r] = c.createTopics([{ name: 't' }]);
    expect(r).toMatchObject({ errorCode: 56, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(r!.errorMessage).toContain('disk full');
    expect(c.topic('t')).toBeUndefined();
    expect(log.logEndOffset()).toBe(end);
    expect(seen).toEqual([]);
    expect(c.allocateProducerIds(1)).toMatchObject({ errorCode: 56, producerIdStart: -1n });
    expect(c.image.producerIds.nextProducerId).toBe(0n);
    log.failAppends = false;
    expect(c.createTopics([{ name: 't' }])[0]!.errorCode).toBe(0);
  });
});

describe('subscribe', () => {
  it('delivers one delta per committed batch until unsubscribed; a failing listener does not stop the others', () => {
    const n = node(1);
    const seen: string[] = [];
    n.controller.subscribe(() => {
      throw new Error('boom');
    });
    const off = n.controller.subscribe((d, image) => seen.push(`${d.baseOffset}-${d.lastOffset}:${image.topicsByName.size}`));
    const start = n.controller.highWatermark;
    n.controller.createTopics([{ name: 'a', numPartitions: 2 }]);
    off();
    n.controller.createTopics([{ name: 'b' }]);
    expect(seen).toEqual([`${start}-${start + 2}:1`]);
    expect(n.lines.some((l) => l.includes('a listener failed') && l.includes('boom'))).toBe(true);
    n.close();
  });
});

describe('deleteTopics', () => {
  it('deletes by name and by id, removes the topic configs, and tells subscribers', () => {
    const n = node(1);
    const [a, b] = n.controller.createTopics([
      { name: 'a', numPartitions: 2, configs: [{ name: 'retention.ms', value: '5' }] },
      { name: 'b' },
      { name: 'c' },
    ]);
    const deltas: MetadataDelta[] = [];
    n.controller.subscribe((d) => deltas.push(d));
    const results = n.controller.deleteTopics([{ name: 'a' }, { topicId: b!.topicId }]);
    expect(results).toEqual([
      { name: 'a', topicId: a!.topicId, errorCode: 0, errorMessage: null },
      { name: 'b', topicId: b!.topicId, errorCode: 0, errorMessage: null },
    ]);
    expect(n.controller.topic('a')).toBeUndefined();
    expect(n.controller.topicById(b!.topicId)).toBeUndefined();
    expect(n.controller.resourceConfigs(TOPIC, 'a').size).toBe(0);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]!.topicsDeleted.map((t) => [t.name, t.partitions.size])).toEqual([['a', 2], ['b', 1]]);
    expect(deltas[0]!.records.map((r) => r.apiKey)).toEqual([MetadataRecordType.REMOVE_TOPIC, MetadataRecordType.REMOVE_TOPIC]);
    // A new topic of the same name gets a new id.
    const [again] = n.controller.createTopics([{ name: 'a' }]);
    expect(again!.topicId).not.toBe(a!.topicId);
    n.close();
  });

  it('validates like Kafka', () => {
    const n = node(1);
    const [c] = n.controller.createTopics([{ name: 'c' }]);
    const results = n.controller.deleteTopics([
      { name: 'missing' },
      { topicId: 'AAAAAAAAAAAAAAAAAAAAAg' },
      { name: 'c', topicId: c!.topicId },
      {},
      { name: 'dup' },
      { name: 'dup' },
    ]);
    expect(results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'],
      [ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'],
      [ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'],
      [ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'],
      [ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      [ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
    ]);
    expect(n.controller.topic('c')).toBeDefined();
    n.close();
  });
});

describe('createPartitions', () => {
  it('grows a topic and places the new partitions after the existing ones', () => {
    const n = node(3);
    n.controller.createTopics([{ name: 't', numPartitions: 2, replicationFactor: 2 }]);
    const deltas: MetadataDelta[] = [];
    n.controller.subscribe((d) => deltas.push(d));
    expect(n.controller.createPartitions([{ name: 't', count: 5 }])).toEqual([{ name: 't', errorCode: 0, errorMessage: null }]);
    const t = n.controller.topic('t')!;
    expect([...t.partitions.keys()]).toEqual([0, 1, 2, 3, 4]);
    expect([...t.partitions.values()].map((p) => p.leader)).toEqual([1, 2, 3, 1, 2]);
    expect(deltas[0]!.partitionsCreated.map((p) => p.partition.partitionId)).toEqual([2, 3, 4]);
    expect(n.controller.createPartitions([{ name: 't', count: 6, assignments: [{ brokerIds: [3, 2] }] }])[0]!.errorCode).toBe(0);
    expect(n.controller.partition('t', 5)).toMatchObject({ replicas: [3, 2], leader: 3 });
    n.close();
  });

  it('validates like Kafka', () => {
    const n = node(2);
    n.controller.createTopics([{ name: 't', numPartitions: 3, replicationFactor: 2 }, { name: 'u' }]);
    const results = n.controller.createPartitions([
      { name: 'missing', count: 2 },
      { name: 't', count: 3 },
      { name: 't', count: 2 },
      { name: 'u', count: 3, assignments: [{ brokerIds: [1] }] },
      { name: 'v', count: 1 },
    ]);
    expect(results.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'],
      ['t', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      ['t', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      ['u', ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.'],
      ['v', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'],
    ]);
    const more = n.controller.createPartitions([
      { name: 't', count: 3 },
      { name: 'u', count: 0 },
      { name: 'u2', count: 1 },
    ]);
    expect(more.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_PARTITIONS, 'Topic already has 3 partition(s).'],
      [ErrorCode.INVALID_PARTITIONS, 'The topic u currently has 1 partition(s); 0 would not be an increase.'],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'],
    ]);
    const rf = n.controller.createPartitions([{ name: 't', count: 4, assignments: [{ brokerIds: [1] }] }]);
    expect(rf[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).',
    });
    expect(n.controller.createPartitions([{ name: 't', count: 9 }], { validateOnly: true })[0]!.errorCode).toBe(0);
    expect(n.controller.topic('t')!.partitions.size).toBe(3);
    n.close();
  });
});

describe('configs', () => {
  it('incrementalAlterConfigs: SET, DELETE, APPEND, SUBTRACT', () => {
    const n = node(1);
    n.controller.createTopics([{ name: 't', configs: [{ name: 'retention.ms', value: '1000' }] }]);
    const set = (configs: { name: string; configOperation: number; value: string | null }[]) =>
      n.controller.incrementalAlterConfigs([{ resourceType: TOPIC, resourceName: 't', configs }])[0]!;
    expect(set([{ name: 'segment.ms', configOperation: AlterConfigOp.SET, value: '60000' }, { name: 'retention.ms', configOperation: AlterConfigOp.DELETE, value: null }])).toEqual({
      resourceType: TOPIC,
      resourceName: 't',
      errorCode: 0,
      errorMessage: null,
    });
    expect(n.controller.resourceConfigs(TOPIC, 't')).toEqual(new Map([['segment.ms', '60000']]));
    expect(set([{ name: 'cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'compact' }]).errorCode).toBe(0);
    expect(n.controller.resourceConfigs(TOPIC, 't').get('cleanup.policy')).toBe('delete,compact');
    expect(set([{ name: 'cleanup.policy', configOperation: AlterConfigOp.SUBTRACT, value: 'delete' }]).errorCode).toBe(0);
    expect(n.controller.resourceConfigs(TOPIC, 't').get('cleanup.policy')).toBe('compact');
    expect(set([{ name: 'retention.ms', configOperation: AlterConfigOp.APPEND, value: '1' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(set([{ name: 'nope', configOperation: AlterConfigOp.SET, value: '1' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Unknown topic config name: nope',
    });
    expect(set([{ name: 'retention.ms', configOperation: AlterConfigOp.SET, value: '1' }, { name: 'retention.ms', configOperation: AlterConfigOp.DELETE, value: null }])).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Error due to duplicate config keys',
    });
    // Setting what is already set writes nothing.
    const end = n.controller.highWatermark;
    expect(set([{ name: 'segment.ms', configOperation: AlterConfigOp.SET, value: '60000' }]).errorCode).toBe(0);
    expect(n.controller.highWatermark).toBe(end);
    n.close();
  });

  it('validates resources, and validateOnly writes nothing', () => {
    const n = node(1);
    n.controller.createTopics([{ name: 't' }]);
    const results = n.controller.incrementalAlterConfigs([
      { resourceType: TOPIC, resourceName: 'missing', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] },
      { resourceType: TOPIC, resourceName: '', configs: [] },
      { resourceType: BROKER, resourceName: 'one', configs: [] },
      { resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', configOperation: 0, value: '3' }] },
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: 'x' }] },
      { resourceType: GROUP, resourceName: 'g', configs: [{ name: 'share.auto.offset.reset', configOperation: 0, value: 'sometimes' }] },
      { resourceType: GROUP, resourceName: 'g2', configs: [{ name: 'unknown.group.config', configOperation: 0, value: '1' }] },
      { resourceType: ConfigResourceType.CLIENT_METRICS, resourceName: 'm', configs: [] },
      { resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] },
    ], { validateOnly: true });
    expect(results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'missing' does not exist."],
      [ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.'],
      [ErrorCode.INVALID_REQUEST, 'Invalid broker name one'],
      [ErrorCode.INVALID_REQUEST, "Invalid config value for resource ConfigResource(type=BROKER, name='1'): Cannot update these configs dynamically: Set(num.partitions)"],
      [ErrorCode.INVALID_REQUEST, "Invalid config value for resource ConfigResource(type=BROKER, name=''): Invalid value x for configuration log.retention.ms: Not a number of type LONG"],
      [ErrorCode.INVALID_CONFIG, 'Invalid value sometimes for configuration share.auto.offset.reset: String must be one of: latest, earliest, by_duration:<ISO8601 duration>'],
      [ErrorCode.INVALID_CONFIG, 'Unknown group config name: unknown.group.config'],
      [ErrorCode.INVALID_REQUEST, 'Unsupported resource type 16'],
      [0, null],
    ]);
    expect(n.controller.resourceConfigs(TOPIC, 't').size).toBe(0);
    n.close();
  });

  it('broker and group configs: stored per resource, and broker defaults feed topic configs', () => {
    const n = node(1, { staticConfig: { 'log.retention.hours': '24' } });
    n.controller.createTopics([{ name: 't' }]);
    expect(n.controller.describeTopicConfigs('t')!.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '86400000', source: ConfigSource.STATIC_BROKER_CONFIG });
    const results = n.controller.incrementalAlterConfigs([
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '3600000' }] },
      { resourceType: GROUP, resourceName: 'g', configs: [{ name: 'share.auto.offset.reset', configOperation: 0, value: 'earliest' }] },
    ]);
    expect(results.map((r) => r.errorCode)).toEqual([0, 0]);
    const retention = n.controller.describeTopicConfigs('t')!.find((c) => c.name === 'retention.ms')!;
    expect(retention).toMatchObject({ value: '3600000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    expect(retention.synonyms.map((s) => s.name)).toEqual(['log.retention.ms', 'log.retention.hours', 'log.retention.ms']);
    expect(n.controller.describeGroupConfigs('g').find((c) => c.name === 'share.auto.offset.reset')).toMatchObject({ value: 'earliest', source: ConfigSource.GROUP_CONFIG });
    n.close();
  });

  it('alterConfigs (legacy) replaces the whole set', () => {
    const n = node(1);
    n.controller.createTopics([{ name: 't', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: '5000' }] }]);
    const [r] = n.controller.alterConfigs([{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'segment.ms', value: '6000' }] }]);
    expect(r!.errorCode).toBe(0);
    expect(n.controller.resourceConfigs(TOPIC, 't')).toEqual(new Map([['segment.ms', '6000']]));
    const [bad] = n.controller.alterConfigs([{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'segment.ms', value: 'x' }] }]);
    expect(bad!.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    n.close();
  });
});

describe('producer ids', () => {
  it('hands out blocks of 1000 and checks the broker epoch', () => {
    const n = node(1);
    const epoch = n.controller.broker(1)!.brokerEpoch;
    expect(n.controller.allocateProducerIds(1, epoch)).toEqual({ errorCode: 0, errorMessage: null, producerIdStart: 0n, producerIdLen: 1000 });
    expect(n.controller.allocateProducerIds(1, epoch)).toMatchObject({ producerIdStart: 1000n, producerIdLen: 1000 });
    expect(n.controller.image.producerIds.nextProducerId).toBe(2000n);
    expect(n.controller.allocateProducerIds(1, epoch + 1n)).toMatchObject({
      errorCode: ErrorCode.STALE_BROKER_EPOCH,
      errorMessage: `Expected broker epoch ${epoch}, but got ${epoch + 1n}`,
    });
    expect(n.controller.allocateProducerIds(7, 0)).toMatchObject({ errorCode: ErrorCode.STALE_BROKER_EPOCH });
    n.close();
  });
});

describe('brokers', () => {
  it('registration: epoch = the record offset; same incarnation = same epoch; unsupported features refused', () => {
    const n = openNode(tmpDir());
    const end = n.controller.highWatermark;
    const ep = [{ name: 'PLAINTEXT', host: 'h', port: 1, securityProtocol: 0 }];
    const r = n.controller.registerBroker({ brokerId: 1, incarnationId: 'AAAAAAAAAAAAAAAAAAAAAw', endpoints: ep, rack: 'r1', logDirs: [n.info.directoryId!] });
    expect(r).toEqual({ errorCode: 0, errorMessage: null, brokerEpoch: BigInt(end) });
    expect(n.controller.registerBroker({ brokerId: 1, incarnationId: 'AAAAAAAAAAAAAAAAAAAAAw', endpoints: ep }).brokerEpoch).toBe(BigInt(end));
    expect(n.controller.broker(1)).toMatchObject({ rack: 'r1', fenced: false, endpoints: ep, logDirs: [n.info.directoryId] });
    const old = n.controller.registerBroker({ brokerId: 2, endpoints: ep, features: [{ name: 'metadata.version', minSupportedVersion: 7, maxSupportedVersion: 21 }] });
    expect(old).toMatchObject({
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      errorMessage: 'Unable to register because the broker does not support finalized version 29 of metadata.version. The broker wants a version between 7 and 21, inclusive.',
    });
    expect(n.controller.registerBroker({ brokerId: -1, endpoints: ep }).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    n.close();
  });

  it('fencing moves leadership to another ISR member; unfencing and preferred election move it back', () => {
    const n = node(3);
    n.controller.createTopics([{ name: 't', numPartitions: 3, replicationFactor: 2 }]);
    const p0 = () => n.controller.partition('t', 0)!;
    expect(p0()).toMatchObject({ replicas: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0 });
    const deltas: MetadataDelta[] = [];
    n.controller.subscribe((d) => deltas.push(d));
    expect(n.controller.fenceBroker(1).errorCode).toBe(0);
    expect(n.controller.broker(1)!.fenced).toBe(true);
    expect(p0()).toMatchObject({ leader: 2, isr: [2], leaderEpoch: 1, partitionEpoch: 1 });
    expect(deltas[0]!.partitionsChanged.map((c) => [c.partition.partitionId, c.previous.leader, c.partition.leader])).toContainEqual([0, 1, 2]);
    expect(n.controller.createTopics([{ name: 'three', replicationFactor: 3 }])[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICATION_FACTOR });
    expect(n.controller.unfenceBroker(1).errorCode).toBe(0);
    expect(n.controller.alterPartitionIsr(p0().topicId, 0, [2, 1]).errorCode).toBe(0);
    expect(p0()).toMatchObject({ isr: [2, 1], leaderEpoch: 1, partitionEpoch: 2 });
    const elected = n.controller.electLeaders(ElectionType.PREFERRED, [{ topic: 't', partitions: [0, 1, 7] }]);
    expect(elected).toEqual([
      {
        topic: 't',
        partitionResults: [
          { partitionId: 0, errorCode: 0, errorMessage: null },
          { partitionId: 1, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
          { partitionId: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' },
        ],
      },
    ]);
    expect(p0()).toMatchObject({ leader: 1, leaderEpoch: 2 });
    expect(n.controller.unregisterBroker(9)).toMatchObject({ errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED });
    n.close();
  });

  it('a partition whose only replica is fenced has no leader until the broker comes back', () => {
    const n = node(1);
    n.controller.createTopics([{ name: 't' }]);
    n.controller.fenceBroker(1);
    expect(n.controller.partition('t', 0)).toMatchObject({ leader: -1, isr: [1], leaderEpoch: 1 });
    n.controller.unfenceBroker(1);
    expect(n.controller.partition('t', 0)).toMatchObject({ leader: 1, isr: [1], leaderEpoch: 2 });
    n.close();
  });
});

describe('features', () => {
  it('upgrades, refuses downgrades and unsupported levels, all or nothing', () => {
    const n = openNode(tmpDir(), { bootstrapFeatures: { 'group.version': 0, 'share.version': 0 } });
    expect(n.controller.finalizedFeatures()['group.version']).toBeUndefined();
    expect(n.controller.updateFeatures([{ feature: 'group.version', maxVersionLevel: 1 }])).toEqual({
      errorCode: 0,
      errorMessage: null,
      results: [{ feature: 'group.version', errorCode: 0, errorMessage: null }],
    });
    expect(n.controller.finalizedFeatures()['group.version']).toBe(1);
    const bad = n.controller.updateFeatures([
      { feature: 'share.version', maxVersionLevel: 1 },
      { feature: 'group.version', maxVersionLevel: 0 },
    ]);
    expect(bad.errorCode).toBe(ErrorCode.INVALID_UPDATE_VERSION);
    expect(bad.errorMessage).toBe(
      "Invalid update version 0 for feature group.version. Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.",
    );
    expect(bad.results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_UPDATE_VERSION, ErrorCode.INVALID_UPDATE_VERSION]);
    expect(n.controller.finalizedFeatures()['share.version']).toBeUndefined();
    expect(n.controller.updateFeatures([{ feature: 'group.version', maxVersionLevel: 0, upgradeType: 2 }]).errorCode).toBe(0);
    expect(n.controller.finalizedFeatures()['group.version']).toBeUndefined();
    expect(n.controller.updateFeatures([{ feature: 'group.version', maxVersionLevel: 5 }]).errorMessage).toBe(
      'Invalid update version 5 for feature group.version. Local controller 1 only supports versions 0-1',
    );
    expect(n.controller.updateFeatures([{ feature: 'metadata.version', maxVersionLevel: 20, upgradeType: 2 }]).errorMessage).toBe(
      'Invalid metadata.version 20. Refusing to perform the requested downgrade because it might delete metadata information.',
    );
    expect(n.controller.updateFeatures([{ feature: 'no.such', maxVersionLevel: 1 }]).errorCode).toBe(ErrorCode.INVALID_UPDATE_VERSION);
    n.close();
  });

  it('kraft.version 0 → 1 writes KRaftVersionRecord and VotersRecord control records', () => {
    const n = openNode(tmpDir(), { bootstrapFeatures: { 'kraft.version': 0 } });
    expect(n.controller.kraftVersion).toBe(0);
    expect(n.controller.describeQuorum().currentVoters[0]!.replicaDirectoryId).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(n.controller.updateFeatures([{ feature: 'kraft.version', maxVersionLevel: 1 }]).errorCode).toBe(0);
    expect(n.controller.kraftVersion).toBe(1);
    const batches = logBatches(n.logManager.partition('__cluster_metadata', 0)!);
    expect(batches[batches.length - 1]!.control).toEqual([ControlRecordType.KRAFT_VERSION, ControlRecordType.KRAFT_VOTERS]);
    n.close();
    const again = openNode(n.dir);
    expect(again.controller.kraftVersion).toBe(1);
    again.close();
  });
});

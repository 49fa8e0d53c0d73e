// Topic admin over the raw protocol: Metadata, CreateTopics, DeleteTopics, CreatePartitions, at their oldest, a
// middle and their newest versions, with the errors Kafka answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ApiKey, ErrorCode, ZERO_UUID } from '../../src/protocol/index.js';
import { uniqueName } from '../helpers/gregor-server.js';
import { RawClient } from './raw-client.js';

let server: RunningServer;
let client: RawClient;
const quiet = { handleSignals: false, logWrite: () => {} };

beforeAll(async () => {
  server = await serve({ host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: {} }, quiet);
  client = await RawClient.connect(server.address.port);
});
afterAll(async () => {
  client.close();
  await server.close();
});

const name = (p: string) => uniqueName(p).replaceAll('-', '_').slice(0, 60);

async function create(topic: string, numPartitions = 1, configs: { name: string; value: string }[] = []) {
  const r = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions, replicationFactor: 1, configs }], timeoutMs: 5000 });
  expect(r.topics[0].errorCode).toBe(0);
  return r.topics[0];
}

describe('Metadata', () => {
  it.each([0, 1, 4, 7, 9, 12, 13])('v%i describes a topic and the broker', async (v) => {
    const topic = name(`md${v}`);
    const created = await create(topic, 2);
    const r = await client.request(ApiKey.Metadata, v, { topics: [{ name: topic }], ...(v >= 4 ? { allowAutoTopicCreation: false } : {}) });
    expect(r.brokers).toEqual([expect.objectContaining({ nodeId: 1, host: 'localhost', port: server.address.port })]);
    if (v >= 1) expect(r.controllerId).toBe(1);
    if (v >= 2) expect(r.clusterId).toBe(server.broker.clusterId);
    expect(r.topics).toHaveLength(1);
    const t = r.topics[0];
    expect(t).toMatchObject({ errorCode: 0, name: topic });
    if (v >= 10) expect(t.topicId).toBe(created.topicId);
    expect(t.partitions.map((p: any) => p.partitionIndex)).toEqual([0, 1]);
    for (const p of t.partitions) {
      expect(p).toMatchObject({ errorCode: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] });
      if (v >= 5) expect(p.offlineReplicas).toEqual([]);
      if (v >= 7) expect(p.leaderEpoch).toBe(0);
    }
    if (v >= 8) expect(t.topicAuthorizedOperations).toBe(-2147483648);
  });

  it('reports authorized operations when asked (v8-10 cluster, v8+ topic)', async () => {
    const topic = name('ops');
    await create(topic);
    const r8 = await client.request(ApiKey.Metadata, 8, { topics: [{ name: topic }], includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true });
    expect(r8.clusterAuthorizedOperations).toBe(8096);
    expect(r8.topics[0].topicAuthorizedOperations).toBe(3576);
    const r11 = await client.request(ApiKey.Metadata, 11, { topics: [{ name: topic }], includeTopicAuthorizedOperations: true });
    expect(r11.topics[0].topicAuthorizedOperations).toBe(3576);
  });

  it('lists every topic for null topics (v1+) and for an empty list at v0; an empty list is none at v1+', async () => {
    const topic = name('all');
    await create(topic);
    const all = await client.request(ApiKey.Metadata, 12, { topics: null });
    expect(all.topics.map((t: any) => t.name)).toContain(topic);
    const v0 = await client.request(ApiKey.Metadata, 0, { topics: [] });
    expect(v0.topics.map((t: any) => t.name)).toContain(topic);
    const none = await client.request(ApiKey.Metadata, 1, { topics: [] });
    expect(none.topics).toEqual([]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION when auto-creation is not allowed, INVALID_TOPIC_EXCEPTION for a bad name', async () => {
    const topic = name('missing');
    const r = await client.request(ApiKey.Metadata, 9, { topics: [{ name: topic }, { name: 'bad name!' }], allowAutoTopicCreation: false });
    expect(r.topics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: topic, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: [] }),
        expect.objectContaining({ name: 'bad name!', errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION }),
      ]),
    );
    expect(server.broker.metadata.topic(topic)).toBeUndefined();
  });

  it('auto-creates with num.partitions when allowed (always before v4) and answers LEADER_NOT_AVAILABLE first', async () => {
    for (const v of [1, 4, 13]) {
      const topic = name(`auto${v}`);
      const first = await client.request(ApiKey.Metadata, v, { topics: [{ name: topic }], allowAutoTopicCreation: true });
      expect(first.topics).toEqual([expect.objectContaining({ name: topic, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, partitions: [] })]);
      const again = await client.request(ApiKey.Metadata, v, { topics: [{ name: topic }], allowAutoTopicCreation: true });
      expect(again.topics[0]).toMatchObject({ name: topic, errorCode: 0 });
      expect(again.topics[0].partitions).toHaveLength(1);
    }
  });

  it('looks topics up by id from v12 (UNKNOWN_TOPIC_ID with a null name); v10-11 refuse ids', async () => {
    const topic = name('byid');
    const { topicId } = await create(topic);
    const unknown = 'AAAAAAAAAAAAAAAAAAAABQ';
    const r = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId, name: null }, { topicId: unknown, name: null }] });
    expect(r.topics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: topic, topicId, errorCode: 0 }),
        expect.objectContaining({ name: null, topicId: unknown, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }),
      ]),
    );
    const v10 = await client.request(ApiKey.Metadata, 10, { topics: [{ topicId, name: topic }] });
    expect(v10.topics[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('CreateTopics', () => {
  it.each([0, 1, 4, 5, 7])('v%i creates a topic with configs', async (v) => {
    const topic = name(`ct${v}`);
    const r = await client.request(ApiKey.CreateTopics, v, {
      topics: [{ name: topic, numPartitions: 3, replicationFactor: 1, configs: [{ name: 'retention.ms', value: '1000' }] }],
      timeoutMs: 5000,
    });
    const t = r.topics[0];
    expect(t).toMatchObject({ name: topic, errorCode: 0 });
    if (v >= 1) expect(t.errorMessage).toBeNull();
    if (v >= 5) {
      expect(t).toMatchObject({ numPartitions: 3, replicationFactor: 1 });
      expect(t.configs).toContainEqual({ name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false });
      expect(t.configs).toContainEqual({ name: 'segment.bytes', value: '1073741824', readOnly: false, configSource: 5, isSensitive: false });
    }
    if (v >= 7) expect(t.topicId).toBe(server.broker.metadata.topic(topic)!.topicId);
    expect(server.broker.metadata.topic(topic)!.partitions.size).toBe(3);
    expect(server.broker.metadata.topicConfig(topic)['retention.ms']).toBe('1000');
  });

  it('uses the broker defaults for -1 (v4+)', async () => {
    const topic = name('defaults');
    const r = await client.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: -1, replicationFactor: -1 }], timeoutMs: 5000 });
    expect(r.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 1, replicationFactor: 1 });
  });

  it('validates only when asked (v1+)', async () => {
    const topic = name('validate');
    const r = await client.request(ApiKey.CreateTopics, 6, { topics: [{ name: topic, numPartitions: 2, replicationFactor: 1 }], timeoutMs: 5000, validateOnly: true });
    expect(r.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 2 });
    expect(server.broker.metadata.topic(topic)).toBeUndefined();
  });

  it('answers each error as Kafka does', async () => {
    const existing = name('exists');
    await create(existing);
    const dup = name('dup');
    const bad = (suffix: string) => name(`bad${suffix}`);
    const cases: [object, number][] = [
      [{ name: existing, numPartitions: 1, replicationFactor: 1 }, ErrorCode.TOPIC_ALREADY_EXISTS],
      [{ name: bad('p'), numPartitions: 0, replicationFactor: 1 }, ErrorCode.INVALID_PARTITIONS],
      [{ name: bad('p2'), numPartitions: -2, replicationFactor: 1 }, ErrorCode.INVALID_PARTITIONS],
      [{ name: bad('rf'), numPartitions: 1, replicationFactor: 3 }, ErrorCode.INVALID_REPLICATION_FACTOR],
      [{ name: bad('rf0'), numPartitions: 1, replicationFactor: 0 }, ErrorCode.INVALID_REPLICATION_FACTOR],
      [{ name: 'illegal/name', numPartitions: 1, replicationFactor: 1 }, ErrorCode.INVALID_TOPIC_EXCEPTION],
      [{ name: 'x'.repeat(250), numPartitions: 1, replicationFactor: 1 }, ErrorCode.INVALID_TOPIC_EXCEPTION],
      [{ name: bad('cfg'), numPartitions: 1, replicationFactor: 1, configs: [{ name: 'no.such.config', value: '1' }] }, ErrorCode.INVALID_CONFIG],
      [{ name: bad('val'), numPartitions: 1, replicationFactor: 1, configs: [{ name: 'retention.ms', value: 'soon' }] }, ErrorCode.INVALID_CONFIG],
      [{ name: bad('null'), numPartitions: 1, replicationFactor: 1, configs: [{ name: 'retention.ms', value: null }] }, ErrorCode.INVALID_CONFIG],
      [{ name: bad('asg'), numPartitions: 2, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }, ErrorCode.INVALID_REQUEST],
      [{ name: bad('asg2'), numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [7] }] }, ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      [{ name: '__cluster_metadata', numPartitions: 1, replicationFactor: 1 }, ErrorCode.INVALID_REQUEST],
    ];
    const r = await client.request(ApiKey.CreateTopics, 7, {
      topics: [...cases.map(([t]) => t), { name: dup, numPartitions: 1, replicationFactor: 1 }, { name: dup, numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 5000,
    });
    for (const [t, code] of cases) {
      const result = r.topics.find((x: any) => x.name === (t as any).name);
      expect({ name: (t as any).name.slice(0, 40), code: result.errorCode }).toEqual({ name: (t as any).name.slice(0, 40), code });
      expect(result.errorMessage).toEqual(expect.any(String));
      expect(result).toMatchObject({ numPartitions: -1, replicationFactor: -1, topicId: ZERO_UUID });
    }
    expect(r.topics.filter((x: any) => x.name === dup)).toEqual([expect.objectContaining({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' })]);
    expect(server.broker.metadata.topic(dup)).toBeUndefined();
    // The messages are Kafka's.
    expect(r.topics.find((x: any) => x.name === existing).errorMessage).toBe(`Topic '${existing}' already exists.`);
  });

  it('times out at once for a timeout of 0 and creates nothing (the controller deadline has passed)', async () => {
    const topic = name('timeout');
    const r = await client.request(ApiKey.CreateTopics, 3, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 0 });
    expect(r.topics[0].errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
    expect(server.broker.metadata.topic(topic)).toBeUndefined();
  });
});

describe('DeleteTopics', () => {
  it.each([0, 3, 5])('v%i deletes by name, UNKNOWN_TOPIC_OR_PARTITION for an unknown one', async (v) => {
    const topic = name(`del${v}`);
    await create(topic);
    const missing = name('nothere');
    const r = await client.request(ApiKey.DeleteTopics, v, { topicNames: [topic, missing], timeoutMs: 5000 });
    expect(r.responses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: topic, errorCode: 0 }),
        expect.objectContaining({ name: missing, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }),
      ]),
    );
    expect(server.broker.metadata.topic(topic)).toBeUndefined();
  });

  it('v6 deletes by id and by name; UNKNOWN_TOPIC_ID, duplicates and name+id are errors', async () => {
    const a = name('dela');
    const b = name('delb');
    const { topicId } = await create(a);
    await create(b);
    const unknown = 'AAAAAAAAAAAAAAAAAAAACQ';
    const r = await client.request(ApiKey.DeleteTopics, 6, {
      topics: [
        { name: null, topicId },
        { name: b, topicId: ZERO_UUID },
        { name: null, topicId: unknown },
        { name: 'dupe', topicId: ZERO_UUID },
        { name: 'dupe', topicId: ZERO_UUID },
        { name: 'both', topicId: unknown },
      ],
      timeoutMs: 5000,
    });
    expect(r.responses).toEqual(
      expect.arrayContaining([
        { name: a, topicId, errorCode: 0, errorMessage: null },
        expect.objectContaining({ name: b, errorCode: 0 }),
        expect.objectContaining({ name: null, topicId: unknown, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }),
        { name: 'dupe', topicId: ZERO_UUID, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' },
        expect.objectContaining({ name: 'both', errorCode: ErrorCode.INVALID_REQUEST }),
      ]),
    );
    expect(r.responses).toHaveLength(5);
    expect(server.broker.metadata.topic(a)).toBeUndefined();
    expect(server.broker.metadata.topic(b)).toBeUndefined();
  });

  it('times out at once for a timeout of 0 and deletes nothing', async () => {
    const topic = name('deltimeout');
    await create(topic);
    const r = await client.request(ApiKey.DeleteTopics, 4, { topicNames: [topic], timeoutMs: 0 });
    expect(r.responses[0]).toMatchObject({ name: topic, errorCode: ErrorCode.REQUEST_TIMED_OUT });
    expect(server.broker.metadata.topic(topic)).toBeDefined();
  });
});

describe('CreatePartitions', () => {
  it.each([0, 2, 3])('v%i grows a topic; the same count or fewer is INVALID_PARTITIONS', async (v) => {
    const topic = name(`cp${v}`);
    await create(topic, 2);
    const r = await client.request(ApiKey.CreatePartitions, v, {
      topics: [
        { name: topic, count: 4, assignments: null },
        { name: name('none'), count: 2, assignments: null },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(r.results).toEqual(
      expect.arrayContaining([
        { name: topic, errorCode: 0, errorMessage: null },
        expect.objectContaining({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null }),
      ]),
    );
    expect(server.broker.metadata.topic(topic)!.partitions.size).toBe(4);
    const same = await client.request(ApiKey.CreatePartitions, v, { topics: [{ name: topic, count: 4, assignments: null }], timeoutMs: 5000 });
    expect(same.results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 4 partition(s).' });
    const fewer = await client.request(ApiKey.CreatePartitions, v, { topics: [{ name: topic, count: 1, assignments: null }], timeoutMs: 5000 });
    expect(fewer.results[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('validates only when asked; a name twice is INVALID_REQUEST; bad assignments INVALID_REPLICA_ASSIGNMENT', async () => {
    const topic = name('cpv');
    await create(topic, 1);
    const r = await client.request(ApiKey.CreatePartitions, 3, { topics: [{ name: topic, count: 5, assignments: null }], timeoutMs: 5000, validateOnly: true });
    expect(r.results[0].errorCode).toBe(0);
    expect(server.broker.metadata.topic(topic)!.partitions.size).toBe(1);
    const dup = await client.request(ApiKey.CreatePartitions, 1, {
      topics: [
        { name: topic, count: 2, assignments: null },
        { name: topic, count: 3, assignments: null },
      ],
      timeoutMs: 5000,
    });
    expect(dup.results).toEqual([{ name: topic, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }]);
    const asg = await client.request(ApiKey.CreatePartitions, 3, { topics: [{ name: topic, count: 3, assignments: [{ brokerIds: [1] }] }], timeoutMs: 5000 });
    expect(asg.results[0].errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });
});

describe('several brokers', () => {
  it('Metadata and DescribeCluster list registered brokers, leave fenced ones out, and report offline replicas', async () => {
    const s = await serve({ host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: { 'auto.create.topics.enable': 'false' } }, quiet);
    const c = await RawClient.connect(s.address.port);
    try {
      const md = s.broker.metadata;
      expect(md.registerBroker({ brokerId: 2, endpoints: [{ name: 'PLAINTEXT', host: 'host2', port: 9093, securityProtocol: 0 }], rack: 'r2' }).errorCode).toBe(0);
      const topic = name('rf2');
      const ct = await c.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: 2, replicationFactor: 2 }], timeoutMs: 5000 });
      expect(ct.topics[0]).toMatchObject({ errorCode: 0, replicationFactor: 2 });
      const r = await c.request(ApiKey.Metadata, 12, { topics: [{ name: topic }] });
      expect(r.brokers).toEqual([
        { nodeId: 1, host: 'localhost', port: s.address.port, rack: null },
        { nodeId: 2, host: 'host2', port: 9093, rack: 'r2' },
      ]);
      for (const p of r.topics[0].partitions) expect([...p.replicaNodes].sort()).toEqual([1, 2]);

      // auto.create.topics.enable=false: never created.
      const missing = name('noauto');
      const m = await c.request(ApiKey.Metadata, 12, { topics: [{ name: missing }], allowAutoTopicCreation: true });
      expect(m.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

      expect(md.fenceBroker(2).errorCode).toBe(0);
      const after = await c.request(ApiKey.Metadata, 12, { topics: [{ name: topic }] });
      expect(after.brokers.map((b: any) => b.nodeId)).toEqual([1]);
      for (const p of after.topics[0].partitions) {
        expect(p.offlineReplicas).toEqual([2]);
        expect(p.leaderId).toBe(1);
        expect(p.isrNodes).toEqual([1]);
      }
      // v0 leaves unreachable replicas out and says REPLICA_NOT_AVAILABLE.
      const v0 = await c.request(ApiKey.Metadata, 0, { topics: [{ name: topic }] });
      for (const p of v0.topics[0].partitions) expect(p).toMatchObject({ errorCode: ErrorCode.REPLICA_NOT_AVAILABLE, replicaNodes: [1] });

      const dc1 = await c.request(ApiKey.DescribeCluster, 1, { endpointType: 1 });
      expect(dc1.brokers.map((b: any) => b.brokerId)).toEqual([1]);
      const dc2 = await c.request(ApiKey.DescribeCluster, 2, { endpointType: 1, includeFencedBrokers: true });
      expect(dc2.brokers).toEqual([
        { brokerId: 1, host: 'localhost', port: s.address.port, rack: null, isFenced: false },
        { brokerId: 2, host: 'host2', port: 9093, rack: 'r2', isFenced: true },
      ]);
    } finally {
      c.close();
      await s.close();
    }
  });
});

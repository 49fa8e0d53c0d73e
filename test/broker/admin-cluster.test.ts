// Cluster APIs over the raw protocol: DescribeCluster, DescribeLogDirs, DescribeTopicPartitions, ElectLeaders,
// DescribeQuorum, and the versions ApiVersions advertises for the admin APIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ApiKey, ErrorCode, ZERO_UUID } from '../../src/protocol/index.js';
import { uniqueName } from '../helpers/gregor-server.js';
import { RawClient } from './raw-client.js';

let server: RunningServer;
let client: RawClient;

beforeAll(async () => {
  server = await serve({ host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: {} }, { handleSignals: false, logWrite: () => {} });
  client = await RawClient.connect(server.address.port);
});
afterAll(async () => {
  client.close();
  await server.close();
});

const name = (p: string) => uniqueName(p).slice(0, 60);

async function create(topic: string, numPartitions = 1) {
  const r = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions, replicationFactor: 1 }], timeoutMs: 5000 });
  expect(r.topics[0].errorCode).toBe(0);
  return r.topics[0].topicId as string;
}

it('ApiVersions advertises every version of the admin APIs', async () => {
  const r = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
  const expected: [number, number][] = [
    [3, 13], [19, 7], [20, 6], [32, 4], [33, 2], [35, 5], [37, 3], [43, 2], [44, 1], [55, 2], [60, 2], [75, 0],
  ];
  for (const [apiKey, maxVersion] of expected) expect(r.apiKeys).toContainEqual(expect.objectContaining({ apiKey, minVersion: 0, maxVersion }));
});

describe('DescribeCluster', () => {
  it.each([0, 1, 2])('v%i describes this broker and the cluster', async (v) => {
    const r = await client.request(ApiKey.DescribeCluster, v, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(r).toMatchObject({ errorCode: 0, clusterId: server.broker.clusterId, controllerId: 1, clusterAuthorizedOperations: -2147483648 });
    expect(r.brokers).toEqual([expect.objectContaining({ brokerId: 1, host: 'localhost', port: server.address.port, rack: null })]);
    if (v >= 1) expect(r.endpointType).toBe(1);
    const ops = await client.request(ApiKey.DescribeCluster, v, { includeClusterAuthorizedOperations: true });
    expect(ops.clusterAuthorizedOperations).toBe(8096);
  });

  it('answers MISMATCHED_ENDPOINT_TYPE for controllers and UNSUPPORTED_ENDPOINT_TYPE for unknown types', async () => {
    const c = await client.request(ApiKey.DescribeCluster, 1, { endpointType: 2 });
    expect(c).toMatchObject({ errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, brokers: [] });
    const u = await client.request(ApiKey.DescribeCluster, 2, { endpointType: 7 });
    expect(u).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Unsupported endpoint type 7' });
  });
});

describe('DescribeLogDirs', () => {
  it.each([0, 2, 3, 4, 5])('v%i lists the data directory with partition sizes', async (v) => {
    const topic = name(`ld${v}`);
    await create(topic, 2);
    const r = await client.request(ApiKey.DescribeLogDirs, v, { topics: [{ topic, partitions: [1] }] });
    if (v >= 3) expect(r.errorCode).toBe(0);
    expect(r.results).toHaveLength(1);
    const dir = r.results[0];
    expect(dir).toMatchObject({ errorCode: 0, logDir: server.dataDir });
    const t = dir.topics.find((x: any) => x.name === topic);
    expect(t.partitions).toEqual([{ partitionIndex: 1, partitionSize: 0n, offsetLag: 0n, isFutureKey: false }]);
    expect(dir.topics.some((x: any) => x.name === '__cluster_metadata')).toBe(false);
    if (v >= 4) {
      expect(dir.totalBytes > 0n).toBe(true);
      expect(dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes).toBe(true);
    }
    if (v >= 5) expect(dir.isCordoned).toBe(false);
    const all = await client.request(ApiKey.DescribeLogDirs, v, { topics: null });
    expect(all.results[0].topics.find((x: any) => x.name === topic).partitions.map((p: any) => p.partitionIndex)).toEqual([0, 1]);
  });
});

describe('DescribeTopicPartitions', () => {
  it('pages through topics with a cursor and a partition limit', async () => {
    const prefix = name('dtp');
    const a = `${prefix}-a`;
    const b = `${prefix}-b`;
    const idA = await create(a, 3);
    await create(b, 2);
    const first = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: a }, { name: b }], responsePartitionLimit: 2, cursor: null });
    expect(first.topics).toHaveLength(1);
    expect(first.topics[0]).toMatchObject({ name: a, topicId: idA, errorCode: 0, isInternal: false, topicAuthorizedOperations: 3576 });
    expect(first.topics[0].partitions).toEqual([
      { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [] },
      expect.objectContaining({ partitionIndex: 1 }),
    ]);
    expect(first.nextCursor).toEqual({ topicName: a, partitionIndex: 2 });
    const second = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: a }, { name: b }], responsePartitionLimit: 2, cursor: first.nextCursor });
    expect(second.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.partitionIndex)])).toEqual([
      [a, [2]],
      [b, [0]],
    ]);
    expect(second.nextCursor).toEqual({ topicName: b, partitionIndex: 1 });
    const third = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: a }, { name: b }], responsePartitionLimit: 2, cursor: second.nextCursor });
    expect(third.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.partitionIndex)])).toEqual([[b, [1]]]);
    expect(third.nextCursor).toBeNull();
  });

  it('lists all topics for an empty list; unknown names are errors; a cursor outside the list is INVALID_REQUEST', async () => {
    const topic = name('dtpall');
    await create(topic);
    const all = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2000, cursor: null });
    expect(all.topics.map((t: any) => t.name)).toContain(topic);
    const missing = name('dtpmissing');
    const r = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: missing }, { name: 'bad/name' }], responsePartitionLimit: 10, cursor: null });
    expect(r.topics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: missing, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topicId: ZERO_UUID }),
        expect.objectContaining({ name: 'bad/name', errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION }),
      ]),
    );
    const bad = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: topic }], cursor: { topicName: 'zzz', partitionIndex: 0 } });
    expect(bad.topics).toEqual([expect.objectContaining({ name: topic, errorCode: ErrorCode.INVALID_REQUEST })]);
  });
});

describe('ElectLeaders', () => {
  it.each([0, 1, 2])('v%i: ELECTION_NOT_NEEDED when the preferred leader leads; UNKNOWN_TOPIC_OR_PARTITION', async (v) => {
    const topic = name(`el${v}`);
    await create(topic, 1);
    const r = await client.request(ApiKey.ElectLeaders, v, {
      electionType: 0,
      topicPartitions: [
        { topic, partitions: [0, 5] },
        { topic: name('nope'), partitions: [0] },
      ],
      timeoutMs: 5000,
    });
    if (v >= 1) expect(r.errorCode).toBe(0);
    expect(r.replicaElectionResults[0]).toEqual({
      topic,
      partitionResult: [
        { partitionId: 0, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
        { partitionId: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${topic}-5` },
      ],
    });
    expect(r.replicaElectionResults[1].partitionResult[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('lists every topic but leaves partitions that need no election out when asked about all; unclean too', async () => {
    const topic = name('elall');
    await create(topic, 2);
    for (const electionType of [0, 1]) {
      const r = await client.request(ApiKey.ElectLeaders, 2, { electionType, topicPartitions: null, timeoutMs: 5000 });
      expect(r.errorCode).toBe(0);
      expect(r.replicaElectionResults).toContainEqual({ topic, partitionResult: [] });
      for (const t of r.replicaElectionResults) expect(t.partitionResult).toEqual([]);
    }
    const timeout = await client.request(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic, partitions: [0] }], timeoutMs: 0 });
    expect(timeout.errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
    expect(timeout.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
    const bad = await client.request(ApiKey.ElectLeaders, 1, { electionType: 5, topicPartitions: [{ topic: 'x', partitions: [0] }], timeoutMs: 5000 });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('DescribeQuorum', () => {
  it.each([0, 1, 2])('v%i describes the single-voter quorum of __cluster_metadata-0', async (v) => {
    const r = await client.request(ApiKey.DescribeQuorum, v, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
    expect(r.errorCode).toBe(0);
    const p = r.topics[0].partitions[0];
    expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: server.broker.metadata.epoch });
    expect(p.highWatermark).toBe(BigInt(server.broker.metadata.highWatermark));
    expect(p.currentVoters).toHaveLength(1);
    expect(p.currentVoters[0]).toMatchObject({ replicaId: 1, logEndOffset: p.highWatermark });
    if (v >= 1) expect(p.currentVoters[0].lastCaughtUpTimestamp > 0n).toBe(true);
    expect(p.observers).toEqual([]);
    if (v >= 2) expect(r.nodes.map((n: any) => n.nodeId)).toEqual([1]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for anything else', async () => {
    const r = await client.request(ApiKey.DescribeQuorum, 2, { topics: [{ topicName: 'other', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] });
    expect(r.topics[0].partitions.map((p: any) => p.errorCode)).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { CompressionType } from '../../src/protocol/records/index.js';
import { RawClient, batch, createTopic, produce, startBroker } from './data-helpers.js';

let server: RunningServer;
let port: number;
let c: RawClient;

beforeAll(async () => {
  server = await startBroker();
  port = server.address.port;
  c = await RawClient.connect(port);
});
afterAll(async () => {
  c.close();
  await server.close();
});

async function listOffsets(v: number, topic: string, timestamp: number | bigint, extra: Record<string, unknown> = {}, partition = 0): Promise<any> {
  const r = await c.request(2, v, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: BigInt(timestamp), currentLeaderEpoch: -1, ...(v === 0 ? { maxNumOffsets: 10 } : {}) }] }],
    ...extra,
  });
  return r.topics[0].partitions[0];
}

const T0 = 1_700_000_000_000;

/** Offsets 0-9 with timestamps T0+0..T0+9 in two batches (one compressed), offset 10-11 older, 12 newest. */
async function timeline(prefix: string): Promise<string> {
  const { name } = createTopic(server, prefix);
  await produce(c, name, 0, batch(Array.from({ length: 5 }, (_, i) => ({ value: `a${i}`, timestamp: T0 + i }))));
  await produce(c, name, 0, batch(Array.from({ length: 5 }, (_, i) => ({ value: `b${i}`, timestamp: T0 + 5 + i })), { compression: CompressionType.GZIP }));
  await produce(c, name, 0, batch([{ value: 'old', timestamp: T0 - 100 }, { value: 'old2', timestamp: T0 + 3 }]));
  await produce(c, name, 0, batch([{ value: 'max', timestamp: T0 + 1000 }, { value: 'after', timestamp: T0 + 20 }]));
  return name;
}

describe('ListOffsets', () => {
  let topic: string;
  let epoch: number;
  beforeAll(async () => {
    topic = await timeline('lo');
    epoch = server.broker.metadata.partition(topic, 0)!.leaderEpoch;
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])('v%i: earliest (-2) and latest (-1)', async (v) => {
    const earliest = await listOffsets(v, topic, -2);
    expect(earliest).toMatchObject({ errorCode: 0, offset: 0n, timestamp: -1n, leaderEpoch: v >= 4 ? epoch : -1 });
    const latest = await listOffsets(v, topic, -1);
    expect(latest).toMatchObject({ errorCode: 0, offset: 14n, timestamp: -1n, leaderEpoch: v >= 4 ? epoch : -1 });
  });

  it('by timestamp: the first record at or after it, exact to the record (inside compressed batches too)', async () => {
    expect(await listOffsets(7, topic, T0)).toMatchObject({ offset: 0n, timestamp: BigInt(T0) });
    expect(await listOffsets(7, topic, T0 + 3)).toMatchObject({ offset: 3n, timestamp: BigInt(T0 + 3) });
    expect(await listOffsets(7, topic, T0 + 7)).toMatchObject({ offset: 7n, timestamp: BigInt(T0 + 7) });
    expect(await listOffsets(7, topic, T0 + 10)).toMatchObject({ offset: 12n, timestamp: BigInt(T0 + 1000) });
    expect(await listOffsets(7, topic, T0 - 1000)).toMatchObject({ offset: 0n, timestamp: BigInt(T0) });
    // After every timestamp: no offset (-1, -1), error NONE.
    expect(await listOffsets(7, topic, T0 + 5000)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    expect((await listOffsets(4, topic, T0 + 7)).leaderEpoch).toBe(epoch);
  });

  it('v7+: max timestamp (-3) is the record with the largest timestamp', async () => {
    expect(await listOffsets(7, topic, -3)).toMatchObject({ errorCode: 0, offset: 12n, timestamp: BigInt(T0 + 1000), leaderEpoch: epoch });
    const empty = createTopic(server, 'lo-empty').name;
    expect(await listOffsets(7, empty, -3)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
  });

  it('v8+: earliest local (-4) is the log start; v9+: latest tiered (-5) and v11: earliest pending upload (-6) are -1', async () => {
    expect(await listOffsets(8, topic, -4)).toMatchObject({ errorCode: 0, offset: 0n, timestamp: -1n });
    expect(await listOffsets(9, topic, -5)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    expect(await listOffsets(11, topic, -6)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
  });

  it('special timestamps newer than the version, and unknown ones, are UNSUPPORTED_VERSION', async () => {
    expect((await listOffsets(6, topic, -3)).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((await listOffsets(7, topic, -4)).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((await listOffsets(8, topic, -5)).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((await listOffsets(10, topic, -6)).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((await listOffsets(11, topic, -7)).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('after DeleteRecords, earliest is the new log start offset', async () => {
    const name = await timeline('lo-del');
    const d = await c.request(21, 0, { topics: [{ name, partitions: [{ partitionIndex: 0, offset: 6n }] }], timeoutMs: 1000 });
    expect(d.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 6n });
    expect(await listOffsets(8, name, -2)).toMatchObject({ offset: 6n });
    expect(await listOffsets(8, name, -4)).toMatchObject({ offset: 6n });
    expect(await listOffsets(8, name, T0)).toMatchObject({ offset: 6n, timestamp: BigInt(T0 + 6) });
  });

  it('errors per partition: unknown partition, duplicated partition, leader epoch fencing', async () => {
    expect((await listOffsets(5, topic, -1, {}, 9)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await listOffsets(5, 'no-such-topic-lo', -1)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const dup = await c.request(2, 5, {
      replicaId: -1,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }, { partitionIndex: 0, timestamp: -2n }] }],
    });
    expect(dup.topics[0].partitions.map((p: any) => p.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    const r = await c.request(2, 5, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: epoch + 1 }] }] });
    expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
  });

  it('READ_COMMITTED answers the last stable offset (the high watermark without transactions)', async () => {
    expect(await listOffsets(5, topic, -1, { isolationLevel: 1 })).toMatchObject({ errorCode: 0, offset: 14n });
  });

  it('v0 answers old-style offsets: segment boundaries and the log end, newest first', async () => {
    const latest = await listOffsets(0, topic, -1);
    expect(latest).toMatchObject({ errorCode: 0, oldStyleOffsets: [14n, 0n] });
    const earliest = await listOffsets(0, topic, -2);
    expect(earliest.oldStyleOffsets).toEqual([0n]);
    const empty = createTopic(server, 'lo-v0-empty').name;
    expect((await listOffsets(0, empty, -1)).oldStyleOffsets).toEqual([0n]);
  });
});

describe('OffsetForLeaderEpoch', () => {
  it.each([0, 1, 2, 3, 4])('v%i: the current epoch ends at the log end; an epoch above it is unknown (-1, -1)', async (v) => {
    const { name } = createTopic(server, `ofle-v${v}`);
    await produce(c, name, 0, batch(4));
    const epoch = server.broker.metadata.partition(name, 0)!.leaderEpoch;
    const r = await c.request(23, v, {
      replicaId: -1,
      topics: [
        {
          topic: name,
          partitions: [
            { partition: 0, currentLeaderEpoch: -1, leaderEpoch: epoch },
            { partition: 0, currentLeaderEpoch: -1, leaderEpoch: epoch + 3 },
            { partition: 5, currentLeaderEpoch: -1, leaderEpoch: epoch },
          ],
        },
      ],
    });
    const [cur, above, unknown] = r.topics[0].partitions;
    expect(cur).toMatchObject({ errorCode: 0, endOffset: 4n, leaderEpoch: v >= 1 ? epoch : -1 });
    expect(above).toMatchObject({ errorCode: 0, endOffset: -1n, leaderEpoch: -1 });
    expect(unknown).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, endOffset: -1n });
  });

  it('v2+: fences a newer current leader epoch', async () => {
    const { name } = createTopic(server, 'ofle-fence');
    const epoch = server.broker.metadata.partition(name, 0)!.leaderEpoch;
    const r = await c.request(23, 3, { replicaId: -1, topics: [{ topic: name, partitions: [{ partition: 0, currentLeaderEpoch: epoch + 1, leaderEpoch: epoch }] }] });
    expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
  });

  it('an empty partition: the current epoch ends at 0', async () => {
    const { name } = createTopic(server, 'ofle-empty');
    const epoch = server.broker.metadata.partition(name, 0)!.leaderEpoch;
    const r = await c.request(23, 4, { replicaId: -1, topics: [{ topic: name, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: epoch }] }] });
    expect(r.topics[0].partitions[0]).toMatchObject({ errorCode: 0, leaderEpoch: epoch, endOffset: 0n });
  });
});

describe('DeleteRecords', () => {
  it.each([0, 1, 2])('v%i: moves the log start offset; -1 means the high watermark; beyond it is OFFSET_OUT_OF_RANGE', async (v) => {
    const { name } = createTopic(server, `dr-v${v}`, { partitions: 2 });
    await produce(c, name, 0, batch(5));
    await produce(c, name, 0, batch(5));
    await produce(c, name, 1, batch(3));
    const r = await c.request(21, v, {
      timeoutMs: 1000,
      topics: [
        { name, partitions: [{ partitionIndex: 0, offset: 4n }, { partitionIndex: 1, offset: -1n }] },
        { name: 'no-such-topic-dr', partitions: [{ partitionIndex: 0, offset: 1n }] },
      ],
    });
    expect(r.topics[0].partitions).toEqual([
      { partitionIndex: 0, lowWatermark: 4n, errorCode: 0 },
      { partitionIndex: 1, lowWatermark: 3n, errorCode: 0 },
    ]);
    expect(r.topics[1].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    const beyond = await c.request(21, v, { timeoutMs: 1000, topics: [{ name, partitions: [{ partitionIndex: 0, offset: 11n }] }] });
    expect(beyond.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    // Below the current log start: nothing moves, the low watermark stays.
    const below = await c.request(21, v, { timeoutMs: 1000, topics: [{ name, partitions: [{ partitionIndex: 0, offset: 2n }] }] });
    expect(below.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 4n, errorCode: 0 });
  });

  it('a compacted topic (no "delete" policy) answers POLICY_VIOLATION', async () => {
    const { name } = createTopic(server, 'dr-compact', { configs: { 'cleanup.policy': 'compact' } });
    await produce(c, name, 0, batch(2));
    const r = await c.request(21, 2, { timeoutMs: 1000, topics: [{ name, partitions: [{ partitionIndex: 0, offset: 1n }] }] });
    expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
  });
});

describe('DescribeProducers', () => {
  it('lists the producers of the batches in the log with their epoch, last sequence and timestamp', async () => {
    const { name } = createTopic(server, 'dp');
    const now = Date.now();
    await produce(c, name, 0, batch(3, { producerId: 1000n, producerEpoch: 2, baseSequence: 0 }));
    await produce(c, name, 0, batch([{ value: 'x', timestamp: now }], { producerId: 1000n, producerEpoch: 2, baseSequence: 3 }));
    await produce(c, name, 0, batch(2, { producerId: 2000n, producerEpoch: 0, baseSequence: 0, isTransactional: true }));
    await produce(c, name, 0, batch(2));
    const r = await c.request(61, 0, { topics: [{ name, partitionIndexes: [0, 4] }] });
    const [p0, p4] = r.topics[0].partitions;
    expect(p0.errorCode).toBe(0);
    const byId = Object.fromEntries(p0.activeProducers.map((p: any) => [String(p.producerId), p]));
    expect(Object.keys(byId).sort()).toEqual(['1000', '2000']);
    expect(byId['1000']).toMatchObject({ producerEpoch: 2, lastSequence: 3, lastTimestamp: BigInt(now), coordinatorEpoch: -1, currentTxnStartOffset: -1n });
    expect(byId['2000']).toMatchObject({ producerEpoch: 0, lastSequence: 1, currentTxnStartOffset: 4n });
    expect(p4.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

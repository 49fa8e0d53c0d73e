import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { CompressionType, readRecords, scanBatches } from '../../src/protocol/records/index.js';
import { RawClient, batch, createTopic, fetchOnce, produce, startBroker } from './data-helpers.js';

const require = createRequire(import.meta.url);

let server: RunningServer;
let port: number;

beforeAll(async () => {
  server = await startBroker();
  port = server.address.port;
});
afterAll(() => server.close());

function values(records: Buffer): string[] {
  return scanBatches(records).batches.flatMap((b) => readRecords(records, b.position).map((r) => r.value!.toString()));
}

function fetchBody(v: number, topics: { topic?: string; topicId?: string; partitions: any[] }[], extra: Record<string, unknown> = {}) {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    ...(v >= 3 ? { maxBytes: 50 << 20 } : {}),
    sessionId: 0,
    sessionEpoch: -1,
    topics: topics.map((t) => ({
      ...t,
      partitions: t.partitions.map((p) => ({ partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n, lastFetchedEpoch: -1, ...p })),
    })),
    forgottenTopicsData: [],
    ...extra,
  };
}

describe('Fetch', () => {
  it.each([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])('v%i returns the stored batches with the partition offsets', async (v) => {
    const { name, topicId } = createTopic(server, `fetch-v${v}`);
    const c = await RawClient.connect(port);
    await produce(c, name, 0, batch(3));
    await produce(c, name, 0, batch([{ value: 'x' }]));
    const body = fetchBody(v, [{ ...(v >= 13 ? { topicId } : { topic: name }), partitions: [{ partition: 0, fetchOffset: 1n }] }]);
    const r = await c.request(1, v, body);
    expect(r.responses).toHaveLength(1);
    if (v >= 13) expect(r.responses[0].topicId).toBe(topicId);
    else expect(r.responses[0].topic).toBe(name);
    const p = r.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    expect(p.highWatermark).toBe(4n);
    expect(p.lastStableOffset).toBe(4n);
    expect(p.logStartOffset).toBe(v >= 5 ? 0n : -1n);
    expect(p.abortedTransactions).toBeNull();
    expect(p.preferredReadReplica).toBe(-1);
    // Whole batches from the one holding offset 1: the consumer skips what it asked past.
    expect(values(p.records)).toEqual(['v0', 'v1', 'v2', 'x']);
    c.close();
  });

  it('v13+: UNKNOWN_TOPIC_ID for an unknown topic id; v12-: UNKNOWN_TOPIC_OR_PARTITION for an unknown name', async () => {
    const c = await RawClient.connect(port);
    const a = await c.request(1, 13, fetchBody(13, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{ partition: 0, fetchOffset: 0n }] }]));
    expect(a.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, highWatermark: -1n });
    const b = await c.request(1, 12, fetchBody(12, [{ topic: 'no-such-topic-fetch', partitions: [{ partition: 0, fetchOffset: 0n }] }]));
    expect(b.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    c.close();
  });

  it('READ_COMMITTED answers the last stable offset and an empty aborted-transaction list', async () => {
    const { name } = createTopic(server, 'fetch-rc');
    const c = await RawClient.connect(port);
    await produce(c, name, 0, batch(2));
    const r = await c.request(1, 11, fetchBody(11, [{ topic: name, partitions: [{ partition: 0, fetchOffset: 0n }] }], { isolationLevel: 1 }));
    expect(r.responses[0].partitions[0]).toMatchObject({ lastStableOffset: 2n, abortedTransactions: [] });
    c.close();
  });

  it('OFFSET_OUT_OF_RANGE above the log end and below the log start (after DeleteRecords), offsets -1 as Kafka', async () => {
    const { name } = createTopic(server, 'fetch-oor');
    const c = await RawClient.connect(port);
    await produce(c, name, 0, batch(5));
    await produce(c, name, 0, batch(5));
    const high = await fetchOnce(c, 11, name, [{ partition: 0, fetchOffset: 11 }]);
    expect(high.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1n, logStartOffset: -1n });
    const atEnd = await fetchOnce(c, 11, name, [{ partition: 0, fetchOffset: 10 }]);
    expect(atEnd.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 10n, records: Buffer.alloc(0) });
    const del = await c.request(21, 2, { topics: [{ name, partitions: [{ partitionIndex: 0, offset: 7n }] }], timeoutMs: 1000 });
    expect(del.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 7n });
    const low = await fetchOnce(c, 11, name, [{ partition: 0, fetchOffset: 3 }]);
    expect(low.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const ok = await fetchOnce(c, 11, name, [{ partition: 0, fetchOffset: 7 }]);
    expect(ok.responses[0].partitions[0]).toMatchObject({ errorCode: 0, logStartOffset: 7n });
    c.close();
  });

  it('v9+: FENCED_LEADER_EPOCH for an older current leader epoch, UNKNOWN_LEADER_EPOCH for a newer one', async () => {
    const { name } = createTopic(server, 'fetch-epoch');
    const epoch = server.broker.metadata.partition(name, 0)!.leaderEpoch;
    const c = await RawClient.connect(port);
    const newer = await fetchOnce(c, 11, name, [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: epoch + 1 }]);
    expect(newer.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    const same = await fetchOnce(c, 11, name, [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: epoch }]);
    expect(same.responses[0].partitions[0].errorCode).toBe(0);
    if (epoch > 0) {
      const older = await fetchOnce(c, 11, name, [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: epoch - 1 }]);
      expect(older.responses[0].partitions[0].errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    }
    c.close();
  });

  describe('sizes (KIP-74)', () => {
    it.each([3, 4, 11, 18])('v%i: the first batch comes whole even when larger than both limits; the next partitions then get nothing', async (v) => {
      const { name, topicId } = createTopic(server, 'fetch-kip74', { partitions: 2 });
      const c = await RawClient.connect(port);
      await produce(c, name, 0, batch([{ value: Buffer.alloc(5000, 1) }]));
      await produce(c, name, 0, batch([{ value: Buffer.alloc(5000, 2) }]));
      await produce(c, name, 1, batch([{ value: Buffer.alloc(100, 3) }]));
      const t = v >= 13 ? { topicId } : { topic: name };
      const r = await c.request(
        1,
        v,
        fetchBody(v, [{ ...t, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 10 }, { partition: 1, fetchOffset: 0n, partitionMaxBytes: 10 }] }], {
          maxBytes: 100,
        }),
      );
      const [p0, p1] = r.responses[0].partitions;
      expect(scanBatches(p0.records).batches).toHaveLength(1);
      expect(p0.records.length).toBeGreaterThan(5000);
      expect(p1.records.length).toBe(0);
      c.close();
    });

    it('the response limit is shared: a later partition gets what is left', async () => {
      const { name } = createTopic(server, 'fetch-share', { partitions: 2 });
      const c = await RawClient.connect(port);
      for (let i = 0; i < 3; i++) await produce(c, name, 0, batch([{ value: Buffer.alloc(1000, i) }]));
      for (let i = 0; i < 3; i++) await produce(c, name, 1, batch([{ value: Buffer.alloc(1000, i) }]));
      const r = await c.request(
        1,
        11,
        fetchBody(11, [{ topic: name, partitions: [{ partition: 0, fetchOffset: 0n }, { partition: 1, fetchOffset: 0n }] }], { maxBytes: 4000 }),
      );
      const [p0, p1] = r.responses[0].partitions;
      expect(scanBatches(p0.records).batches).toHaveLength(3);
      expect(scanBatches(p1.records).batches).toHaveLength(0);
      c.close();
    });

    it('v0-v2: limits are hard, a batch larger than the partition limit is not returned', async () => {
      const { name } = createTopic(server, 'fetch-hard');
      const c = await RawClient.connect(port);
      await produce(c, name, 0, batch([{ value: Buffer.alloc(3000, 1) }]));
      const r = await c.request(1, 2, fetchBody(2, [{ topic: name, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100 }] }]));
      expect(r.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 1n, records: Buffer.alloc(0) });
      c.close();
    });
  });

  describe('long poll', () => {
    it('a fetch waiting up to 2000 ms returns as soon as data arrives', async () => {
      const { name } = createTopic(server, 'fetch-poll');
      const c = await RawClient.connect(port);
      const p = await RawClient.connect(port);
      const started = Date.now();
      const pending = c.request(1, 11, fetchBody(11, [{ topic: name, partitions: [{ partition: 0, fetchOffset: 0n }] }], { maxWaitMs: 2000, minBytes: 1 }));
      await new Promise((r) => setTimeout(r, 200));
      await produce(p, name, 0, batch(2));
      const r = await pending;
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(1500);
      expect(values(r.responses[0].partitions[0].records)).toEqual(['v0', 'v1']);
      c.close();
      p.close();
    });

    it('waits MaxWaitMs and answers empty when nothing arrives; MinBytes not reached keeps waiting', async () => {
      const { name } = createTopic(server, 'fetch-poll-timeout');
      const c = await RawClient.connect(port);
      const p = await RawClient.connect(port);
      const started = Date.now();
      const pending = c.request(1, 11, fetchBody(11, [{ topic: name, partitions: [{ partition: 0, fetchOffset: 0n }] }], { maxWaitMs: 600, minBytes: 100_000 }));
      await new Promise((r) => setTimeout(r, 100));
      await produce(p, name, 0, batch(1));
      const r = await pending;
      expect(Date.now() - started).toBeGreaterThanOrEqual(550);
      expect(values(r.responses[0].partitions[0].records)).toEqual(['v0']);
      c.close();
      p.close();
    });
  });

  describe('fetch sessions (KIP-227)', () => {
    it('full, incremental, incremental with new data, forgotten topic, then session errors', async () => {
      const a = createTopic(server, 'fetch-sess-a', { partitions: 2 });
      const b = createTopic(server, 'fetch-sess-b');
      const c = await RawClient.connect(port);
      const p = await RawClient.connect(port);
      await produce(p, a.name, 0, batch(2));
      await produce(p, b.name, 0, batch(1));

      const full = await c.request(
        1,
        12,
        fetchBody(
          12,
          [
            { topic: a.name, partitions: [{ partition: 0, fetchOffset: 0n }, { partition: 1, fetchOffset: 0n }] },
            { topic: b.name, partitions: [{ partition: 0, fetchOffset: 0n }] },
          ],
          { sessionId: 0, sessionEpoch: 0 },
        ),
      );
      expect(full.errorCode).toBe(0);
      expect(full.sessionId).not.toBe(0);
      const id = full.sessionId;
      expect(full.responses.map((t: any) => [t.topic, t.partitions.map((x: any) => x.partitionIndex)])).toEqual([
        [a.name, [0, 1]],
        [b.name, [0]],
      ]);

      // Incremental: tell the broker the new positions; nothing changed since, so nothing is answered.
      const inc1 = await c.request(
        1,
        12,
        fetchBody(12, [{ topic: a.name, partitions: [{ partition: 0, fetchOffset: 2n }] }, { topic: b.name, partitions: [{ partition: 0, fetchOffset: 1n }] }], {
          sessionId: id,
          sessionEpoch: 1,
        }),
      );
      expect(inc1).toMatchObject({ errorCode: 0, sessionId: id, responses: [] });

      // New data on a-1 only: only a-1 is answered.
      await produce(p, a.name, 1, batch(3));
      const inc2 = await c.request(1, 12, fetchBody(12, [], { sessionId: id, sessionEpoch: 2 }));
      expect(inc2.responses.map((t: any) => [t.topic, t.partitions.map((x: any) => [x.partitionIndex, x.highWatermark])])).toEqual([[a.name, [[1, 3n]]]]);
      expect(values(inc2.responses[0].partitions[0].records)).toEqual(['v0', 'v1', 'v2']);

      // Forget topic b; new data there is no longer answered.
      const inc3 = await c.request(
        1,
        12,
        fetchBody(12, [{ topic: a.name, partitions: [{ partition: 1, fetchOffset: 3n }] }], {
          sessionId: id,
          sessionEpoch: 3,
          forgottenTopicsData: [{ topic: b.name, partitions: [0] }],
        }),
      );
      expect(inc3.responses).toEqual([]);
      await produce(p, b.name, 0, batch(1));
      const inc4 = await c.request(1, 12, fetchBody(12, [], { sessionId: id, sessionEpoch: 4 }));
      expect(inc4.responses).toEqual([]);

      const stale = await c.request(1, 12, fetchBody(12, [], { sessionId: id, sessionEpoch: 4 }));
      expect(stale).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] });
      const unknown = await c.request(1, 12, fetchBody(12, [], { sessionId: id + 1, sessionEpoch: 1 }));
      expect(unknown.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
      // A v13 request may not continue a session opened by names.
      const mixed = await c.request(1, 13, fetchBody(13, [], { sessionId: id, sessionEpoch: 5 }));
      expect(mixed.errorCode).toBe(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);

      // A full request naming the session closes it; epoch -1 opens none.
      const closing = await c.request(1, 12, fetchBody(12, [{ topic: a.name, partitions: [{ partition: 0, fetchOffset: 0n }] }], { sessionId: id, sessionEpoch: -1 }));
      expect(closing.sessionId).toBe(0);
      const gone = await c.request(1, 12, fetchBody(12, [], { sessionId: id, sessionEpoch: 6 }));
      expect(gone.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
      c.close();
      p.close();
    });

    it('sessions by topic id (v13+)', async () => {
      const a = createTopic(server, 'fetch-sess-ids');
      const c = await RawClient.connect(port);
      await produce(c, a.name, 0, batch(1));
      const full = await c.request(1, 15, fetchBody(15, [{ topicId: a.topicId, partitions: [{ partition: 0, fetchOffset: 0n }] }], { sessionEpoch: 0 }));
      expect(full.sessionId).not.toBe(0);
      expect(full.responses[0].topicId).toBe(a.topicId);
      await produce(c, a.name, 0, batch(1));
      const inc = await c.request(1, 15, fetchBody(15, [{ topicId: a.topicId, partitions: [{ partition: 0, fetchOffset: 1n }] }], { sessionId: full.sessionId, sessionEpoch: 1 }));
      expect(inc.responses[0].partitions[0]).toMatchObject({ partitionIndex: 0, highWatermark: 2n });
      expect(values(inc.responses[0].partitions[0].records)).toEqual(['v0']);
      c.close();
    });
  });

  describe('v0-v3 answer magic 0/1 message sets that kafkajs decodes', () => {
    const decoders: Record<number, { decode: (b: Buffer) => Promise<any> }> = {
      0: require('kafkajs/src/protocol/requests/fetch/v0/response'),
      1: require('kafkajs/src/protocol/requests/fetch/v1/response'),
      2: require('kafkajs/src/protocol/requests/fetch/v2/response'),
      3: require('kafkajs/src/protocol/requests/fetch/v3/response'),
    };

    it.each([
      [0, CompressionType.NONE],
      [1, CompressionType.GZIP],
      [2, CompressionType.NONE],
      [3, CompressionType.GZIP],
    ] as const)('Fetch v%i from batches with codec %i', async (v, compression) => {
      const { name } = createTopic(server, `fetch-legacy-v${v}`);
      const c = await RawClient.connect(port);
      const ts = 1_700_000_000_000;
      await produce(c, name, 0, batch([{ key: 'k0', value: 'zero', timestamp: ts }, { key: null, value: 'one', timestamp: ts + 5 }], { compression }));
      await produce(c, name, 0, batch([{ key: 'k2', value: 'two', timestamp: ts + 9, headers: [{ key: 'h', value: 'dropped' }] }], { compression }));
      c.send(1, v, fetchBody(v, [{ topic: name, partitions: [{ partition: 0, fetchOffset: 1n }] }]));
      const frame = (await c.nextFrame())!;
      const decoded = await decoders[v]!.decode(frame.subarray(4));
      const partition = decoded.responses[0].partitions[0];
      expect(partition.errorCode).toBe(0);
      expect(partition.highWatermark).toBe('3');
      const messages = partition.messages.map((m: any) => ({
        offset: m.offset,
        magic: m.magicByte,
        key: m.key?.toString() ?? null,
        value: m.value.toString(),
        timestamp: m.timestamp,
      }));
      const magic = v <= 1 ? 0 : 1;
      // Uncompressed: records before the fetch offset are dropped; compressed wrappers come whole.
      const expected = [
        ...(compression === CompressionType.NONE ? [] : [{ offset: '0', key: 'k0', value: 'zero', t: ts }]),
        { offset: '1', key: null, value: 'one', t: ts + 5 },
        { offset: '2', key: 'k2', value: 'two', t: ts + 9 },
      ];
      expect(messages.map((m: any) => [m.offset, m.magic, m.key, m.value])).toEqual(expected.map((e) => [e.offset, magic, e.key, e.value]));
      if (magic === 1) expect(messages.map((m: any) => Number(m.timestamp))).toEqual(expected.map((e) => e.t));
      c.close();
    });

    it('an empty partition is an empty message set, never null', async () => {
      const { name } = createTopic(server, 'fetch-legacy-empty');
      const c = await RawClient.connect(port);
      c.send(1, 2, fetchBody(2, [{ topic: name, partitions: [{ partition: 0, fetchOffset: 0n }] }]));
      const frame = (await c.nextFrame())!;
      // ... topic, partition, error, HW, then the records' int32 size: 0, not -1.
      expect(frame.readInt32BE(frame.length - 4)).toBe(0);
      const decoded = await decoders[2]!.decode(frame.subarray(4));
      expect(decoded.responses[0].partitions[0].messages).toEqual([]);
      c.close();
    });
  });
});

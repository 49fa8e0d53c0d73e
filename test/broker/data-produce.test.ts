import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { ErrorCode } from '../../src/protocol/index.js';
import {
  CompressionType,
  TimestampType,
  buildLegacyMessageSet,
  readBatchHeader,
  readRecords,
  scanBatches,
} from '../../src/protocol/records/index.js';
import { RawClient, batch, createTopic, fetchOnce, produce, startBroker } from './data-helpers.js';

let server: RunningServer;
let port: number;

beforeAll(async () => {
  server = await startBroker();
  port = server.address.port;
});
afterAll(() => server.close());

async function fetchAll(c: RawClient, topic: string, partition = 0, from = 0) {
  const r = await fetchOnce(c, 11, topic, [{ partition, fetchOffset: from }]);
  const p = r.responses[0].partitions[0];
  const records = scanBatches(p.records).batches.flatMap((b) => readRecords(p.records, b.position));
  return { p, records };
}

describe('Produce', () => {
  it.each([3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('v%i appends a batch and answers its base offset', async (v) => {
    const { name } = createTopic(server, `produce-v${v}`);
    const c = await RawClient.connect(port);
    const first = await produce(c, name, 0, batch(3), { version: v });
    const second = await produce(c, name, 0, batch(2), { version: v });
    expect(first.errorCode).toBe(0);
    expect(first.baseOffset).toBe(0n);
    expect(second.baseOffset).toBe(3n);
    expect(second.logAppendTimeMs).toBe(-1n);
    expect(second.logStartOffset).toBe(v >= 5 ? 0n : -1n);
    const { records, p } = await fetchAll(c, name);
    expect(p.highWatermark).toBe(5n);
    expect(records.map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2', 'v0', 'v1']);
    c.close();
  });

  it('v13 names the topic by id, and answers UNKNOWN_TOPIC_ID for an unknown one', async () => {
    const { topicId } = createTopic(server, 'produce-v13');
    const c = await RawClient.connect(port);
    const r = await c.request(0, 13, {
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        { topicId, partitionData: [{ index: 0, records: batch(2) }] },
        { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitionData: [{ index: 0, records: batch(1) }] },
      ],
    });
    expect(r.responses[0].topicId).toBe(topicId);
    expect(r.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(r.responses[1].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
    c.close();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition, and appends the rest', async () => {
    const { name } = createTopic(server, 'produce-unknown');
    const c = await RawClient.connect(port);
    const r = await c.request(0, 9, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [
        { name, partitionData: [{ index: 0, records: batch(1) }, { index: 7, records: batch(1) }] },
        { name: 'no-such-topic-anywhere', partitionData: [{ index: 0, records: batch(1) }] },
      ],
    });
    expect(r.responses[0].partitionResponses.map((p: any) => p.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(r.responses[1].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n });
    c.close();
  });

  it('appends every partition of a request (one storage transaction)', async () => {
    const { name } = createTopic(server, 'produce-multi', { partitions: 3 });
    const c = await RawClient.connect(port);
    const r = await c.request(0, 9, {
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name, partitionData: [0, 1, 2].map((index) => ({ index, records: batch(index + 1) })) }],
    });
    expect(r.responses[0].partitionResponses.map((p: any) => [p.index, p.errorCode, p.baseOffset])).toEqual([
      [0, 0, 0n],
      [1, 0, 0n],
      [2, 0, 0n],
    ]);
    for (const p of [0, 1, 2]) expect(server.broker.logs.partition(name, p)!.logEndOffset()).toBe(p + 1);
    c.close();
  });

  it('answers INVALID_REQUIRED_ACKS for acks other than 0, 1, -1', async () => {
    const { name } = createTopic(server, 'produce-acks');
    const c = await RawClient.connect(port);
    const r = await produce(c, name, 0, batch(1), { acks: 2 });
    expect(r.errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect(server.broker.logs.partition(name, 0)!.logEndOffset()).toBe(0);
    c.close();
  });

  it('acks=0: no response, the data is written, the next request is answered', async () => {
    const { name } = createTopic(server, 'produce-acks0');
    const c = await RawClient.connect(port);
    c.send(0, 9, { acks: 0, timeoutMs: 1000, topicData: [{ name, partitionData: [{ index: 0, records: batch(4) }] }] });
    const r = await c.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(r.errorCode).toBe(0);
    expect(server.broker.logs.partition(name, 0)!.logEndOffset()).toBe(4);
    c.close();
  });

  it('acks=0 with a failed partition closes the connection, as Kafka does', async () => {
    const c = await RawClient.connect(port);
    c.send(0, 9, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'no-such-topic-acks0', partitionData: [{ index: 0, records: batch(1) }] }] });
    expect(await c.nextFrame()).toBeNull();
    c.close();
  });

  it('answers CORRUPT_MESSAGE for a batch whose CRC does not match', async () => {
    const { name } = createTopic(server, 'produce-crc');
    const c = await RawClient.connect(port);
    const b = batch(3);
    b[b.length - 1]! ^= 0xff;
    const r = await produce(c, name, 0, b);
    expect(r.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(r.baseOffset).toBe(-1n);
    c.close();
  });

  it('answers MESSAGE_TOO_LARGE for a 2 MiB batch (max.message.bytes 1048588)', async () => {
    const { name } = createTopic(server, 'produce-large');
    const c = await RawClient.connect(port);
    const r = await produce(c, name, 0, batch([{ value: Buffer.alloc(2 << 20, 7) }]));
    expect(r.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(server.broker.logs.partition(name, 0)!.logEndOffset()).toBe(0);
    c.close();
  });

  it('v3+: INVALID_RECORD for two batches, or a magic-1 set, in one partition', async () => {
    const { name } = createTopic(server, 'produce-format');
    const c = await RawClient.connect(port);
    expect((await produce(c, name, 0, Buffer.concat([batch(1), batch(1)]), { version: 9 })).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const legacy = buildLegacyMessageSet([{ value: 'x' }], { magic: 1 });
    expect((await produce(c, name, 0, legacy, { version: 3 })).errorCode).toBe(ErrorCode.INVALID_RECORD);
    c.close();
  });

  it('v3-v6 may not use zstd: UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const { name } = createTopic(server, 'produce-zstd');
    const c = await RawClient.connect(port);
    const z = batch(2, { compression: CompressionType.ZSTD });
    expect((await produce(c, name, 0, z, { version: 6 })).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect((await produce(c, name, 0, z, { version: 7 })).errorCode).toBe(0);
    c.close();
  });

  it('LogAppendTime topics answer the broker time and stamp it into the batch', async () => {
    const { name } = createTopic(server, 'produce-lat', { configs: { 'message.timestamp.type': 'LogAppendTime' } });
    const c = await RawClient.connect(port);
    const before = Date.now();
    const r = await produce(c, name, 0, batch([{ value: 'a', timestamp: 1000 }]), { version: 9 });
    const after = Date.now();
    expect(r.errorCode).toBe(0);
    const t = Number(r.logAppendTimeMs);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
    const { p, records } = await fetchAll(c, name);
    expect(readBatchHeader(p.records, 0).timestampType).toBe(TimestampType.LOG_APPEND_TIME);
    expect(records[0]!.timestamp).toBe(t);
    c.close();
  });

  it('a producer may not set LogAppendTime on a LogAppendTime topic: INVALID_TIMESTAMP per record', async () => {
    const { name } = createTopic(server, 'produce-lat-flag', { configs: { 'message.timestamp.type': 'LogAppendTime' } });
    const c = await RawClient.connect(port);
    const r = await produce(c, name, 0, batch(2, { timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: Date.now() }), { version: 9 });
    expect(r.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(r.recordErrors.map((e: any) => e.batchIndex)).toEqual([0, 1]);
    c.close();
  });

  it('v8+: record errors for a keyless record on a compacted topic', async () => {
    const { name } = createTopic(server, 'produce-compact', { configs: { 'cleanup.policy': 'compact' } });
    const c = await RawClient.connect(port);
    const r = await produce(c, name, 0, batch([{ key: 'a', value: '1' }, { key: null, value: '2' }, { key: 'c', value: '3' }]), { version: 9 });
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(r.recordErrors).toEqual([{ batchIndex: 1, batchIndexErrorMessage: expect.stringContaining('Compacted topic cannot accept message without key') }]);
    expect(r.errorMessage).toContain('record errors');
    expect(r.logStartOffset).toBe(0n);
    expect((await produce(c, name, 0, batch([{ key: 'a', value: '1' }]), { version: 9 })).errorCode).toBe(0);
    c.close();
  });

  it('v8+: INVALID_TIMESTAMP with record errors for a timestamp past message.timestamp.after.max.ms', async () => {
    const { name } = createTopic(server, 'produce-future', { configs: { 'message.timestamp.after.max.ms': '60000' } });
    const c = await RawClient.connect(port);
    const now = Date.now();
    const r = await produce(c, name, 0, batch([{ value: 'ok', timestamp: now }, { value: 'late', timestamp: now + 3_600_000 }]), { version: 9 });
    expect(r.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(r.recordErrors.map((e: any) => e.batchIndex)).toEqual([1]);
    expect(r.errorMessage).toBe('One or more records have been rejected due to invalid timestamp');
    c.close();
  });

  it('answers NOT_ENOUGH_REPLICAS for acks=-1 when min.insync.replicas exceeds the ISR', async () => {
    const { name } = createTopic(server, 'produce-minisr', { configs: { 'min.insync.replicas': '2' } });
    const c = await RawClient.connect(port);
    expect((await produce(c, name, 0, batch(1), { acks: -1 })).errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect((await produce(c, name, 0, batch(1), { acks: 1 })).errorCode).toBe(0);
    c.close();
  });

  describe('v0-v2 message sets are converted to magic-2 batches at the edge', () => {
    it.each([
      [0, 0, CompressionType.NONE],
      [1, 0, CompressionType.GZIP],
      [2, 1, CompressionType.NONE],
      [2, 1, CompressionType.GZIP],
    ] as const)('Produce v%i, magic %i, codec %i', async (v, magic, compression) => {
      const { name } = createTopic(server, `produce-legacy-v${v}`);
      const c = await RawClient.connect(port);
      const ts = 1_700_000_000_000;
      const set = buildLegacyMessageSet(
        [
          { key: 'a', value: 'one', timestamp: ts },
          { key: null, value: 'two', timestamp: ts + 1 },
          { key: 'c', value: null, timestamp: ts + 2 },
        ],
        { magic, compression },
      );
      const r = await produce(c, name, 0, set, { version: v });
      expect(r.errorCode).toBe(0);
      expect(r.baseOffset).toBe(0n);
      if (v >= 2) expect(r.logAppendTimeMs).toBe(-1n);
      const { records, p } = await fetchAll(c, name);
      expect(readBatchHeader(p.records, 0).magic).toBe(2);
      expect(records.map((x) => [Number(x.offset), x.key?.toString() ?? null, x.value?.toString() ?? null])).toEqual([
        [0, 'a', 'one'],
        [1, null, 'two'],
        [2, 'c', null],
      ]);
      expect(records.map((x) => x.timestamp)).toEqual(magic === 0 ? [-1, -1, -1] : [ts, ts + 1, ts + 2]);
      c.close();
    });

    it('an empty message set appends nothing and succeeds (base offset -1)', async () => {
      const { name } = createTopic(server, 'produce-legacy-empty');
      const c = await RawClient.connect(port);
      const r = await produce(c, name, 0, Buffer.alloc(0), { version: 2 });
      expect(r).toMatchObject({ errorCode: 0, baseOffset: -1n });
      c.close();
    });

    it('a magic-1 message with a bad CRC is CORRUPT_MESSAGE', async () => {
      const { name } = createTopic(server, 'produce-legacy-crc');
      const c = await RawClient.connect(port);
      const set = buildLegacyMessageSet([{ value: 'hello' }], { magic: 1 });
      set[set.length - 1]! ^= 0x55;
      expect((await produce(c, name, 0, set, { version: 2 })).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
      c.close();
    });
  });
});

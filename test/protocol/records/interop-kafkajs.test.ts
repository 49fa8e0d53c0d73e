/**
 * Interop with kafkajs's own record-batch encoder/decoder (src/protocol/recordBatch/v0) and its codecs:
 * gzip built in, snappy via kafkajs-snappy, lz4 via kafkajs-lz4. kafkajs has no zstd codec of its own
 * (only the separate @kafkajs/zstd package, not used here), so zstd is not part of this matrix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildEndTxnMarkerBatch,
  buildRecordBatch,
  CompressionType,
  readBatchHeader,
  readRecords,
  TimestampType,
  verifyBatch,
  type RecordInput,
} from '../../../src/protocol/records/index.js';
import { BASE_TS, comparable, require } from './helpers.js';

const kafkajs = require('kafkajs');
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
const KafkajsDecoder = require('kafkajs/src/protocol/decoder');
const Long = require('kafkajs/src/utils/long');
const SnappyCodec = require('kafkajs-snappy');
const LZ4Codec = require('kafkajs-lz4');

beforeAll(() => {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = SnappyCodec;
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = new LZ4Codec().codec;
});

const CODECS = [
  ['none', CompressionType.NONE],
  ['gzip', CompressionType.GZIP],
  ['snappy', CompressionType.SNAPPY],
  ['lz4', CompressionType.LZ4],
] as const;

interface KjsMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  timestamp: number;
}

/** kafkajs headers are an object (duplicates as arrays); both sides are compared in that flattened order. */
function kafkajsMessages(count: number): KjsMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: i % 4 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 6 === 1 ? null : Buffer.from(`value ${i} `.repeat(1 + (i % 9))),
    headers: (i % 3 === 0 ? { 'trace-id': [Buffer.from(`a${i}`), Buffer.from(`b${i}`)], ünï: Buffer.from('ü') } : {}) as Record<
      string,
      Buffer | Buffer[]
    >,
    timestamp: BASE_TS + i * 13 - (i % 5 === 2 ? 100 : 0),
  }));
}

function flattenHeaders(headers: Record<string, Buffer | Buffer[]>) {
  return Object.entries(headers).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ key, value: value.toString('hex') })));
}

async function kafkajsBatch(messages: KjsMessage[], codec: number, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const firstTimestamp = messages[0]!.timestamp;
  const records = messages.map((m, i) =>
    KafkajsRecord({ offsetDelta: i, timestampDelta: m.timestamp - firstTimestamp, key: m.key, value: m.value, headers: m.headers }),
  );
  const encoder = await RecordBatch({
    compression: codec,
    firstOffset: Long.fromValue(500),
    firstTimestamp,
    maxTimestamp: Math.max(...messages.map((m) => m.timestamp)),
    lastOffsetDelta: messages.length - 1,
    partitionLeaderEpoch: 4,
    records,
    ...extra,
  });
  return encoder.buffer;
}

async function decodeWithKafkajs(buf: Buffer) {
  return decodeKafkajsBatch(new KafkajsDecoder(buf));
}

describe('kafkajs → gregor', () => {
  for (const [name, codec] of CODECS) {
    it(`${name}: a batch encoded by kafkajs decodes to the same records`, async () => {
      const messages = kafkajsMessages(30);
      const buf = await kafkajsBatch(messages, codec, {
        transactional: true,
        producerId: Long.fromValue(31),
        producerEpoch: 2,
        firstSequence: 100,
      });
      expect(verifyBatch(buf)).toBeNull(); // kafkajs computes the CRC32C itself
      expect(readBatchHeader(buf)).toMatchObject({
        baseOffset: 500n,
        partitionLeaderEpoch: 4,
        compression: codec,
        recordCount: 30,
        lastOffsetDelta: 29,
        isTransactional: true,
        producerId: 31n,
        producerEpoch: 2,
        baseSequence: 100,
      });
      const ours = readRecords(buf);
      expect(comparable(ours)).toEqual(
        messages.map((m, i) => ({
          offset: 500n + BigInt(i),
          timestamp: m.timestamp,
          key: m.key?.toString('hex') ?? null,
          value: m.value?.toString('hex') ?? null,
          headers: flattenHeaders(m.headers),
        })),
      );
    });
  }
});

describe('gregor → kafkajs', () => {
  const input: RecordInput[] = Array.from({ length: 40 }, (_, i) => ({
    key: i % 5 === 0 ? null : Buffer.from(`k${i}`),
    value: i % 7 === 3 ? null : i % 7 === 4 ? Buffer.alloc(0) : Buffer.from(`payload-${i}-`.repeat(1 + (i % 11))),
    timestamp: BASE_TS + i * 5 - (i % 4 === 1 ? 40 : 0),
    headers:
      i % 3 === 0
        ? [
            { key: 'h1', value: Buffer.from(`x${i}`) },
            { key: 'h1', value: Buffer.from(`y${i}`) },
            { key: 'nul', value: null },
          ]
        : [],
  }));

  for (const [name, codec] of CODECS) {
    it(`${name}: kafkajs's decoder reads our batch with identical records`, async () => {
      const buf = buildRecordBatch(input, {
        baseOffset: 9_000_000_000n,
        compression: codec,
        producerId: 8n,
        producerEpoch: 1,
        baseSequence: 5,
        isTransactional: true,
        partitionLeaderEpoch: 3,
      });
      const decoded = await decodeWithKafkajs(buf);
      expect(decoded).toMatchObject({
        firstOffset: '9000000000',
        partitionLeaderEpoch: 3,
        inTransaction: true,
        isControlBatch: false,
        lastOffsetDelta: 39,
        producerId: '8',
        producerEpoch: 1,
        firstSequence: 5,
        maxTimestamp: String(Math.max(...input.map((r) => r.timestamp!))),
        timestampType: 0,
      });
      expect(
        decoded.records.map((r: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, unknown> }) => ({
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key?.toString('hex') ?? null,
          value: r.value?.toString('hex') ?? null,
          headers: r.headers,
        })),
      ).toEqual(
        input.map((r, i) => ({
          offset: String(9_000_000_000 + i),
          timestamp: String(r.timestamp),
          key: r.key ? Buffer.from(r.key as Uint8Array).toString('hex') : null,
          value: r.value ? Buffer.from(r.value as Uint8Array).toString('hex') : null,
          headers: r.headers!.length ? { h1: [Buffer.from(`x${i}`), Buffer.from(`y${i}`)], nul: null } : {},
        })),
      );
    });
  }

  it('LogAppendTime batches: kafkajs sees the broker time on every record', async () => {
    const buf = buildRecordBatch(input.slice(0, 5), { timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: BASE_TS + 12345 });
    const decoded = await decodeWithKafkajs(buf);
    expect(decoded.timestampType).toBe(1);
    expect(decoded.records.map((r: { timestamp: string }) => r.timestamp)).toEqual(Array(5).fill(String(BASE_TS + 12345)));
  });

  it('control batches are flagged as such for kafkajs', async () => {
    const decoded = await decodeWithKafkajs(
      buildEndTxnMarkerBatch({ producerId: 8n, producerEpoch: 1, commit: true, coordinatorEpoch: 0, baseOffset: 41n }),
    );
    expect(decoded.isControlBatch).toBe(true);
    expect(decoded.inTransaction).toBe(true);
    expect(decoded.records[0].key.toString('hex')).toBe('00000001');
    expect(decoded.records[0].offset).toBe('41');
  });
});

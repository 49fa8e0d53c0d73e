/**
 * Batches produced by kafkajs's own record-batch encoder (what a kafkajs producer puts on the wire),
 * appended and read back: the stored batch is kafkajs's bytes with the broker's offsets and epoch,
 * kafkajs's decoder reads it back, and the by-timestamp lookup is exact inside its compressed batches.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBatchHeader, verifyBatch } from '../../src/protocol/records/index.js';
import { createLog, openManager, readAll, reopen, sameBatchModuloHeader } from './helpers.js';

const require = createRequire(import.meta.url);
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

const T0 = 1_700_000_000_000;

async function kafkajsBatch(codec: number, n: number, tag: string, firstTs: number, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const timestamps = Array.from({ length: n }, (_, i) => firstTs + i * 10 - (i % 4 === 3 ? 25 : 0));
  const records = timestamps.map((ts, i) =>
    KafkajsRecord({
      offsetDelta: i,
      timestampDelta: ts - firstTs,
      key: i % 5 === 0 ? null : Buffer.from(`${tag}-key-${i}`),
      value: Buffer.from(`${tag} value ${i} `.repeat(1 + (i % 7))),
      headers: i % 3 === 0 ? { h: Buffer.from(`v${i}`) } : {},
    }),
  );
  const encoder = await RecordBatch({
    compression: codec,
    firstOffset: Long.fromValue(0),
    firstTimestamp: firstTs,
    maxTimestamp: Math.max(...timestamps),
    lastOffsetDelta: n - 1,
    partitionLeaderEpoch: -1,
    records,
    ...extra,
  });
  return encoder.buffer;
}

describe('kafkajs batches through the log', () => {
  it('are appended, stored as produced, and read back by kafkajs with the assigned offsets', async () => {
    let o = openManager();
    const log = createLog(o, 'kjs', 0, { segmentBytes: 4096 });
    const codecs = [
      kafkajs.CompressionTypes.None,
      kafkajs.CompressionTypes.GZIP,
      kafkajs.CompressionTypes.Snappy,
      kafkajs.CompressionTypes.LZ4,
    ];
    const produced: Buffer[] = [];
    let ts = T0;
    // One idempotent producer: each batch's sequence follows the last (the log checks them).
    let sequence = 0;
    for (let i = 0; i < 12; i++) {
      const b = await kafkajsBatch(codecs[i % 4], 10 + i, `b${i}`, ts, {
        producerId: Long.fromValue(77),
        producerEpoch: 3,
        firstSequence: sequence,
      });
      sequence += 10 + i;
      ts += 1000;
      expect(verifyBatch(b)).toBeNull();
      produced.push(Buffer.from(b));
      const r = log.append(b, { leaderEpoch: 2 });
      expect(r.ok).toBe(true);
    }
    o = reopen(o);
    const again = o.manager.partition('kjs', 0)!;
    expect(again.segments().length).toBeGreaterThan(1);
    const stored = readAll(again, 5000);
    expect(stored.length).toBe(12);
    let next = 0;
    sequence = 0;
    for (let i = 0; i < 12; i++) {
      const b = stored[i]!;
      expect(sameBatchModuloHeader(b, produced[i]!)).toBe(true);
      expect(readBatchHeader(b)).toMatchObject({ baseOffset: BigInt(next), partitionLeaderEpoch: 2, producerId: 77n, baseSequence: sequence });
      sequence += 10 + i;
      const decoded = await decodeKafkajsBatch(new KafkajsDecoder(b));
      expect(decoded.records.map((r: { offset: string }) => Number(r.offset))).toEqual(Array.from({ length: 10 + i }, (_, k) => next + k));
      expect(decoded.records[1].value.toString()).toBe(`b${i} value 1 `.repeat(2));
      next += 10 + i;
    }
    // By timestamp, exact to the record inside kafkajs's compressed batches (record 3 of each batch
    // is 25 ms early, so the first record ≥ T can sit after a later-stamped one).
    expect(again.offsetForTimestamp(T0 + 5 * 1000 + 21)).toEqual({ offset: 10 + 11 + 12 + 13 + 14 + 4, timestamp: T0 + 5000 + 40 });
    expect(again.offsetForTimestamp(T0 + 2 * 1000 + 6)).toEqual({ offset: 10 + 11 + 1, timestamp: T0 + 2000 + 10 });
    expect(again.maxTimestamp()).toEqual({ offset: next - 1, timestamp: T0 + 11_000 + 200 }); // record 20 of the last batch
    o.manager.close();
  });
});

/**
 * Interop with @platformatic/kafka's record-batch functions (createRecordsBatch / readRecordsBatch) and
 * its codecs: gzip via node:zlib, snappy and lz4 via @platformatic/wasm-utils, zstd via node:zlib —
 * which only exists on Node ≥ 22.15, so the zstd cases run only there.
 */
import * as zlib from 'node:zlib';
import { createRecordsBatch, Reader, readRecordsBatch } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import {
  buildRecordBatch,
  CompressionType,
  readBatchHeader,
  readRecords,
  verifyBatch,
  type RecordInput,
} from '../../../src/protocol/records/index.js';
import { BASE_TS, comparable } from './helpers.js';

const zstdInThisNode = typeof (zlib as unknown as Record<string, unknown>).zstdCompressSync === 'function';

const CODECS = [
  ['none', CompressionType.NONE, true],
  ['gzip', CompressionType.GZIP, true],
  ['snappy', CompressionType.SNAPPY, true],
  ['lz4', CompressionType.LZ4, true],
  ['zstd', CompressionType.ZSTD, zstdInThisNode],
] as const;

interface PlatformaticMessage {
  key?: Buffer;
  value?: Buffer;
  headers: Map<Buffer, Buffer>;
  topic: string;
  timestamp: bigint;
}

function platformaticMessages(count: number): PlatformaticMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: i % 4 === 0 ? undefined : Buffer.from(`key-${i}`),
    value: i % 5 === 2 ? Buffer.alloc(0) : Buffer.from(`v${i} `.repeat(1 + (i % 13))),
    headers:
      i % 3 === 0
        ? new Map([
            [Buffer.from('trace'), Buffer.from(`t${i}`)],
            [Buffer.from('trace'), Buffer.from(`u${i}`)],
          ])
        : new Map(),
    topic: 'interop',
    timestamp: BigInt(BASE_TS + i * 3 - (i % 7 === 0 ? 30 : 0)),
  }));
}

describe('@platformatic/kafka → gregor', () => {
  for (const [name, codec, supported] of CODECS) {
    it.skipIf(!supported)(`${name}: a batch encoded by @platformatic/kafka decodes to the same records`, () => {
      const messages = platformaticMessages(33);
      const buf: Buffer = createRecordsBatch(messages as never, {
        compression: name,
        producerId: 12n,
        producerEpoch: 4,
        partitionLeaderEpoch: 6,
      } as never).buffer;
      expect(verifyBatch(buf)).toBeNull();
      expect(readBatchHeader(buf)).toMatchObject({ compression: codec, recordCount: 33, producerId: 12n, producerEpoch: 4, partitionLeaderEpoch: 6 });
      expect(comparable(readRecords(buf))).toEqual(
        messages.map((m, i) => ({
          offset: BigInt(i),
          timestamp: Number(m.timestamp),
          key: m.key?.toString('hex') ?? null,
          value: m.value?.toString('hex') ?? null,
          headers: [...m.headers].map(([k, v]) => ({ key: k.toString(), value: v.toString('hex') })),
        })),
      );
    });
  }
});

describe('gregor → @platformatic/kafka', () => {
  const input: RecordInput[] = Array.from({ length: 50 }, (_, i) => ({
    key: i % 6 === 0 ? null : Buffer.from(`k${i}`),
    value: i % 9 === 4 ? null : Buffer.from(`body-${i}-`.repeat(1 + (i % 10))),
    timestamp: BASE_TS + i * 11 - (i % 4 === 3 ? 500 : 0),
    headers: i % 4 === 0 ? [{ key: 'h', value: Buffer.from(`${i}`) }, { key: 'g', value: null }] : [],
  }));

  for (const [name, codec, supported] of CODECS) {
    it.skipIf(!supported)(`${name}: readRecordsBatch reads our batch with identical records`, () => {
      const buf = buildRecordBatch(input, { baseOffset: 70n, compression: codec, producerId: 3n, producerEpoch: 0, baseSequence: 9 });
      const batch = readRecordsBatch(Reader.from(buf));
      expect(batch).toMatchObject({
        firstOffset: 70n,
        length: buf.length - 12,
        magic: 2,
        attributes: codec,
        lastOffsetDelta: 49,
        firstTimestamp: BigInt(input[0]!.timestamp!),
        maxTimestamp: BigInt(Math.max(...input.map((r) => r.timestamp!))),
        producerId: 3n,
        producerEpoch: 0,
        firstSequence: 9,
      });
      expect(
        batch.records.map((r) => ({
          offset: batch.firstOffset + BigInt(r.offsetDelta),
          timestamp: batch.firstTimestamp + r.timestampDelta,
          key: r.key?.toString('hex') ?? null,
          value: r.value?.toString('hex') ?? null,
          headers: r.headers.map(([k, v]) => [k?.toString(), v?.toString('hex') ?? null]),
        })),
      ).toEqual(
        input.map((r, i) => ({
          offset: 70n + BigInt(i),
          timestamp: BigInt(r.timestamp!),
          key: r.key ? Buffer.from(r.key as Uint8Array).toString('hex') : null,
          value: r.value ? Buffer.from(r.value as Uint8Array).toString('hex') : null,
          headers: (r.headers ?? []).map((h) => [h.key, h.value ? Buffer.from(h.value as Uint8Array).toString('hex') : null]),
        })),
      );
    });
  }
});

/**
 * Legacy message sets (magic 0 and 1), with kafkajs's MessageSet encoder/decoder
 * (src/protocol/messageSet) and its codecs as the oracle, plus the conversions the broker needs:
 * legacy → magic 2 for Produce v0–v2, magic 2 → legacy for Fetch v0–v3.
 */
import { crc32 } from '@node-rs/crc32';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildEndTxnMarkerBatch,
  buildLegacyMessageSet,
  buildRecordBatch,
  CompressionType,
  CorruptRecordError,
  decodeRecordSet,
  InvalidRecordError,
  legacyToRecordBatch,
  readBatchHeader,
  readLegacyBatch,
  readLegacyMessage,
  readLegacyMessageSet,
  readRecords,
  recordBatchesToLegacy,
  RecordsError,
  scanBatches,
  TimestampType,
  verifyBatch,
  verifyLegacyMessage,
} from '../../../src/protocol/records/index.js';
import { BASE_TS, comparable, require, sampleRecords } from './helpers.js';

const kafkajs = require('kafkajs');
const MessageSet = require('kafkajs/src/protocol/messageSet');
const decodeMessageSet = require('kafkajs/src/protocol/messageSet/decoder');
const KafkajsDecoder = require('kafkajs/src/protocol/decoder');
const { lookupCodec } = require('kafkajs/src/protocol/message/compression');
const SnappyCodec = require('kafkajs-snappy');
const LZ4Codec = require('kafkajs-lz4');

beforeAll(() => {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = SnappyCodec;
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = new LZ4Codec().codec;
});

const LEGACY_CODECS = [
  ['none', CompressionType.NONE],
  ['gzip', CompressionType.GZIP],
  ['snappy', CompressionType.SNAPPY],
  ['lz4', CompressionType.LZ4],
] as const;

interface Entry {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

function entries(count: number, seed = 0): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    key: (i + seed) % 3 === 0 ? null : Buffer.from(`key-${i}`),
    value: (i + seed) % 7 === 5 ? null : Buffer.from(`legacy value ${i} `.repeat(1 + (i % 6))),
    timestamp: BASE_TS + i * 17 + seed,
  }));
}

/** A message set exactly as kafkajs's Produce v0–v2 request encoders build it. */
async function kafkajsMessageSet(magic: 0 | 1, codec: number, list: Entry[]): Promise<Buffer> {
  if (codec === CompressionType.NONE) return MessageSet({ messageVersion: magic, entries: list }).buffer;
  const inner = MessageSet({ messageVersion: magic, compression: codec, entries: list });
  const compressed = await lookupCodec(codec).compress(inner);
  return MessageSet({ messageVersion: magic, entries: [{ compression: codec, timestamp: list[0]!.timestamp, value: compressed }] }).buffer;
}

interface KjsMessage {
  offset: string;
  magicByte: number;
  timestamp?: string;
  key: Buffer | null;
  value: Buffer | null;
}

async function readWithKafkajs(buf: Buffer): Promise<KjsMessage[]> {
  return decodeMessageSet(new KafkajsDecoder(buf), buf.length);
}

describe('kafkajs message sets → gregor', () => {
  for (const magic of [0, 1] as const) {
    for (const [name, codec] of LEGACY_CODECS) {
      it(`magic ${magic}, ${name}: records decode identically`, async () => {
        const list = entries(20, magic);
        const buf = await kafkajsMessageSet(magic, codec, list);
        const set = readLegacyMessageSet(buf);
        expect(set.truncated).toBeNull();
        expect(set.batches.length).toBe(codec === CompressionType.NONE ? 20 : 1);
        expect(set.batches.every((b) => b.magic === magic && b.compression === codec)).toBe(true);
        const records = set.batches.flatMap((b) => b.records);
        expect(records.map((r) => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp, magic: r.magic }))).toEqual(
          list.map((e) => ({ key: e.key?.toString() ?? null, value: e.value?.toString() ?? null, timestamp: magic === 0 ? -1 : e.timestamp, magic })),
        );
        if (codec !== CompressionType.NONE) {
          // kafkajs writes wrapper offset 0 with inner offsets 0..n-1 (librdkafka style): absolute offsets 0..n-1.
          expect(records.map((r) => r.offset)).toEqual(list.map((_, i) => BigInt(i)));
        }
      });
    }
  }
});

describe('gregor message sets → kafkajs', () => {
  for (const magic of [0, 1] as const) {
    for (const [name, codec] of LEGACY_CODECS) {
      if (magic === 0 && codec === CompressionType.LZ4) continue; // kafkajs cannot read it: see the test after this loop
      it(`magic ${magic}, ${name}: kafkajs's decoder reads our messages`, async () => {
        const list = entries(25, 3);
        const buf = buildLegacyMessageSet(
          list.map((e, i) => ({ ...e, offset: 1_000n + BigInt(i) })),
          { magic, compression: codec },
        );
        for (const span of scanBatches(buf).batches) expect(verifyLegacyMessage(buf, span.position)).toBeNull();
        const decoded = await readWithKafkajs(buf);
        expect(
          decoded.map((m) => ({ offset: m.offset, magic: m.magicByte, timestamp: m.timestamp, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null })),
        ).toEqual(
          list.map((e, i) => ({
            offset: String(1_000 + i),
            magic,
            timestamp: magic === 1 ? String(e.timestamp) : undefined,
            key: e.key?.toString() ?? null,
            value: e.value?.toString() ?? null,
          })),
        );
      });
    }
  }

  // Magic-0 LZ4 cannot be read by kafkajs, from us or from Apache Kafka. Kafka's LZ4 stream
  // (KafkaLZ4BlockOutputStream, now Lz4BlockOutputStream, in kafka-clients) is built with
  // useBrokenFlagDescriptorChecksum = (magic == 0): its frame header checksum byte is
  // (XXH32(frame[0..6)) >> 8) & 0xff, hashing the 4 magic bytes along with FLG and BD (KAFKA-3160,
  // KIP-57), and it reads magic 0 with ignoreFlagDescriptorChecksum. We write that same byte for magic 0.
  // kafkajs-lz4 (the lz4 package) checks the header checksum and rejects such a frame, whoever wrote it;
  // magic 1 frames carry the correct checksum and kafkajs reads them.
  it("magic 0, lz4: kafkajs rejects our messages exactly as it rejects Apache Kafka's; magic 1 it reads", async () => {
    const list = entries(25, 3);
    const withOffsets = list.map((e, i) => ({ ...e, offset: 1_000n + BigInt(i) }));
    const ours = buildLegacyMessageSet(withOffsets, { magic: 0, compression: CompressionType.LZ4 });

    // Apache Kafka's magic-0 LZ4 message set for the same entries, built without our code: kafkajs's own
    // (correct-checksum) set, readable by kafkajs, with the header checksum byte written Kafka's way.
    const standard = await kafkajsMessageSet(0, CompressionType.LZ4, list);
    expect((await readWithKafkajs(standard)).map((m) => m.value?.toString() ?? null)).toEqual(list.map((e) => e.value?.toString() ?? null));
    const VALUE_AT = 8 + 4 + 4 + 1 + 1 + 4 + 4; // offset, size, crc, magic, attributes, key length (-1), value length
    expect(standard.readInt32BE(8 + 4 + 4 + 1 + 1)).toBe(-1);
    const apacheKafka = Buffer.from(standard);
    const frame = apacheKafka.subarray(VALUE_AT);
    expect(frame.readUInt32LE(0)).toBe(0x184d2204); // LZ4 frame magic
    expect(frame[4]! & 0x09).toBe(0); // no content size, no dictionary id: FLG, BD, then the checksum byte
    const lz4Xxhash = require('lz4/build/Release/xxhash');
    const kafkaHeaderChecksum = (lz4Xxhash.xxHash(frame.subarray(0, 6), 0) >> 8) & 0xff;
    expect(frame[6]).not.toBe(kafkaHeaderChecksum);
    frame[6] = kafkaHeaderChecksum;
    apacheKafka.writeUInt32BE(crc32(apacheKafka.subarray(16)), 12); // the message CRC covers magic..value
    expect(verifyLegacyMessage(apacheKafka, 0)).toBeNull();
    expect(readLegacyBatch(apacheKafka).records.map((r) => r.value?.toString() ?? null)).toEqual(list.map((e) => e.value?.toString() ?? null));

    // Our frame has the same broken byte, computed the same way.
    const ourFrame = readLegacyMessage(ours).value!;
    expect(ourFrame[6]).toBe((lz4Xxhash.xxHash(ourFrame.subarray(0, 6), 0) >> 8) & 0xff);
    expect(verifyLegacyMessage(ours, 0)).toBeNull();

    // kafkajs rejects both, for the header checksum and nothing else.
    const rejection = (buf: Buffer) => readWithKafkajs(buf).then(() => 'read', (err: Error) => err.message);
    expect(await rejection(apacheKafka)).toBe('Invalid stream descriptor checksum @6');
    expect(await rejection(ours)).toBe(await rejection(apacheKafka));

    // The same entries as magic 1 LZ4 from us: kafkajs reads every message.
    const magic1 = buildLegacyMessageSet(withOffsets, { magic: 1, compression: CompressionType.LZ4 });
    const decoded = await readWithKafkajs(magic1);
    expect(decoded.map((m) => ({ offset: m.offset, magic: m.magicByte, timestamp: m.timestamp, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null }))).toEqual(
      list.map((e, i) => ({ offset: String(1_000 + i), magic: 1, timestamp: String(e.timestamp), key: e.key?.toString() ?? null, value: e.value?.toString() ?? null })),
    );
  });

  it('magic 0 LZ4 carries the legacy header checksum and reads back here', () => {
    const list = entries(5);
    const buf = buildLegacyMessageSet(list, { magic: 0, compression: CompressionType.LZ4 });
    const wrapper = readLegacyMessage(buf);
    const frame = wrapper.value!;
    const lz4Xxhash = require('lz4/build/Release/xxhash');
    expect(frame[6]).toBe((lz4Xxhash.xxHash(frame.subarray(0, 6), 0) >> 8) & 0xff);
    expect(readLegacyBatch(buf).records.map((r) => r.value?.toString() ?? null)).toEqual(list.map((e) => e.value?.toString() ?? null));
  });

  it('magic 1 compressed wrappers use relative inner offsets and carry the max timestamp', () => {
    const list = entries(4);
    const buf = buildLegacyMessageSet(list.map((e, i) => ({ ...e, offset: 50 + i })), { magic: 1, compression: CompressionType.GZIP });
    const wrapper = readLegacyMessage(buf);
    expect(wrapper.offset).toBe(53n);
    expect(wrapper.timestamp).toBe(Math.max(...list.map((e) => e.timestamp)));
    expect(wrapper.key).toBeNull();
    const batch = readLegacyBatch(buf);
    expect(batch.records.map((r) => r.offset)).toEqual([50n, 51n, 52n, 53n]);
  });

  it('LogAppendTime (magic 1): wrapper and inner messages carry the flag and time', async () => {
    const buf = buildLegacyMessageSet(entries(3), {
      magic: 1,
      compression: CompressionType.SNAPPY,
      timestampType: TimestampType.LOG_APPEND_TIME,
      logAppendTime: BASE_TS + 999,
    });
    const batch = readLegacyBatch(buf);
    expect(batch.timestampType).toBe(TimestampType.LOG_APPEND_TIME);
    expect(batch.records.every((r) => r.timestamp === BASE_TS + 999 && r.timestampType === TimestampType.LOG_APPEND_TIME)).toBe(true);
    const decoded = await readWithKafkajs(buf);
    expect(decoded.map((m) => m.timestamp)).toEqual(Array(3).fill(String(BASE_TS + 999)));
  });

  it('refuses zstd, which the legacy formats cannot express', () => {
    expect(() => buildLegacyMessageSet(entries(1), { magic: 1, compression: CompressionType.ZSTD })).toThrow(expect.objectContaining({ code: 76 }));
  });
});

describe('legacy reading: corruption and partial data', () => {
  it('reports a partial trailing message and checks CRCs', async () => {
    const buf = await kafkajsMessageSet(1, CompressionType.NONE, entries(5));
    const set = readLegacyMessageSet(buf.subarray(0, buf.length - 3));
    expect(set.batches.length).toBe(4);
    expect(set.truncated).not.toBeNull();
    const damaged = Buffer.from(buf);
    damaged[40] ^= 0x40; // inside the first value
    expect(() => readLegacyMessageSet(damaged)).toThrow(CorruptRecordError);
    expect(readLegacyMessageSet(damaged, 0, damaged.length, { verifyCrc: false }).batches.length).toBe(5);
  });

  it('rejects nested compression, empty wrappers and wrappers whose offset precedes their last inner offset', () => {
    const inner = buildLegacyMessageSet(entries(2), { magic: 1, compression: CompressionType.GZIP });
    const nested = buildLegacyMessageSet([{ value: require('node:zlib').gzipSync(inner), timestamp: BASE_TS }], { magic: 1 });
    nested[17] = CompressionType.GZIP; // mark the outer message compressed, then fix its CRC
    nested.writeUInt32BE(require('@node-rs/crc32').crc32(nested.subarray(16)), 12);
    expect(() => readLegacyBatch(nested)).toThrow(/must not be compressed/);

    const empty = buildLegacyMessageSet([{ value: require('node:zlib').gzipSync(Buffer.alloc(0)), timestamp: BASE_TS }], { magic: 1 });
    empty[17] = CompressionType.GZIP;
    empty.writeUInt32BE(require('@node-rs/crc32').crc32(empty.subarray(16)), 12);
    expect(() => readLegacyBatch(empty)).toThrow(InvalidRecordError);

    const wrapper = buildLegacyMessageSet(entries(3).map((e, i) => ({ ...e, offset: 10 + i })), { magic: 1, compression: CompressionType.GZIP });
    wrapper.writeBigInt64BE(1n, 0); // wrapper offset 1 < last inner offset 2
    expect(() => readLegacyBatch(wrapper)).toThrow(/invalid wrapper offset/);
  });

  it('fuzzed legacy sets raise RecordsError only', async () => {
    const { prng } = await import('./helpers.js');
    const rand = prng(77);
    for (const [, codec] of LEGACY_CODECS) {
      const base = buildLegacyMessageSet(entries(6), { magic: 1, compression: codec });
      for (let round = 0; round < 150; round++) {
        const copy = Buffer.from(base);
        copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
        try {
          readLegacyMessageSet(copy.subarray(0, rand() < 0.3 ? Math.floor(rand() * copy.length) : copy.length), 0, undefined, {
            verifyCrc: rand() < 0.5,
            maxDecompressedBytes: 1 << 20,
          });
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(RecordsError);
        }
      }
    }
  });
});

describe('legacy → magic 2 (Produce v0–v2)', () => {
  for (const magic of [0, 1] as const) {
    for (const [name, codec] of LEGACY_CODECS) {
      it(`magic ${magic}, ${name}: one v2 batch with fresh offsets, same codec, same records`, async () => {
        const list = entries(12, 1);
        const { batch, sourceCompression } = legacyToRecordBatch(await kafkajsMessageSet(magic, codec, list), {
          baseOffset: 300n,
          partitionLeaderEpoch: 5,
        });
        expect(sourceCompression).toBe(codec);
        expect(verifyBatch(batch)).toBeNull();
        expect(readBatchHeader(batch)).toMatchObject({
          baseOffset: 300n,
          recordCount: 12,
          lastOffsetDelta: 11,
          compression: codec,
          producerId: -1n,
          producerEpoch: -1,
          baseSequence: -1,
          partitionLeaderEpoch: 5,
          isTransactional: false,
          timestampType: TimestampType.CREATE_TIME,
          maxTimestamp: magic === 0 ? -1 : Math.max(...list.map((e) => e.timestamp)),
        });
        expect(comparable(readRecords(batch))).toEqual(
          list.map((e, i) => ({
            offset: 300n + BigInt(i),
            timestamp: magic === 0 ? -1 : e.timestamp,
            key: e.key?.toString('hex') ?? null,
            value: e.value?.toString('hex') ?? null,
            headers: [],
          })),
        );
      });
    }
  }

  it("recompresses to the topic's codec and applies LogAppendTime when asked", async () => {
    const { batch } = legacyToRecordBatch(await kafkajsMessageSet(1, CompressionType.GZIP, entries(4)), {
      compression: CompressionType.ZSTD,
      timestampType: TimestampType.LOG_APPEND_TIME,
      logAppendTime: BASE_TS + 5,
    });
    expect(readBatchHeader(batch)).toMatchObject({ compression: CompressionType.ZSTD, timestampType: 1, maxTimestamp: BASE_TS + 5 });
    expect(readRecords(batch).map((r) => r.timestamp)).toEqual(Array(4).fill(BASE_TS + 5));
  });

  it('follows Kafka on invalid input', async () => {
    const one = await kafkajsMessageSet(1, CompressionType.GZIP, entries(2));
    expect(() => legacyToRecordBatch(Buffer.concat([one, one]))).toThrow(/more than one batch/);
    const v0 = await kafkajsMessageSet(0, CompressionType.NONE, entries(1));
    const v1 = await kafkajsMessageSet(1, CompressionType.NONE, entries(1));
    expect(() => legacyToRecordBatch(Buffer.concat([v0, v1]))).toThrow(/magic/);
    expect(() => legacyToRecordBatch(Buffer.alloc(0))).toThrow(InvalidRecordError);
    expect(() => legacyToRecordBatch(buildRecordBatch(sampleRecords(1)))).toThrow(InvalidRecordError);
    const corrupt = Buffer.from(one);
    corrupt[corrupt.length - 5] ^= 1;
    expect(() => legacyToRecordBatch(corrupt)).toThrow(CorruptRecordError);
    // Inner magic must match the wrapper's.
    const innerV0 = MessageSet({ messageVersion: 0, compression: CompressionType.GZIP, entries: entries(2) });
    const mixed = MessageSet({
      messageVersion: 1,
      entries: [{ compression: CompressionType.GZIP, timestamp: BASE_TS, value: await lookupCodec(CompressionType.GZIP).compress(innerV0) }],
    }).buffer;
    expect(() => legacyToRecordBatch(mixed)).toThrow(/does not match outer magic/);
  });
});

describe('magic 2 → legacy (Fetch v0–v3)', () => {
  const withHeaders = sampleRecords(8, 5);

  for (const toMagic of [0, 1] as const) {
    for (const [name, codec] of LEGACY_CODECS) {
      it(`to magic ${toMagic}, ${name}: kafkajs reads the converted records; headers dropped, codec kept`, async () => {
        const set = Buffer.concat([
          buildRecordBatch(withHeaders, { baseOffset: 100n, compression: codec }),
          buildEndTxnMarkerBatch({ producerId: 1n, producerEpoch: 0, commit: true, coordinatorEpoch: 0, baseOffset: 108n }),
          buildRecordBatch(withHeaders.slice(0, 3), { baseOffset: 109n, compression: codec }),
        ]);
        const legacy = recordBatchesToLegacy(set, toMagic);
        const ours = decodeRecordSet(legacy);
        expect(ours.batches.every((b) => b.magic === toMagic && b.compression === codec)).toBe(true);
        expect(ours.batches.length).toBe(codec === CompressionType.NONE ? 11 : 2); // control batch skipped
        const expected = [...withHeaders, ...withHeaders.slice(0, 3)].map((r, i) => ({
          offset: String(i < 8 ? 100 + i : 109 + i - 8),
          timestamp: toMagic === 1 ? String(r.timestamp) : undefined,
          key: r.key ? Buffer.from(r.key as Uint8Array).toString('hex') : null,
          value: r.value ? Buffer.from(r.value as Uint8Array).toString('hex') : null,
        }));
        if (!(toMagic === 0 && codec === CompressionType.LZ4)) {
          const decoded = await readWithKafkajs(legacy);
          expect(
            decoded.map((m) => ({ offset: m.offset, timestamp: m.timestamp, key: m.key?.toString('hex') ?? null, value: m.value?.toString('hex') ?? null })),
          ).toEqual(expected);
        }
        expect(
          ours.batches.flatMap((b) => b.records).map((r) => ({
            offset: String(r.offset),
            timestamp: toMagic === 1 ? String(r.timestamp) : undefined,
            key: r.key?.toString('hex') ?? null,
            value: r.value?.toString('hex') ?? null,
          })),
        ).toEqual(expected);
        expect(ours.batches.flatMap((b) => b.records).every((r) => r.headers.length === 0)).toBe(true);
      });
    }
  }

  it('zstd batches cannot be down-converted: UNSUPPORTED_COMPRESSION_TYPE', () => {
    const set = buildRecordBatch(sampleRecords(2), { compression: CompressionType.ZSTD });
    expect(() => recordBatchesToLegacy(set, 1)).toThrow(expect.objectContaining({ code: 76, errorName: 'UNSUPPORTED_COMPRESSION_TYPE' }));
  });

  it('drops records before the fetch offset from uncompressed batches only', () => {
    const plain = buildRecordBatch(sampleRecords(6), { baseOffset: 10n });
    const gz = buildRecordBatch(sampleRecords(6), { baseOffset: 10n, compression: CompressionType.GZIP });
    const fromPlain = decodeRecordSet(recordBatchesToLegacy(plain, 1, { firstOffset: 13n }));
    expect(fromPlain.batches.flatMap((b) => b.records).map((r) => r.offset)).toEqual([13n, 14n, 15n]);
    const fromGz = decodeRecordSet(recordBatchesToLegacy(gz, 1, { firstOffset: 13n }));
    expect(fromGz.batches.flatMap((b) => b.records).map((r) => r.offset)).toEqual([10n, 11n, 12n, 13n, 14n, 15n]);
    expect(recordBatchesToLegacy(plain, 1, { firstOffset: 100n }).length).toBe(0);
  });

  it('keeps LogAppendTime on magic 1, copies legacy entries through, drops a partial tail', () => {
    const lat = buildRecordBatch(sampleRecords(3), {
      baseOffset: 5n,
      compression: CompressionType.GZIP,
      timestampType: TimestampType.LOG_APPEND_TIME,
      logAppendTime: BASE_TS + 42,
    });
    const converted = recordBatchesToLegacy(lat, 1);
    const wrapper = readLegacyBatch(converted);
    expect(wrapper.timestampType).toBe(TimestampType.LOG_APPEND_TIME);
    expect(wrapper.timestamp).toBe(BASE_TS + 42);
    expect(wrapper.records.map((r) => r.timestamp)).toEqual([BASE_TS + 42, BASE_TS + 42, BASE_TS + 42]);

    const alreadyV0 = buildLegacyMessageSet(entries(2), { magic: 0, baseOffset: 1 });
    const mixed = Buffer.concat([alreadyV0, buildRecordBatch(sampleRecords(2), { baseOffset: 3n })]);
    const out = recordBatchesToLegacy(mixed, 0);
    expect(out.subarray(0, alreadyV0.length).equals(alreadyV0)).toBe(true);
    expect(decodeRecordSet(out).batches.flatMap((b) => b.records).map((r) => r.offset)).toEqual([1n, 2n, 3n, 4n]);
    expect(recordBatchesToLegacy(mixed.subarray(0, mixed.length - 10), 0).equals(alreadyV0)).toBe(true);

    // magic 1 → magic 0 goes through the records too.
    const v1 = buildLegacyMessageSet(entries(3), { magic: 1, compression: CompressionType.SNAPPY, baseOffset: 7 });
    const down = readLegacyBatch(recordBatchesToLegacy(v1, 0));
    expect(down.magic).toBe(0);
    expect(down.records.map((r) => [r.offset, r.timestamp])).toEqual([
      [7n, -1],
      [8n, -1],
      [9n, -1],
    ]);
  });
});

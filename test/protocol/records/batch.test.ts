import { describe, expect, it } from 'vitest';
import {
  assertBatchValid,
  buildEndTxnMarkerBatch,
  buildRecordBatch,
  checkProducedBatchHeader,
  CompressionType,
  ControlRecordType,
  CorruptRecordError,
  decodeRecordSet,
  entrySizeAt,
  findFirstRecordAtOrAfter,
  InvalidRecordError,
  isBatchCrcValid,
  iterateRecords,
  parseControlRecordKey,
  parseEndTxnMarkerValue,
  readBaseOffset,
  readBaseOffsetNumber,
  readBatchHeader,
  readMaxTimestamp,
  readRecords,
  RecordsError,
  rewriteBatchHeader,
  scanBatches,
  setBaseOffset,
  setLastOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  summarizeRecords,
  TimestampType,
  verifyBatch,
} from '../../../src/protocol/records/index.js';
import { BASE_TS, comparable, expectedFromInput, prng, sampleRecords } from './helpers.js';

const CODECS = [
  ['none', CompressionType.NONE],
  ['gzip', CompressionType.GZIP],
  ['snappy', CompressionType.SNAPPY],
  ['lz4', CompressionType.LZ4],
  ['zstd', CompressionType.ZSTD],
] as const;

describe('build and read record batches', () => {
  for (const [name, codec] of CODECS) {
    it(`${name}: records and header fields round-trip`, () => {
      const input = sampleRecords(40, 3);
      const batch = buildRecordBatch(input, {
        baseOffset: 1000n,
        compression: codec,
        producerId: 77n,
        producerEpoch: 3,
        baseSequence: 12,
        isTransactional: true,
        partitionLeaderEpoch: 9,
      });
      expect(verifyBatch(batch)).toBeNull();
      const h = readBatchHeader(batch);
      expect(h).toMatchObject({
        position: 0,
        sizeInBytes: batch.length,
        batchLength: batch.length - 12,
        baseOffset: 1000n,
        partitionLeaderEpoch: 9,
        magic: 2,
        lastOffsetDelta: 39,
        baseTimestamp: input[0]!.timestamp,
        maxTimestamp: Math.max(...input.map((r) => r.timestamp!)),
        producerId: 77n,
        producerEpoch: 3,
        baseSequence: 12,
        recordCount: 40,
        compression: codec,
        timestampType: TimestampType.CREATE_TIME,
        isTransactional: true,
        isControl: false,
        hasDeleteHorizon: false,
      });
      expect(comparable(readRecords(batch))).toEqual(expectedFromInput(input, 1000n));
      expect(comparable([...iterateRecords(batch)])).toEqual(expectedFromInput(input, 1000n));
      expect(checkProducedBatchHeader(h)).toBeNull();
    });
  }

  it('uncompressed keys and values are zero-copy slices of the batch', () => {
    const batch = buildRecordBatch([{ key: 'k', value: 'v', timestamp: BASE_TS }]);
    const [record] = readRecords(batch);
    expect(record!.value!.buffer).toBe(batch.buffer);
    record!.value![0] = 'w'.charCodeAt(0);
    expect(batch.includes(Buffer.from('w'))).toBe(true);
  });

  it('defaults: producer fields -1, leader epoch -1, timestamps from `now`, strings as UTF-8', () => {
    const batch = buildRecordBatch([{ key: 'ключ', value: 'значение' }, { value: 'x' }], { now: BASE_TS });
    const h = readBatchHeader(batch);
    expect(h.producerId).toBe(-1n);
    expect(h.producerEpoch).toBe(-1);
    expect(h.baseSequence).toBe(-1);
    expect(h.partitionLeaderEpoch).toBe(-1);
    expect(h.baseOffset).toBe(0n);
    const records = readRecords(batch);
    expect(records.map((r) => [r.key?.toString(), r.value?.toString(), r.timestamp])).toEqual([
      ['ключ', 'значение', BASE_TS],
      [undefined, 'x', BASE_TS],
    ]);
  });

  it('timestamps far from the base (negative deltas, > 2^31 ms apart, -1) round-trip', () => {
    const input = [
      { value: 'a', timestamp: BASE_TS },
      { value: 'b', timestamp: 0 },
      { value: 'c', timestamp: -1 },
      { value: 'd', timestamp: 8_640_000_000_000_000 },
    ];
    const records = readRecords(buildRecordBatch(input));
    expect(records.map((r) => r.timestamp)).toEqual(input.map((r) => r.timestamp));
  });

  it('LogAppendTime: every record reports the batch max timestamp', () => {
    const batch = buildRecordBatch(sampleRecords(5), { timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: BASE_TS + 99_999 });
    expect(readBatchHeader(batch).timestampType).toBe(TimestampType.LOG_APPEND_TIME);
    expect(readRecords(batch).map((r) => r.timestamp)).toEqual(Array(5).fill(BASE_TS + 99_999));
  });

  it('explicit offset deltas, delete horizon and an empty batch', () => {
    const batch = buildRecordBatch(
      [
        { value: 'a', offsetDelta: 0, timestamp: BASE_TS + 5 },
        { value: 'b', offsetDelta: 4, timestamp: BASE_TS + 6 },
      ],
      { baseOffset: 50, deleteHorizonMs: BASE_TS },
    );
    const h = readBatchHeader(batch);
    expect(h.lastOffsetDelta).toBe(4);
    expect(h.hasDeleteHorizon).toBe(true);
    expect(h.baseTimestamp).toBe(BASE_TS);
    expect(readRecords(batch).map((r) => [r.offset, r.timestamp])).toEqual([
      [50n, BASE_TS + 5],
      [54n, BASE_TS + 6],
    ]);
    expect(summarizeRecords(batch).sequentialOffsetDeltas).toBe(false);
    expect(checkProducedBatchHeader(h)).toBeInstanceOf(InvalidRecordError);

    const empty = buildRecordBatch([], { lastOffsetDelta: 3 });
    expect(verifyBatch(empty)).toBeNull();
    expect(readBatchHeader(empty)).toMatchObject({ recordCount: 0, lastOffsetDelta: 3, maxTimestamp: -1 });
    expect(readRecords(empty)).toEqual([]);
  });

  it('large batch: 20k records across codecs', () => {
    const input = Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i % 97}`, value: `value-${i}`, timestamp: BASE_TS + i }));
    for (const [, codec] of CODECS) {
      const batch = buildRecordBatch(input, { compression: codec });
      const records = readRecords(batch);
      expect(records.length).toBe(20_000);
      expect(records[19_999]!.value!.toString()).toBe('value-19999');
      expect(records[12_345]!.offset).toBe(12_345n);
    }
  });
});

describe('header accessors, scanning and truncation', () => {
  const a = buildRecordBatch(sampleRecords(3, 1), { baseOffset: 0n });
  const b = buildRecordBatch(sampleRecords(4, 2), { baseOffset: 3n, compression: CompressionType.GZIP });
  const c = buildRecordBatch(sampleRecords(2, 3), { baseOffset: 7n, compression: CompressionType.LZ4 });
  const set = Buffer.concat([a, b, c]);

  it('single-field readers agree with the full header', () => {
    expect(readBaseOffset(set, a.length)).toBe(3n);
    expect(readBaseOffsetNumber(set, a.length)).toBe(3);
    expect(readMaxTimestamp(set, a.length)).toBe(readBatchHeader(b).maxTimestamp);
  });

  it('scans consecutive batches', () => {
    const scan = scanBatches(set);
    expect(scan.truncated).toBeNull();
    expect(scan.end).toBe(set.length);
    expect(scan.batches).toEqual([
      { position: 0, sizeInBytes: a.length, magic: 2 },
      { position: a.length, sizeInBytes: b.length, magic: 2 },
      { position: a.length + b.length, sizeInBytes: c.length, magic: 2 },
    ]);
    expect(readBatchHeader(set, scan.batches[2]!.position).baseOffset).toBe(7n);
  });

  it('reports (does not throw on) a partial trailing batch at every cut point', () => {
    for (let cut = a.length + b.length + 1; cut < set.length; cut++) {
      const scan = scanBatches(set.subarray(0, cut));
      expect(scan.batches.length).toBe(2);
      expect(scan.end).toBe(a.length + b.length);
      expect(scan.truncated).toEqual({
        position: a.length + b.length,
        availableBytes: cut - a.length - b.length,
        sizeInBytes: cut - a.length - b.length >= 12 ? c.length : null,
      });
    }
    const decoded = decodeRecordSet(set.subarray(0, set.length - 1));
    expect(decoded.batches.length).toBe(2);
    expect(decoded.truncated?.position).toBe(a.length + b.length);
  });

  it('honours start/end bounds and maxBatchSize', () => {
    const scan = scanBatches(set, a.length, a.length + b.length);
    expect(scan.batches).toEqual([{ position: a.length, sizeInBytes: b.length, magic: 2 }]);
    expect(() => scanBatches(set, 0, set.length, { maxBatchSize: 100 })).toThrow(CorruptRecordError);
  });

  it('structurally impossible entries are corrupt', () => {
    const badSize = Buffer.from(a);
    badSize.writeInt32BE(5, 8);
    expect(() => scanBatches(badSize)).toThrow(CorruptRecordError);
    const badMagic = Buffer.from(a);
    badMagic[16] = 7;
    expect(() => scanBatches(badMagic)).toThrow(/Invalid magic/);
    const tooSmallForV2 = Buffer.from(a);
    tooSmallForV2.writeInt32BE(30, 8);
    expect(() => entrySizeAt(tooSmallForV2, 0)).toThrow(CorruptRecordError);
  });
});

describe('verification', () => {
  const batch = buildRecordBatch(sampleRecords(10), { compression: CompressionType.SNAPPY });

  it('detects a flipped bit anywhere in the CRC range', () => {
    for (let i = 21; i < batch.length; i += 7) {
      const copy = Buffer.from(batch);
      copy[i] ^= 0x10;
      const error = verifyBatch(copy);
      expect(error, `byte ${i}`).toBeInstanceOf(RecordsError);
    }
    const copy = Buffer.from(batch);
    copy[30] ^= 1;
    expect(verifyBatch(copy)).toBeInstanceOf(CorruptRecordError);
    expect(verifyBatch(copy)!.code).toBe(2);
    expect(() => assertBatchValid(copy)).toThrow(/crc/);
  });

  it('rejects truncation, wrong magic, negative counts and impossible counts', () => {
    expect(verifyBatch(batch.subarray(0, 40))).toBeInstanceOf(CorruptRecordError);
    expect(verifyBatch(batch.subarray(0, batch.length - 1))).toBeInstanceOf(CorruptRecordError);
    const magic = Buffer.from(batch);
    magic[16] = 1;
    expect(verifyBatch(magic)?.message).toMatch(/magic/);

    const plain = buildRecordBatch(sampleRecords(3));
    const forged = Buffer.from(plain);
    forged.writeInt32BE(1_000_000, 57);
    rewriteCrc(forged);
    expect(verifyBatch(forged)).toBeInstanceOf(InvalidRecordError);
    forged.writeInt32BE(-1, 57);
    rewriteCrc(forged);
    expect(verifyBatch(forged)?.code).toBe(87);

    const codec = Buffer.from(plain);
    codec.writeInt16BE(6, 21);
    rewriteCrc(codec);
    expect(verifyBatch(codec)?.code).toBe(76);
  });

  it('client batch rules: control batches and missing sequence numbers are refused', () => {
    const control = buildEndTxnMarkerBatch({ producerId: 5n, producerEpoch: 1, commit: true, coordinatorEpoch: 2 });
    expect(checkProducedBatchHeader(readBatchHeader(control))?.message).toMatch(/control/);
    const noSeq = buildRecordBatch(sampleRecords(2), { producerId: 4n, producerEpoch: 0 });
    expect(checkProducedBatchHeader(readBatchHeader(noSeq))?.message).toMatch(/sequence/);
    const idempotent = buildRecordBatch(sampleRecords(2), { producerId: 4n, producerEpoch: 0, baseSequence: 0 });
    expect(checkProducedBatchHeader(readBatchHeader(idempotent))).toBeNull();
  });
});

function rewriteCrc(buf: Buffer): void {
  // Forge a header value while keeping the CRC right, to reach checks past the CRC.
  setMaxTimestamp(buf, 0, TimestampType.CREATE_TIME, readMaxTimestamp(buf) + 1);
}

describe('in-place rewrites', () => {
  for (const [name, codec] of CODECS) {
    it(`${name}: base offset, leader epoch and LogAppendTime keep the CRC valid and the records intact`, () => {
      const input = sampleRecords(12, 4);
      const batch = buildRecordBatch(input, { compression: codec });
      const crcBefore = batch.readUInt32BE(17);

      setBaseOffset(batch, 0, 123_456_789_012n);
      setPartitionLeaderEpoch(batch, 0, 42);
      expect(batch.readUInt32BE(17)).toBe(crcBefore); // both fields sit before the CRC range
      expect(isBatchCrcValid(batch)).toBe(true);

      expect(rewriteBatchHeader(batch, 0, { baseOffset: 5000, partitionLeaderEpoch: 43, logAppendTime: BASE_TS + 1 })).toBe(true);
      expect(verifyBatch(batch)).toBeNull();
      expect(batch.readUInt32BE(17)).not.toBe(crcBefore);
      const h = readBatchHeader(batch);
      expect(h).toMatchObject({ baseOffset: 5000n, partitionLeaderEpoch: 43, timestampType: 1, maxTimestamp: BASE_TS + 1, compression: codec });
      const records = readRecords(batch);
      expect(records.map((r) => r.offset)).toEqual(input.map((_, i) => 5000n + BigInt(i)));
      expect(records.every((r) => r.timestamp === BASE_TS + 1)).toBe(true);
      expect(records.map((r) => r.value?.toString('hex') ?? null)).toEqual(input.map((r) => (r.value ? Buffer.from(r.value as Uint8Array).toString('hex') : null)));

      // Same values again: nothing to recompute.
      expect(rewriteBatchHeader(batch, 0, { logAppendTime: BASE_TS + 1 })).toBe(false);
      // Back to CreateTime with an explicit max.
      expect(setMaxTimestamp(batch, 0, TimestampType.CREATE_TIME, BASE_TS + 77)).toBe(true);
      expect(verifyBatch(batch)).toBeNull();
      expect(readBatchHeader(batch).timestampType).toBe(TimestampType.CREATE_TIME);
    });
  }

  it('rewrites a batch in the middle of a larger buffer without touching its neighbours', () => {
    const a = buildRecordBatch(sampleRecords(2, 1));
    const b = buildRecordBatch(sampleRecords(2, 2), { compression: CompressionType.ZSTD });
    const c = buildRecordBatch(sampleRecords(2, 3));
    const set = Buffer.concat([a, b, c]);
    rewriteBatchHeader(set, a.length, { baseOffset: 10n, logAppendTime: BASE_TS });
    expect(set.subarray(0, a.length).equals(a)).toBe(true);
    expect(set.subarray(a.length + b.length).equals(c)).toBe(true);
    expect(verifyBatch(set, a.length, a.length + b.length)).toBeNull();
    setLastOffset(set, a.length, 99n);
    expect(readBaseOffset(set, a.length)).toBe(98n);
  });
});

describe('record queries', () => {
  it('summarizeRecords reports counts, timestamps, null keys and offset order', () => {
    const input = sampleRecords(20, 9);
    for (const [, codec] of CODECS) {
      const s = summarizeRecords(buildRecordBatch(input, { compression: codec }));
      const ts = input.map((r) => r.timestamp!);
      expect(s).toMatchObject({
        count: 20,
        maxTimestamp: Math.max(...ts),
        minTimestamp: Math.min(...ts),
        sequentialOffsetDeltas: true,
        hasNullKey: true,
      });
      expect(s.offsetDeltaOfMaxTimestamp).toBe(ts.indexOf(Math.max(...ts)));
    }
    const keyed = summarizeRecords(buildRecordBatch([{ key: 'a', value: 'b', timestamp: -1 }]));
    expect(keyed).toMatchObject({ hasNullKey: false, minTimestamp: -1, maxTimestamp: -1 });
  });

  it('findFirstRecordAtOrAfter finds the first match and skips batches by max timestamp', () => {
    const input = [30, 10, 50, 20, 60].map((t, i) => ({ value: `v${i}`, timestamp: BASE_TS + t }));
    const set = Buffer.concat([
      buildRecordBatch(input, { baseOffset: 100n, compression: CompressionType.LZ4 }),
      buildRecordBatch([{ value: 'late', timestamp: BASE_TS + 500 }], { baseOffset: 105n }),
    ]);
    expect(findFirstRecordAtOrAfter(set, 0, BASE_TS + 15)?.offset).toBe(100n);
    expect(findFirstRecordAtOrAfter(set, 0, BASE_TS + 40)?.offset).toBe(102n);
    expect(findFirstRecordAtOrAfter(set, 0, BASE_TS + 60)?.value?.toString()).toBe('v4');
    expect(findFirstRecordAtOrAfter(set, 0, BASE_TS + 61)).toBeNull();
    const second = scanBatches(set).batches[1]!.position;
    expect(findFirstRecordAtOrAfter(set, second, BASE_TS + 61)?.offset).toBe(105n);

    // The max timestamp settles a non-matching batch without decompressing: corrupt the payload and see no error.
    const damaged = buildRecordBatch(input, { compression: CompressionType.GZIP });
    damaged.fill(0, 70);
    expect(findFirstRecordAtOrAfter(damaged, 0, BASE_TS + 1000)).toBeNull();
    expect(() => findFirstRecordAtOrAfter(damaged, 0, BASE_TS)).toThrow(CorruptRecordError);
  });
});

describe('control batches', () => {
  for (const commit of [true, false]) {
    it(`${commit ? 'COMMIT' : 'ABORT'} marker layout`, () => {
      const batch = buildEndTxnMarkerBatch({
        producerId: 4242n,
        producerEpoch: 7,
        commit,
        coordinatorEpoch: 13,
        baseOffset: 88n,
        partitionLeaderEpoch: 2,
        timestamp: BASE_TS,
      });
      expect(verifyBatch(batch)).toBeNull();
      const h = readBatchHeader(batch);
      expect(h).toMatchObject({
        isControl: true,
        isTransactional: true,
        producerId: 4242n,
        producerEpoch: 7,
        baseSequence: -1,
        recordCount: 1,
        baseOffset: 88n,
        partitionLeaderEpoch: 2,
        maxTimestamp: BASE_TS,
      });
      const [record] = readRecords(batch);
      expect(record!.key!.toString('hex')).toBe(commit ? '00000001' : '00000000');
      expect(record!.value!.toString('hex')).toBe('0000' + '0000000d');
      expect(parseControlRecordKey(record!.key)).toEqual({ version: 0, type: commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT });
      expect(parseEndTxnMarkerValue(record!.value)).toEqual({ version: 0, coordinatorEpoch: 13 });
    });
  }

  it('rejects short or negative-version control records', () => {
    expect(() => parseControlRecordKey(Buffer.from([0, 0]))).toThrow(InvalidRecordError);
    expect(() => parseControlRecordKey(null)).toThrow(InvalidRecordError);
    expect(() => parseControlRecordKey(Buffer.from([0xff, 0xff, 0, 1]))).toThrow(/version/);
    expect(() => parseEndTxnMarkerValue(Buffer.from([0, 0, 0]))).toThrow(InvalidRecordError);
  });
});

describe('malformed records', () => {
  function uncompressedWithBody(body: number[], count = 1): Buffer {
    const batch = buildRecordBatch([{ value: 'x', timestamp: BASE_TS }]);
    const head = Buffer.from(batch.subarray(0, 61));
    const out = Buffer.concat([head, Buffer.from(body)]);
    out.writeInt32BE(out.length - 12, 8);
    out.writeInt32BE(count, 57);
    rewriteCrc(out);
    return out;
  }

  it('record length that overruns the batch', () => {
    expect(() => readRecords(uncompressedWithBody([0x7e, 0, 0, 0, 1, 1, 0, 0, 0]))).toThrow(/Invalid record size/);
  });
  it('record length that leaves bytes unread', () => {
    // length 8 but fields only use 6
    expect(() => readRecords(uncompressedWithBody([16, 0, 0, 0, 1, 1, 0, 9, 9]))).toThrow(/left unread/);
  });
  it('negative header count and null header key', () => {
    expect(() => readRecords(uncompressedWithBody([12, 0, 0, 0, 1, 1, 1, 0, 0]))).toThrow(/number of record headers/);
    expect(() => readRecords(uncompressedWithBody([14, 0, 0, 0, 1, 1, 2, 1, 0, 0]))).toThrow(/negative header key/);
  });
  it('bytes after the last declared record', () => {
    expect(() => readRecords(uncompressedWithBody([12, 0, 0, 0, 1, 1, 0, 5, 5, 5, 5, 5, 5, 5]))).toThrow(/remain after the last record/);
  });
  it('a count larger than the payload can hold is refused before looping', () => {
    expect(() => readRecords(uncompressedWithBody([12, 0, 0, 0, 1, 1, 0], 2_000_000_000))).toThrow(InvalidRecordError);
    const gz = buildRecordBatch(sampleRecords(3), { compression: CompressionType.GZIP });
    gz.writeInt32BE(2_000_000_000, 57);
    rewriteCrc(gz);
    expect(() => readRecords(gz)).toThrow(InvalidRecordError);
  });
});

describe('fuzz: damaged batches raise RecordsError and never hang or crash', () => {
  for (const [name, codec] of CODECS) {
    it(name, () => {
      const rand = prng(1234 + codec);
      const base = buildRecordBatch(sampleRecords(15, codec + 1), { compression: codec, baseOffset: 10n });
      let decodedAnyway = 0;
      for (let round = 0; round < 300; round++) {
        const copy = Buffer.from(base);
        const flips = 1 + Math.floor(rand() * 4);
        for (let i = 0; i < flips; i++) {
          const at = 8 + Math.floor(rand() * (copy.length - 8));
          copy[at] = Math.floor(rand() * 256);
        }
        const cut = rand() < 0.3 ? Math.floor(rand() * copy.length) : copy.length;
        const input = copy.subarray(0, cut);
        try {
          scanBatches(input);
          // Skip the CRC so the record decoder sees the damage too.
          readRecords(input, 0, { maxDecompressedBytes: 1 << 20 });
          summarizeRecords(input, 0, { maxDecompressedBytes: 1 << 20 });
          decodedAnyway++;
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(RecordsError);
        }
        const error = verifyBatch(input);
        if (!input.equals(base.subarray(0, cut)) || cut < base.length) {
          // Any change inside the CRC range, or any truncation, must fail verification.
          const changedInsideCrc = cut < base.length || !input.subarray(21).equals(base.subarray(21));
          if (changedInsideCrc) expect(error).not.toBeNull();
        }
      }
      expect(decodedAnyway).toBeLessThan(300);
    });
  }
});

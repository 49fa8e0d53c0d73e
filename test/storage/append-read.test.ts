import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildEndTxnMarkerBatch,
  buildRecordBatch,
  readBatchHeader,
  readRecords,
  TimestampType,
  verifyBatch,
} from '../../src/protocol/records/index.js';
import { OffsetOutOfRangeError, StorageErrorCode, segmentFileName } from '../../src/storage/index.js';
import { BASE_TS, baseOffsets, batch, createLog, gzipBatch, mustAppend, openManager, readAll, reopen, sameBatchModuloHeader } from './helpers.js';

describe('append', () => {
  it('assigns contiguous offsets by rewriting headers, and stores the bytes as produced', () => {
    const o = openManager();
    const log = createLog(o);
    const produced = [batch(3, 'a'), gzipBatch(5, 'b'), batch(1, 'c')];
    const copies = produced.map((b) => Buffer.from(b));
    expect(mustAppend(log, produced[0]!)).toMatchObject({ baseOffset: 0, lastOffset: 2 });
    expect(mustAppend(log, produced[1]!)).toMatchObject({ baseOffset: 3, lastOffset: 7 });
    expect(mustAppend(log, produced[2]!)).toMatchObject({ baseOffset: 8, lastOffset: 8 });
    expect(log.logEndOffset()).toBe(9);
    expect(log.highWatermark()).toBe(9);
    const stored = readAll(log);
    expect(stored.map((b) => readBatchHeader(b).baseOffset)).toEqual([0n, 3n, 8n]);
    stored.forEach((b, i) => {
      expect(verifyBatch(b)).toBeNull();
      expect(sameBatchModuloHeader(b, copies[i]!)).toBe(true);
    });
    expect(readRecords(stored[1]!).map((r) => [r.offset, r.value?.toString()])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [BigInt(3 + i), `b-${i}`]),
    );
    // The segment file is the batches back to back, as Kafka's .log is.
    const file = path.join(o.dir, 't-0', segmentFileName(0));
    expect(fs.readFileSync(file).equals(Buffer.concat(stored))).toBe(true);
    expect(fs.readFileSync(path.join(o.dir, 't-0', 'partition.metadata'), 'utf8')).toBe('version: 0\ntopic_id: id-t\n');
    o.manager.close();
  });

  it('appends several batches in one request and stamps the leader epoch', () => {
    const o = openManager();
    const log = createLog(o);
    const r = log.append(Buffer.concat([batch(2, 'a'), batch(3, 'b')]), { leaderEpoch: 7 });
    expect(r).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 4, logAppendTime: -1, logStartOffset: 0 });
    const stored = readAll(log);
    expect(stored.map((b) => [readBatchHeader(b).baseOffset, readBatchHeader(b).partitionLeaderEpoch])).toEqual([
      [0n, 7],
      [2n, 7],
    ]);
    expect(log.endOffsetForLeaderEpoch(7)).toEqual({ leaderEpoch: 7, endOffset: 5 });
    o.manager.close();
  });

  it('appendMany: one transaction for every partition of a request, one result per entry', () => {
    const o = openManager();
    const logs = [0, 1, 2].map((p) => createLog(o, 'm', p));
    const manager = o.manager as unknown as { transaction: (fn: () => unknown) => unknown };
    const original = manager.transaction.bind(manager);
    let transactions = 0;
    manager.transaction = (fn) => {
      transactions++;
      return original(fn);
    };
    const bad = batch(2, 'bad');
    bad[bad.length - 1]! ^= 0xff; // CRC no longer matches
    const results = o.manager.appendMany([
      { log: logs[0]!, records: batch(2, 'x') },
      { log: logs[1]!, records: bad },
      { log: logs[2]!, records: batch(4, 'y') },
      { log: logs[0]!, records: batch(1, 'z') },
    ]);
    expect(transactions).toBe(1);
    expect(results[0]).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 1 });
    expect(results[1]).toMatchObject({ ok: false, errorCode: StorageErrorCode.CORRUPT_MESSAGE });
    expect(results[2]).toMatchObject({ ok: true, baseOffset: 0, lastOffset: 3 });
    expect(results[3]).toMatchObject({ ok: true, baseOffset: 2, lastOffset: 2 });
    expect(logs.map((l) => l.logEndOffset())).toEqual([3, 0, 4]);
    manager.transaction = original;
    o.manager.close();
  });

  it('returns Kafka error codes for invalid input, and appends nothing', () => {
    const o = openManager();
    const log = createLog(o, 't', 0, { maxMessageBytes: 2000, segmentBytes: 100_000 });
    const codes = (records: Buffer, origin?: 'client' | 'internal') => {
      const r = log.append(records, { origin });
      return r.ok ? 0 : r.errorCode;
    };
    const flipped = batch(2);
    flipped[70]! ^= 1;
    expect(codes(flipped)).toBe(2); // CORRUPT_MESSAGE: CRC
    expect(codes(batch(2).subarray(0, 50))).toBe(2); // partial batch
    expect(codes(Buffer.concat([batch(2), Buffer.from([0, 0, 0])]))).toBe(2); // trailing bytes
    expect(codes(Buffer.alloc(0))).toBe(87); // INVALID_RECORD: no batch
    const big = batch(1, 'big', { valueSize: 3000 });
    expect(codes(big)).toBe(10); // MESSAGE_TOO_LARGE vs max.message.bytes
    // lastOffsetDelta that does not match the record count (CRC kept valid).
    const mismatched = buildRecordBatch([{ value: 'a' }, { value: 'b' }], { lastOffsetDelta: 5 });
    expect(codes(mismatched)).toBe(87);
    const marker = buildEndTxnMarkerBatch({ producerId: 5n, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
    expect(codes(marker)).toBe(87); // clients may not write control batches
    expect(codes(buildRecordBatch([{ value: 'a' }], { producerId: 4n, producerEpoch: 0, baseSequence: -1 }))).toBe(87);
    const badMagic = batch(1);
    badMagic[16] = 1;
    expect([2, 43]).toContain(codes(badMagic));
    expect(log.logEndOffset()).toBe(0);
    expect(codes(marker, 'internal')).toBe(0); // the broker itself may
    expect([...log.batchesFrom(0)]).toEqual([
      expect.objectContaining({ baseOffset: 0, lastOffset: 0, producerId: 5, isControl: true, isTransactional: true }),
    ]);
    o.manager.close();
  });

  it('rejects a request larger than segment.bytes with RECORD_LIST_TOO_LARGE', () => {
    const o = openManager();
    const log = createLog(o, 't', 0, { segmentBytes: 500 });
    const r = log.append(batch(1, 'x', { valueSize: 600 }));
    expect(r).toMatchObject({ ok: false, errorCode: 18 });
    o.manager.close();
  });

  it('stamps LogAppendTime when the topic asks for it (CRC recomputed)', () => {
    let clock = 5_000_000;
    const o = openManager(undefined, () => clock);
    const log = createLog(o, 'lat', 0, { timestampType: 'LogAppendTime' });
    const r = log.append(gzipBatch(3));
    expect(r).toMatchObject({ ok: true, logAppendTime: 5_000_000 });
    clock += 10;
    const [stored] = readAll(log);
    const h = readBatchHeader(stored!);
    expect(h.timestampType).toBe(TimestampType.LOG_APPEND_TIME);
    expect(h.maxTimestamp).toBe(5_000_000);
    expect(verifyBatch(stored!)).toBeNull();
    expect(readRecords(stored!).map((x) => x.timestamp)).toEqual([5_000_000, 5_000_000, 5_000_000]);
    expect(log.offsetForTimestamp(4_000_000)).toEqual({ offset: 0, timestamp: 5_000_000 });
    o.manager.close();
  });

  it("keeps Kafka's leader epoch cache (OffsetForLeaderEpoch), across restarts and truncation", () => {
    let o = openManager();
    let log = createLog(o);
    mustAppend(log, batch(3)); // epoch 0: 0..2
    log.setLeaderEpoch(2);
    expect(log.leaderEpoch()).toBe(2);
    mustAppend(log, batch(2)); // stamped 2: 3..4
    log.append(batch(1), { leaderEpoch: 5 }); // 5
    expect(log.leaderEpoch()).toBe(5);
    expect(log.endOffsetForLeaderEpoch(0)).toEqual({ leaderEpoch: 0, endOffset: 3 });
    expect(log.endOffsetForLeaderEpoch(1)).toEqual({ leaderEpoch: 0, endOffset: 3 });
    expect(log.endOffsetForLeaderEpoch(2)).toEqual({ leaderEpoch: 2, endOffset: 5 });
    expect(log.endOffsetForLeaderEpoch(5)).toEqual({ leaderEpoch: 5, endOffset: 6 });
    expect(log.endOffsetForLeaderEpoch(6)).toEqual({ leaderEpoch: -1, endOffset: -1 });
    expect(readAll(log).map((b) => readBatchHeader(b).partitionLeaderEpoch)).toEqual([0, 2, 5]);
    o = reopen(o);
    log = o.manager.partition('t', 0)!;
    expect(log.leaderEpoch()).toBe(5);
    expect(log.endOffsetForLeaderEpoch(3)).toEqual({ leaderEpoch: 2, endOffset: 5 });
    o.manager.close();
  });

  it('tells deleted partitions apart', () => {
    const o = openManager();
    const log = createLog(o);
    o.manager.deleteTopic('t');
    expect(log.append(batch(1))).toMatchObject({ ok: false, errorCode: 3 });
    expect(() => log.read(0, 100)).toThrow(/deleted/);
    o.manager.close();
  });

  it('createPartition is idempotent, also across restarts', () => {
    let o = openManager();
    const a = createLog(o, 'x', 3);
    mustAppend(a, batch(2));
    expect(createLog(o, 'x', 3)).toBe(a);
    o = reopen(o);
    const b = createLog(o, 'x', 3);
    expect(b.logEndOffset()).toBe(2);
    expect(o.manager.partitions().length).toBe(1);
    expect(b.topicId).toBe('id-x');
    o.manager.close();
  });
});

describe('read', () => {
  function filled() {
    const o = openManager();
    const log = createLog(o);
    for (let i = 0; i < 10; i++) mustAppend(log, batch(5, `b${i}`)); // offsets 5i..5i+4
    return { o, log };
  }

  it('returns consecutive whole batches up to maxBytes, from inside a batch too', () => {
    const { o, log } = filled();
    const size = readAll(log)[0]!.length;
    const r = log.read(7, size * 3 + 10);
    expect(baseOffsets(r.records)).toEqual([5, 10, 15]);
    expect(r).toMatchObject({ firstOffset: 5, nextOffset: 20 });
    const tail = log.read(48, 1 << 20);
    expect(baseOffsets(tail.records)).toEqual([45]);
    expect(tail.nextOffset).toBe(50);
    const end = log.read(50, 1000);
    expect(end.records.length).toBe(0);
    expect(end.nextOffset).toBe(50);
    o.manager.close();
  });

  it('KIP-74: a first batch bigger than maxBytes comes whole, unless strict', () => {
    const { o, log } = filled();
    const r = log.read(12, 10);
    expect(baseOffsets(r.records)).toEqual([10]);
    expect(r.nextOffset).toBe(15);
    const strict = log.read(12, 10, { minOneBatch: false });
    expect(strict.records.length).toBe(0);
    expect(strict.nextOffset).toBe(12);
    o.manager.close();
  });

  it('stops below maxOffset (high watermark, last stable offset)', () => {
    const { o, log } = filled();
    const r = log.read(0, 1 << 20, { maxOffset: 17 });
    expect(baseOffsets(r.records)).toEqual([0, 5, 10]);
    expect(log.read(15, 1 << 20, { maxOffset: 17 }).records.length).toBe(0);
    o.manager.close();
  });

  it('throws OFFSET_OUT_OF_RANGE outside [log start, log end]', () => {
    const { o, log } = filled();
    expect(() => log.read(51, 100)).toThrow(OffsetOutOfRangeError);
    log.deleteRecordsBefore(20);
    expect(() => log.read(19, 100)).toThrow(expect.objectContaining({ code: 1 }));
    expect(baseOffsets(log.read(20, 1 << 20).records)[0]).toBe(20);
    o.manager.close();
  });

  it('reads stop at a segment end and continue in the next', () => {
    const o = openManager();
    const log = createLog(o, 't', 0, { segmentBytes: 400 });
    const produced: Buffer[] = [];
    for (let i = 0; i < 12; i++) {
      const b = batch(2, `s${i}`);
      produced.push(Buffer.from(b));
      mustAppend(log, b);
    }
    expect(log.segments().length).toBeGreaterThanOrEqual(3);
    const all = readAll(log);
    expect(all.length).toBe(12);
    all.forEach((b, i) => expect(sameBatchModuloHeader(b, produced[i]!)).toBe(true));
    o.manager.close();
  });

  it('batchesFrom yields the index rows with producer fields', () => {
    const o = openManager();
    const log = createLog(o);
    mustAppend(log, batch(2, 'a', { producerId: 9n, producerEpoch: 1, baseSequence: 0 }));
    mustAppend(log, batch(3, 'b', { producerId: 9n, producerEpoch: 1, baseSequence: 2, isTransactional: true }));
    mustAppend(log, batch(1, 'c'));
    expect([...log.batchesFrom(3)]).toEqual([
      { baseOffset: 2, lastOffset: 4, producerId: 9, producerEpoch: 1, baseSequence: 2, isTransactional: true, isControl: false, maxTimestamp: BASE_TS + 2 },
      { baseOffset: 5, lastOffset: 5, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, maxTimestamp: BASE_TS },
    ]);
    o.manager.close();
  });
});

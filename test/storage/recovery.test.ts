import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setBaseOffset } from '../../src/protocol/records/index.js';
import { io } from '../../src/storage/io.js';
import { segmentFileName, StorageErrorCode, type PartitionLog } from '../../src/storage/index.js';
import { batch, crash, createLog, fileSize, gzipBatch, mustAppend, openManager, readAll, reopen, sameBatchModuloHeader, type Opened } from './helpers.js';

const realIo = { ...io };
afterEach(() => Object.assign(io, realIo));

/** Two partitions with 10 batches each (one compressed in three), in segments of at most 400 bytes. */
function populated(): { o: Opened; produced: Map<string, Buffer[]> } {
  const o = openManager();
  const produced = new Map<string, Buffer[]>();
  for (const p of [0, 1]) {
    const log = createLog(o, 'r', p, { segmentBytes: 400 });
    const list: Buffer[] = [];
    for (let i = 0; i < 10; i++) {
      const b = i % 3 === 0 ? gzipBatch(3, `p${p}-${i}`) : batch(2, `p${p}-${i}`);
      list.push(Buffer.from(b));
      mustAppend(log, b);
    }
    produced.set(`r-${p}`, list);
  }
  return { o, produced };
}

function expectIntact(log: PartitionLog, produced: Buffer[], count = produced.length): void {
  const stored = readAll(log);
  expect(stored.length).toBe(count);
  let next = 0;
  stored.forEach((b, i) => {
    expect(Number(b.readBigInt64BE(0))).toBe(next);
    expect(sameBatchModuloHeader(b, produced[i]!)).toBe(true);
    next += b.readInt32BE(23) + 1;
  });
  expect(log.logEndOffset()).toBe(next);
}

function lastSegment(log: PartitionLog): string {
  return log.segments().at(-1)!.file;
}

describe('crash recovery at open', () => {
  it('a clean restart reads no segment beyond each last batch and logs nothing', () => {
    let { o, produced } = populated();
    o.manager.close();
    let reads = 0;
    io.readSync = (...args) => {
      reads++;
      return realIo.readSync(...args);
    };
    o = openManager(o.dir);
    io.readSync = realIo.readSync;
    expect(o.lines).toEqual([]);
    expect(reads).toBe(2); // the last batch of each partition, nothing more
    for (const p of [0, 1]) expectIntact(o.manager.partition('r', p)!, produced.get(`r-${p}`)!);
    o.manager.close();
  });

  for (const mode of ['after a crash', 'after a clean shutdown'] as const) {
    it(`truncated tail (${mode}): the partial batch is cut, one line for that partition`, () => {
      const { o, produced } = populated();
      const file = lastSegment(o.manager.partition('r', 0)!);
      if (mode === 'after a crash') crash(o);
      else o.manager.close();
      fs.truncateSync(file, fileSize(file) - 7);
      const again = openManager(o.dir);
      expect(again.lines.length).toBe(1);
      expect(again.lines[0]).toMatch(/^r-0: .*cut \d+ byte\(s\) \(a partial batch\) at offset \d+, position \d+ of 0+\d+\.log; the log now ends at offset \d+ \(the index said 24\)$/);
      expectIntact(again.manager.partition('r', 0)!, produced.get('r-0')!, 9);
      expectIntact(again.manager.partition('r', 1)!, produced.get('r-1')!);
      // Appending continues right after the last intact batch.
      expect(mustAppend(again.manager.partition('r', 0)!, batch(1)).baseOffset).toBe(again.manager.partition('r', 0)!.logEndOffset() - 1);
      again.manager.close();
    });
  }

  it('garbage tail: bytes that are no batch are cut', () => {
    const { o, produced } = populated();
    const file = lastSegment(o.manager.partition('r', 1)!);
    crash(o);
    const size = fileSize(file);
    fs.appendFileSync(file, Buffer.from('this is not a record batch, only garbage after the last one'));
    const again = openManager(o.dir);
    expect(again.lines).toEqual([expect.stringMatching(/^r-1: cut 59 byte\(s\) .* position \d+ of 0+\d+\.log/)]);
    expect(fileSize(file)).toBe(size);
    expectIntact(again.manager.partition('r', 1)!, produced.get('r-1')!);
    again.manager.close();
  });

  for (const mode of ['after a crash', 'after a clean shutdown'] as const) {
    it(`a flipped byte in the last batch (${mode}): its CRC fails, it is dropped`, () => {
      const { o, produced } = populated();
      const log = o.manager.partition('r', 0)!;
      const file = lastSegment(log);
      const end = log.logEndOffset();
      if (mode === 'after a crash') crash(o);
      else o.manager.close();
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 3]! ^= 0x10;
      fs.writeFileSync(file, bytes);
      const again = openManager(o.dir);
      expect(again.lines).toEqual([expect.stringMatching(/^r-0: cut \d+ byte\(s\) \(a corrupt batch \(CRC mismatch\)\).*the log now ends at offset \d+ \(the index said 24\)$/)]);
      const recovered = again.manager.partition('r', 0)!;
      expect(recovered.logEndOffset()).toBeLessThan(end);
      expectIntact(recovered, produced.get('r-0')!, 9);
      again.manager.close();
    });
  }

  it('after a crash only what follows the recovery point (the last roll or fsync) is re-checked', () => {
    const o = openManager();
    const log = createLog(o, 'big', 0, { segmentBytes: 1000 });
    for (let i = 0; i < 60; i++) mustAppend(log, batch(4, `b${i}`));
    const segs = log.segments();
    expect(segs.length).toBeGreaterThan(5);
    crash(o);
    let bytesRead = 0;
    io.readSync = (fd, buf, off, len, pos) => {
      const n = realIo.readSync(fd, buf, off, len, pos);
      bytesRead += n;
      return n;
    };
    const again = openManager(o.dir);
    io.readSync = realIo.readSync;
    expect(again.lines).toEqual([]);
    expect(bytesRead).toBeLessThanOrEqual(segs.at(-1)!.size);
    expect(again.manager.partition('big', 0)!.logEndOffset()).toBe(240);
    again.manager.close();
  });

  it('batches written but not indexed (a crash between the write and the commit) are re-indexed', () => {
    const { o, produced } = populated();
    const log = o.manager.partition('r', 0)!;
    const file = lastSegment(log);
    const leo = log.logEndOffset();
    crash(o);
    const extra = [batch(2, 'late-a'), gzipBatch(4, 'late-b')];
    const copies = extra.map((b) => Buffer.from(b));
    setBaseOffset(extra[0]!, 0, leo);
    setBaseOffset(extra[1]!, 0, leo + 2);
    fs.appendFileSync(file, Buffer.concat(extra));
    const again = openManager(o.dir);
    expect(again.lines).toEqual([`r-0: re-indexed 2 batch(es) past the index (offsets ${leo}..${leo + 5}, ${extra[0]!.length + extra[1]!.length} bytes)`]);
    expectIntact(again.manager.partition('r', 0)!, [...produced.get('r-0')!, ...copies]);
    again.manager.close();
  });

  it('a segment rolled but not indexed is picked up; one that does not continue the offsets is removed', () => {
    const { o } = populated();
    const log = o.manager.partition('r', 1)!;
    const leo = log.logEndOffset();
    crash(o);
    const b = batch(3, 'rolled');
    setBaseOffset(b, 0, leo);
    fs.writeFileSync(path.join(o.dir, 'r-1', segmentFileName(leo)), b);
    fs.writeFileSync(path.join(o.dir, 'r-1', segmentFileName(leo + 50)), b);
    const again = openManager(o.dir);
    expect(again.lines.length).toBe(1);
    expect(again.lines[0]).toMatch(/re-indexed 1 batch.*removed 1 segment file/);
    const recovered = again.manager.partition('r', 1)!;
    expect(recovered.logEndOffset()).toBe(leo + 3);
    expect(recovered.segments().at(-1)!.baseOffset).toBe(leo);
    again.manager.close();
  });

  it('index rows pointing past the end of a file are dropped (and what follows them)', () => {
    const { o, produced } = populated();
    const log = o.manager.partition('r', 0)!;
    const segs = log.segments();
    o.manager.close();
    // Cut a segment holding several batches after its first one: the rows for the rest point past the end.
    const victim = segs.find((s) => {
      const bytes = fs.readFileSync(s.file);
      return bytes.length > 12 + bytes.readInt32BE(8);
    })!;
    const firstSize = 12 + fs.readFileSync(victim.file).readInt32BE(8);
    fs.truncateSync(victim.file, firstSize);
    const again = openManager(o.dir);
    expect(again.lines).toEqual([expect.stringMatching(/^r-0: .*the log now ends at offset \d+ \(the index said 24\)$/)]);
    const recovered = again.manager.partition('r', 0)!;
    const remaining = readAll(recovered).length;
    expect(remaining).toBeLessThan(10);
    expectIntact(recovered, produced.get('r-0')!, remaining);
    expect(recovered.segments().at(-1)).toMatchObject({ baseOffset: victim.baseOffset, size: firstSize });
    again.manager.close();
  });

  it('a deleted gregor.db is rebuilt from the segments with the same offsets', () => {
    const { o, produced } = populated();
    const before = o.manager.partitions().map((p) => ({ name: `${p.topic}-${p.partition}`, end: p.logEndOffset(), id: p.topicId }));
    const ts = o.manager.partition('r', 0)!.offsetForTimestamp(0);
    o.manager.close();
    fs.rmSync(path.join(o.dir, 'gregor.db'));
    const again = openManager(o.dir);
    expect(again.lines[0]).toMatch(/rebuilding the index of 2 partition/);
    expect(again.lines.filter((l) => /^r-\d: rebuilt the index from the segment files: 10 batch\(es\)/.test(l)).length).toBe(2);
    expect(again.manager.partitions().map((p) => ({ name: `${p.topic}-${p.partition}`, end: p.logEndOffset(), id: p.topicId }))).toEqual(before);
    for (const p of [0, 1]) expectIntact(again.manager.partition('r', p)!, produced.get(`r-${p}`)!);
    expect(again.manager.partition('r', 0)!.offsetForTimestamp(0)).toEqual(ts);
    // And the rebuilt index is a normal one: a clean restart after it says nothing.
    const third = reopen(again);
    expect(third.lines).toEqual([]);
    third.manager.close();
  });

  for (const damage of ['overwritten header', 'garbage pages', 'truncated to 100 bytes'] as const) {
    it(`a corrupt gregor.db (${damage}) is moved aside and rebuilt`, () => {
      const { o, produced } = populated();
      o.manager.close();
      const db = path.join(o.dir, 'gregor.db');
      const bytes = fs.readFileSync(db);
      if (damage === 'overwritten header') bytes.fill(0x5a, 0, 100);
      if (damage === 'garbage pages') for (let i = 1024; i < bytes.length; i += 3) bytes[i] = (i * 7919) & 0xff;
      fs.writeFileSync(db, damage === 'truncated to 100 bytes' ? bytes.subarray(0, 100) : bytes);
      let again: Opened;
      try {
        again = openManager(o.dir);
      } catch (err) {
        throw new Error(`open failed: ${(err as Error).message}`);
      }
      expect(again.lines[0]).toMatch(/gregor\.db is unreadable .* rebuilding the index from the segment files/);
      expect(fs.readdirSync(o.dir).some((n) => n.startsWith('gregor.db.corrupt-'))).toBe(true);
      for (const p of [0, 1]) expectIntact(again.manager.partition('r', p)!, produced.get(`r-${p}`)!);
      again.manager.close();
    });
  }

  it('missing segment files: their rows are dropped and the log start moves up', () => {
    const { o, produced } = populated();
    const log = o.manager.partition('r', 0)!;
    const segs = log.segments();
    expect(segs.length).toBeGreaterThan(2);
    o.manager.close();
    fs.rmSync(segs[0]!.file);
    const again = openManager(o.dir);
    const recovered = again.manager.partition('r', 0)!;
    expect(again.lines).toEqual([expect.stringMatching(/^r-0: segment files below offset \d+ were missing/)]);
    expect(recovered.logStartOffset()).toBe(segs[1]!.baseOffset);
    const stored = readAll(recovered);
    const skip = produced.get('r-0')!.length - stored.length;
    stored.forEach((b, i) => expect(sameBatchModuloHeader(b, produced.get('r-0')![skip + i]!)).toBe(true));
    again.manager.close();
  });

  it('segments left below the log start offset by an interrupted retention are removed', () => {
    const { o } = populated();
    const log = o.manager.partition('r', 0)!;
    const first = log.segments()[0]!;
    const kept = fs.readFileSync(first.file);
    log.deleteRecordsBefore(log.segments()[2]!.baseOffset);
    o.manager.close();
    fs.writeFileSync(first.file, kept); // as if the unlink had not happened
    const again = openManager(o.dir);
    expect(fs.existsSync(first.file)).toBe(false);
    expect(again.lines).toEqual([expect.stringMatching(/^r-0: removed 1 segment\(s\) below the log start offset/)]);
    again.manager.close();
  });

  it('recovers after recovery: a second crash during the next run', () => {
    const { o, produced } = populated();
    const file = lastSegment(o.manager.partition('r', 0)!);
    crash(o);
    fs.truncateSync(file, fileSize(file) - 1);
    const second = openManager(o.dir);
    mustAppend(second.manager.partition('r', 0)!, batch(2, 'after'));
    crash(second);
    const third = openManager(o.dir);
    expect(third.lines).toEqual([]);
    const log = third.manager.partition('r', 0)!;
    const stored = readAll(log);
    expect(stored.length).toBe(10);
    stored.slice(0, 9).forEach((b, i) => expect(sameBatchModuloHeader(b, produced.get('r-0')![i]!)).toBe(true));
    expect(Number(stored[9]!.readBigInt64BE(0))).toBe(log.logEndOffset() - 2);
    third.manager.close();
  });

  it('refuses a second process (or manager) on the same data dir', () => {
    const { o } = populated();
    expect(() => openManager(o.dir)).toThrow(/in use/);
    o.manager.close();
  });
});

describe('write failures', () => {
  it('a full disk fails the append with KAFKA_STORAGE_ERROR and leaves the log as it was', () => {
    const { o, produced } = populated();
    const log = o.manager.partition('r', 0)!;
    const before = { end: log.logEndOffset(), size: fileSize(lastSegment(log)) };
    io.writeSync = (fd, buf, off, len, pos) => {
      realIo.writeSync(fd, buf, off, Math.min(len, 10), pos); // a partial write, then ENOSPC
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const results = o.manager.appendMany([
      { log, records: batch(2, 'x') },
      { log: o.manager.partition('r', 1)!, records: batch(2, 'y') },
    ]);
    expect(results.map((r) => (r.ok ? 0 : r.errorCode))).toEqual([StorageErrorCode.KAFKA_STORAGE_ERROR, StorageErrorCode.KAFKA_STORAGE_ERROR]);
    expect(results[0]).toMatchObject({ message: expect.stringMatching(/disk full/) });
    expect(log.logEndOffset()).toBe(before.end);
    expect(fileSize(lastSegment(log))).toBe(before.size);
    io.writeSync = realIo.writeSync;
    expect(mustAppend(log, batch(1)).baseOffset).toBe(before.end);
    const again = reopen(o);
    expect(again.lines).toEqual([]);
    expectIntact(again.manager.partition('r', 1)!, produced.get('r-1')!);
    again.manager.close();
  });

  it('a failed index commit undoes every partition of the request', () => {
    const { o } = populated();
    const logs = [0, 1].map((p) => o.manager.partition('r', p)!);
    const before = logs.map((l) => ({ end: l.logEndOffset(), size: fileSize(lastSegment(l)) }));
    const manager = o.manager as unknown as { transaction: (fn: () => unknown) => unknown };
    const original = manager.transaction;
    manager.transaction = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const results = o.manager.appendMany(logs.map((log) => ({ log, records: batch(2) })));
    manager.transaction = original;
    expect(results.every((r) => !r.ok && r.errorCode === 56)).toBe(true);
    expect(logs.map((l) => ({ end: l.logEndOffset(), size: fileSize(lastSegment(l)) }))).toEqual(before);
    expect(mustAppend(logs[1]!, batch(1)).baseOffset).toBe(before[1]!.end);
    o.manager.close();
  });

  it('flush.messages=1 fsyncs before acknowledging; the default does not', () => {
    const o = openManager();
    const flushed = createLog(o, 'f', 0, { flushMessages: 1 });
    const lazy = createLog(o, 'l', 0);
    let syncs = 0;
    io.fdatasyncSync = (fd) => {
      syncs++;
      realIo.fdatasyncSync(fd);
    };
    for (let i = 0; i < 5; i++) mustAppend(lazy, batch(3));
    expect(syncs).toBe(0);
    for (let i = 0; i < 5; i++) mustAppend(flushed, batch(3));
    expect(syncs).toBe(5);
    o.manager.close();
  });

  it('flush.ms fsyncs once the interval has passed (on append and in runRetention)', () => {
    let clock = 0;
    const o = openManager(undefined, () => clock);
    const log = createLog(o, 'f', 0, { flushMs: 1000 });
    let syncs = 0;
    io.fdatasyncSync = (fd) => {
      syncs++;
      realIo.fdatasyncSync(fd);
    };
    mustAppend(log, batch(1));
    expect(syncs).toBe(0);
    clock = 1500;
    mustAppend(log, batch(1));
    expect(syncs).toBe(1);
    mustAppend(log, batch(1));
    clock = 3000;
    o.manager.runRetention();
    expect(syncs).toBe(2);
    o.manager.close();
  });
});

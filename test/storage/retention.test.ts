import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOG_CONFIG,
  logConfigFromKafka,
  logConfigToKafka,
  LONG_MAX,
  OffsetOutOfRangeError,
} from '../../src/storage/index.js';
import { batch, createLog, mustAppend, openManager, readAll, reopen } from './helpers.js';

describe('config', () => {
  it("uses Kafka's names and defaults", () => {
    expect(DEFAULT_LOG_CONFIG).toEqual({
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      retentionMs: 604800000,
      retentionBytes: -1,
      maxMessageBytes: 1048588,
      timestampType: 'CreateTime',
      flushMessages: LONG_MAX,
      flushMs: LONG_MAX,
    });
    expect(logConfigFromKafka({})).toEqual(DEFAULT_LOG_CONFIG);
    const c = logConfigFromKafka({
      'segment.bytes': '1048576',
      'segment.ms': '60000',
      'retention.ms': '-1',
      'retention.bytes': '5000000',
      'max.message.bytes': '2000000',
      'message.timestamp.type': 'LogAppendTime',
      'flush.messages': '1',
      'flush.ms': '1000',
      'cleanup.policy': 'delete',
    });
    expect(c).toEqual({
      segmentBytes: 1048576,
      segmentMs: 60000,
      retentionMs: -1,
      retentionBytes: 5000000,
      maxMessageBytes: 2000000,
      timestampType: 'LogAppendTime',
      flushMessages: 1,
      flushMs: 1000,
    });
    expect(logConfigFromKafka({ 'flush.ms': '9223372036854775807' }).flushMs).toBe(LONG_MAX);
    expect(logConfigToKafka(DEFAULT_LOG_CONFIG)['flush.messages']).toBe('9223372036854775807');
    expect(() => logConfigFromKafka({ 'segment.bytes': 'lots' })).toThrow(/segment.bytes/);
    expect(() => logConfigFromKafka({ 'message.timestamp.type': 'Whenever' })).toThrow(/message.timestamp.type/);
  });

  it('setConfig applies to every partition of the topic and survives a restart', () => {
    let o = openManager();
    createLog(o, 'c', 0);
    createLog(o, 'c', 1);
    o.manager.setConfig('c', { ...DEFAULT_LOG_CONFIG, retentionMs: 1234 });
    o = reopen(o);
    expect(o.manager.partitions().map((p) => p.config().retentionMs)).toEqual([1234, 1234]);
    o.manager.close();
  });
});

describe('segment roll', () => {
  it('rolls on segment.bytes', () => {
    const o = openManager();
    const log = createLog(o, 't', 0, { segmentBytes: 1000 });
    const size = batch(3).length;
    for (let i = 0; i < 20; i++) mustAppend(log, batch(3));
    const segs = log.segments();
    const perSegment = Math.floor(1000 / size);
    expect(segs.length).toBe(Math.ceil(20 / perSegment));
    for (const s of segs) expect(s.size).toBeLessThanOrEqual(1000);
    expect(segs.map((s) => s.baseOffset)).toEqual(segs.map((_, i) => i * perSegment * 3));
    expect(segs.map((s) => path.basename(s.file))).toEqual(segs.map((s) => String(s.baseOffset).padStart(20, '0') + '.log'));
    o.manager.close();
  });

  it("rolls on segment.ms, by record timestamps as Kafka does", () => {
    const o = openManager();
    const log = createLog(o, 't', 0, { segmentMs: 1000 });
    mustAppend(log, batch(1, 'a', { timestamps: [10_000] }));
    mustAppend(log, batch(1, 'b', { timestamps: [10_900] }));
    expect(log.segments().length).toBe(1);
    mustAppend(log, batch(1, 'c', { timestamps: [11_001] })); // 1001 ms after the segment's first batch
    expect(log.segments().map((s) => s.baseOffset)).toEqual([0, 2]);
    o.manager.close();
  });

  it('rolls on segment.ms by wall clock when batches carry no timestamp', () => {
    let clock = 0;
    const o = openManager(undefined, () => clock);
    const log = createLog(o, 't', 0, { segmentMs: 1000 });
    mustAppend(log, batch(1, 'a', { timestamps: [-1], now: -1 }));
    clock = 1500;
    mustAppend(log, batch(1, 'b', { timestamps: [-1], now: -1 }));
    expect(log.segments().length).toBe(2);
    o.manager.close();
  });
});

describe('retention', () => {
  it('deletes whole segments older than retention.ms, never the active one', () => {
    let clock = 1_000_000;
    const o = openManager(undefined, () => clock);
    const log = createLog(o, 't', 0, { segmentBytes: 200, retentionMs: 10_000 });
    for (let i = 0; i < 12; i++) mustAppend(log, batch(2, `r${i}`, { timestamps: [clock + i * 1000, clock + i * 1000] }));
    const before = log.segments();
    expect(before.length).toBeGreaterThan(3);
    // Segments whose newest record is older than now - retention.ms go; the rest stay.
    clock = 1_000_000 + 5_500 + 10_000;
    o.manager.runRetention();
    const after = log.segments();
    expect(after.length).toBeLessThan(before.length);
    expect(after.length).toBeGreaterThan(0);
    expect(log.logStartOffset()).toBe(after[0]!.baseOffset);
    for (const s of before.slice(0, before.length - after.length)) expect(fs.existsSync(s.file)).toBe(false);
    expect(readAll(log)[0]!.readBigInt64BE(0)).toBe(BigInt(after[0]!.baseOffset));
    expect(o.lines.some((l) => /deleted \d+ segment/.test(l))).toBe(true);
    // Everything expired: a new empty active segment is rolled, the old ones deleted (Kafka's rule).
    clock += 100_000;
    o.manager.runRetention();
    expect(log.segments()).toEqual([expect.objectContaining({ baseOffset: 24, size: 0 })]);
    expect(log.logStartOffset()).toBe(24);
    expect(log.logEndOffset()).toBe(24);
    expect(mustAppend(log, batch(1, 'x', { timestamps: [clock] })).baseOffset).toBe(24);
    // The active (non-empty) segment alone is rolled away too once expired; an empty one stays.
    o.manager.runRetention(clock + 1_000_000);
    expect(log.segments().length).toBe(1);
    expect(log.logStartOffset()).toBe(25);
    o.manager.close();
  });

  it('deletes the oldest segments beyond retention.bytes', () => {
    const o = openManager();
    const log = createLog(o, 't', 0, { segmentBytes: 500, retentionBytes: 1000 });
    for (let i = 0; i < 20; i++) mustAppend(log, batch(2, `r${i}`));
    o.manager.runRetention();
    const total = log.segments().reduce((n, s) => n + s.size, 0);
    expect(total).toBeLessThanOrEqual(1000 + 500);
    expect(log.segments()[0]!.baseOffset).toBe(log.logStartOffset());
    expect(log.logEndOffset()).toBe(40);
    o.manager.close();
  });

  it('survives a restart: log start offset and segments as left by retention', () => {
    let clock = 0;
    let o = openManager(undefined, () => clock);
    const log = createLog(o, 't', 0, { segmentBytes: 300, retentionBytes: 300 });
    for (let i = 0; i < 10; i++) mustAppend(log, batch(1, `r${i}`));
    o.manager.runRetention();
    const start = log.logStartOffset();
    expect(start).toBeGreaterThan(0);
    o = reopen(o, () => clock);
    const again = o.manager.partition('t', 0)!;
    expect(again.logStartOffset()).toBe(start);
    expect(again.logEndOffset()).toBe(10);
    expect(o.lines).toEqual([]);
    o.manager.close();
  });
});

describe('DeleteRecords', () => {
  it('advances the log start offset and deletes segments below it', () => {
    let o = openManager();
    const log = createLog(o, 't', 0, { segmentBytes: 400 });
    for (let i = 0; i < 12; i++) mustAppend(log, batch(2, `r${i}`));
    const segs = log.segments();
    expect(log.deleteRecordsBefore(0)).toBe(0);
    expect(log.deleteRecordsBefore(9)).toBe(9);
    expect(log.logStartOffset()).toBe(9);
    expect(log.segments()[0]!.baseOffset).toBeLessThanOrEqual(9);
    expect(log.segments().length).toBeLessThan(segs.length);
    expect(fs.existsSync(segs[0]!.file)).toBe(false);
    expect(log.deleteRecordsBefore(5)).toBe(9); // never moves back
    expect(() => log.deleteRecordsBefore(25)).toThrow(OffsetOutOfRangeError);
    expect(log.read(9, 1 << 20).firstOffset).toBe(8); // the batch holding 9 comes whole
    o = reopen(o);
    const again = o.manager.partition('t', 0)!;
    expect(again.logStartOffset()).toBe(9);
    expect(again.deleteRecordsBefore(-1)).toBe(24); // -1 = high watermark
    expect(again.segments().length).toBe(1);
    expect(mustAppend(again, batch(1)).baseOffset).toBe(24);
    o.manager.close();
  });
});

describe('topic deletion', () => {
  it('deletes files and index rows; a new topic of the same name starts empty', () => {
    let o = openManager();
    for (const p of [0, 1]) mustAppend(createLog(o, 'gone', p), batch(3));
    const keep = createLog(o, 'kept', 0);
    mustAppend(keep, batch(2));
    o.manager.deleteTopic('gone');
    expect(o.manager.partitions().map((p) => `${p.topic}-${p.partition}`)).toEqual(['kept-0']);
    expect(fs.readdirSync(o.dir).sort()).toEqual(['gregor.db', 'gregor.db-wal', 'kept-0'].filter((n) => fs.existsSync(path.join(o.dir, n))).sort());
    const rows = o.manager.database.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number };
    expect(rows.n).toBe(1);
    o = reopen(o);
    expect(o.manager.partition('gone', 0)).toBeUndefined();
    const fresh = createLog(o, 'gone', 0);
    expect(fresh.logEndOffset()).toBe(0);
    expect(o.manager.partition('kept', 0)!.logEndOffset()).toBe(2);
    o.manager.close();
  });

  it('finishes a deletion interrupted after the rename', () => {
    let o = openManager();
    mustAppend(createLog(o, 'gone', 0), batch(3));
    o = reopen(o);
    // As if the process died right after renaming the directory.
    const dir = path.join(o.dir, 'gone-0');
    o.manager.close();
    fs.renameSync(dir, path.join(o.dir, `gone-0.${'a'.repeat(32)}-delete`));
    o = openManager(o.dir);
    expect(o.manager.partition('gone', 0)).toBeUndefined();
    expect(fs.readdirSync(o.dir).some((n) => n.includes('delete'))).toBe(false);
    o.manager.close();
  });
});

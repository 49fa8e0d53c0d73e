import { describe, expect, it } from 'vitest';
import { buildRecordBatch, CompressionType } from '../../src/protocol/records/index.js';
import { BASE_TS, batch, createLog, gzipBatch, mustAppend, openManager, reopen } from './helpers.js';

describe('offsetForTimestamp', () => {
  it('is exact to the record inside a compressed batch, with timestamps out of order', () => {
    const o = openManager();
    const log = createLog(o);
    mustAppend(log, batch(3, 'a', { timestamps: [100, 110, 120] })); // 0..2
    // Compressed, not monotonic: first record ≥ 205 is offset 3+2 (210), not the batch's first.
    mustAppend(log, gzipBatch(5, 'b', { timestamps: [200, 150, 210, 205, 300] })); // 3..7
    mustAppend(log, batch(2, 'c', { timestamps: [400, 500] })); // 8..9
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 100 });
    expect(log.offsetForTimestamp(105)).toEqual({ offset: 1, timestamp: 110 });
    expect(log.offsetForTimestamp(121)).toEqual({ offset: 3, timestamp: 200 });
    expect(log.offsetForTimestamp(201)).toEqual({ offset: 5, timestamp: 210 });
    expect(log.offsetForTimestamp(206)).toEqual({ offset: 5, timestamp: 210 });
    expect(log.offsetForTimestamp(211)).toEqual({ offset: 7, timestamp: 300 });
    expect(log.offsetForTimestamp(301)).toEqual({ offset: 8, timestamp: 400 });
    expect(log.offsetForTimestamp(500)).toEqual({ offset: 9, timestamp: 500 });
    expect(log.offsetForTimestamp(501)).toBeNull();
    o.manager.close();
  });

  it('works across many segments and batches (binary search over the index), and after a restart', () => {
    let o = openManager();
    let log = createLog(o, 't', 0, { segmentBytes: 2000 });
    // 200 batches of 3 records, timestamps rising by 10 per record, every 7th batch zstd/gzip compressed.
    let ts = 1000;
    for (let b = 0; b < 200; b++) {
      const timestamps = [ts, ts + 10, ts + 20];
      ts += 30;
      const compression = b % 7 === 0 ? CompressionType.GZIP : CompressionType.NONE;
      mustAppend(log, batch(3, `b${b}`, { timestamps, compression }));
    }
    expect(log.segments().length).toBeGreaterThan(10);
    const check = () => {
      for (const probe of [999, 1000, 1001, 1010, 1500, 1505, 3333, 6000, 6990]) {
        const expectedOffset = Math.max(0, Math.ceil((probe - 1000) / 10));
        expect(log.offsetForTimestamp(probe)).toEqual({ offset: expectedOffset, timestamp: 1000 + expectedOffset * 10 });
      }
      expect(log.offsetForTimestamp(7000)).toBeNull();
    };
    check();
    o = reopen(o);
    log = o.manager.partition('t', 0)!;
    check();
    // Below the log start offset nothing is returned, even inside the first remaining batch.
    log.deleteRecordsBefore(301);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 301, timestamp: 1000 + 3010 });
    o.manager.close();
  });

  it('skips records below the log start offset inside a batch', () => {
    const o = openManager();
    const log = createLog(o);
    mustAppend(log, gzipBatch(4, 'a', { timestamps: [10, 20, 30, 40] }));
    log.deleteRecordsBefore(2);
    expect(log.offsetForTimestamp(15)).toEqual({ offset: 2, timestamp: 30 });
    o.manager.close();
  });
});

describe('maxTimestamp (ListOffsets -3)', () => {
  it('returns the offset and timestamp of the record with the largest timestamp', () => {
    const o = openManager();
    const log = createLog(o, 't', 0, { segmentBytes: 400 });
    expect(log.maxTimestamp()).toBeNull();
    mustAppend(log, batch(3, 'a', { timestamps: [100, 900, 200] })); // max at offset 1
    mustAppend(log, gzipBatch(4, 'b', { timestamps: [300, 950, 400, 950] })); // max 950 first at offset 4
    mustAppend(log, batch(2, 'c', { timestamps: [500, 600] }));
    expect(log.maxTimestamp()).toEqual({ offset: 4, timestamp: 950 });
    mustAppend(log, batch(2, 'd', { timestamps: [990, 10] }));
    expect(log.maxTimestamp()).toEqual({ offset: 9, timestamp: 990 });
    log.deleteRecordsBefore(10);
    expect(log.maxTimestamp()).toEqual({ offset: 10, timestamp: 10 });
    o.manager.close();
  });

  it('takes every record of a LogAppendTime batch at the batch time', () => {
    let clock = 1_000;
    const o = openManager(undefined, () => clock);
    const log = createLog(o, 'lat', 0, { timestampType: 'LogAppendTime' });
    mustAppend(log, batch(3));
    clock = 2_000;
    mustAppend(log, batch(2));
    expect(log.maxTimestamp()).toEqual({ offset: 3, timestamp: 2_000 });
    o.manager.close();
  });

  it('handles batches without timestamps', () => {
    const o = openManager();
    const log = createLog(o);
    mustAppend(log, buildRecordBatch([{ value: 'x', timestamp: -1 }], { now: -1 }));
    expect(log.maxTimestamp()).toEqual({ offset: 0, timestamp: -1 });
    expect(log.offsetForTimestamp(0)).toBeNull();
    expect(BASE_TS).toBeGreaterThan(0);
    o.manager.close();
  });
});

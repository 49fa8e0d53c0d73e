/**
 * The log's producer state (storage/producer-state.ts) at the storage level: sequence arithmetic, the checks an
 * append makes, expiration, a failed append leaving the state as it was, and the rebuild from the index when
 * the data dir is opened again.
 */
import { describe, expect, it } from 'vitest';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { decrementSequence, incrementSequence } from '../../src/storage/producer-state.js';
import { createLog, openManager, reopen } from './helpers.js';

const MAX = 2147483647;

function idem(pid: number, epoch: number, seq: number, n: number, ts: number): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ value: `s${seq + i}`, timestamp: ts }));
  return buildRecordBatch(records, { producerId: BigInt(pid), producerEpoch: epoch, baseSequence: seq });
}

describe('sequence arithmetic', () => {
  it('wraps at Integer.MAX_VALUE like DefaultRecordBatch', () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(MAX - 1, 2)).toBe(0);
    expect(incrementSequence(MAX, 1)).toBe(0);
    expect(decrementSequence(0, 2)).toBe(MAX - 1);
    expect(decrementSequence(7, 2)).toBe(5);
  });
});

describe('producer state in the log', () => {
  it('checks only client appends; internal appends are taken as they are', () => {
    const now = 1_800_000_000_000;
    const o = openManager(undefined, () => now);
    const log = createLog(o);
    expect(log.append(idem(7, 0, 0, 2, now))).toMatchObject({ ok: true, baseOffset: 0 });
    expect(log.append(idem(7, 0, 5, 1, now))).toMatchObject({ ok: false, errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    // The broker's own writes are not checked (nor deduplicated), but they do move the state on.
    expect(log.append(idem(7, 0, 5, 1, now), { origin: 'internal' })).toMatchObject({ ok: true, baseOffset: 2 });
    expect(log.append(idem(7, 0, 6, 1, now))).toMatchObject({ ok: true, baseOffset: 3 });
    expect(log.activeProducers()).toEqual([expect.objectContaining({ producerId: 7, producerEpoch: 0, lastTimestamp: now })]);
    o.manager.close();
  });

  it('rebuilds from the index when the data dir is opened again, and expires silent producers', () => {
    const now = 1_800_000_000_000;
    let o = openManager(undefined, () => now);
    let log = createLog(o);
    for (let s = 0; s < 7; s++) expect(log.append(idem(9, 2, s, 1, now - 1000))).toMatchObject({ ok: true, baseOffset: s });
    expect(log.append(idem(10, 0, 0, 1, now - 90_000_000))).toMatchObject({ ok: true, baseOffset: 7 });
    o = reopen(o, () => now);
    log = o.manager.partition('t', 0)!;
    // Producer 10's last batch is older than producer.id.expiration.ms (1 day): forgotten at the rebuild.
    expect(log.activeProducers().map((p) => p.producerId)).toEqual([9]);
    // Producer 9's last 5 batches are known again: a retry of one is a duplicate, an older one out of order.
    expect(log.append(idem(9, 2, 3, 1, now))).toMatchObject({ ok: true, duplicate: true, baseOffset: 3, lastOffset: 3, logAppendTime: now - 1000 });
    expect(log.append(idem(9, 2, 1, 1, now))).toMatchObject({ ok: false, errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(log.append(idem(9, 1, 7, 1, now))).toMatchObject({ ok: false, errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(log.append(idem(9, 2, 7, 1, now))).toMatchObject({ ok: true, baseOffset: 8 });
    expect(log.logEndOffset()).toBe(9);
    o.manager.close();
  });

  it('a second entry for the same partition in one appendMany sees the first one', () => {
    const now = 1_800_000_000_000;
    const o = openManager(undefined, () => now);
    const log = createLog(o);
    const results = o.manager.appendMany([
      { log, records: idem(3, 0, 0, 2, now) },
      { log, records: idem(3, 0, 2, 1, now) },
      { log, records: idem(3, 0, 0, 2, now) },
    ]);
    expect(results.map((r) => (r.ok ? [r.baseOffset, r.duplicate ?? false] : r.errorCode))).toEqual([
      [0, false],
      [2, false],
      [0, true], // a retry of the first entry: as if the entries had been appended one after the other
    ]);
    expect(log.logEndOffset()).toBe(3);
    o.manager.close();
  });

  it('expires producers with the periodic check, as configured', () => {
    let now = 1_800_000_000_000;
    const o = openManager(undefined, () => now);
    o.manager.setProducerStateConfig({ producerIdExpirationMs: 10_000, expirationCheckIntervalMs: 1_000 });
    const log = createLog(o);
    expect(log.append(idem(4, 0, 0, 1, now))).toMatchObject({ ok: true });
    now += 5_000;
    expect(log.activeProducers()).toHaveLength(1);
    now += 6_000;
    expect(log.activeProducers()).toHaveLength(0);
    // Forgotten: any sequence is accepted again.
    expect(log.append(idem(4, 0, 17, 1, now))).toMatchObject({ ok: true, baseOffset: 1 });
    o.manager.close();
  });
});

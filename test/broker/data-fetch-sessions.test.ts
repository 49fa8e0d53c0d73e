import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/index.js';
import { FetchSessionCache, nextEpoch, type CachedPartition, type PartitionRequest } from '../../src/broker/fetch-sessions.js';

function req(topic: string, partition: number, fetchOffset = 0n): PartitionRequest {
  return { topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition, fetchOffset, maxBytes: 1000, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n };
}

function cached(...names: string[]): Map<string, CachedPartition> {
  return new Map(names.map((n, i) => [`${n}\0${i}`, { ...req(n, i), highWatermark: 0n, localLogStartOffset: 0n }]));
}

describe('FetchSessionCache (KIP-227)', () => {
  it('epochs run 1, 2, ... and wrap from Int32 max to 1', () => {
    expect(nextEpoch(0)).toBe(1);
    expect(nextEpoch(41)).toBe(42);
    expect(nextEpoch(2147483647)).toBe(1);
    expect(nextEpoch(-1)).toBe(-1);
  });

  it('is size-limited: when full, a stale session is evicted first, then an old smaller one; young ones stay', () => {
    let now = 1_000_000;
    const cache = new FetchSessionCache(2, 120_000, () => now);
    const a = cache.maybeCreateSession(false, false, cached('a'));
    const b = cache.maybeCreateSession(false, false, cached('b', 'c', 'd'));
    expect(a).not.toBe(0);
    expect(b).not.toBe(0);
    // Full, nothing stale or old enough: no session for a third consumer.
    expect(cache.maybeCreateSession(false, false, cached('x', 'y', 'z', 'w'))).toBe(0);
    // Two minutes on, `a` unused (stale): it makes room.
    now += 60_000;
    expect(cache.newContext(12, b, 1, false, [], []).kind).toBe('incremental');
    now += 61_000;
    const c = cache.maybeCreateSession(false, false, cached('e', 'f'));
    expect(c).not.toBe(0);
    expect(cache.get(a)).toBeUndefined();
    expect(cache.get(b)).toBeDefined();
    // Nothing stale now; `b` is old (created > 2 min ago) but has more partitions than a 1-partition newcomer.
    expect(cache.maybeCreateSession(false, false, cached('g'))).toBe(0);
    // A newcomer with more partitions than `b` evicts it.
    const d = cache.maybeCreateSession(false, false, cached('h', 'i', 'j', 'k'));
    expect(d).not.toBe(0);
    expect(cache.get(b)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('a follower (privileged) session may evict a young consumer session', () => {
    const cache = new FetchSessionCache(1, 120_000, () => 5);
    const consumer = cache.maybeCreateSession(false, false, cached('a', 'b'));
    expect(cache.maybeCreateSession(false, false, cached('c', 'd', 'e'))).toBe(0);
    expect(cache.maybeCreateSession(true, false, cached('f'))).not.toBe(0);
    expect(cache.get(consumer)).toBeUndefined();
  });

  it('an incremental request that forgets every partition closes the session (sessionless)', () => {
    const cache = new FetchSessionCache(10);
    const id = cache.maybeCreateSession(false, false, cached('a'));
    const ctx = cache.newContext(12, id, 1, false, [], [{ topic: 'a', topicId: '', partition: 0 }]);
    expect(ctx.kind).toBe('sessionless');
    expect(cache.get(id)).toBeUndefined();
    expect(cache.newContext(12, id, 2, false, [], [])).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
  });
});

/**
 * Incremental fetch sessions (KIP-227), as Kafka's FetchSession.scala / FetchSessionCache.
 *
 * A Fetch v7+ request carries (sessionId, epoch):
 *   epoch 0 (INITIAL)  full request: close session `sessionId` if given, fetch what the request lists, and
 *                      open a new session with those partitions when the cache has room;
 *   epoch -1 (FINAL)   full request without a session (what every v0-v6 request is);
 *   epoch > 0          incremental: the session must exist (else FETCH_SESSION_ID_NOT_FOUND) and be at this
 *                      epoch (else INVALID_FETCH_SESSION_EPOCH); the request's partitions are added or
 *                      updated, its forgotten topics removed, and every partition of the session is fetched;
 *                      the response carries only partitions with something new (records, a changed high
 *                      watermark or log start offset, an error).
 *
 * The cache holds `max.incremental.fetch.session.cache.slots` sessions (1000). When full, a stale session
 * (unused for 2 minutes) makes room; otherwise a session older than that with fewer partitions than the new
 * one; follower (privileged) sessions outrank consumer ones.
 */
import { ErrorCode } from '../protocol/index.js';
import type { Broker } from './broker.js';
import { brokerInt } from './data-path.js';

export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
const SESSION_EVICTION_MS = 120_000;

export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH;
  if (epoch === 2147483647) return 1;
  return epoch + 1;
}

/** What the session remembers of one partition: the request's parameters and what was last answered. */
export interface CachedPartition {
  /** The topic's name (v12-) or '' until resolved (v13+, by id). */
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
  lastFetchedEpoch: number;
  logStartOffset: bigint;
  /** Last answered high watermark and log start offset (-1: not yet answered, or last answer was an error). */
  highWatermark: bigint;
  localLogStartOffset: bigint;
}

export type PartitionRequest = Omit<CachedPartition, 'highWatermark' | 'localLogStartOffset'>;

export function partitionKey(usesTopicIds: boolean, p: { topic: string; topicId: string; partition: number }): string {
  return `${usesTopicIds ? p.topicId : p.topic}\0${p.partition}`;
}

export class FetchSession {
  epoch = nextEpoch(INITIAL_EPOCH);
  lastUsedMs: number;
  constructor(
    readonly id: number,
    readonly privileged: boolean,
    readonly usesTopicIds: boolean,
    readonly partitions: Map<string, CachedPartition>,
    readonly creationMs: number,
  ) {
    this.lastUsedMs = creationMs;
  }

  /** Adds or updates the request's partitions and drops the forgotten ones. */
  update(requested: readonly PartitionRequest[], forgotten: readonly { topic: string; topicId: string; partition: number }[]): void {
    for (const r of requested) {
      const key = partitionKey(this.usesTopicIds, r);
      const cached = this.partitions.get(key);
      if (cached === undefined) this.partitions.set(key, { ...r, highWatermark: -1n, localLogStartOffset: -1n });
      else Object.assign(cached, r);
    }
    for (const f of forgotten) this.partitions.delete(partitionKey(this.usesTopicIds, f));
  }
}

export type FetchContext =
  | { kind: 'error'; errorCode: number }
  | { kind: 'sessionless' | 'full'; partitions: PartitionRequest[]; usesTopicIds: boolean; privileged: boolean }
  | { kind: 'incremental'; session: FetchSession };

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(
    readonly maxEntries: number,
    readonly evictionMs = SESSION_EVICTION_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id);
  }

  remove(id: number): boolean {
    return this.sessions.delete(id);
  }

  /** Kafka's FetchManager.newContext. */
  newContext(
    version: number,
    sessionId: number,
    epoch: number,
    privileged: boolean,
    requested: PartitionRequest[],
    forgotten: { topic: string; topicId: string; partition: number }[],
  ): FetchContext {
    const usesTopicIds = version >= 13;
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      if (sessionId !== INVALID_SESSION_ID) this.sessions.delete(sessionId);
      return { kind: epoch === FINAL_EPOCH ? 'sessionless' : 'full', partitions: requested, usesTopicIds, privileged };
    }
    const session = this.sessions.get(sessionId);
    if (session === undefined) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
    if (session.epoch !== epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
    if (session.usesTopicIds !== usesTopicIds) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR };
    session.update(requested, forgotten);
    if (session.partitions.size === 0) {
      this.sessions.delete(session.id);
      return { kind: 'sessionless', partitions: requested, usesTopicIds, privileged };
    }
    session.lastUsedMs = this.now();
    session.epoch = nextEpoch(session.epoch);
    return { kind: 'incremental', session };
  }

  /** Opens a session for a full fetch when there is room (or room can be made); 0 when not. */
  maybeCreateSession(privileged: boolean, usesTopicIds: boolean, partitions: Map<string, CachedPartition>): number {
    const now = this.now();
    if (this.sessions.size >= this.maxEntries && !this.tryEvict(privileged, partitions.size, now)) return INVALID_SESSION_ID;
    let id: number;
    do id = 1 + Math.floor(Math.random() * 2147483646);
    while (this.sessions.has(id));
    this.sessions.set(id, new FetchSession(id, privileged, usesTopicIds, partitions, now));
    return id;
  }

  /** Kafka's FetchSessionCache.tryEvict. */
  private tryEvict(privileged: boolean, size: number, now: number): boolean {
    let stalest: FetchSession | undefined;
    for (const s of this.sessions.values()) if (stalest === undefined || s.lastUsedMs < stalest.lastUsedMs) stalest = s;
    if (stalest === undefined) return false;
    if (now - stalest.lastUsedMs > this.evictionMs) {
      this.sessions.delete(stalest.id);
      return true;
    }
    // The least valuable evictable session: consumers before followers, then fewer partitions, then lower id.
    let victim: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      const old = now - s.creationMs > this.evictionMs;
      const evictable = privileged ? !s.privileged || old : old;
      if (!evictable) continue;
      if (victim === undefined || compareKeys(s, victim) < 0) victim = s;
    }
    if (victim === undefined) return false;
    if (compareKeys({ privileged, partitions: { size }, id: 0 }, victim) < 0) return false;
    this.sessions.delete(victim.id);
    return true;
  }
}

function compareKeys(a: { privileged: boolean; partitions: { size: number }; id: number }, b: { privileged: boolean; partitions: { size: number }; id: number }): number {
  if (a.privileged !== b.privileged) return a.privileged ? 1 : -1;
  if (a.partitions.size !== b.partitions.size) return a.partitions.size - b.partitions.size;
  return a.id - b.id;
}

const caches = new WeakMap<Broker, FetchSessionCache>();

/** The broker's fetch session cache (`max.incremental.fetch.session.cache.slots`, default 1000). */
export function fetchSessions(broker: Broker): FetchSessionCache {
  let cache = caches.get(broker);
  if (cache === undefined) {
    cache = new FetchSessionCache(brokerInt(broker, 'max.incremental.fetch.session.cache.slots', 1000));
    caches.set(broker, cache);
  }
  return cache;
}

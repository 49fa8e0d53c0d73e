/**
 * When a committed offset expires (Kafka's OffsetExpirationCondition / OffsetExpirationConditionImpl).
 *
 * An offset committed with an explicit expire timestamp (OffsetCommit v2-4's retention time) expires then. Any
 * other expires `offsets.retention.minutes` after a base timestamp the group chooses:
 *   consumer group (KIP-848)                the offset's commit timestamp
 *   simple classic group (no protocol type) the offset's commit timestamp
 *   empty classic group                     when the group became empty (Kafka's currentStateTimestamp)
 *   stable classic "consumer" group          the commit timestamp (only topics no member subscribes to)
 *   any other classic group                 never (a rebalance is under way)
 * Each group gives its rule (Group.offsetExpirationCondition); this applies it.
 */
import type { OffsetAndMetadata, OffsetExpirationBase } from './types.js';

export function isOffsetExpired(offset: OffsetAndMetadata, base: OffsetExpirationBase, nowMs: number, retentionMs: number): boolean {
  if (offset.expireTimestampMs !== null) return nowMs >= offset.expireTimestampMs;
  return nowMs - base(offset) >= retentionMs;
}

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
 * A group that knows its own rule implements Group.offsetExpirationCondition; the rest get the rule above from
 * the interface's state, with the commit timestamp standing in for the empty group's state timestamp.
 */
import type { Group, OffsetAndMetadata, OffsetExpirationBase } from './types.js';

const byCommitTimestamp: OffsetExpirationBase = (o) => o.commitTimestampMs;

/** The group's base timestamp rule, or null when its offsets may not expire now. */
export function expirationBase(group: Group): OffsetExpirationBase | null {
  if (group.offsetExpirationCondition !== undefined) return group.offsetExpirationCondition();
  if (group.type === 'consumer') return byCommitTimestamp;
  if (group.protocolType() === '' || group.isEmpty()) return byCommitTimestamp;
  if (group.protocolType() === 'consumer' && group.stateName() === 'Stable') return byCommitTimestamp;
  return null;
}

export function isOffsetExpired(offset: OffsetAndMetadata, base: OffsetExpirationBase, nowMs: number, retentionMs: number): boolean {
  if (offset.expireTimestampMs !== null) return nowMs >= offset.expireTimestampMs;
  return nowMs - base(offset) >= retentionMs;
}

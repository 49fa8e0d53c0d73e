/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete, and their retention (Kafka's OffsetMetadataManager).
 *
 * Offsets are kept per group, topic name and partition. Every change is an OffsetCommit record (key group, topic,
 * partition; a null value deletes) written to the group's `__consumer_offsets` partition first, then applied to
 * memory by the same `replay` that rebuilds the state when the partition is loaded: one path for both.
 *
 * Retention (cleanupExpiredOffsets): every `offsets.retention.check.interval.ms` the offsets of each group whose
 * type allows expiry (see expiration.ts) and whose topic the group does not subscribe to are tombstoned once
 * `offsets.retention.minutes` have passed since their base timestamp (or at their explicit expire timestamp, from
 * OffsetCommit v2-4's retention time); a group left with no offsets that is empty is then deleted too.
 */
import { ErrorCode } from '../../protocol/index.js';
import { isOffsetExpired } from './expiration.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { RecordType, tombstone, type CoordinatorRecord } from './records.js';
import { OFFSETS_TOPIC } from './state-log.js';
import { GroupError, type Group, type OffsetAndMetadata, type OffsetCommitContext } from './types.js';

/** OffsetCommitRequest.DEFAULT_RETENTION_TIME / DEFAULT_TIMESTAMP: "not given". */
const NOT_GIVEN = -1n;

export interface CommitPartition {
  partitionIndex: number;
  committedOffset: bigint;
  /** OffsetCommit v1 only: the client's commit timestamp (-1: now). */
  commitTimestamp: bigint;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

export interface CommitRequest extends OffsetCommitContext {
  groupId: string;
  /** OffsetCommit v2-4: per-request retention in ms (-1: the broker's). */
  retentionTimeMs: bigint;
  /** Topics by name (v10's ids already resolved by the handler). */
  topics: { name: string; partitions: CommitPartition[] }[];
}

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface FetchedTopic {
  name: string;
  partitions: FetchedPartition[];
}

/** A partition without a committed offset, as OffsetFetch shows it. */
export const noOffset = (partitionIndex: number, errorCode: number = ErrorCode.NONE): FetchedPartition => ({
  partitionIndex,
  committedOffset: -1n,
  committedLeaderEpoch: -1,
  metadata: '',
  errorCode,
});

type TopicOffsets = Map<number, OffsetAndMetadata>;
type GroupOffsets = Map<string, TopicOffsets>;

export class OffsetStore {
  /** group → topic → partition → committed offset. */
  private readonly offsets = new Map<string, GroupOffsets>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(readonly coordinator: GroupCoordinator) {
    this.unsubscribe = coordinator.broker.metadata.subscribe((delta) => {
      if (delta.topicsDeleted.length > 0) this.onTopicsDeleted(new Set(delta.topicsDeleted.map((t) => t.name)));
    });
  }

  private get retentionMs(): number {
    return this.coordinator.numberConfig('offsets.retention.minutes') * 60_000;
  }

  private get metadataMaxBytes(): number {
    return this.coordinator.numberConfig('offset.metadata.max.bytes');
  }

  // ---------------------------------------------------------------------------------------------- OffsetCommit

  /**
   * Commits offsets (OffsetMetadataManager.commitOffset): validates the commit against the group (creating an empty
   * "simple" classic group for a commit from outside any group), writes one record per partition whose metadata
   * fits, and answers each partition's error. Throws GroupError for an error of the whole request.
   */
  commit(req: CommitRequest): { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] {
    this.coordinator.checkCoordinator(req.groupId);
    const created = this.coordinator.group(req.groupId) === undefined;
    const group = this.groupForCommit(req);
    try {
      group.validateOffsetCommit(req);
    } catch (e) {
      if (created) this.coordinator.removeGroup(req.groupId);
      // STALE_MEMBER_EPOCH belongs to KIP-848 members, who use v9+; older versions get UNSUPPORTED_VERSION.
      if (e instanceof GroupError && e.code === ErrorCode.STALE_MEMBER_EPOCH && req.apiVersion < 9) throw new GroupError(ErrorCode.UNSUPPORTED_VERSION);
      throw e;
    }
    group.onOffsetCommit(req);

    const now = Date.now();
    // now + retention in Java's long arithmetic: an absurd retention wraps negative and expires at the next check.
    const expireTimestampMs = req.retentionTimeMs === NOT_GIVEN ? null : Number(BigInt.asIntN(64, BigInt(now) + req.retentionTimeMs));
    const maxMetadata = this.metadataMaxBytes;
    const records: CoordinatorRecord[] = [];
    const answer = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (p.committedMetadata !== null && p.committedMetadata.length > maxMetadata) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
        }
        records.push(
          offsetCommitRecord(req.groupId, t.name, p.partitionIndex, {
            committedOffset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata ?? '',
            commitTimestampMs: p.commitTimestamp === NOT_GIVEN ? now : Number(p.commitTimestamp),
            expireTimestampMs,
          }),
        );
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
    try {
      this.writeAndApply(req.groupId, records);
    } catch (e) {
      // Kafka's timeline reverts a failed write: the simple group this commit created goes too.
      if (created) this.coordinator.removeGroup(req.groupId);
      throw e;
    }
    return answer;
  }

  /** The group a commit goes to (OffsetMetadataManager.validateOffsetCommit's lookup). */
  private groupForCommit(req: CommitRequest): Group {
    const existing = this.coordinator.group(req.groupId);
    if (existing !== undefined) return existing;
    // Generation -1: the admin client or a consumer without group management; a simple group holds its offsets.
    if (req.generationIdOrMemberEpoch < 0) return this.coordinator.classic.getOrCreate(req.groupId);
    // v9+ answer GROUP_ID_NOT_FOUND for both protocols; older versions kept ILLEGAL_GENERATION.
    if (req.apiVersion >= 9) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} not found.`);
    throw new GroupError(ErrorCode.ILLEGAL_GENERATION);
  }

  // ----------------------------------------------------------------------------------------------- OffsetFetch

  /**
   * The committed offsets of a group (fetchOffsets / fetchAllOffsets): topics null means every committed offset.
   * An unknown group answers -1 for every partition (no topics for "all"); other group errors (a KIP-848 member's
   * STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID) and coordinator errors are thrown as GroupError.
   */
  fetch(groupId: string, memberId: string | null, memberEpoch: number, topics: { name: string; partitionIndexes: number[] }[] | null): FetchedTopic[] {
    this.coordinator.checkCoordinator(groupId);
    let known = true;
    const group = this.coordinator.group(groupId);
    try {
      if (group === undefined) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND);
      group.validateOffsetFetch(memberId, memberEpoch);
    } catch (e) {
      if (!(e instanceof GroupError) || e.code !== ErrorCode.GROUP_ID_NOT_FOUND) throw e;
      known = false;
    }
    const groupOffsets = known ? this.offsets.get(groupId) : undefined;
    if (topics === null) {
      return [...(groupOffsets ?? [])].map(([name, byPartition]) => ({
        name,
        partitions: [...byPartition].map(([partitionIndex, o]) => fetched(partitionIndex, o)),
      }));
    }
    return topics.map((t) => {
      const byPartition = groupOffsets?.get(t.name);
      return {
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          const o = byPartition?.get(p);
          return o === undefined ? noOffset(p) : fetched(p, o);
        }),
      };
    });
  }

  // ---------------------------------------------------------------------------------------------- OffsetDelete

  /**
   * Deletes a group's offsets of some partitions (deleteOffsets): GROUP_SUBSCRIBED_TO_TOPIC for a topic a member
   * subscribes to; a partition without an offset answers NONE and writes nothing. Group errors throw GroupError.
   */
  delete(groupId: string, topics: { name: string; partitions: number[] }[]): { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] {
    this.coordinator.checkCoordinator(groupId);
    const group = this.coordinator.group(groupId);
    if (group === undefined) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
    group.validateOffsetDelete();
    const records: CoordinatorRecord[] = [];
    const answer = topics.map((t) => {
      const subscribed = group.isSubscribedToTopic(t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((partitionIndex) => {
          if (subscribed) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
          if (this.offset(groupId, t.name, partitionIndex) !== undefined) records.push(offsetTombstone(groupId, t.name, partitionIndex));
          return { partitionIndex, errorCode: ErrorCode.NONE };
        }),
      };
    });
    this.writeAndApply(groupId, records);
    return answer;
  }

  /** Tombstones for every offset of a group (DeleteGroups writes them with the group's own). */
  deletionRecords(groupId: string): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [];
    for (const [topic, byPartition] of this.offsets.get(groupId) ?? []) {
      for (const partition of byPartition.keys()) records.push(offsetTombstone(groupId, topic, partition));
    }
    return records;
  }

  /** Whether a group has any committed offset. */
  hasOffsets(groupId: string): boolean {
    return this.offsets.has(groupId);
  }

  offset(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(groupId)?.get(topic)?.get(partition);
  }

  // -------------------------------------------------------------------------------------------- log and replay

  /** Writes records of one group, then applies them: a failed write throws and changes nothing. */
  private writeAndApply(groupId: string, records: CoordinatorRecord[]): void {
    if (records.length === 0) return;
    this.coordinator.write(groupId, records);
    for (const r of records) this.replay(r);
  }

  /** An OffsetCommit (or legacy) record read back from the log, or just written (value null: the offset was deleted). */
  replay(record: CoordinatorRecord): void {
    const groupId = String(record.key.group);
    const topic = String(record.key.topic);
    const partition = Number(record.key.partition);
    if (record.value === null) {
      this.remove(groupId, topic, partition);
      return;
    }
    // Offsets without a group belong to a consumer outside group management: Kafka keeps them in a simple group.
    if (this.coordinator.group(groupId) === undefined) this.coordinator.classic.getOrCreate(groupId);
    const v = record.value.data;
    const expire = v.expireTimestamp === undefined ? -1n : (v.expireTimestamp as bigint);
    let byTopic = this.offsets.get(groupId);
    if (byTopic === undefined) this.offsets.set(groupId, (byTopic = new Map()));
    let byPartition = byTopic.get(topic);
    if (byPartition === undefined) byTopic.set(topic, (byPartition = new Map()));
    byPartition.set(partition, {
      committedOffset: v.offset as bigint,
      leaderEpoch: v.leaderEpoch === undefined ? -1 : (v.leaderEpoch as number),
      metadata: (v.metadata as string | undefined) ?? '',
      commitTimestampMs: Number(v.commitTimestamp),
      expireTimestampMs: expire === -1n ? null : Number(expire),
    });
  }

  private remove(groupId: string, topic: string, partition: number): void {
    const byTopic = this.offsets.get(groupId);
    const byPartition = byTopic?.get(topic);
    if (byTopic === undefined || byPartition === undefined) return;
    byPartition.delete(partition);
    if (byPartition.size === 0) byTopic.delete(topic);
    if (byTopic.size === 0) this.offsets.delete(groupId);
  }

  /** Removes a group's offsets from memory (its tombstones are written, or its partition is unloaded). */
  forget(groupId: string): void {
    this.offsets.delete(groupId);
  }

  /** A partition's records are all replayed: start checking for expired offsets (Kafka schedules it per shard). */
  loaded(partition: number): void {
    void partition;
    this.scheduleCleanup();
  }

  unloaded(partition: number): void {
    for (const groupId of [...this.offsets.keys()]) if (this.coordinator.partitionOf(groupId) === partition) this.offsets.delete(groupId);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Deleted topics take their committed offsets with them (OffsetMetadataManager.onPartitionsDeleted): a topic
   * re-created under the same name starts without any. The groups stay (expiry removes them once empty).
   */
  private onTopicsDeleted(topics: ReadonlySet<string>): void {
    if (topics.has(OFFSETS_TOPIC)) return; // the coordinator unloads everything
    for (const [groupId, byTopic] of [...this.offsets]) {
      const records: CoordinatorRecord[] = [];
      for (const [topic, byPartition] of byTopic) {
        if (topics.has(topic)) for (const partition of byPartition.keys()) records.push(offsetTombstone(groupId, topic, partition));
      }
      try {
        this.writeAndApply(groupId, records);
      } catch (e) {
        this.coordinator.broker.log.warn(`offsets of deleted topics in group ${groupId} not removed: ${(e as Error).message}`);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------- expiry

  private scheduleCleanup(): void {
    if (this.timer !== undefined || this.closed) return;
    const interval = Math.max(1, this.coordinator.numberConfig('offsets.retention.check.interval.ms'));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.cleanupGroupMetadata();
      } catch (e) {
        this.coordinator.broker.log.error(`offsets expiry failed: ${(e as Error).stack ?? e}`);
      }
      this.scheduleCleanup();
    }, interval);
    this.timer.unref();
  }

  /**
   * One expiry cycle over every loaded group (GroupCoordinatorShard.cleanupGroupMetadata): expired offsets are
   * tombstoned, and a group left with none that is empty is deleted with them. Each group is written on its own.
   */
  cleanupGroupMetadata(now = Date.now()): void {
    for (const group of [...this.coordinator.groups.values()]) {
      const records: CoordinatorRecord[] = [];
      const allExpired = this.cleanupExpiredOffsets(group, records, now);
      const deleteGroup = allExpired && group.isEmpty();
      if (deleteGroup) records.push(...group.deletionRecords());
      if (records.length === 0) continue;
      try {
        this.coordinator.write(group.groupId, records);
      } catch (e) {
        // Not this node's partition any more, or the log refused: the next cycle tries again.
        this.coordinator.broker.log.warn(`offsets expiry of group ${group.groupId} not written: ${(e as Error).message}`);
        continue;
      }
      for (const r of records) if (r.type === RecordType.OFFSET_COMMIT) this.replay(r);
      if (deleteGroup) this.coordinator.removeGroup(group.groupId);
    }
  }

  /** OffsetMetadataManager.cleanupExpiredOffsets: true when the group has no offsets left after this cycle. */
  private cleanupExpiredOffsets(group: Group, records: CoordinatorRecord[], now: number): boolean {
    const byTopic = this.offsets.get(group.groupId);
    if (byTopic === undefined) return true;
    const base = group.offsetExpirationCondition();
    if (base === null) return false;
    const retentionMs = this.retentionMs;
    let allExpired = true;
    for (const [topic, byPartition] of byTopic) {
      if (group.isSubscribedToTopic(topic)) {
        allExpired = false;
        continue;
      }
      for (const [partition, offset] of byPartition) {
        if (isOffsetExpired(offset, base, now, retentionMs)) records.push(offsetTombstone(group.groupId, topic, partition));
        else allExpired = false;
      }
    }
    return allExpired;
  }
}

function fetched(partitionIndex: number, o: OffsetAndMetadata): FetchedPartition {
  return { partitionIndex, committedOffset: o.committedOffset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
}

/**
 * The record of one commit, at the value version Kafka 4 writes: 1 when the commit carries an expire timestamp
 * (OffsetCommit v2-4 with a retention time), else 3 (leader epoch, no expire timestamp).
 */
function offsetCommitRecord(group: string, topic: string, partition: number, o: OffsetAndMetadata): CoordinatorRecord {
  const key = { group, topic, partition };
  if (o.expireTimestampMs !== null) {
    return {
      type: RecordType.OFFSET_COMMIT,
      key,
      value: {
        version: 1,
        data: { offset: o.committedOffset, metadata: o.metadata, commitTimestamp: int64(o.commitTimestampMs), expireTimestamp: int64(o.expireTimestampMs) },
      },
    };
  }
  return {
    type: RecordType.OFFSET_COMMIT,
    key,
    value: { version: 3, data: { offset: o.committedOffset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: int64(o.commitTimestampMs) } },
  };
}

/** A timestamp as an int64 field: timestamps near the int64 limits lose precision as numbers and must not overflow. */
function int64(ms: number): bigint {
  return BigInt.asIntN(64, BigInt(Math.trunc(ms)));
}

function offsetTombstone(group: string, topic: string, partition: number): CoordinatorRecord {
  return tombstone(RecordType.OFFSET_COMMIT, { group, topic, partition });
}

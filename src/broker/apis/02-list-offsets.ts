import { statSync } from 'node:fs';
import { ErrorCode } from '../../protocol/index.js';
import type { PartitionLog } from '../../storage/index.js';
import { defineHandler, type ResponseInput } from '../api.js';
import { localPartition, storageErrorCode, type LocalPartition } from '../data-path.js';

// ListOffsets (2), v0-11. v0 answers up to MaxNumOffsets segment-boundary offsets ("old style"); v1 answers one
// offset with its timestamp; v2 adds the isolation level (READ_COMMITTED: up to the last stable offset); v3 is
// v2; v4 adds the current leader epoch (fencing) and the leader epoch of the answer; v5 may answer
// OFFSET_NOT_AVAILABLE; v6 is flexible; v7 adds -3, the record with the largest timestamp (KIP-734); v8 -4, the
// earliest local offset (KIP-405: the log start here); v9 -5, the latest tiered offset (KIP-1005: -1, no tiered
// storage); v10 a timeout for tiered lookups (KIP-1075); v11 -6, the earliest pending upload (KIP-1023: -1).
// Any other timestamp finds the first record at or after it, exactly (the batch is decompressed if need be).

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;
const EARLIEST_PENDING_UPLOAD = -6;
/** Kafka's ReplicaManager.timestampMinSupportedVersion. */
const MIN_VERSION: ReadonlyMap<number, number> = new Map([
  [EARLIEST, 1],
  [LATEST, 1],
  [MAX_TIMESTAMP, 7],
  [EARLIEST_LOCAL, 8],
  [LATEST_TIERED, 9],
  [EARLIEST_PENDING_UPLOAD, 11],
]);
const CONSUMER_REPLICA_ID = -1;

type PartitionResponse = NonNullable<NonNullable<ResponseInput<2>['topics']>[number]['partitions']>[number];
type Found = { timestamp: number; offset: number; leaderEpoch: number };

/** The leader epoch of the batch holding `offset` (its header's partition leader epoch), or -1. */
function epochAt(log: PartitionLog, offset: number): number {
  if (offset < log.logStartOffset() || offset >= log.logEndOffset()) return -1;
  const { records } = log.read(offset, 1, { minOneBatch: true, maxOffset: log.logEndOffset() });
  if (records.length < 16) return -1;
  const epoch = records.readInt32BE(12);
  return epoch >= 0 ? epoch : -1;
}

/** Kafka's Partition.fetchOffsetForTimestamp + UnifiedLog.fetchOffsetByTimestamp; null: no such offset. */
function lookup(local: LocalPartition, timestamp: number, replicaId: number): Found | null {
  const { log, state } = local;
  // Consumers see up to the high watermark, or with READ_COMMITTED the last stable offset (the high watermark
  // until transactions exist); followers and tools up to the log end.
  const lastFetchable = replicaId === CONSUMER_REPLICA_ID ? log.highWatermark() : log.logEndOffset();
  switch (timestamp) {
    case LATEST:
      return { timestamp: -1, offset: lastFetchable, leaderEpoch: state.leaderEpoch };
    case EARLIEST:
    case EARLIEST_LOCAL: {
      const start = log.logStartOffset();
      return { timestamp: -1, offset: start, leaderEpoch: earliestEpoch(log, state.leaderEpoch) };
    }
    case LATEST_TIERED:
    case EARLIEST_PENDING_UPLOAD:
      return { timestamp: -1, offset: -1, leaderEpoch: -1 };
    case MAX_TIMESTAMP: {
      const max = log.maxTimestamp();
      if (max === null || max.offset >= lastFetchable) return null;
      return { timestamp: max.timestamp, offset: max.offset, leaderEpoch: epochAt(log, max.offset) };
    }
    default: {
      const hit = log.offsetForTimestamp(timestamp);
      if (hit === null || hit.offset >= lastFetchable) return null;
      return { timestamp: hit.timestamp, offset: hit.offset, leaderEpoch: epochAt(log, hit.offset) };
    }
  }
}

/** The epoch Kafka's leader epoch cache holds for the log start offset (the current one for an empty log). */
function earliestEpoch(log: PartitionLog, current: number): number {
  const first = epochAt(log, log.logStartOffset());
  if (first >= 0) return first;
  const latest = log.endOffsetForLeaderEpoch(log.leaderEpoch());
  return latest.leaderEpoch >= 0 ? latest.leaderEpoch : current;
}

/**
 * v0: Kafka's UnifiedLog.legacyFetchOffsetsBefore: each segment's base offset with its file's modification
 * time, plus the log end offset "now" when the active segment holds data; answers up to maxNumOffsets of them,
 * newest first, from the last one not after `timestamp` (-1 latest, -2 earliest).
 */
function legacyOffsets(log: PartitionLog, timestamp: number, maxNumOffsets: number, fromConsumer: boolean): bigint[] {
  const segments = log.segments();
  const logStart = log.logStartOffset();
  const table: [number, number][] = segments.map((s) => {
    let mtime = 0;
    try {
      mtime = statSync(s.file).mtimeMs;
    } catch {
      // deleted meanwhile
    }
    return [Math.max(s.baseOffset, logStart), mtime];
  });
  const last = segments[segments.length - 1];
  if (last !== undefined && last.size > 0) table.push([log.logEndOffset(), Date.now()]);
  let start: number;
  if (timestamp === LATEST) start = table.length - 1;
  else if (timestamp === EARLIEST) start = 0;
  else {
    start = table.length - 1;
    while (start >= 0 && table[start]![1] > timestamp) start--;
  }
  const n = Math.max(0, Math.min(maxNumOffsets, start + 1));
  let offsets: number[] = [];
  for (let j = 0; j < n; j++) offsets.push(table[start - j]![0]);
  offsets.sort((a, b) => b - a);
  if (fromConsumer) {
    const hw = log.highWatermark();
    if (offsets.some((o) => o > hw)) offsets = [hw, ...offsets.filter((o) => o <= hw)];
  }
  return offsets.map(BigInt);
}

export default defineHandler({
  apiKey: 2,
  minVersion: 0,
  maxVersion: 11,
  handle(request, { broker, version }) {
    const seen = new Map<string, number>();
    for (const t of request.topics) for (const p of t.partitions) seen.set(`${t.name}\0${p.partitionIndex}`, (seen.get(`${t.name}\0${p.partitionIndex}`) ?? 0) + 1);
    const error = (partitionIndex: number, errorCode: number): PartitionResponse =>
      version === 0 ? { partitionIndex, errorCode, oldStyleOffsets: [] } : { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 };

    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): PartitionResponse => {
        if (version > 0 && seen.get(`${t.name}\0${p.partitionIndex}`)! > 1) return error(p.partitionIndex, ErrorCode.INVALID_REQUEST);
        const ts = Number(p.timestamp);
        if (version > 0 && ts < 0 && (MIN_VERSION.get(ts) ?? Infinity) > version) return error(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION);
        const local = localPartition(broker, t.name, p.partitionIndex, version >= 4 ? p.currentLeaderEpoch : -1);
        if ('errorCode' in local) return error(p.partitionIndex, local.errorCode);
        try {
          if (version === 0) {
            return {
              partitionIndex: p.partitionIndex,
              errorCode: ErrorCode.NONE,
              oldStyleOffsets: legacyOffsets(local.log, ts, p.maxNumOffsets, request.replicaId === CONSUMER_REPLICA_ID),
            };
          }
          const found = lookup(local, ts, request.replicaId);
          if (found === null) return error(p.partitionIndex, ErrorCode.NONE);
          return {
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            timestamp: BigInt(found.timestamp),
            offset: BigInt(found.offset),
            leaderEpoch: version >= 4 ? found.leaderEpoch : -1,
          };
        } catch (e) {
          return error(p.partitionIndex, storageErrorCode(e));
        }
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});

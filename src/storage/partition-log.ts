/**
 * One partition's log: its segment files, its in-memory offsets, and the reads. Appends go through
 * LogManager.appendMany (one SQLite transaction per produce request); `append` is appendMany of one.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ATTRIBUTES_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  TIMESTAMP_TYPE_MASK,
  iterateRecords,
  readInt64AsNumber,
} from '../protocol/records/index.js';
import type { LogConfig } from './config.js';
import { OffsetOutOfRangeError, StorageError } from './errors.js';
import { FLAG_CONTROL, FLAG_LOG_APPEND_TIME, FLAG_TRANSACTIONAL, type BatchRow, type IndexDb } from './index-db.js';
import { io, readFully } from './io.js';
import { ProducerStateManager, type ProducerEntry, type ProducerStateConfig } from './producer-state.js';
import { Segment, segmentFileName } from './segment.js';

export type AppendResult =
  | {
      ok: true;
      baseOffset: number;
      lastOffset: number;
      /** -1 unless the topic uses LogAppendTime; for a duplicate, the original batch's max timestamp (as Kafka). */
      logAppendTime: number;
      logStartOffset: number;
      /** A retry of a batch the producer state still remembers: nothing was appended, the offsets are the original's. */
      duplicate?: true;
    }
  | { ok: false; errorCode: number; message: string };

export interface AppendOptions {
  /** Leader epoch stamped into every appended batch; default the partition's current epoch. */
  leaderEpoch?: number;
  /**
   * 'client' (default): a producer's batches, checked as Kafka checks them (no control batches, count
   * matches the offset range, sequence set when a producer id is). 'internal': batches the broker writes
   * itself (transaction markers, KRaft records): control batches allowed.
   */
  origin?: 'client' | 'internal';
}

export interface ReadOptions {
  /** KIP-74: return the first batch whole even when it is bigger than maxBytes. Default true. */
  minOneBatch?: boolean;
  /**
   * Exclusive upper bound: only batches whose last offset is below it (the high watermark by default;
   * pass the last stable offset for read_committed).
   */
  maxOffset?: number;
}

export interface ReadResult {
  /** Whole consecutive batches, as stored (empty when there is nothing to return). */
  records: Buffer;
  /** Base offset of the first returned batch (≤ the requested offset when it fell inside a batch). */
  firstOffset: number;
  /** Offset after the last returned batch: where the next read continues. */
  nextOffset: number;
}

export interface BatchInfo {
  baseOffset: number;
  lastOffset: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  maxTimestamp: number;
}

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly dir: string;
  logStartOffset(): number;
  logEndOffset(): number;
  highWatermark(): number;
  leaderEpoch(): number;
  append(records: Buffer, opts?: AppendOptions): AppendResult;
  read(fromOffset: number, maxBytes: number, opts?: ReadOptions): ReadResult;
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null;
  maxTimestamp(): { offset: number; timestamp: number } | null;
  deleteRecordsBefore(offset: number): number;
  batchesFrom(offset: number): Iterable<BatchInfo>;
  /** The producers the log's producer state holds (DescribeProducers), expired ones removed first. */
  activeProducers(): ProducerEntry[];
  segments(): { baseOffset: number; file: string; size: number }[];
  /** Extension: the topic config in force. */
  config(): LogConfig;
  /** Extension: record a new leader epoch (stamped into later appends; kept in the epoch cache). */
  setLeaderEpoch(epoch: number): void;
  /**
   * Extension (OffsetForLeaderEpoch), Kafka's rules: the largest epoch ≤ `epoch` known to this log and
   * the offset where it ended (the next epoch's start offset, or the log end offset for the latest
   * one); {-1, -1} for an epoch above the latest (or -1).
   */
  endOffsetForLeaderEpoch(epoch: number): { leaderEpoch: number; endOffset: number };
}

/** What a PartitionLog needs from its manager. */
export interface LogHost {
  readonly index: IndexDb;
  now(): number;
  appendOne(log: PartitionLogImpl, records: Buffer, opts?: AppendOptions): AppendResult;
  deleteRecordsBefore(log: PartitionLogImpl, offset: number): number;
  transaction<T>(fn: () => T): T;
  /** producer.id.expiration.ms and its check interval, as configured now. */
  producerStateConfig(): ProducerStateConfig;
  /** Descriptor cache for non-active segments. */
  openForRead(log: PartitionLogImpl, seg: Segment): number;
  log(line: string): void;
}

const EMPTY = Buffer.alloc(0);
const PAGE = 1000;

export class PartitionLogImpl implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly dir: string;
  readonly id: number;
  readonly host: LogHost;
  cfg: LogConfig;
  segs: Segment[] = [];
  logStart = 0;
  leo = 0;
  epoch = 0;
  recoveryPoint = 0;
  /** Set by a roll (which fsyncs the old segment): the recovery point to record with the next commit. */
  pendingRecoveryPoint = 0;
  /** Epochs known to the leader epoch cache (ascending), mirrored from the leader_epochs table. */
  epochs: { epoch: number; startOffset: number }[] = [];
  unflushedMessages = 0;
  lastFlushMs: number;
  deleted = false;
  /** Built from the index on first use (see producer-state.ts). */
  private producerState: ProducerStateManager | null = null;
  /** Cache for maxTimestamp() while the log does not change: [leo, logStart, result]. */
  private maxTsCache: [number, number, { offset: number; timestamp: number } | null] | null = null;

  constructor(host: LogHost, id: number, topic: string, partition: number, topicId: string, dir: string, config: LogConfig) {
    this.host = host;
    this.id = id;
    this.topic = topic;
    this.partition = partition;
    this.topicId = topicId;
    this.dir = dir;
    this.cfg = config;
    this.lastFlushMs = host.now();
  }

  get active(): Segment {
    return this.segs[this.segs.length - 1]!;
  }

  logStartOffset(): number {
    return this.logStart;
  }

  logEndOffset(): number {
    return this.leo;
  }

  /** Single-replica log: everything committed to the index is replicated to all (one) replicas. */
  highWatermark(): number {
    return this.leo;
  }

  leaderEpoch(): number {
    return this.epoch;
  }

  config(): LogConfig {
    return this.cfg;
  }

  append(records: Buffer, opts?: AppendOptions): AppendResult {
    return this.host.appendOne(this, records, opts);
  }

  checkLive(): void {
    if (this.deleted) throw new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `${this.topic}-${this.partition} has been deleted`);
  }

  /** Index of the segment holding `offset` (the last one whose base ≤ offset). */
  segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segs[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  segmentByBase(base: number): Segment | undefined {
    const s = this.segs[this.segmentIndexFor(base)];
    return s && s.baseOffset === base ? s : undefined;
  }

  /** Upper bound (exclusive) of offsets in segment i. */
  segmentEnd(i: number): number {
    return i + 1 < this.segs.length ? this.segs[i + 1]!.baseOffset : this.leo;
  }

  fdFor(seg: Segment): number {
    return seg.fd ?? this.host.openForRead(this, seg);
  }

  readBytes(seg: Segment, position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const got = readFully(this.fdFor(seg), buf, 0, length, position);
    if (got < length) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `${seg.file}: short read at ${position} (${got} of ${length} bytes)`);
    }
    return buf;
  }

  readBatch(row: BatchRow): Buffer {
    const seg = this.segmentByBase(row.segment);
    if (!seg) throw new StorageError('KAFKA_STORAGE_ERROR', `${this.topic}-${this.partition}: no segment ${row.segment}`);
    return this.readBytes(seg, row.position, row.size);
  }

  read(fromOffset: number, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    this.checkLive();
    if (fromOffset < this.logStart || fromOffset > this.leo) {
      throw new OffsetOutOfRangeError(
        `Offset ${fromOffset} is out of range for ${this.topic}-${this.partition}: log start ${this.logStart}, log end ${this.leo}`,
      );
    }
    const upper = Math.min(opts.maxOffset ?? this.leo, this.leo);
    const empty = { records: EMPTY, firstOffset: fromOffset, nextOffset: fromOffset };
    if (fromOffset >= upper) return empty;
    const index = this.host.index;
    let row = index.batchAtOrBefore.get(this.id, fromOffset);
    if (!row || row.last_offset < fromOffset) row = index.batchAtOrAfter.get(this.id, fromOffset);
    if (!row || row.last_offset >= upper) return empty;
    const seg = this.segmentByBase(row.segment);
    if (!seg) throw new StorageError('KAFKA_STORAGE_ERROR', `${this.topic}-${this.partition}: no segment ${row.segment}`);
    let limit = seg.size;
    if (upper < this.leo) {
      // Stop before the batch holding `upper` (it is not complete below the bound).
      const stop = index.batchAtOrBefore.get(this.id, upper);
      if (stop && stop.segment === seg.baseOffset) limit = Math.min(limit, stop.position);
    }
    const available = limit - row.position;
    let want = Math.min(maxBytes, available);
    if (row.size > want) {
      if (opts.minOneBatch === false) return empty;
      want = row.size;
    }
    const buf = Buffer.allocUnsafe(want);
    const got = readFully(this.fdFor(seg), buf, 0, want, row.position);
    // Keep whole batches only: walk the headers (O(batches), no record is read).
    let pos = 0;
    let last = -1;
    while (pos + LOG_OVERHEAD <= got) {
      const size = LOG_OVERHEAD + buf.readInt32BE(pos + 8);
      if (size < LOG_OVERHEAD || pos + size > got) break;
      last = pos;
      pos += size;
    }
    if (last < 0) return empty;
    const next = readInt64AsNumber(buf, last) + buf.readInt32BE(last + LAST_OFFSET_DELTA_OFFSET) + 1;
    return { records: pos === got ? buf : buf.subarray(0, pos), firstOffset: row.base_offset, nextOffset: next };
  }

  /** Max timestamp of segment i over all its batches (cached; the active one is kept current on append). */
  segmentMaxTimestamp(i: number): number {
    const seg = this.segs[i]!;
    if (seg.maxTimestamp === undefined) {
      const row = this.host.index.lastBatchInRange.get(this.id, seg.baseOffset, this.segmentEnd(i));
      seg.maxTimestamp = row ? row.ts_high : -1;
    }
    return seg.maxTimestamp;
  }

  /**
   * First batch in segment i (from offset `lo`) whose running max timestamp reaches `ts`: a binary
   * search over offsets with one indexed point query per probe (ts_high is monotonic in a segment).
   */
  private firstBatchReaching(i: number, lo: number, ts: number): BatchRow | undefined {
    const index = this.host.index;
    let hi = this.segmentEnd(i) - 1;
    if (lo > hi) return undefined;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = index.batchAtOrBefore.get(this.id, mid);
      if (!row) {
        lo = mid + 1;
        continue;
      }
      if (row.ts_high >= ts) hi = mid;
      else lo = Math.max(mid, row.last_offset) + 1;
    }
    const row = index.batchAtOrBefore.get(this.id, lo);
    return row && row.last_offset >= lo ? row : index.batchAtOrAfter.get(this.id, lo);
  }

  /** The first record of the batch at or after offset `min` whose timestamp is ≥ ts, or null. */
  private recordAtOrAfter(row: BatchRow, min: number, ts: number): { offset: number; timestamp: number } | null {
    if (row.max_timestamp < ts) return null;
    if (row.flags & FLAG_LOG_APPEND_TIME) {
      // Every record carries the batch's time.
      return { offset: Math.max(row.base_offset, min), timestamp: row.max_timestamp };
    }
    const buf = this.readBatch(row);
    for (const record of iterateRecords(buf, 0)) {
      const offset = Number(record.offset);
      if (offset >= min && record.timestamp >= ts) return { offset, timestamp: record.timestamp };
    }
    return null;
  }

  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null {
    this.checkLive();
    const index = this.host.index;
    const start = this.segmentIndexFor(this.logStart);
    for (let i = start; i < this.segs.length; i++) {
      const end = this.segmentEnd(i);
      if (end <= this.logStart) continue;
      if (this.segmentMaxTimestamp(i) < ts) continue;
      const from = Math.max(this.segs[i]!.baseOffset, this.logStart);
      let row = this.firstBatchReaching(i, from, ts);
      // ts_high can overstate what is left above the log start; walk on from the candidate then.
      while (row && row.base_offset < end) {
        const hit = this.recordAtOrAfter(row, this.logStart, ts);
        if (hit) return hit;
        row = index.firstBatchWithTsInRange.get(this.id, row.base_offset + 1, end, ts);
      }
    }
    return null;
  }

  maxTimestamp(): { offset: number; timestamp: number } | null {
    this.checkLive();
    const cached = this.maxTsCache;
    if (cached && cached[0] === this.leo && cached[1] === this.logStart) return cached[2];
    const index = this.host.index;
    let result: { offset: number; timestamp: number } | null = null;
    // A batch straddling the log start offset: only its records from the log start on count.
    const straddle = this.logStart > 0 ? index.batchAtOrBefore.get(this.id, this.logStart) : undefined;
    if (straddle && straddle.base_offset < this.logStart && straddle.last_offset >= this.logStart) {
      if (straddle.flags & FLAG_LOG_APPEND_TIME) {
        result = { offset: this.logStart, timestamp: straddle.max_timestamp };
      } else {
        for (const record of iterateRecords(this.readBatch(straddle), 0)) {
          const offset = Number(record.offset);
          if (offset >= this.logStart && (result === null || record.timestamp > result.timestamp)) {
            result = { offset, timestamp: record.timestamp };
          }
        }
      }
    }
    // Then the batches that start at or after the log start offset: segment maxima from the index.
    let best: { i: number; ts: number } | null = null;
    const start = this.segmentIndexFor(this.logStart);
    for (let i = start; i < this.segs.length; i++) {
      const end = this.segmentEnd(i);
      if (end <= this.logStart) continue;
      let ts: number;
      if (this.segs[i]!.baseOffset < this.logStart) {
        const row = index.maxTsBatchInRange.get(this.id, this.logStart, end);
        if (!row) continue;
        ts = row.max_timestamp;
      } else {
        ts = this.segmentMaxTimestamp(i);
        if (this.segs[i]!.size === 0) continue;
      }
      if (best === null || ts > best.ts) best = { i, ts };
    }
    if (best !== null && (result === null || best.ts > result.timestamp)) {
      const end = this.segmentEnd(best.i);
      const from = Math.max(this.segs[best.i]!.baseOffset, this.logStart);
      let row = this.firstBatchReaching(best.i, from, best.ts);
      while (row && row.base_offset < end) {
        const hit = row.base_offset >= this.logStart ? this.recordWithTimestamp(row, this.logStart, best.ts) : null;
        if (hit) {
          result = hit;
          break;
        }
        row = index.firstBatchWithTsInRange.get(this.id, row.base_offset + 1, end, best.ts);
      }
    }
    this.maxTsCache = [this.leo, this.logStart, result];
    return result;
  }

  /** First record at or after `min` whose timestamp is exactly `ts` (the batch's max). */
  private recordWithTimestamp(row: BatchRow, min: number, ts: number): { offset: number; timestamp: number } | null {
    if (row.max_timestamp !== ts) return null;
    if (row.flags & FLAG_LOG_APPEND_TIME) return { offset: Math.max(row.base_offset, min), timestamp: ts };
    const buf = this.readBatch(row);
    for (const record of iterateRecords(buf, 0)) {
      const offset = Number(record.offset);
      if (offset >= min && record.timestamp === ts) return { offset, timestamp: ts };
    }
    return null;
  }

  deleteRecordsBefore(offset: number): number {
    this.checkLive();
    return this.host.deleteRecordsBefore(this, offset);
  }

  *batchesFrom(offset: number): Iterable<BatchInfo> {
    this.checkLive();
    const index = this.host.index;
    let from = Math.max(offset, this.logStart);
    const first = index.batchAtOrBefore.get(this.id, from);
    if (first && first.last_offset >= from) from = first.base_offset;
    // Paged so that callers may append between iterations (better-sqlite3 forbids writes during an iterate()).
    for (;;) {
      const rows = index.batchesPage.all(this.id, from, PAGE);
      for (const r of rows) {
        yield {
          baseOffset: r.base_offset,
          lastOffset: r.last_offset,
          producerId: r.producer_id,
          producerEpoch: r.producer_epoch,
          baseSequence: r.base_sequence,
          isTransactional: (r.flags & FLAG_TRANSACTIONAL) !== 0,
          isControl: (r.flags & FLAG_CONTROL) !== 0,
          maxTimestamp: r.max_timestamp,
        };
      }
      if (rows.length < PAGE) return;
      from = rows[rows.length - 1]!.base_offset + 1;
    }
  }

  /** The producer state, rebuilt from the batch index the first time it is needed. */
  producers(): ProducerStateManager {
    if (this.producerState !== null) return this.producerState;
    const now = this.host.now();
    const state = new ProducerStateManager(`${this.topic}-${this.partition}`, () => this.host.producerStateConfig(), now);
    // From the batch holding the log start offset on (a batch straddling it is still in the log).
    const straddle = this.host.index.batchAtOrBefore.get(this.id, this.logStart);
    const from = straddle && straddle.last_offset >= this.logStart ? straddle.base_offset : this.logStart;
    const rows = this.host.index.producerBatchesFrom.iterate(this.id, from);
    state.load(
      (function* () {
        for (const r of rows) {
          yield {
            producerId: r.producer_id,
            producerEpoch: r.producer_epoch,
            baseSequence: r.base_sequence,
            offsetDelta: r.last_offset - r.base_offset,
            baseOffset: r.base_offset,
            maxTimestamp: r.max_timestamp,
            isTransactional: (r.flags & FLAG_TRANSACTIONAL) !== 0,
            isControl: (r.flags & FLAG_CONTROL) !== 0,
          };
        }
      })(),
      now,
    );
    this.producerState = state;
    return state;
  }

  activeProducers(): ProducerEntry[] {
    this.checkLive();
    const state = this.producers();
    state.maybeExpire(this.host.now());
    return state.active();
  }

  segments(): { baseOffset: number; file: string; size: number }[] {
    return this.segs.map((s) => ({ baseOffset: s.baseOffset, file: s.file, size: s.size }));
  }

  setLeaderEpoch(epoch: number): void {
    this.checkLive();
    if (epoch === this.epoch) return;
    // As Kafka's leader does on becoming leader: the new epoch starts at the log end offset.
    const start = this.noteEpoch(epoch, this.leo);
    this.host.transaction(() => {
      this.host.index.setLeaderEpoch.run(epoch, this.id);
      if (start) this.host.index.insertEpoch.run(this.id, epoch, this.leo);
    });
    this.epoch = epoch;
  }

  /** Kafka's LeaderEpochFileCache.endOffsetFor. */
  endOffsetForLeaderEpoch(epoch: number): { leaderEpoch: number; endOffset: number } {
    this.checkLive();
    const epochs = this.epochs;
    const latest = epochs[epochs.length - 1];
    if (epoch < 0) return { leaderEpoch: -1, endOffset: -1 };
    if (latest && latest.epoch === epoch) return { leaderEpoch: epoch, endOffset: this.leo };
    const higher = epochs.findIndex((e) => e.epoch > epoch);
    if (higher < 0) return { leaderEpoch: -1, endOffset: -1 };
    const floor = higher - 1;
    return { leaderEpoch: floor >= 0 ? epochs[floor]!.epoch : epoch, endOffset: epochs[higher]!.startOffset };
  }

  /** Records the epoch of a batch appended at `baseOffset` in the epoch cache (when it is new). */
  noteEpoch(epoch: number, baseOffset: number): boolean {
    const last = this.epochs[this.epochs.length - 1];
    if (epoch < 0 || (last && last.epoch >= epoch)) return false;
    this.epochs.push({ epoch, startOffset: baseOffset });
    return true;
  }

  /** Creates the file for a new active segment at the log end offset. */
  newSegmentFile(baseOffset: number, now: number): Segment {
    const file = path.join(this.dir, segmentFileName(baseOffset));
    const fd = fs.openSync(file, 'w+');
    const seg = new Segment(baseOffset, file, 0, now, now);
    seg.fd = fd;
    seg.maxTimestamp = -1;
    seg.firstBatchTimestamp = -1;
    return seg;
  }

  fsyncActive(): void {
    const seg = this.active;
    if (seg.fd !== null) io.fdatasyncSync(seg.fd);
  }

  /** Closes every descriptor this log holds. */
  closeFiles(): void {
    for (const s of this.segs) {
      if (s.fd !== null) {
        try {
          fs.closeSync(s.fd);
        } catch {
          // already closed
        }
        s.fd = null;
      }
    }
  }

  invalidateCaches(): void {
    this.maxTsCache = null;
  }
}

export function batchFlags(attributes: number, isTransactional: boolean, isControl: boolean): number {
  return (isTransactional ? FLAG_TRANSACTIONAL : 0) | (isControl ? FLAG_CONTROL : 0) | (attributes & TIMESTAMP_TYPE_MASK ? FLAG_LOG_APPEND_TIME : 0);
}

/** Header fields read straight off a batch (no record decoded). */
export function readMaxTimestampAt(buf: Buffer, pos: number): number {
  return readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET);
}

export function readAttributesAt(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
}

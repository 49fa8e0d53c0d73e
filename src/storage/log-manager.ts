/**
 * LogManager: the data directory, its partitions and the one SQLite index over them.
 *
 * Append path, per produce request (appendMany): validate every batch from its header and CRC (no
 * record is decoded), assign offsets by rewriting the headers in place, write each partition's bytes
 * to its active segment with one positional write, then commit ONE SQLite transaction indexing every
 * batch of every partition. Segment bytes first, index second: a crash in between leaves bytes past
 * the index, which recovery re-indexes (they are valid batches) or cuts (a partial write). A batch is
 * acknowledged once it is in the file and its index row is committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  BASE_SEQUENCE_OFFSET,
  CONTROL_FLAG_MASK,
  entrySizeAt,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  TimestampType,
  TRANSACTIONAL_FLAG_MASK,
  readInt64AsNumber,
  setBaseOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  verifyBatch,
} from '../protocol/records/index.js';
import { LONG_MAX, normalizeLogConfig, type LogConfig } from './config.js';
import { OffsetOutOfRangeError, StorageError, StorageErrorCode } from './errors.js';
import { openIndexDb, SchemaError, type IndexDb } from './index-db.js';
import { fsyncDir, io, writeFully } from './io.js';
import {
  batchFlags,
  PartitionLogImpl,
  readAttributesAt,
  readMaxTimestampAt,
  type AppendOptions,
  type AppendResult,
  type LogHost,
  type PartitionLog,
} from './partition-log.js';
import { appendBatch, DEFAULT_PRODUCER_STATE_CONFIG, findDuplicate, type ProducerEntry, type ProducerStateConfig } from './producer-state.js';
import { loadPartition, rebuildPartitionRows } from './recovery.js';
import {
  deleteDirName,
  parseDeleteDirName,
  partitionDirName,
  type Segment,
  writePartitionMetadata,
} from './segment.js';

export const DB_FILE = 'gregor.db';
const INT32_MAX = 2147483647;
/** Non-active segment descriptors kept open for reads. */
const READ_FD_CACHE = 128;

export interface LogManagerOptions {
  dataDir: string;
  /** One line per noteworthy event (recovery, rebuild, retention). Default: nothing. */
  log?: (line: string) => void;
  /** Clock in ms (tests). Default Date.now. */
  now?: () => number;
  /** producer.id.expiration.ms and producer.id.expiration.check.interval.ms (Kafka's defaults otherwise). */
  producerState?: Partial<ProducerStateConfig>;
}

export interface AppendEntry {
  log: PartitionLog;
  records: Buffer;
  leaderEpoch?: number;
  origin?: 'client' | 'internal';
}

/** Per-batch index values gathered during an append, inserted at commit. */
type Row = [number, number, number, number, number, number, number, number, number, number, number, number];

interface Pending {
  entry: number;
  log: PartitionLogImpl;
  seg: Segment;
  rows: Row[];
  records: number;
  // undo state
  prevSize: number;
  prevLeo: number;
  prevMaxTs: number | undefined;
  prevFirstTs: number | undefined;
  prevEpochs: number;
  prevEpoch: number;
  prevUnflushed: number;
  result: AppendResult & { ok: true };
  /** Producer entries this append changes, installed once it has committed. */
  producers: ProducerEntry[];
}

/** What the producer state says of one entry's batches. */
type ProducerVerdict =
  | { kind: 'ok'; entries: ProducerEntry[] }
  | { kind: 'duplicate'; result: AppendResult & { ok: true } }
  | { kind: 'error'; result: AppendResult };

/** Producer entries changed by earlier entries of the same appendMany, not yet committed, per log. */
type ProducerViews = Map<PartitionLogImpl, Map<number, ProducerEntry>>;

interface Validated {
  batches: number;
  records: number;
  offsets: number;
  maxTimestamp: number;
}

function fail(code: keyof typeof StorageErrorCode, message: string): AppendResult {
  return { ok: false, errorCode: StorageErrorCode[code], message };
}

function isFlushEnabled(c: LogConfig): boolean {
  return c.flushMessages < LONG_MAX || c.flushMs < LONG_MAX;
}

/**
 * Checks a produce request's records for one partition from batch headers and CRCs only: O(batches).
 * Returns the error Kafka would answer with, or the figures the append needs.
 */
function validateRecords(records: Buffer, config: LogConfig, origin: 'client' | 'internal'): Validated | AppendResult {
  const len = records.length;
  if (len === 0) return fail('INVALID_RECORD', 'Produce request has no record batch');
  let pos = 0;
  let batches = 0;
  let count = 0;
  let offsets = 0;
  let maxTimestamp = -1;
  while (pos < len) {
    let size: number;
    try {
      size = entrySizeAt(records, pos, len);
    } catch (err) {
      return fail('CORRUPT_MESSAGE', (err as Error).message);
    }
    if (size === 0) return fail('CORRUPT_MESSAGE', `Partial record batch at position ${pos} (${len - pos} bytes left)`);
    const magic = records[pos + MAGIC_OFFSET]!;
    if (magic !== MAGIC_V2) {
      return fail('UNSUPPORTED_FOR_MESSAGE_FORMAT', `Record batch at position ${pos} has magic ${magic}; convert message sets to magic 2 before appending`);
    }
    if (size > config.maxMessageBytes) {
      return fail(
        'MESSAGE_TOO_LARGE',
        `The record batch is ${size} bytes, larger than the maximum allowed (max.message.bytes = ${config.maxMessageBytes})`,
      );
    }
    const error = verifyBatch(records, pos, pos + size);
    if (error) return { ok: false, errorCode: error.code, message: error.message };
    const delta = records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    const n = records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
    const attributes = readAttributesAt(records, pos);
    if (origin === 'client') {
      if (delta < 0) return fail('INVALID_RECORD', `Batch has an invalid offset range: lastOffsetDelta ${delta}`);
      if (n <= 0) return fail('INVALID_RECORD', `Invalid reported count for record batch: ${n}`);
      if (delta + 1 !== n) return fail('INVALID_RECORD', `Inconsistent batch offset range [0, ${delta}] and count of records ${n}`);
      if (attributes & CONTROL_FLAG_MASK) return fail('INVALID_RECORD', 'Clients are not allowed to write control records');
      const producerId = readInt64AsNumber(records, pos + PRODUCER_ID_OFFSET);
      const sequence = records.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
      if (producerId >= 0 && sequence < 0) {
        return fail('INVALID_RECORD', `Invalid sequence number ${sequence} in record batch with producerId ${producerId}`);
      }
      if (attributes & TRANSACTIONAL_FLAG_MASK && producerId < 0) return fail('INVALID_RECORD', 'Transactional record batch has no producer id');
    } else if (delta < 0) {
      return fail('INVALID_RECORD', `Batch has an invalid offset range: lastOffsetDelta ${delta}`);
    }
    const ts = readMaxTimestampAt(records, pos);
    if (ts > maxTimestamp) maxTimestamp = ts;
    batches++;
    count += Math.max(n, 0);
    offsets += delta + 1;
    pos += size;
  }
  if (len > config.segmentBytes) {
    return fail('RECORD_LIST_TOO_LARGE', `Records of ${len} bytes exceed the segment size (segment.bytes = ${config.segmentBytes})`);
  }
  return { batches, records: count, offsets, maxTimestamp };
}

function storageFailure(err: unknown): AppendResult {
  if (err instanceof StorageError) return { ok: false, errorCode: err.code, message: err.message };
  const e = err as NodeJS.ErrnoException;
  const what = e?.code === 'ENOSPC' || e?.code === 'SQLITE_FULL' ? 'disk full' : 'storage error';
  return { ok: false, errorCode: StorageErrorCode.KAFKA_STORAGE_ERROR, message: `${what}: ${e?.message ?? String(err)}` };
}

export class LogManager implements LogHost {
  readonly dataDir: string;
  readonly index: IndexDb;
  private readonly logFn: (line: string) => void;
  private readonly clock: () => number;
  private readonly logs = new Map<string, PartitionLogImpl>();
  private readonly readFds = new Map<Segment, PartitionLogImpl>();
  private readonly beginStmt: Database.Statement;
  private readonly commitStmt: Database.Statement;
  private readonly rollbackStmt: Database.Statement;
  private closed = false;
  private producerConfig: ProducerStateConfig = DEFAULT_PRODUCER_STATE_CONFIG;

  private constructor(dataDir: string, index: IndexDb, logFn: (line: string) => void, clock: () => number) {
    this.dataDir = dataDir;
    this.index = index;
    this.logFn = logFn;
    this.clock = clock;
    this.beginStmt = index.db.prepare('BEGIN');
    this.commitStmt = index.db.prepare('COMMIT');
    this.rollbackStmt = index.db.prepare('ROLLBACK');
  }

  static open(opts: LogManagerOptions): LogManager {
    const dataDir = path.resolve(opts.dataDir);
    const logFn = opts.log ?? (() => {});
    const clock = opts.now ?? Date.now;
    fs.mkdirSync(dataDir, { recursive: true });
    const dbFile = path.join(dataDir, DB_FILE);
    if (!fs.existsSync(dbFile)) removeWalFiles(dbFile);

    let index: IndexDb;
    let rebuild = false;
    let clean = false;
    try {
      const opened = openIndexDb(dbFile, { quickCheck: false });
      index = opened.index;
      rebuild = opened.created;
      clean = !rebuild && index.meta('clean_shutdown') === '1';
      if (!rebuild && !clean) {
        const result = index.db.pragma('quick_check', { simple: true });
        if (result !== 'ok') {
          index.close();
          throw new SchemaError(`integrity check failed: ${String(result)}`);
        }
      }
    } catch (err) {
      if (isBusy(err)) {
        throw new StorageError('KAFKA_STORAGE_ERROR', `The data directory ${dataDir} is in use by another process`, { cause: err });
      }
      if (!isCorruption(err)) throw err;
      const aside = `${dbFile}.corrupt-${clock()}`;
      try {
        fs.renameSync(dbFile, aside);
      } catch {
        fs.rmSync(dbFile, { force: true });
      }
      removeWalFiles(dbFile);
      logFn(`${DB_FILE} is unreadable (${(err as Error).message}); moved it to ${path.basename(aside)}, rebuilding the index from the segment files`);
      index = openIndexDb(dbFile, { quickCheck: false }).index;
      rebuild = true;
    }

    const manager = new LogManager(dataDir, index, logFn, clock);
    if (opts.producerState) manager.setProducerStateConfig(opts.producerState);
    try {
      manager.load(rebuild, clean);
    } catch (err) {
      manager.closeQuietly();
      throw err;
    }
    return manager;
  }

  private load(rebuild: boolean, clean: boolean): void {
    const index = this.index;
    // From here on a crash is an unclean shutdown.
    index.setMeta.run('clean_shutdown', '0');

    const entries = fs.readdirSync(this.dataDir, { withFileTypes: true });
    const beingDeleted = new Set<string>();
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const original = parseDeleteDirName(e.name);
      if (original !== null) {
        beingDeleted.add(original);
        fs.rmSync(path.join(this.dataDir, e.name), { recursive: true, force: true });
      }
    }
    if (rebuild) {
      const found = rebuildPartitionRows(this, entries.filter((e) => e.isDirectory()).map((e) => e.name));
      if (found > 0) this.log(`rebuilding the index of ${found} partition(s) from their segment files`);
    }
    for (const row of index.allPartitions.all()) {
      const dirName = partitionDirName(row.topic, row.partition);
      const dir = path.join(this.dataDir, dirName);
      if (!fs.existsSync(dir) && beingDeleted.has(dirName)) {
        this.transaction(() => this.dropPartitionRows(row.id));
        this.log(`${dirName}: finished deleting`);
        continue;
      }
      let config: LogConfig;
      try {
        config = normalizeLogConfig(JSON.parse(row.config) as Partial<LogConfig>);
      } catch {
        config = normalizeLogConfig(null);
      }
      const log = new PartitionLogImpl(this, row.id, row.topic, row.partition, row.topic_id, dir, config);
      loadPartition(this, log, row, { rebuild, clean });
      this.logs.set(dirName, log);
    }
  }

  // ---- LogHost -------------------------------------------------------------------------------

  now(): number {
    return this.clock();
  }

  producerStateConfig(): ProducerStateConfig {
    return this.producerConfig;
  }

  /** producer.id.expiration.ms is a dynamic broker config in Kafka: the broker passes changes here. */
  setProducerStateConfig(config: Partial<ProducerStateConfig>): void {
    this.producerConfig = { ...this.producerConfig, ...config };
  }

  log(line: string): void {
    this.logFn(line);
  }

  /** Runs fn in one SQLite transaction (or inside the one already open). Prepared BEGIN/COMMIT. */
  transaction<T>(fn: () => T): T {
    const db = this.index.db;
    if (db.inTransaction) return fn();
    this.beginStmt.run();
    let result: T;
    try {
      result = fn();
      this.commitStmt.run();
    } catch (err) {
      if (db.inTransaction) {
        try {
          this.rollbackStmt.run();
        } catch {
          // SQLite may have rolled back already (e.g. SQLITE_FULL)
        }
      }
      throw err;
    }
    return result;
  }

  openForRead(log: PartitionLogImpl, seg: Segment): number {
    if (seg.fd !== null) return seg.fd;
    seg.fd = fs.openSync(seg.file, 'r');
    this.cacheReadFd(log, seg);
    return seg.fd;
  }

  private cacheReadFd(log: PartitionLogImpl, seg: Segment): void {
    this.readFds.set(seg, log);
    while (this.readFds.size > READ_FD_CACHE) {
      const [oldest, owner] = this.readFds.entries().next().value as [Segment, PartitionLogImpl];
      this.readFds.delete(oldest);
      if (oldest.fd !== null && oldest !== owner.active) {
        fs.closeSync(oldest.fd);
        oldest.fd = null;
      }
    }
  }

  private closeSegmentFd(seg: Segment): void {
    this.readFds.delete(seg);
    if (seg.fd !== null) {
      try {
        fs.closeSync(seg.fd);
      } catch {
        // already closed
      }
      seg.fd = null;
    }
  }

  // ---- partitions ----------------------------------------------------------------------------

  createPartition(p: { topic: string; partition: number; topicId: string }, config: LogConfig): PartitionLog {
    this.checkOpen();
    const dirName = partitionDirName(p.topic, p.partition);
    const existing = this.logs.get(dirName);
    if (existing) {
      if (JSON.stringify(existing.cfg) !== JSON.stringify(config)) this.setPartitionConfig(existing, config);
      return existing;
    }
    if (!/^[a-zA-Z0-9._-]+$/.test(p.topic) || p.topic.length > 249) {
      throw new StorageError('INVALID_RECORD', `Invalid topic name ${JSON.stringify(p.topic)}`);
    }
    const dir = path.join(this.dataDir, dirName);
    // Files first, then the row: a crash in between leaves a directory the next createPartition reuses.
    fs.mkdirSync(dir, { recursive: true });
    writePartitionMetadata(dir, p.topicId);
    const now = this.now();
    const normalized = normalizeLogConfig(config);
    const id = this.transaction(() => {
      const info = this.index.insertPartition.run(p.topic, p.partition, p.topicId, 0, 0, 0, 0, JSON.stringify(normalized));
      return Number(info.lastInsertRowid);
    });
    const log = new PartitionLogImpl(this, id, p.topic, p.partition, p.topicId, dir, normalized);
    // Leader at epoch 0 from offset 0 (setLeaderEpoch records later ones).
    this.transaction(() => this.index.insertEpoch.run(id, 0, 0));
    log.epochs.push({ epoch: 0, startOffset: 0 });
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.log')) fs.rmSync(path.join(dir, name), { force: true });
    }
    log.segs.push(log.newSegmentFile(0, now));
    if (isFlushEnabled(normalized)) {
      fsyncDir(dir);
      fsyncDir(this.dataDir);
    }
    this.logs.set(dirName, log);
    return log;
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(partitionDirName(topic, partition));
  }

  partitions(): PartitionLog[] {
    return [...this.logs.values()];
  }

  setConfig(topic: string, config: LogConfig): void {
    this.checkOpen();
    for (const log of this.logs.values()) if (log.topic === topic) this.setPartitionConfig(log, config);
  }

  private setPartitionConfig(log: PartitionLogImpl, config: LogConfig): void {
    const normalized = normalizeLogConfig(config);
    this.transaction(() => this.index.setConfig.run(JSON.stringify(normalized), log.id));
    log.cfg = normalized;
  }

  deleteTopic(topic: string): void {
    this.checkOpen();
    const victims = [...this.logs.values()].filter((l) => l.topic === topic);
    if (victims.length === 0) return;
    // Kafka's order: rename each directory to <dir>.<uuid>-delete (atomic), drop the index rows, then
    // remove the files. A crash after the rename finishes the deletion at the next open.
    const renamed: string[] = [];
    for (const log of victims) {
      for (const s of log.segs) this.closeSegmentFd(s);
      log.deleted = true;
      this.logs.delete(partitionDirName(log.topic, log.partition));
      const target = path.join(this.dataDir, deleteDirName(path.basename(log.dir)));
      try {
        fs.renameSync(log.dir, target);
        renamed.push(target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    this.transaction(() => {
      for (const log of victims) this.dropPartitionRows(log.id);
    });
    for (const dir of renamed) fs.rmSync(dir, { recursive: true, force: true });
  }

  dropPartitionRows(id: number): void {
    this.index.deleteBatchesOfPartition.run(id);
    this.index.deleteEpochsOfPartition.run(id);
    this.index.deletePartition.run(id);
  }

  // ---- append --------------------------------------------------------------------------------

  appendOne(log: PartitionLogImpl, records: Buffer, opts?: AppendOptions): AppendResult {
    return this.appendMany([{ log, records, leaderEpoch: opts?.leaderEpoch, origin: opts?.origin }])[0]!;
  }

  /**
   * One SQLite transaction for all partitions of a produce request. Each entry gets its own result;
   * an invalid entry fails alone. The records buffers are modified in place (offsets, leader epoch,
   * LogAppendTime) and must not be reused by the caller for anything but the response.
   */
  appendMany(entries: AppendEntry[]): AppendResult[] {
    this.checkOpen();
    const now = this.now();
    const results: AppendResult[] = new Array(entries.length);
    const pending: Pending[] = [];
    const views: ProducerViews = new Map();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const log = entry.log;
      if (!(log instanceof PartitionLogImpl) || log.deleted || log.host !== this) {
        results[i] = fail('UNKNOWN_TOPIC_OR_PARTITION', `${log.topic}-${log.partition} does not exist`);
        continue;
      }
      const v = validateRecords(entry.records, log.cfg, entry.origin ?? 'client');
      if ('ok' in v) {
        results[i] = v;
        continue;
      }
      try {
        const verdict = this.checkProducers(log, entry.records, entry.origin ?? 'client', now, views);
        if (verdict.kind !== 'ok') {
          results[i] = verdict.result;
          continue;
        }
        const p = this.writeEntry(i, log, entry.records, v, entry.leaderEpoch ?? log.epoch, now);
        p.producers = verdict.entries;
        if (verdict.entries.length > 0) {
          let view = views.get(log);
          if (view === undefined) views.set(log, (view = new Map()));
          for (const e of verdict.entries) view.set(e.producerId, e);
        }
        pending.push(p);
        results[i] = p.result;
      } catch (err) {
        results[i] = storageFailure(err);
      }
    }
    if (pending.length === 0) return results;

    // Flush policy (flush.messages / flush.ms): fsync before the commit, so an fsynced batch is on disk
    // before it is acknowledged. Each log once, however many entries it had.
    const recoveryPoints = new Map<PartitionLogImpl, number>();
    const epochRows: [number, number, number][] = [];
    try {
      for (const p of pending) {
        const log = p.log;
        log.unflushedMessages += p.records;
      }
      for (const p of pending) {
        const log = p.log;
        if (recoveryPoints.has(log)) continue;
        const c = log.cfg;
        if (log.unflushedMessages >= c.flushMessages || now - log.lastFlushMs >= c.flushMs) {
          log.fsyncActive();
          recoveryPoints.set(log, log.leo);
        } else if (log.pendingRecoveryPoint > log.recoveryPoint) {
          recoveryPoints.set(log, log.pendingRecoveryPoint);
        }
      }
      for (const p of pending) {
        for (let e = p.prevEpochs; e < p.log.epochs.length; e++) {
          const ep = p.log.epochs[e]!;
          epochRows.push([p.log.id, ep.epoch, ep.startOffset]);
        }
      }
      const index = this.index;
      this.transaction(() => {
        for (const p of pending) for (const r of p.rows) index.insertBatch.run(...r);
        for (const [id, epoch, start] of epochRows) index.insertEpoch.run(id, epoch, start);
        for (const [log, rp] of recoveryPoints) index.setRecoveryPoint.run(rp, log.id);
      });
    } catch (err) {
      // Nothing was acknowledged: put every file and every in-memory field back.
      const failure = storageFailure(err);
      for (let k = pending.length - 1; k >= 0; k--) this.undo(pending[k]!);
      for (const p of pending) results[p.entry] = failure;
      return results;
    }
    for (const [log, rp] of recoveryPoints) {
      if (rp === log.leo) {
        log.unflushedMessages = 0;
        log.lastFlushMs = now;
      }
      log.recoveryPoint = rp;
    }
    for (const p of pending) {
      p.log.invalidateCaches();
      p.result.logStartOffset = p.log.logStart;
      if (p.producers.length > 0) {
        const state = p.log.producers();
        for (const e of p.producers) state.update(e);
      }
    }
    return results;
  }

  /**
   * UnifiedLog.analyzeAndValidateProducerState for one entry, from batch headers: a client's retry of a batch
   * the producer still has among its last 5 is a duplicate (the whole entry is answered with the original
   * offsets, nothing is appended); otherwise each batch with a producer id must pass the epoch and sequence
   * checks (client appends only: the broker's own writes are taken as they are, like replication in Kafka).
   */
  private checkProducers(log: PartitionLogImpl, records: Buffer, origin: 'client' | 'internal', now: number, views: ProducerViews): ProducerVerdict {
    const logAppendTime = log.cfg.timestampType === 'LogAppendTime';
    const tp = `${log.topic}-${log.partition}`;
    const changed = new Map<number, ProducerEntry>();
    let offset = log.leo;
    for (let pos = 0; pos + LOG_OVERHEAD <= records.length; ) {
      const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
      const delta = records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      const producerId = readInt64AsNumber(records, pos + PRODUCER_ID_OFFSET);
      if (producerId >= 0) {
        const state = log.producers();
        state.maybeExpire(now);
        const attributes = readAttributesAt(records, pos);
        const batch = {
          producerId,
          producerEpoch: records.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
          baseSequence: records.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
          offsetDelta: delta,
          baseOffset: offset,
          maxTimestamp: logAppendTime ? now : readMaxTimestampAt(records, pos),
          isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
          isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
        };
        const current = changed.get(producerId) ?? views.get(log)?.get(producerId) ?? state.get(producerId);
        if (origin === 'client') {
          const dup = findDuplicate(current, batch);
          if (dup !== undefined) {
            return {
              kind: 'duplicate',
              result: { ok: true, baseOffset: dup.firstOffset, lastOffset: dup.lastOffset, logAppendTime: dup.timestamp, logStartOffset: log.logStart, duplicate: true },
            };
          }
        }
        const r = appendBatch(current, batch, tp, origin === 'client');
        if (r.kind === 'error') return { kind: 'error', result: fail(r.error, r.message) };
        if (r.kind === 'ok') changed.set(producerId, r.entry);
      }
      offset += delta + 1;
      pos += size;
    }
    return { kind: 'ok', entries: [...changed.values()] };
  }

  private writeEntry(entry: number, log: PartitionLogImpl, records: Buffer, v: Validated, leaderEpoch: number, now: number): Pending {
    const logAppendTime = log.cfg.timestampType === 'LogAppendTime';
    const batchMaxTs = logAppendTime ? now : v.maxTimestamp;
    const base = log.leo;
    const last = base + v.offsets - 1;
    let seg = log.active;
    if (this.shouldRoll(log, seg, records.length, batchMaxTs, now, last)) seg = this.roll(log, now);

    const pending: Pending = {
      entry,
      log,
      seg,
      rows: new Array(v.batches),
      records: v.records,
      prevSize: seg.size,
      prevLeo: log.leo,
      prevMaxTs: seg.maxTimestamp,
      prevFirstTs: seg.firstBatchTimestamp,
      prevEpochs: log.epochs.length,
      prevEpoch: log.epoch,
      prevUnflushed: log.unflushedMessages,
      producers: [],
      result: { ok: true, baseOffset: base, lastOffset: last, logAppendTime: logAppendTime ? now : -1, logStartOffset: log.logStart },
    };

    // Rewrite headers (offsets, leader epoch, LogAppendTime) and gather the index rows.
    let tsHigh = seg.maxTimestamp ?? this.loadSegmentMaxTs(log, seg);
    let firstTs = seg.firstBatchTimestamp;
    let offset = base;
    let pos = 0;
    const position = seg.size;
    for (let b = 0; b < v.batches; b++) {
      const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
      const delta = records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      setBaseOffset(records, pos, offset);
      setPartitionLeaderEpoch(records, pos, leaderEpoch);
      if (logAppendTime) setMaxTimestamp(records, pos, TimestampType.LOG_APPEND_TIME, now);
      const attributes = readAttributesAt(records, pos);
      const maxTs = readMaxTimestampAt(records, pos);
      if (maxTs > tsHigh) tsHigh = maxTs;
      if (position + pos === 0) firstTs = maxTs;
      pending.rows[b] = [
        log.id,
        offset,
        offset + delta,
        seg.baseOffset,
        position + pos,
        size,
        maxTs,
        tsHigh,
        readInt64AsNumber(records, pos + PRODUCER_ID_OFFSET),
        records.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
        records.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
        batchFlags(attributes, (attributes & TRANSACTIONAL_FLAG_MASK) !== 0, (attributes & CONTROL_FLAG_MASK) !== 0),
      ];
      offset += delta + 1;
      pos += size;
    }

    const fd = seg.fd ?? this.reopenActive(seg);
    try {
      writeFully(fd, records, 0, records.length, seg.size);
    } catch (err) {
      try {
        io.ftruncateSync(fd, seg.size);
      } catch {
        // The next write at seg.size overwrites whatever is there; recovery cuts it after a crash.
      }
      throw err;
    }
    seg.size += records.length;
    seg.mtimeMs = now;
    seg.maxTimestamp = tsHigh;
    seg.firstBatchTimestamp = firstTs;
    log.leo = last + 1;
    // A batch appended at a newer epoch starts that epoch (the epoch cache row goes in with the commit).
    if (log.noteEpoch(leaderEpoch, base) && leaderEpoch > log.epoch) log.epoch = leaderEpoch;
    return pending;
  }

  private undo(p: Pending): void {
    const { log, seg } = p;
    try {
      if (seg.fd !== null) io.ftruncateSync(seg.fd, p.prevSize);
    } catch {
      // See writeEntry.
    }
    seg.size = p.prevSize;
    seg.maxTimestamp = p.prevMaxTs;
    seg.firstBatchTimestamp = p.prevFirstTs;
    log.leo = p.prevLeo;
    log.epochs.length = p.prevEpochs;
    log.epoch = p.prevEpoch;
    log.unflushedMessages = p.prevUnflushed;
    if (log.pendingRecoveryPoint > log.leo) log.pendingRecoveryPoint = log.recoveryPoint;
    log.invalidateCaches();
  }

  private reopenActive(seg: Segment): number {
    seg.fd = fs.openSync(seg.file, 'r+');
    return seg.fd;
  }

  private loadSegmentMaxTs(log: PartitionLogImpl, seg: Segment): number {
    const i = log.segs.indexOf(seg);
    return log.segmentMaxTimestamp(i);
  }

  private loadFirstBatchTs(log: PartitionLogImpl, seg: Segment): number {
    if (seg.firstBatchTimestamp === undefined) {
      const i = log.segs.indexOf(seg);
      const row = this.index.firstBatchInRange.get(log.id, seg.baseOffset, log.segmentEnd(i));
      seg.firstBatchTimestamp = row ? row.max_timestamp : -1;
    }
    return seg.firstBatchTimestamp;
  }

  /** Kafka's LogSegment.shouldRoll (without roll jitter). */
  private shouldRoll(log: PartitionLogImpl, seg: Segment, size: number, maxTimestamp: number, now: number, lastOffset: number): boolean {
    if (seg.size === 0) return lastOffset - seg.baseOffset > INT32_MAX;
    const c = log.cfg;
    if (seg.size > c.segmentBytes - size) return true;
    const first = this.loadFirstBatchTs(log, seg);
    const waited = first >= 0 ? maxTimestamp - first : now - seg.createdMs;
    if (waited > c.segmentMs) return true;
    return lastOffset - seg.baseOffset > INT32_MAX;
  }

  /**
   * Starts a new active segment at the log end offset. The old one is fsynced first (Kafka flushes it
   * on roll too), which is what bounds recovery after a power loss to the active segment.
   */
  roll(log: PartitionLogImpl, now: number): Segment {
    const old = log.active;
    if (old.size === 0 && old.baseOffset === log.leo) return old;
    if (old.fd !== null) {
      io.fdatasyncSync(old.fd);
      this.cacheReadFd(log, old);
    }
    // Everything below the new segment is now on disk: recovery after a crash can start there. The
    // caller records it (appendMany in its transaction, retention right away).
    log.pendingRecoveryPoint = log.leo;
    const seg = log.newSegmentFile(log.leo, now);
    log.segs.push(seg);
    if (isFlushEnabled(log.cfg)) fsyncDir(log.dir);
    return seg;
  }

  // ---- log start offset, retention -----------------------------------------------------------

  deleteRecordsBefore(log: PartitionLogImpl, offset: number): number {
    this.checkOpen();
    const hw = log.highWatermark();
    if (offset === -1) offset = hw;
    if (offset < 0 || offset > hw) {
      throw new OffsetOutOfRangeError(
        `Cannot delete records of ${log.topic}-${log.partition} before offset ${offset}: it is outside [0, high watermark ${hw}]`,
      );
    }
    if (offset <= log.logStart) return log.logStart;
    this.transaction(() => this.index.setLogStart.run(offset, log.id));
    log.logStart = offset;
    log.invalidateCaches();
    this.deleteSegmentsBelowLogStart(log);
    return log.logStart;
  }

  /** Deletes segments whose every offset is below the log start offset (never the active one). */
  private deleteSegmentsBelowLogStart(log: PartitionLogImpl): void {
    let n = 0;
    while (n + 1 < log.segs.length && log.segs[n + 1]!.baseOffset <= log.logStart) n++;
    if (n > 0) this.deleteOldestSegments(log, n, 'log start offset');
  }

  /**
   * Deletes the n oldest segments: index rows and log start offset in one transaction, then the files
   * (a crash in between leaves files the next open removes as below the log start offset).
   */
  private deleteOldestSegments(log: PartitionLogImpl, n: number, reason: string): void {
    if (n >= log.segs.length) n = log.segs.length - 1;
    if (n <= 0) return;
    const doomed = log.segs.slice(0, n);
    const newStartSegment = log.segs[n]!.baseOffset;
    const newLogStart = Math.max(log.logStart, newStartSegment);
    this.transaction(() => {
      this.index.deleteBatchesBefore.run(log.id, newStartSegment);
      this.index.setLogStart.run(newLogStart, log.id);
    });
    log.segs.splice(0, n);
    log.logStart = newLogStart;
    log.invalidateCaches();
    let bytes = 0;
    for (const s of doomed) {
      this.closeSegmentFd(s);
      bytes += s.size;
      fs.rmSync(s.file, { force: true });
    }
    this.log(
      `${log.topic}-${log.partition}: deleted ${n} segment(s) (${bytes} bytes, ${reason}); log start offset is now ${newLogStart}`,
    );
  }

  /**
   * Retention as Kafka's log cleaner thread applies it (delete policy): whole segments past
   * retention.ms (by their newest timestamp) or beyond retention.bytes, and segments below the log
   * start offset. The active segment itself is never deleted: when every segment has expired, a new
   * empty active segment is rolled first (as Kafka does), then the old ones go. Also runs the flush.ms
   * policy for partitions with unflushed writes.
   */
  runRetention(now: number = this.now()): void {
    this.checkOpen();
    for (const log of [...this.logs.values()]) {
      if (log.deleted) continue;
      try {
        this.retain(log, now);
      } catch (err) {
        this.log(`${log.topic}-${log.partition}: retention failed: ${(err as Error).message}`);
      }
    }
    // Move the WAL into gregor.db here rather than on a produce request (autocheckpoint is a backstop).
    try {
      this.index.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Not fatal: the next one will do.
    }
  }

  private retain(log: PartitionLogImpl, now: number): void {
    this.deleteSegmentsBelowLogStart(log);
    const c = log.cfg;
    if (c.retentionMs >= 0) {
      let n = 0;
      while (n < log.segs.length) {
        const seg = log.segs[n]!;
        if (seg.size === 0) break;
        const maxTs = log.segmentMaxTimestamp(n);
        const newest = maxTs > 0 ? maxTs : seg.mtimeMs;
        if (now - newest <= c.retentionMs) break;
        n++;
      }
      if (n > 0) this.deleteWithRoll(log, n, `older than retention.ms ${c.retentionMs}`, now);
    }
    if (c.retentionBytes >= 0) {
      let total = 0;
      for (const s of log.segs) total += s.size;
      let diff = total - c.retentionBytes;
      let n = 0;
      while (n < log.segs.length && diff - log.segs[n]!.size >= 0 && log.segs[n]!.size > 0) {
        diff -= log.segs[n]!.size;
        n++;
      }
      if (n > 0) this.deleteWithRoll(log, n, `beyond retention.bytes ${c.retentionBytes}`, now);
    }
    if (log.unflushedMessages > 0 && now - log.lastFlushMs >= c.flushMs) this.flush(log, now);
  }

  private deleteWithRoll(log: PartitionLogImpl, n: number, reason: string, now: number): void {
    if (n >= log.segs.length) {
      this.roll(log, now);
      this.transaction(() => this.index.setRecoveryPoint.run(log.pendingRecoveryPoint, log.id));
      log.recoveryPoint = log.pendingRecoveryPoint;
      n = log.segs.length - 1;
    }
    this.deleteOldestSegments(log, n, reason);
  }

  /** fsyncs a log's active segment and records the recovery point. */
  flush(log: PartitionLogImpl, now: number = this.now()): void {
    log.fsyncActive();
    this.transaction(() => this.index.setRecoveryPoint.run(log.leo, log.id));
    log.recoveryPoint = log.leo;
    log.unflushedMessages = 0;
    log.lastFlushMs = now;
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /** Clean shutdown: fsync what was written since the last flush, record it, close every file. */
  close(): void {
    if (this.closed) return;
    const index = this.index;
    for (const log of this.logs.values()) {
      if (log.leo > log.recoveryPoint) {
        try {
          log.fsyncActive();
          log.recoveryPoint = log.leo;
        } catch {
          // Leave the recovery point where it is: the next open re-checks from there.
        }
      }
    }
    this.transaction(() => {
      for (const log of this.logs.values()) {
        index.setPartitionState.run(log.logStart, log.highWatermark(), log.epoch, log.recoveryPoint, log.id);
      }
      index.setMeta.run('clean_shutdown', '1');
    });
    this.closeQuietly();
  }

  private closeQuietly(): void {
    this.closed = true;
    for (const log of this.logs.values()) log.closeFiles();
    this.readFds.clear();
    try {
      this.index.close();
    } catch {
      // already closed
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', 'The log manager is closed');
  }

  /** Extension: the underlying database, for tests and diagnostics. */
  get database(): Database.Database {
    return this.index.db;
  }
}

function removeWalFiles(dbFile: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(dbFile + suffix, { force: true });
}

function sqliteCode(err: unknown): string | undefined {
  return (err as { code?: unknown })?.code as string | undefined;
}

function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function isCorruption(err: unknown): boolean {
  if (err instanceof SchemaError) return true;
  const code = sqliteCode(err);
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB') || code === 'SQLITE_IOERR_SHORT_READ');
}


/**
 * gregor.db: the SQLite index over the segment files. One row per record batch (where it is, which
 * offsets, its producer fields) and one per partition (log start offset, high watermark, leader epoch,
 * recovery point, config). Segment files stay the truth for bytes past the index: recovery re-indexes
 * them, and a lost or corrupt gregor.db is rebuilt from the segments.
 *
 * WAL mode, synchronous=NORMAL (no fsync per commit: the segment files, not the index, carry
 * durability), exclusive locking (a second process opening the same data dir fails instead of
 * corrupting it, and the WAL needs no shared-memory file).
 */
import Database from 'better-sqlite3';
import { databaseOptions } from './sqlite-binding.js';

export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS partitions (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  topic_id TEXT NOT NULL,
  log_start_offset INTEGER NOT NULL,
  high_watermark INTEGER NOT NULL,
  leader_epoch INTEGER NOT NULL,
  -- every byte of the log below this offset has been fsynced; recovery after a crash re-checks the rest
  recovery_point INTEGER NOT NULL,
  config TEXT NOT NULL,
  UNIQUE (topic, partition)
);
CREATE TABLE IF NOT EXISTS batches (
  partition_id INTEGER NOT NULL,
  base_offset INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  segment INTEGER NOT NULL,          -- base offset of the segment file
  position INTEGER NOT NULL,         -- byte position in the segment file
  size INTEGER NOT NULL,             -- whole batch, 12-byte log overhead included
  max_timestamp INTEGER NOT NULL,
  ts_high INTEGER NOT NULL,          -- running max of max_timestamp within the segment (for binary search by time)
  producer_id INTEGER NOT NULL,
  producer_epoch INTEGER NOT NULL,
  base_sequence INTEGER NOT NULL,
  flags INTEGER NOT NULL,            -- 1 transactional, 2 control, 4 LogAppendTime
  PRIMARY KEY (partition_id, base_offset)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leader_epochs (
  partition_id INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  start_offset INTEGER NOT NULL,
  PRIMARY KEY (partition_id, epoch)
) WITHOUT ROWID;
`;

export const FLAG_TRANSACTIONAL = 1;
export const FLAG_CONTROL = 2;
export const FLAG_LOG_APPEND_TIME = 4;

export interface PartitionRow {
  id: number;
  topic: string;
  partition: number;
  topic_id: string;
  log_start_offset: number;
  high_watermark: number;
  leader_epoch: number;
  recovery_point: number;
  config: string;
}

export interface BatchRow {
  partition_id: number;
  base_offset: number;
  last_offset: number;
  segment: number;
  position: number;
  size: number;
  max_timestamp: number;
  ts_high: number;
  producer_id: number;
  producer_epoch: number;
  base_sequence: number;
  flags: number;
}

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** Every statement the storage layer runs, prepared once. */
export class IndexDb {
  readonly db: Database.Database;
  readonly insertBatch: Stmt<[number, number, number, number, number, number, number, number, number, number, number, number]>;
  readonly lastBatch: Stmt<[number], BatchRow>;
  readonly firstBatch: Stmt<[number], BatchRow>;
  /** The batch with the largest base offset ≤ offset. */
  readonly batchAtOrBefore: Stmt<[number, number], BatchRow>;
  /** The first batch with base offset ≥ offset. */
  readonly batchAtOrAfter: Stmt<[number, number], BatchRow>;
  /** Last batch with base offset in [from, to). */
  readonly lastBatchInRange: Stmt<[number, number, number], BatchRow>;
  /** First batch with base offset in [from, to). */
  readonly firstBatchInRange: Stmt<[number, number, number], BatchRow>;
  /** First batch in [from, to) whose max timestamp is ≥ ts (a scan; only used after a binary search). */
  readonly firstBatchWithTsInRange: Stmt<[number, number, number, number], BatchRow>;
  /** Batch with the largest max timestamp (first of equals) among batches with base offset in [from, to). */
  readonly maxTsBatchInRange: Stmt<[number, number, number], BatchRow>;
  readonly batchesPage: Stmt<[number, number, number], BatchRow>;
  readonly batchesFromSegmentPage: Stmt<[number, number, number, number], BatchRow>;
  /** Batches with a producer id from base offset ≥ offset, in offset order (rebuilding producer state). */
  readonly producerBatchesFrom: Stmt<[number, number], BatchRow>;
  readonly deleteBatchesBefore: Stmt<[number, number]>;
  readonly deleteBatchesFrom: Stmt<[number, number]>;
  readonly deleteBatchesOfPartition: Stmt<[number]>;
  readonly insertPartition: Stmt<[string, number, string, number, number, number, number, string]>;
  readonly allPartitions: Stmt<[], PartitionRow>;
  readonly deletePartition: Stmt<[number]>;
  readonly setLogStart: Stmt<[number, number]>;
  readonly setHighWatermark: Stmt<[number, number]>;
  readonly setLeaderEpoch: Stmt<[number, number]>;
  readonly setRecoveryPoint: Stmt<[number, number]>;
  readonly setPartitionState: Stmt<[number, number, number, number, number]>;
  readonly setConfig: Stmt<[string, number]>;
  readonly insertEpoch: Stmt<[number, number, number]>;
  readonly epochsOf: Stmt<[number], { epoch: number; start_offset: number }>;
  readonly deleteEpochsFrom: Stmt<[number, number]>;
  readonly deleteEpochsOfPartition: Stmt<[number]>;
  readonly getMeta: Stmt<[string], { value: string }>;
  readonly setMeta: Stmt<[string, string]>;

  constructor(db: Database.Database) {
    this.db = db;
    const cols =
      'partition_id, base_offset, last_offset, segment, position, size, max_timestamp, ts_high, producer_id, producer_epoch, base_sequence, flags';
    this.insertBatch = db.prepare(`INSERT INTO batches (${cols}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`);
    this.lastBatch = db.prepare(`SELECT ${cols} FROM batches WHERE partition_id = ? ORDER BY base_offset DESC LIMIT 1`);
    this.firstBatch = db.prepare(`SELECT ${cols} FROM batches WHERE partition_id = ? ORDER BY base_offset LIMIT 1`);
    this.batchAtOrBefore = db.prepare(
      `SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset <= ? ORDER BY base_offset DESC LIMIT 1`,
    );
    this.batchAtOrAfter = db.prepare(`SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? ORDER BY base_offset LIMIT 1`);
    this.lastBatchInRange = db.prepare(
      `SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? AND base_offset < ? ORDER BY base_offset DESC LIMIT 1`,
    );
    this.firstBatchInRange = db.prepare(
      `SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? AND base_offset < ? ORDER BY base_offset LIMIT 1`,
    );
    this.firstBatchWithTsInRange = db.prepare(
      `SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? AND base_offset < ? AND max_timestamp >= ? ORDER BY base_offset LIMIT 1`,
    );
    this.maxTsBatchInRange = db.prepare(
      `SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? AND base_offset < ? ORDER BY max_timestamp DESC, base_offset LIMIT 1`,
    );
    this.batchesPage = db.prepare(`SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? ORDER BY base_offset LIMIT ?`);
    this.batchesFromSegmentPage = db.prepare(
      `SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? AND base_offset < ? ORDER BY base_offset LIMIT ?`,
    );
    this.producerBatchesFrom = db.prepare(
      `SELECT ${cols} FROM batches WHERE partition_id = ? AND base_offset >= ? AND producer_id >= 0 ORDER BY base_offset`,
    );
    this.deleteBatchesBefore = db.prepare('DELETE FROM batches WHERE partition_id = ? AND base_offset < ?');
    this.deleteBatchesFrom = db.prepare('DELETE FROM batches WHERE partition_id = ? AND base_offset >= ?');
    this.deleteBatchesOfPartition = db.prepare('DELETE FROM batches WHERE partition_id = ?');
    this.insertPartition = db.prepare(
      'INSERT INTO partitions (topic, partition, topic_id, log_start_offset, high_watermark, leader_epoch, recovery_point, config) VALUES (?,?,?,?,?,?,?,?)',
    );
    this.allPartitions = db.prepare('SELECT * FROM partitions ORDER BY id');
    this.deletePartition = db.prepare('DELETE FROM partitions WHERE id = ?');
    this.setLogStart = db.prepare('UPDATE partitions SET log_start_offset = ? WHERE id = ?');
    this.setHighWatermark = db.prepare('UPDATE partitions SET high_watermark = ? WHERE id = ?');
    this.setLeaderEpoch = db.prepare('UPDATE partitions SET leader_epoch = ? WHERE id = ?');
    this.setRecoveryPoint = db.prepare('UPDATE partitions SET recovery_point = ? WHERE id = ?');
    this.setPartitionState = db.prepare(
      'UPDATE partitions SET log_start_offset = ?, high_watermark = ?, leader_epoch = ?, recovery_point = ? WHERE id = ?',
    );
    this.setConfig = db.prepare('UPDATE partitions SET config = ? WHERE id = ?');
    this.insertEpoch = db.prepare('INSERT OR REPLACE INTO leader_epochs (partition_id, epoch, start_offset) VALUES (?,?,?)');
    this.epochsOf = db.prepare('SELECT epoch, start_offset FROM leader_epochs WHERE partition_id = ? ORDER BY epoch');
    this.deleteEpochsFrom = db.prepare('DELETE FROM leader_epochs WHERE partition_id = ? AND start_offset >= ?');
    this.deleteEpochsOfPartition = db.prepare('DELETE FROM leader_epochs WHERE partition_id = ?');
    this.getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  }

  meta(key: string): string | undefined {
    return this.getMeta.get(key)?.value;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Opens (creating if needed) the index database. Throws what SQLite throws: SQLITE_NOTADB / SQLITE_CORRUPT
 * for a damaged file, SQLITE_BUSY when another process holds the data dir. Returns whether it is new.
 */
export function openIndexDb(file: string, opts: { quickCheck: boolean }): { index: IndexDb; created: boolean } {
  const db = new Database(file, databaseOptions());
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Small pages: a commit writes every page it touched to the WAL, and an append touches one leaf
    // page per partition. 1 KiB pages make that 1 KiB instead of 4 (only takes effect on a new file).
    db.pragma('page_size = 1024');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch gregor.db to WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    // Checkpoints (which fsync under synchronous=NORMAL) every ~10 MB of WAL rather than every 1 MB;
    // LogManager.runRetention also checkpoints, off the produce path.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('temp_store = MEMORY');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    let created = false;
    if (tables.length === 0) {
      db.exec(SCHEMA);
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
      created = true;
    } else {
      for (const name of ['meta', 'partitions', 'batches', 'leader_epochs']) {
        if (!tables.includes(name)) throw new SchemaError(`gregor.db has no table ${name}`);
      }
      const version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
      if (version !== String(SCHEMA_VERSION)) throw new SchemaError(`gregor.db has schema version ${String(version)}, expected ${SCHEMA_VERSION}`);
      if (opts.quickCheck) {
        const result = db.pragma('quick_check', { simple: true });
        if (result !== 'ok') throw new SchemaError(`gregor.db failed its integrity check: ${String(result)}`);
      }
    }
    return { index: new IndexDb(db), created };
  } catch (err) {
    try {
      db.close();
    } catch {
      // already failing
    }
    throw err;
  }
}

/** The file is a readable SQLite database but not one of ours (or an incompatible version). */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

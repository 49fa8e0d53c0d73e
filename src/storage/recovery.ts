/**
 * Loading a partition at open, and crash recovery.
 *
 * Cheap checks on every open (per segment: its last index row against the file size). A clean
 * shutdown that passes them reads no segment byte. Otherwise the log is re-derived from the files
 * from a starting point on: index rows from there are dropped and the bytes are scanned batch by
 * batch (size, magic, CRC, contiguous offsets); every valid batch is indexed again, and the first
 * partial or corrupt one is cut off together with everything after it. The starting point is
 *   - the recovery point (the offset up to which the log was fsynced) after an unclean shutdown,
 *   - the start of any segment whose rows disagree with its file,
 *   - the end of the last index row when the files hold bytes past it (a crash between the segment
 *     write and the index commit),
 *   - the first segment when gregor.db was rebuilt.
 * Whatever happened is reported in ONE log line per partition.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  BASE_SEQUENCE_OFFSET,
  CONTROL_FLAG_MASK,
  entrySizeAt,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  MAGIC_V2,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  readInt64AsNumber,
  RECORD_BATCH_OVERHEAD,
  TRANSACTIONAL_FLAG_MASK,
  verifyBatch,
} from '../protocol/records/index.js';
import { DEFAULT_LOG_CONFIG } from './config.js';
import { FileScanner } from './file-scanner.js';
import type { BatchRow, PartitionRow } from './index-db.js';
import { io, readFully } from './io.js';
import { batchFlags, readAttributesAt, readMaxTimestampAt, type LogHost, type PartitionLogImpl } from './partition-log.js';
import { listSegmentFiles, parsePartitionDirName, PARTITION_METADATA_FILE, readPartitionMetadata, Segment } from './segment.js';

interface FileInfo {
  baseOffset: number;
  file: string;
  size: number;
  mtimeMs: number;
}

/** After gregor.db was lost: one partitions row per partition directory found in the data dir. */
export function rebuildPartitionRows(host: LogHost & { dataDir: string }, dirNames: string[]): number {
  let found = 0;
  host.transaction(() => {
    for (const name of dirNames.sort()) {
      const parsed = parsePartitionDirName(name);
      if (!parsed) continue;
      const dir = path.join(host.dataDir, name);
      const files = listSegmentFiles(dir);
      if (files.length === 0 && !fs.existsSync(path.join(dir, PARTITION_METADATA_FILE))) continue;
      const topicId = readPartitionMetadata(dir) ?? '';
      const logStart = files[0]?.baseOffset ?? 0;
      host.index.insertPartition.run(parsed.topic, parsed.partition, topicId, logStart, logStart, 0, 0, JSON.stringify(DEFAULT_LOG_CONFIG));
      found++;
    }
  });
  return found;
}

function removeFile(file: string): void {
  fs.rmSync(file, { force: true });
}

function truncateFile(file: string, size: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    io.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

export function loadPartition(
  host: LogHost,
  log: PartitionLogImpl,
  row: PartitionRow,
  mode: { rebuild: boolean; clean: boolean },
): void {
  const index = host.index;
  const pid = log.id;
  const now = host.now();
  const notes: string[] = [];
  log.logStart = row.log_start_offset;
  log.epoch = row.leader_epoch;
  log.recoveryPoint = row.recovery_point;

  if (!fs.existsSync(log.dir)) {
    fs.mkdirSync(log.dir, { recursive: true });
    notes.push('its directory was missing (data lost), starting an empty log');
  }
  let files: FileInfo[] = listSegmentFiles(log.dir);

  // Segments entirely below the log start offset: left behind by a crash during retention.
  let orphans = 0;
  while (files.length > 1 && files[1]!.baseOffset <= log.logStart) {
    removeFile(files.shift()!.file);
    orphans++;
  }
  if (orphans > 0) notes.push(`removed ${orphans} segment(s) below the log start offset ${log.logStart}`);

  const lastBefore = index.lastBatch.get(pid);
  const indexedEnd = lastBefore ? lastBefore.last_offset + 1 : null;
  let changed = false;

  host.transaction(() => {
    // Rows whose segment file is gone.
    const first = index.firstBatch.get(pid);
    if (files.length === 0) {
      if (first) {
        index.deleteBatchesOfPartition.run(pid);
        notes.push(`all segment files were missing: dropped the index rows for offsets ${first.base_offset}..${lastBefore!.last_offset}`);
        changed = true;
      }
    } else if (first && first.base_offset < files[0]!.baseOffset) {
      index.deleteBatchesBefore.run(pid, files[0]!.baseOffset);
      notes.push(`segment files below offset ${files[0]!.baseOffset} were missing: dropped their index rows`);
      if (log.logStart < files[0]!.baseOffset) log.logStart = files[0]!.baseOffset;
      changed = true;
    }

    // Cheap per-segment checks: where must re-derivation start (offset), if anywhere?
    let from = mode.rebuild ? -Infinity : mode.clean ? Infinity : log.recoveryPoint;
    const lastRow = index.lastBatch.get(pid);
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const nextBase = i + 1 < files.length ? files[i + 1]!.baseOffset : Number.MAX_SAFE_INTEGER;
      const r = index.lastBatchInRange.get(pid, f.baseOffset, nextBase);
      if (r) {
        const end = r.position + r.size;
        if (r.segment !== f.baseOffset || end > f.size) {
          from = Math.min(from, f.baseOffset);
        } else if (end < f.size) {
          if (lastRow && r.base_offset === lastRow.base_offset) {
            from = Math.min(from, r.last_offset + 1); // bytes past the index: the usual crash
          } else {
            // Garbage in the middle of the log (not something a crash of ours leaves): cut it.
            truncateFile(f.file, end);
            notes.push(`cut ${f.size - end} unindexed bytes from the end of ${path.basename(f.file)}`);
            f.size = end;
          }
        }
      } else if (f.size > 0) {
        // Bytes but no rows: fine after the last row (an uncommitted roll), missing rows before it.
        from = Math.min(from, lastRow && f.baseOffset > lastRow.last_offset ? lastRow.last_offset + 1 : f.baseOffset);
      }
    }
    if (from === Infinity && lastRow) {
      // Still cheap on a clean start: the last batch of the log must be intact.
      const f = files.find((x) => x.baseOffset === lastRow.segment);
      if (f && !lastBatchIntact(f.file, lastRow)) from = lastRow.base_offset;
    }
    if (from !== Infinity && files.length > 0) {
      changed = rederive(host, log, files, from, lastRow, notes) || changed;
    }
  });

  files = listSegmentFiles(log.dir);
  let leo: number;
  const lastRow = index.lastBatch.get(pid);
  if (files.length === 0) {
    leo = log.logStart;
  } else {
    leo = lastRow ? lastRow.last_offset + 1 : files[files.length - 1]!.baseOffset;
  }
  if (leo < log.logStart || files.length === 0) {
    // Everything from the log start offset on is gone: start over at the log start offset rather
    // than hand out offsets a consumer has already seen.
    for (const f of files) removeFile(f.file);
    host.transaction(() => index.deleteBatchesOfPartition.run(pid));
    if (files.length > 0) notes.push(`no data left at or above the log start offset ${log.logStart}: starting an empty segment there`);
    files = [];
    leo = log.logStart;
    changed = true;
  }
  log.leo = leo;

  for (const f of files) log.segs.push(new Segment(f.baseOffset, f.file, f.size, now, f.mtimeMs));
  if (log.segs.length === 0) {
    log.segs.push(log.newSegmentFile(leo, now));
  } else {
    const active = log.active;
    active.fd = fs.openSync(active.file, 'r+');
  }

  host.transaction(() => {
    index.deleteEpochsFrom.run(pid, leo);
    log.epochs = index.epochsOf.all(pid).map((e) => ({ epoch: e.epoch, startOffset: e.start_offset }));
    const latest = log.epochs[log.epochs.length - 1];
    if (latest && latest.epoch > log.epoch) log.epoch = latest.epoch;
    if ((changed || !mode.clean) && leo > log.recoveryPoint) {
      // What recovery left is now checked; make it durable and start the next recovery from here.
      log.fsyncActive();
      log.recoveryPoint = leo;
    }
    if (log.recoveryPoint > leo) log.recoveryPoint = leo;
    index.setPartitionState.run(log.logStart, leo, log.epoch, log.recoveryPoint, pid);
  });

  if (indexedEnd !== null && leo < indexedEnd) notes.push(`the log now ends at offset ${leo} (the index said ${indexedEnd})`);
  if (notes.length > 0) host.log(`${log.topic}-${log.partition}: ${notes.join('; ')}`);
}

function lastBatchIntact(file: string, row: BatchRow): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(row.size);
    if (readFully(fd, buf, 0, row.size, row.position) !== row.size) return false;
    return verifyBatch(buf, 0) === null && readInt64AsNumber(buf, 0) === row.base_offset && buf.length === 12 + buf.readInt32BE(8);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Drops the index rows from the batch holding offset `from` on and rebuilds them from the files,
 * cutting the log at the first partial or invalid batch. Runs inside the caller's transaction.
 */
function rederive(host: LogHost, log: PartitionLogImpl, files: FileInfo[], from: number, lastRow: BatchRow | undefined, notes: string[]): boolean {
  const index = host.index;
  const pid = log.id;
  // The anchor: the last row entirely below `from`, kept as it is.
  let anchor: BatchRow | undefined;
  if (from !== -Infinity) {
    anchor = index.batchAtOrBefore.get(pid, from - 1);
    if (anchor && anchor.last_offset >= from) anchor = index.batchAtOrBefore.get(pid, anchor.base_offset - 1);
  }
  if (anchor && !files.some((f) => f.baseOffset === anchor!.segment)) anchor = undefined;
  const dropFrom = anchor ? anchor.base_offset + 1 : -Number.MAX_SAFE_INTEGER;
  index.deleteBatchesFrom.run(pid, dropFrom);
  const rebuilding = from === -Infinity;
  const previousEnd = rebuilding ? Infinity : lastRow ? lastRow.last_offset + 1 : anchor ? anchor.last_offset + 1 : files[0]!.baseOffset;
  const firstOffset = anchor ? anchor.last_offset + 1 : files[0]!.baseOffset;

  let fi = anchor ? files.findIndex((f) => f.baseOffset === anchor!.segment) : 0;
  let pos = anchor ? anchor.position + anchor.size : 0;
  let expected = anchor ? anchor.last_offset + 1 : files[0]!.baseOffset;
  let tsHigh = anchor ? anchor.ts_high : -1;
  let lastEpoch = log.epochs.length > 0 ? log.epochs[log.epochs.length - 1]!.epoch : -1;
  const epochRows = index.epochsOf.all(pid);
  if (epochRows.length > 0) lastEpoch = Math.max(lastEpoch, epochRows[epochRows.length - 1]!.epoch);

  let verified = 0;
  let recovered = 0;
  let recoveredFrom = -1;
  let recoveredBytes = 0;
  let cut: string | null = null;
  const startFile = fi;
  for (; fi < files.length; fi++) {
    const f = files[fi]!;
    if (fi > startFile) {
      if (f.baseOffset !== expected) {
        const removed = files.splice(fi);
        for (const r of removed) removeFile(r.file);
        cut = `removed ${removed.length} segment file(s) from ${path.basename(f.file)} on (they do not continue offset ${expected})`;
        break;
      }
      pos = 0;
      tsHigh = -1;
    }
    const fd = fs.openSync(f.file, 'r');
    let reason: string | null = null;
    try {
      const scanner = new FileScanner(fd, f.size);
      while (pos < f.size) {
        const head = scanner.view(pos, Math.min(RECORD_BATCH_OVERHEAD, f.size - pos));
        if (!head || f.size - pos < RECORD_BATCH_OVERHEAD) {
          reason = 'a partial batch';
          break;
        }
        let size: number;
        try {
          size = entrySizeAt(head.buf, head.at, head.at + (f.size - pos));
        } catch {
          reason = 'an invalid batch header';
          break;
        }
        if (size === 0) {
          reason = 'a partial batch';
          break;
        }
        const v = scanner.view(pos, size);
        if (!v) {
          reason = 'a partial batch';
          break;
        }
        const { buf, at } = v;
        if (buf[at + MAGIC_OFFSET] !== MAGIC_V2) {
          reason = `a batch with magic ${buf[at + MAGIC_OFFSET]}`;
          break;
        }
        if (verifyBatch(buf, at, at + size) !== null) {
          reason = 'a corrupt batch (CRC mismatch)';
          break;
        }
        const base = readInt64AsNumber(buf, at);
        const delta = buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
        if (base !== expected || delta < 0) {
          reason = `a batch with offset ${base} where ${expected} was expected`;
          break;
        }
        const attributes = readAttributesAt(buf, at);
        const maxTs = readMaxTimestampAt(buf, at);
        if (maxTs > tsHigh) tsHigh = maxTs;
        index.insertBatch.run(
          pid,
          base,
          base + delta,
          f.baseOffset,
          pos,
          size,
          maxTs,
          tsHigh,
          readInt64AsNumber(buf, at + PRODUCER_ID_OFFSET),
          buf.readInt16BE(at + PRODUCER_EPOCH_OFFSET),
          buf.readInt32BE(at + BASE_SEQUENCE_OFFSET),
          batchFlags(attributes, (attributes & TRANSACTIONAL_FLAG_MASK) !== 0, (attributes & CONTROL_FLAG_MASK) !== 0),
        );
        const epoch = buf.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET);
        if (epoch > lastEpoch) {
          index.insertEpoch.run(pid, epoch, base);
          lastEpoch = epoch;
        }
        if (base >= previousEnd) {
          if (recovered === 0) recoveredFrom = base;
          recovered++;
          recoveredBytes += size;
        } else {
          verified++;
        }
        expected = base + delta + 1;
        pos += size;
      }
    } finally {
      fs.closeSync(fd);
    }
    if (reason !== null) {
      const bytes = f.size - pos;
      truncateFile(f.file, pos);
      f.size = pos;
      const removed = files.splice(fi + 1);
      for (const r of removed) removeFile(r.file);
      cut =
        `cut ${bytes} byte(s) (${reason}) at offset ${expected}, position ${pos} of ${path.basename(f.file)}` +
        (removed.length > 0 ? ` and removed ${removed.length} later segment file(s)` : '');
      break;
    }
  }
  const parts: string[] = [];
  if (rebuilding) parts.push(`rebuilt the index from the segment files: ${verified} batch(es), offsets ${firstOffset}..${expected - 1}`);
  if (recovered > 0) parts.push(`re-indexed ${recovered} batch(es) past the index (offsets ${recoveredFrom}..${expected - 1}, ${recoveredBytes} bytes)`);
  if (cut) parts.push(cut);
  if (parts.length > 0) notes.push(parts.join('; '));
  return recovered > 0 || cut !== null;
}

/** Shared helpers for the storage tests. */
import fs from 'node:fs';
import { buildRecordBatch, CompressionType, type RecordBatchOptions, type RecordInput } from '../../src/protocol/records/index.js';
import { DEFAULT_LOG_CONFIG, LogManager, type LogConfig, type PartitionLog } from '../../src/storage/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';

export const BASE_TS = 1_700_000_000_000;

export interface Opened {
  dir: string;
  manager: LogManager;
  lines: string[];
}

export function openManager(dir: string = tmpDir('gregor-storage-'), now?: () => number): Opened {
  const lines: string[] = [];
  const manager = LogManager.open({ dataDir: dir, log: (l) => lines.push(l), now });
  return { dir, manager, lines };
}

export function reopen(o: Opened, now?: () => number): Opened {
  o.manager.close();
  return openManager(o.dir, now);
}

/** Leaves the manager as kill -9 would: no shutdown record, files and database simply closed. */
export function crash(o: Opened): void {
  for (const log of o.manager.partitions()) (log as unknown as { closeFiles(): void }).closeFiles();
  o.manager.database.close();
}

export function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

export function createLog(o: Opened, topic = 't', partition = 0, overrides: Partial<LogConfig> = {}): PartitionLog {
  return o.manager.createPartition({ topic, partition, topicId: `id-${topic}` }, config(overrides));
}

/** A batch of `count` records `${tag}-${i}` with timestamps BASE_TS + i (or as given). */
export function batch(count: number, tag = 'r', options: RecordBatchOptions & { timestamps?: number[]; valueSize?: number } = {}): Buffer {
  const records: RecordInput[] = Array.from({ length: count }, (_, i) => ({
    key: `k${i}`,
    value: options.valueSize ? `${tag}-${i}-`.padEnd(options.valueSize, 'x') : `${tag}-${i}`,
    timestamp: options.timestamps?.[i] ?? BASE_TS + i,
  }));
  return buildRecordBatch(records, { now: BASE_TS, ...options });
}

export function gzipBatch(count: number, tag = 'g', options: RecordBatchOptions & { timestamps?: number[] } = {}): Buffer {
  return batch(count, tag, { ...options, compression: CompressionType.GZIP });
}

export function mustAppend(log: PartitionLog, records: Buffer): { baseOffset: number; lastOffset: number } {
  const r = log.append(records);
  if (!r.ok) throw new Error(`append failed: ${r.errorCode} ${r.message}`);
  return r;
}

/** Base offsets of the batches in a read result. */
export function baseOffsets(records: Buffer): number[] {
  const out: number[] = [];
  for (let pos = 0; pos < records.length; pos += 12 + records.readInt32BE(pos + 8)) out.push(Number(records.readBigInt64BE(pos)));
  return out;
}

/** Every batch of the log from its start, via read(). */
export function readAll(log: PartitionLog, maxBytes = 1 << 20): Buffer[] {
  const out: Buffer[] = [];
  let offset = log.logStartOffset();
  while (offset < log.logEndOffset()) {
    const r = log.read(offset, maxBytes);
    if (r.records.length === 0) throw new Error(`empty read at ${offset}`);
    for (let pos = 0; pos < r.records.length; ) {
      const size = 12 + r.records.readInt32BE(pos + 8);
      out.push(r.records.subarray(pos, pos + size));
      pos += size;
    }
    offset = r.nextOffset;
  }
  return out;
}

/** Equal except the fields the broker rewrites on append (base offset, partition leader epoch). */
export function sameBatchModuloHeader(stored: Buffer, produced: Buffer): boolean {
  if (stored.length !== produced.length) return false;
  return stored.subarray(8, 12).equals(produced.subarray(8, 12)) && stored.subarray(16).equals(produced.subarray(16));
}

export function fileSize(file: string): number {
  return fs.statSync(file).size;
}

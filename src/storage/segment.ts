/**
 * Segment files: `<20-digit base offset>.log`, record batches back to back with their assigned
 * offsets, byte for byte what a Kafka .log segment holds (kafka-dump-log reads them). No .index or
 * .timeindex files: gregor.db is the index.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SEGMENT_SUFFIX = '.log';
export const PARTITION_METADATA_FILE = 'partition.metadata';

export function segmentFileName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0') + SEGMENT_SUFFIX;
}

const SEGMENT_RE = /^(\d{20})\.log$/;

export function parseSegmentFileName(name: string): number | null {
  const m = SEGMENT_RE.exec(name);
  return m ? Number(m[1]) : null;
}

/** `<topic>-<partition>`, Kafka's partition directory name. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

const PARTITION_DIR_RE = /^(.+)-(\d+)$/;

export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const m = PARTITION_DIR_RE.exec(name);
  if (!m) return null;
  return { topic: m[1]!, partition: Number(m[2]) };
}

/** Kafka's marker for a partition directory being deleted: `<topic>-<partition>.<uuid>-delete`. */
const DELETE_DIR_RE = /^(.+-\d+)\.([0-9a-f]{32})-delete$/;

export function deleteDirName(dirName: string): string {
  const uuid = (globalThis.crypto.randomUUID() as string).replace(/-/g, '');
  return `${dirName}.${uuid}-delete`;
}

export function parseDeleteDirName(name: string): string | null {
  const m = DELETE_DIR_RE.exec(name);
  return m ? m[1]! : null;
}

/** Segment files of a partition directory, sorted by base offset, with their sizes. */
export function listSegmentFiles(dir: string): { baseOffset: number; file: string; size: number; mtimeMs: number }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { baseOffset: number; file: string; size: number; mtimeMs: number }[] = [];
  for (const name of names) {
    const base = parseSegmentFileName(name);
    if (base === null) continue;
    const file = path.join(dir, name);
    const st = fs.statSync(file);
    out.push({ baseOffset: base, file, size: st.size, mtimeMs: st.mtimeMs });
  }
  out.sort((a, b) => a.baseOffset - b.baseOffset);
  return out;
}

/** Kafka's partition.metadata: `version: 0` and `topic_id: <id>`. */
export function writePartitionMetadata(dir: string, topicId: string): void {
  const file = path.join(dir, PARTITION_METADATA_FILE);
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, `version: 0\ntopic_id: ${topicId}\n`);
  fs.renameSync(tmp, file);
}

export function readPartitionMetadata(dir: string): string | null {
  try {
    const text = fs.readFileSync(path.join(dir, PARTITION_METADATA_FILE), 'utf8');
    const m = /^topic_id:\s*(\S+)\s*$/m.exec(text);
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

/** One segment file as the partition log tracks it in memory. */
export class Segment {
  readonly baseOffset: number;
  readonly file: string;
  /** Bytes that are indexed (committed); the file may briefly hold more during an append. */
  size: number;
  /** Read-write descriptor, open while the segment is active or recently read. */
  fd: number | null = null;
  /** For segment.ms rolls when no batch has a timestamp: when this process created or opened it. */
  createdMs: number;
  /** Max timestamp of the first batch (Kafka's rollingBasedTimestamp); undefined = not loaded, -1 none. */
  firstBatchTimestamp: number | undefined;
  /** Largest batch max timestamp in the segment; undefined = not loaded yet. */
  maxTimestamp: number | undefined;
  /** File modification time at open, for retention of segments without timestamps. */
  mtimeMs: number;

  constructor(baseOffset: number, file: string, size: number, createdMs: number, mtimeMs: number) {
    this.baseOffset = baseOffset;
    this.file = file;
    this.size = size;
    this.createdMs = createdMs;
    this.mtimeMs = mtimeMs;
  }
}

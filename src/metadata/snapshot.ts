/**
 * Metadata snapshots as Kafka writes them (raft Snapshots / RecordsSnapshotWriter): files named
 * `<20-digit end offset>-<10-digit epoch>.checkpoint` in the __cluster_metadata-0 directory, holding
 *
 *   control batch: SnapshotHeaderRecord [, KRaftVersionRecord, VotersRecord when kraft.version ≥ 1]
 *   data batches:  the image as metadata records (MetadataRecordSerde values)
 *   control batch: SnapshotFooterRecord
 *
 * with batch offsets counting from 0 and every batch's partition leader epoch set to the snapshot's epoch.
 * The end offset is exclusive: the snapshot holds every record below it. Files are written as
 * `….checkpoint.part`, fsynced, then renamed, so a crash never leaves a partial `.checkpoint`.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotHeaderRecord } from '../protocol/messages/snapshot-header-record.js';
import type { VotersRecord } from '../protocol/messages/voters-record.js';
import { buildControlBatch, buildMetadataBatch, ControlRecordType, controlValue, decodeBatches, type ControlInput } from './batches.js';
import { MetadataLogError } from './errors.js';
import { fsyncDir } from './meta-properties.js';
import type { MetadataRecord } from './serde.js';

export const SNAPSHOT_SUFFIX = '.checkpoint';
export const PARTIAL_SUFFIX = '.checkpoint.part';
export const DELETED_SUFFIX = '.checkpoint.deleted';
const NAME = /^(\d{20})-(\d{10})\.checkpoint$/;

export interface SnapshotId {
  /** End offset (exclusive): the snapshot holds the records below it. */
  offset: number;
  epoch: number;
}

export function snapshotFileName(id: SnapshotId): string {
  return `${String(id.offset).padStart(20, '0')}-${String(id.epoch).padStart(10, '0')}${SNAPSHOT_SUFFIX}`;
}

/** Snapshots in `dir`, newest first (by end offset, then epoch). */
export function listSnapshots(dir: string): (SnapshotId & { path: string })[] {
  const out: (SnapshotId & { path: string })[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (m) out.push({ offset: Number(m[1]), epoch: Number(m[2]), path: join(dir, name) });
  }
  return out.sort((a, b) => b.offset - a.offset || b.epoch - a.epoch);
}

/** Removes partial and half-deleted snapshot files left by a crash. */
export function removeSnapshotLeftovers(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith(PARTIAL_SUFFIX) || name.endsWith(DELETED_SUFFIX)) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

export interface SnapshotContents {
  id: SnapshotId;
  header: SnapshotHeaderRecord;
  kraftVersion: number | null;
  voters: VotersRecord | null;
  records: MetadataRecord[];
}

export interface WriteSnapshotOptions {
  id: SnapshotId;
  /** Append time of the last record the snapshot holds. */
  lastContainedLogTimestamp: number;
  records: readonly MetadataRecord[];
  kraftVersion: number;
  voters: VotersRecord | null;
  now: number;
  /** Records per data batch; default 1000. */
  batchRecords?: number;
}

/** Writes a snapshot and returns its path. */
export function writeSnapshot(dir: string, options: WriteSnapshotOptions): string {
  const { id, now } = options;
  const batchRecords = options.batchRecords ?? 1000;
  const chunks: Buffer[] = [];
  let offset = 0;
  const headerRecords: ControlInput[] = [
    controlValue<SnapshotHeaderRecord>(ControlRecordType.SNAPSHOT_HEADER, {
      version: 0,
      lastContainedLogTimestamp: BigInt(Math.max(0, options.lastContainedLogTimestamp)),
    }),
  ];
  if (options.kraftVersion > 0) {
    headerRecords.push(controlValue(ControlRecordType.KRAFT_VERSION, { version: 0, kRaftVersion: options.kraftVersion }));
    if (options.voters) headerRecords.push(controlValue(ControlRecordType.KRAFT_VOTERS, { ...options.voters, version: 0 }));
  }
  chunks.push(buildControlBatch(headerRecords, { baseOffset: offset, epoch: id.epoch, now }));
  offset += headerRecords.length;
  for (let i = 0; i < options.records.length; i += batchRecords) {
    const slice = options.records.slice(i, i + batchRecords);
    chunks.push(buildMetadataBatch(slice, { baseOffset: offset, epoch: id.epoch, now }));
    offset += slice.length;
  }
  chunks.push(buildControlBatch([controlValue(ControlRecordType.SNAPSHOT_FOOTER, { version: 0 })], { baseOffset: offset, epoch: id.epoch, now }));

  const path = join(dir, snapshotFileName(id));
  const partial = path + '.part';
  const fd = openSync(partial, 'w');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  fsyncDir(dir);
  return path;
}

/** Reads and checks a snapshot: CRCs, header first, footer last, every record decodable. */
export function readSnapshot(path: string, id: SnapshotId): SnapshotContents {
  const buf = readFileSync(path);
  const { batches, truncatedAt } = decodeBatches(buf, path);
  if (truncatedAt !== null) throw new MetadataLogError(`Snapshot ${path} ends in a partial batch at byte ${truncatedAt}`);
  const first = batches[0];
  const last = batches[batches.length - 1];
  if (!first || !first.header.isControl || first.control[0]?.type !== ControlRecordType.SNAPSHOT_HEADER) {
    throw new MetadataLogError(`Snapshot ${path} does not start with a SnapshotHeaderRecord`);
  }
  if (!last || last === first || !last.header.isControl || last.control[last.control.length - 1]?.type !== ControlRecordType.SNAPSHOT_FOOTER) {
    throw new MetadataLogError(`Snapshot ${path} does not end with a SnapshotFooterRecord`);
  }
  let kraftVersion: number | null = null;
  let voters: VotersRecord | null = null;
  const records: MetadataRecord[] = [];
  for (const batch of batches) {
    for (const c of batch.control) {
      if (c.type === ControlRecordType.KRAFT_VERSION) kraftVersion = (c.message as { kRaftVersion: number }).kRaftVersion;
      else if (c.type === ControlRecordType.KRAFT_VOTERS) voters = c.message as VotersRecord;
    }
    for (const r of batch.records) records.push(r.record);
  }
  return { id, header: first.control[0]!.message as SnapshotHeaderRecord, kraftVersion, voters, records };
}

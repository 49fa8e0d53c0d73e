/**
 * Building and reading the record batches of the metadata log and of snapshots: data batches of
 * MetadataRecordSerde values (null keys), and control batches (LeaderChange, SnapshotHeader/Footer,
 * KRaftVersion, Voters) whose keys are ControlRecordType and whose values are the bare messages.
 */
import { KRaftVersionRecord } from '../protocol/messages/k-raft-version-record.js';
import { LeaderChangeMessage } from '../protocol/messages/leader-change-message.js';
import { SnapshotFooterRecord } from '../protocol/messages/snapshot-footer-record.js';
import { SnapshotHeaderRecord } from '../protocol/messages/snapshot-header-record.js';
import { VotersRecord } from '../protocol/messages/voters-record.js';
import {
  buildRecordBatch,
  ControlRecordType,
  encodeControlRecordKey,
  iterateRecords,
  parseControlRecordKey,
  readBatchHeader,
  scanBatches,
  verifyBatch,
  type RecordBatchHeader,
} from '../protocol/records/index.js';
import type { Input, MessageCodec } from '../protocol/wire/index.js';
import { MetadataLogError } from './errors.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from './serde.js';

export { ControlRecordType };

export interface ControlRecord {
  type: number;
  /** The decoded message for the types this layer knows; null for others. */
  message: unknown;
}

export interface DecodedBatch {
  header: RecordBatchHeader;
  baseOffset: number;
  lastOffset: number;
  /** Data batches: the metadata records with their offsets. */
  records: { offset: number; record: MetadataRecord }[];
  /** Control batches: their control records. */
  control: ControlRecord[];
  sizeInBytes: number;
}

const CONTROL_CODECS: Partial<Record<number, MessageCodec<unknown>>> = {
  [ControlRecordType.LEADER_CHANGE]: LeaderChangeMessage as MessageCodec<unknown>,
  [ControlRecordType.SNAPSHOT_HEADER]: SnapshotHeaderRecord as MessageCodec<unknown>,
  [ControlRecordType.SNAPSHOT_FOOTER]: SnapshotFooterRecord as MessageCodec<unknown>,
  [ControlRecordType.KRAFT_VERSION]: KRaftVersionRecord as MessageCodec<unknown>,
  [ControlRecordType.KRAFT_VOTERS]: VotersRecord as MessageCodec<unknown>,
};

/** A data batch of metadata records (or of their already encoded values). */
export function buildMetadataBatch(records: readonly (MetadataRecord | Buffer)[], options: { baseOffset: number; epoch: number; now: number }): Buffer {
  return buildRecordBatch(
    records.map((r) => ({ key: null, value: Buffer.isBuffer(r) ? r : encodeMetadataRecord(r), timestamp: options.now })),
    { baseOffset: options.baseOffset, partitionLeaderEpoch: options.epoch, now: options.now },
  );
}

export interface ControlInput {
  type: number;
  /** The message body (already encoded with its codec at version 0). */
  value: Buffer;
}

export function controlValue<T>(type: number, message: Input<T>): ControlInput {
  const codec = CONTROL_CODECS[type];
  if (!codec) throw new Error(`no codec for control record type ${type}`);
  return { type, value: codec.encode(0, message as never) };
}

export function buildControlBatch(records: readonly ControlInput[], options: { baseOffset: number; epoch: number; now: number }): Buffer {
  return buildRecordBatch(
    records.map((r) => ({ key: encodeControlRecordKey(r.type), value: r.value, timestamp: options.now })),
    { baseOffset: options.baseOffset, partitionLeaderEpoch: options.epoch, isControl: true, now: options.now },
  );
}

/**
 * Decodes every complete batch of `buf` (a log read or a snapshot file). Batches must pass the CRC check;
 * metadata records must decode. A partial trailing batch is reported in `truncatedAt`, never decoded.
 * `where` names the source in error messages.
 */
export function decodeBatches(buf: Buffer, where: string): { batches: DecodedBatch[]; truncatedAt: number | null } {
  let scan;
  try {
    scan = scanBatches(buf);
  } catch (err) {
    throw new MetadataLogError(`Corrupt record batch in ${where}: ${(err as Error).message}`, { cause: err });
  }
  const batches: DecodedBatch[] = [];
  for (const span of scan.batches) {
    if (span.magic !== 2) throw new MetadataLogError(`Unexpected magic ${span.magic} batch at byte ${span.position} of ${where}`);
    const problem = verifyBatch(buf, span.position, span.position + span.sizeInBytes);
    if (problem) {
      const base = buf.readBigInt64BE(span.position);
      throw new MetadataLogError(`Corrupt record batch (base offset ${base}) at byte ${span.position} of ${where}: ${problem.message}`, { cause: problem });
    }
    const header = readBatchHeader(buf, span.position);
    const baseOffset = Number(header.baseOffset);
    const batch: DecodedBatch = {
      header,
      baseOffset,
      lastOffset: baseOffset + header.lastOffsetDelta,
      records: [],
      control: [],
      sizeInBytes: span.sizeInBytes,
    };
    try {
      for (const rec of iterateRecords(buf, span.position)) {
        if (header.isControl) {
          const { type } = parseControlRecordKey(rec.key);
          const codec = CONTROL_CODECS[type];
          batch.control.push({ type, message: codec && rec.value ? codec.decode(0, rec.value) : null });
        } else {
          if (rec.value === null) throw new MetadataLogError(`Metadata record at offset ${rec.offset} has a null value`);
          batch.records.push({ offset: Number(rec.offset), record: decodeMetadataRecord(rec.value) });
        }
      }
    } catch (err) {
      if (err instanceof MetadataLogError) throw new MetadataLogError(`${err.message} (batch at offset ${baseOffset} of ${where})`, { cause: err });
      throw new MetadataLogError(`Undecodable batch at offset ${baseOffset} of ${where}: ${(err as Error).message}`, { cause: err });
    }
    batches.push(batch);
  }
  return { batches, truncatedAt: scan.truncated ? scan.truncated.position : null };
}

/**
 * Magic-2 batch header: a one-shot read into a plain object, plus single-field readers for the hot path
 * (a Produce or Fetch handler usually needs two or three fields, not all thirteen).
 *
 * Number vs bigint: baseOffset and producerId are int64 fields that must round-trip exactly, so the
 * header carries them as bigint. Timestamps are carried as numbers (ms since the epoch; exact within
 * ±2^53, i.e. ±285,000 years). `readBaseOffsetNumber` is offered for log code that keeps offsets as
 * numbers: offsets stay far below 2^53 in any log this broker will hold.
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  type CompressionType,
  type TimestampType,
} from './constants.js';
import { CorruptRecordError } from './errors.js';
import { readInt64AsNumber } from './int64.js';

export interface RecordBatchHeader {
  /** Where the batch starts in the buffer it was read from. */
  position: number;
  /** Whole batch on the wire: 12-byte log overhead + batchLength. */
  sizeInBytes: number;
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** Stored CRC32C, unsigned. */
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  // Decoded attribute bits, for convenience.
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
}

/**
 * Reads the 61-byte header at `pos`. Only checks that the header itself is present; use
 * `verifyBatch` for CRC and consistency checks.
 */
export function readBatchHeader(buf: Buffer, pos = 0): RecordBatchHeader {
  if (pos < 0 || pos + RECORD_BATCH_OVERHEAD > buf.length) {
    throw new CorruptRecordError(
      `Record batch header needs ${RECORD_BATCH_OVERHEAD} bytes, only ${Math.max(0, buf.length - pos)} available`,
    );
  }
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    position: pos,
    sizeInBytes: LOG_OVERHEAD + batchLength,
    baseOffset: buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET),
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64AsNumber(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORDS_COUNT_OFFSET),
    compression: (attributes & COMPRESSION_CODEC_MASK) as CompressionType,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK ? 1 : 0) as TimestampType,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
  };
}

export function lastOffsetOf(header: Pick<RecordBatchHeader, 'baseOffset' | 'lastOffsetDelta'>): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}

/**
 * Kafka stores the delete horizon in the baseTimestamp field once compaction has set the flag; record
 * timestamps are then relative to that value, as in Java's DefaultRecordBatch.
 */
export function deleteHorizonOf(header: Pick<RecordBatchHeader, 'hasDeleteHorizon' | 'baseTimestamp'>): number | null {
  return header.hasDeleteHorizon ? header.baseTimestamp : null;
}

// Single-field readers. The caller guarantees the header bytes are present (e.g. after scanBatches).

export function readBaseOffset(buf: Buffer, pos = 0): bigint {
  return buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET);
}

/** Exact for offsets below 2^53. */
export function readBaseOffsetNumber(buf: Buffer, pos = 0): number {
  return readInt64AsNumber(buf, pos + BASE_OFFSET_OFFSET);
}

export function readBatchLength(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

export function readMagic(buf: Buffer, pos = 0): number {
  return buf.readInt8(pos + MAGIC_OFFSET);
}

export function readAttributes(buf: Buffer, pos = 0): number {
  return buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
}

export function readLastOffsetDelta(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
}

export function readMaxTimestamp(buf: Buffer, pos = 0): number {
  return readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET);
}

export function readProducerId(buf: Buffer, pos = 0): bigint {
  return buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET);
}

export function readRecordCount(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
}

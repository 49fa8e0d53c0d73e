/**
 * Builds magic-2 batches from plain records. Sizes are computed first so the batch (or, when
 * compressed, the records region) is written into a single allocation.
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CompressionType,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  TRANSACTIONAL_FLAG_MASK,
} from './constants.js';
import { compress } from './compression/index.js';
import { writeInt64, writeInt64FromNumber } from './int64.js';
import type { BytesInput, RecordInput } from './record.js';
import { sizeOfVarInt, sizeOfVarLong, writeVarInt, writeVarLong } from './varint.js';

export interface RecordBatchOptions {
  /** Default 0; the broker assigns the real one on append. */
  baseOffset?: bigint | number;
  /** Default -1 (NO_PARTITION_LEADER_EPOCH), what producers send. */
  partitionLeaderEpoch?: number;
  /** Default -1 (no producer id: not idempotent). */
  producerId?: bigint | number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  compression?: CompressionType;
  compressionLevel?: number;
  timestampType?: TimestampType;
  /** Broker time written as maxTimestamp when timestampType is LOG_APPEND_TIME; defaults to `now`. */
  logAppendTime?: number;
  /** Timestamp for records that carry none; default Date.now(). */
  now?: number;
  /** Sets the delete-horizon flag; Kafka then stores this value in the baseTimestamp field. */
  deleteHorizonMs?: number;
  /** Override for batches whose last offset is not the last record's (e.g. emptied by compaction). */
  lastOffsetDelta?: number;
}

interface PreparedRecord {
  bodySize: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headerKeys: Buffer[];
  headerValues: (Uint8Array | null)[];
}

function toBytes(input: BytesInput): Uint8Array | null {
  if (input === null || input === undefined) return null;
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

function sizeOfBytes(bytes: Uint8Array | null): number {
  return bytes === null ? 1 : sizeOfVarInt(bytes.length) + bytes.length;
}

function writeBytes(out: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) return writeVarInt(out, pos, -1);
  pos = writeVarInt(out, pos, bytes.length);
  out.set(bytes, pos);
  return pos + bytes.length;
}

function prepare(record: RecordInput, index: number, timestamp: number, baseTimestamp: number): PreparedRecord {
  const key = toBytes(record.key);
  const value = toBytes(record.value);
  const offsetDelta = record.offsetDelta ?? index;
  const timestampDelta = timestamp - baseTimestamp;
  const headers = record.headers ?? [];
  const headerKeys: Buffer[] = new Array(headers.length);
  const headerValues: (Uint8Array | null)[] = new Array(headers.length);
  let bodySize =
    1 + sizeOfVarLong(timestampDelta) + sizeOfVarInt(offsetDelta) + sizeOfBytes(key) + sizeOfBytes(value) + sizeOfVarInt(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const headerKey = Buffer.from(headers[i]!.key, 'utf8');
    const headerValue = toBytes(headers[i]!.value);
    headerKeys[i] = headerKey;
    headerValues[i] = headerValue;
    bodySize += sizeOfBytes(headerKey) + sizeOfBytes(headerValue);
  }
  return { bodySize, timestampDelta, offsetDelta, key, value, headerKeys, headerValues };
}

function writeRecord(out: Buffer, pos: number, r: PreparedRecord): number {
  pos = writeVarInt(out, pos, r.bodySize);
  out[pos++] = 0; // record attributes, unused
  pos = writeVarLong(out, pos, r.timestampDelta);
  pos = writeVarInt(out, pos, r.offsetDelta);
  pos = writeBytes(out, pos, r.key);
  pos = writeBytes(out, pos, r.value);
  pos = writeVarInt(out, pos, r.headerKeys.length);
  for (let i = 0; i < r.headerKeys.length; i++) {
    pos = writeBytes(out, pos, r.headerKeys[i]!);
    pos = writeBytes(out, pos, r.headerValues[i]!);
  }
  return pos;
}

export function buildRecordBatch(records: readonly RecordInput[], options: RecordBatchOptions = {}): Buffer {
  const now = options.now ?? Date.now();
  const count = records.length;
  const timestamps = new Array<number>(count);
  let maxTimestamp = NO_TIMESTAMP;
  for (let i = 0; i < count; i++) {
    const ts = records[i]!.timestamp ?? now;
    timestamps[i] = ts;
    if (ts > maxTimestamp) maxTimestamp = ts;
  }
  // Kafka's baseTimestamp is the first record's timestamp, not the minimum; deltas may be negative.
  const baseTimestamp = options.deleteHorizonMs ?? (count > 0 ? timestamps[0]! : now);

  const prepared = new Array<PreparedRecord>(count);
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const p = prepare(records[i]!, i, timestamps[i]!, baseTimestamp);
    prepared[i] = p;
    recordsSize += sizeOfVarInt(p.bodySize) + p.bodySize;
  }

  const codec = options.compression ?? CompressionType.NONE;
  let out: Buffer;
  if (codec === CompressionType.NONE) {
    out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + recordsSize);
    let pos = RECORD_BATCH_OVERHEAD;
    for (const p of prepared) pos = writeRecord(out, pos, p);
  } else {
    const raw = Buffer.allocUnsafe(recordsSize);
    let pos = 0;
    for (const p of prepared) pos = writeRecord(raw, pos, p);
    const packed = compress(codec, raw, { level: options.compressionLevel });
    out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + packed.length);
    packed.copy(out, RECORD_BATCH_OVERHEAD);
  }

  const timestampType = options.timestampType ?? TimestampType.CREATE_TIME;
  let attributes = codec & COMPRESSION_CODEC_MASK;
  if (timestampType === TimestampType.LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_MASK;
  if (options.isTransactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (options.isControl) attributes |= CONTROL_FLAG_MASK;
  if (options.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_FLAG_MASK;

  const lastOffsetDelta =
    options.lastOffsetDelta ?? (count > 0 ? prepared[count - 1]!.offsetDelta : 0);
  const batchMaxTimestamp =
    timestampType === TimestampType.LOG_APPEND_TIME ? (options.logAppendTime ?? now) : maxTimestamp;

  writeInt64(out, 0, options.baseOffset ?? 0n);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  out.writeInt8(MAGIC_V2, MAGIC_OFFSET);
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  writeInt64FromNumber(out, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64FromNumber(out, MAX_TIMESTAMP_OFFSET, batchMaxTimestamp);
  writeInt64(out, PRODUCER_ID_OFFSET, options.producerId ?? -1n);
  out.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  out.writeInt32BE(count, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

/**
 * Reads the records of one magic-2 batch, decompressing the batch first when needed. Nothing here runs
 * unless records are asked for: header reads, validation and rewrites never come through this file.
 *
 * Rules follow Java's DefaultRecord.readFrom: each record's declared length must match what its fields
 * use, header keys may not be null, header counts may not be negative, and a batch may not carry bytes
 * after its last declared record. Violations raise InvalidRecordError.
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CompressionType,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  MIN_RECORD_SIZE,
  NO_TIMESTAMP,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
} from './constants.js';
import { decompress } from './compression/index.js';
import { CorruptRecordError, InvalidRecordError } from './errors.js';
import { readInt64AsNumber } from './int64.js';
import type { KafkaRecord, RecordHeader } from './record.js';
import { readVarInt, readVarLong, type Cursor } from './varint.js';

export interface RecordDecodeOptions {
  /** Ceiling for the decompressed payload; see DEFAULT_MAX_DECOMPRESSED_BYTES. */
  maxDecompressedBytes?: number;
}

interface OpenedBatch {
  data: Buffer;
  cursor: Cursor;
  count: number;
  baseOffset: bigint;
  baseTimestamp: number;
  /** maxTimestamp for LogAppendTime batches (every record takes it), else null. */
  logAppendTime: number | null;
}

/** The records region of the batch at `pos`: a zero-copy slice when uncompressed, decompressed otherwise. */
export function batchRecordsPayload(buf: Buffer, pos = 0, options: RecordDecodeOptions = {}): Buffer {
  const size = checkedBatchSize(buf, pos);
  const payload = buf.subarray(pos + RECORD_BATCH_OVERHEAD, pos + size);
  const codec = (buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) as CompressionType;
  if (codec === CompressionType.NONE) return payload;
  return decompress(codec, payload, { maxBytes: options.maxDecompressedBytes });
}

function checkedBatchSize(buf: Buffer, pos: number): number {
  if (pos < 0 || buf.length - pos < RECORD_BATCH_OVERHEAD) {
    throw new CorruptRecordError(`Record batch header needs ${RECORD_BATCH_OVERHEAD} bytes`);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) throw new CorruptRecordError(`Expected a magic v2 record batch, found magic ${magic}`);
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (size < RECORD_BATCH_OVERHEAD || size > buf.length - pos) {
    throw new CorruptRecordError(`Record batch declares ${size} bytes, ${buf.length - pos} present`);
  }
  return size;
}

function openBatch(buf: Buffer, pos: number, options: RecordDecodeOptions): OpenedBatch {
  const data = batchRecordsPayload(buf, pos, options);
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (count < 0) throw new InvalidRecordError(`Found invalid record count ${count} in magic v2 batch`);
  if (count > data.length / MIN_RECORD_SIZE) {
    throw new InvalidRecordError(`Record count ${count} cannot fit in ${data.length} bytes of records`);
  }
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    data,
    cursor: { pos: 0, end: data.length },
    count,
    baseOffset: buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET),
    baseTimestamp: readInt64AsNumber(buf, pos + BASE_TIMESTAMP_OFFSET),
    logAppendTime: attributes & TIMESTAMP_TYPE_MASK ? readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET) : null,
  };
}

function nullableBytes(data: Buffer, c: Cursor): Buffer | null {
  const length = readVarInt(data, c);
  if (length < 0) return null;
  const start = c.pos;
  if (length > c.end - start) throw new InvalidRecordError(`Record field of ${length} bytes overruns the record`);
  c.pos = start + length;
  return data.subarray(start, start + length);
}

function skipNullableBytes(data: Buffer, c: Cursor): boolean {
  const length = readVarInt(data, c);
  if (length < 0) return false;
  if (length > c.end - c.pos) throw new InvalidRecordError(`Record field of ${length} bytes overruns the record`);
  c.pos += length;
  return true;
}

/** Narrows the cursor to one record's body; returns the enclosing end to restore afterwards. */
function enterRecord(data: Buffer, c: Cursor): number {
  const bodySize = readVarInt(data, c);
  const available = c.end - c.pos;
  if (bodySize < 0 || bodySize > available) {
    throw new InvalidRecordError(
      `Invalid record size: expected to read ${bodySize} bytes in record payload, but the buffer has only ${available} remaining bytes`,
    );
  }
  const outerEnd = c.end;
  c.end = c.pos + bodySize;
  if (bodySize === 0) throw new InvalidRecordError('Invalid record size: empty record body');
  c.pos++; // record attributes: unused by every Kafka version so far
  return outerEnd;
}

function leaveRecord(c: Cursor, outerEnd: number): void {
  if (c.pos !== c.end) {
    throw new InvalidRecordError(`Invalid record size: ${c.end - c.pos} bytes left unread in the record payload`);
  }
  c.end = outerEnd;
}

function readHeaders(data: Buffer, c: Cursor): RecordHeader[] {
  const count = readVarInt(data, c);
  if (count < 0) throw new InvalidRecordError(`Found invalid number of record headers ${count}`);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = readVarInt(data, c);
    if (keyLength < 0) throw new InvalidRecordError(`Invalid negative header key size ${keyLength}`);
    if (keyLength > c.end - c.pos) throw new InvalidRecordError(`Header key of ${keyLength} bytes overruns the record`);
    const key = data.toString('utf8', c.pos, c.pos + keyLength);
    c.pos += keyLength;
    headers.push({ key, value: nullableBytes(data, c) });
  }
  return headers;
}

function skipHeaders(data: Buffer, c: Cursor): void {
  const count = readVarInt(data, c);
  if (count < 0) throw new InvalidRecordError(`Found invalid number of record headers ${count}`);
  for (let i = 0; i < count; i++) {
    const keyLength = readVarInt(data, c);
    if (keyLength < 0) throw new InvalidRecordError(`Invalid negative header key size ${keyLength}`);
    if (keyLength > c.end - c.pos) throw new InvalidRecordError(`Header key of ${keyLength} bytes overruns the record`);
    c.pos += keyLength;
    skipNullableBytes(data, c);
  }
}

function decodeRecord(batch: OpenedBatch): KafkaRecord {
  const { data, cursor: c } = batch;
  const outerEnd = enterRecord(data, c);
  const timestampDelta = readVarLong(data, c);
  const offsetDelta = readVarInt(data, c);
  const key = nullableBytes(data, c);
  const value = nullableBytes(data, c);
  const headers = readHeaders(data, c);
  leaveRecord(c, outerEnd);
  return {
    offset: batch.baseOffset + BigInt(offsetDelta),
    timestamp: batch.logAppendTime ?? batch.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}

function finish(batch: OpenedBatch): void {
  if (batch.cursor.pos !== batch.cursor.end) {
    throw new InvalidRecordError(
      `Incorrect declared batch size, ${batch.cursor.end - batch.cursor.pos} bytes remain after the last record`,
    );
  }
}

/** Lazily yields the batch's records; the payload is decompressed once, when iteration starts. */
export function* iterateRecords(buf: Buffer, pos = 0, options: RecordDecodeOptions = {}): Generator<KafkaRecord, void, undefined> {
  const batch = openBatch(buf, pos, options);
  for (let i = 0; i < batch.count; i++) yield decodeRecord(batch);
  finish(batch);
}

export function readRecords(buf: Buffer, pos = 0, options: RecordDecodeOptions = {}): KafkaRecord[] {
  const batch = openBatch(buf, pos, options);
  const records: KafkaRecord[] = [];
  for (let i = 0; i < batch.count; i++) records.push(decodeRecord(batch));
  finish(batch);
  return records;
}

/**
 * First record whose timestamp is ≥ `timestamp` (ListOffsets by time), or null. The header's
 * maxTimestamp settles batches that cannot match without decompressing them.
 */
export function findFirstRecordAtOrAfter(
  buf: Buffer,
  pos: number,
  timestamp: number,
  options: RecordDecodeOptions = {},
): KafkaRecord | null {
  checkedBatchSize(buf, pos);
  if (readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET) < timestamp) return null;
  const batch = openBatch(buf, pos, options);
  for (let i = 0; i < batch.count; i++) {
    const record = decodeRecord(batch);
    if (record.timestamp >= timestamp) return record;
  }
  return null;
}

export interface RecordsSummary {
  count: number;
  /** Largest record timestamp, NO_TIMESTAMP (-1) when there is none. For LogAppendTime batches, the batch's. */
  maxTimestamp: number;
  /** offsetDelta of the first record holding maxTimestamp, -1 for an empty batch. */
  offsetDeltaOfMaxTimestamp: number;
  /** Smallest timestamp other than NO_TIMESTAMP, or NO_TIMESTAMP when no record has one. */
  minTimestamp: number;
  /** Whether offset deltas run 0, 1, 2, … — Kafka rebuilds a batch whose inner offsets don't. */
  sequentialOffsetDeltas: boolean;
  /** Any record with a null key (refused by compacted topics). */
  hasNullKey: boolean;
  /** Size of the records region once decompressed. */
  uncompressedSizeInBytes: number;
}

/**
 * One validating pass over every record without materialising keys, values or headers: what a Produce
 * handler needs to check timestamps, compacted-topic keys and inner offsets before appending.
 */
export function summarizeRecords(buf: Buffer, pos = 0, options: RecordDecodeOptions = {}): RecordsSummary {
  const batch = openBatch(buf, pos, options);
  const { data, cursor: c } = batch;
  let maxTimestamp = NO_TIMESTAMP;
  let offsetDeltaOfMaxTimestamp = -1;
  let minTimestamp = Infinity;
  let sequential = true;
  let hasNullKey = false;
  for (let i = 0; i < batch.count; i++) {
    const outerEnd = enterRecord(data, c);
    const timestampDelta = readVarLong(data, c);
    const ts = batch.logAppendTime ?? batch.baseTimestamp + timestampDelta;
    const offsetDelta = readVarInt(data, c);
    if (offsetDelta !== i) sequential = false;
    if (!skipNullableBytes(data, c)) hasNullKey = true;
    skipNullableBytes(data, c);
    skipHeaders(data, c);
    leaveRecord(c, outerEnd);
    if (ts > maxTimestamp) {
      maxTimestamp = ts;
      offsetDeltaOfMaxTimestamp = offsetDelta;
    }
    if (ts !== NO_TIMESTAMP && ts < minTimestamp) minTimestamp = ts;
  }
  finish(batch);
  return {
    count: batch.count,
    maxTimestamp,
    offsetDeltaOfMaxTimestamp,
    minTimestamp: minTimestamp === Infinity ? NO_TIMESTAMP : minTimestamp,
    sequentialOffsetDeltas: sequential,
    hasNullKey,
    uncompressedSizeInBytes: data.length,
  };
}

/**
 * Walks the records of one partition of a Fetch response and hands each deliverable record to a callback as a
 * reused RecordView: positions into the (decompressed) batch, not copies, so nothing is decoded unless the
 * printer asks for it. Follows Kafka's Fetcher/CompletedFetch:
 *
 * - a trailing partial batch (the broker cuts the response at maxBytes) is skipped, to be fetched again;
 * - records before the fetch position (a batch fetched from its middle) are skipped;
 * - control batches (transaction markers) are never delivered;
 * - with read_committed, a transactional batch of a producer with an aborted transaction that starts at or
 *   before the batch's last offset is dropped, until that producer's ABORT marker is passed;
 * - magic 0/1 message sets (old brokers) are read with the legacy reader.
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CompressionType,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  decompress,
  readLegacyBatch,
  readVarInt,
  readVarLong,
  readInt64AsNumber,
  type Cursor,
} from '../protocol/records/index.js';

/** One record as the printer sees it. Reused for every record: copy what must outlive the callback. */
export interface RecordView {
  topic: string;
  partition: number;
  /** Offsets and timestamps as numbers: exact below 2^53. */
  offset: number;
  timestamp: number;
  /** 0 create time, 1 log-append time, -1 unknown (magic 0). */
  timestampType: number;
  keyBuf: Buffer;
  keyStart: number;
  /** -1 for a null key. */
  keyEnd: number;
  valueBuf: Buffer;
  valueStart: number;
  /** -1 for a null value. */
  valueEnd: number;
  /** Where the header count varint starts in headersBuf; -1 when the record has no headers section (magic 0/1). */
  headersBuf: Buffer;
  headersPos: number;
}

export function newRecordView(topic: string, partition: number): RecordView {
  const empty = Buffer.alloc(0);
  return {
    topic,
    partition,
    offset: 0,
    timestamp: -1,
    timestampType: 0,
    keyBuf: empty,
    keyStart: 0,
    keyEnd: -1,
    valueBuf: empty,
    valueStart: 0,
    valueEnd: -1,
    headersBuf: empty,
    headersPos: -1,
  };
}

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: bigint;
}

export interface WalkOptions {
  /** The next offset wanted: records below it are skipped. */
  position: number;
  readCommitted: boolean;
  abortedTransactions: readonly AbortedTxn[] | null;
}

export interface WalkResult {
  /** The offset after the last record delivered or batch passed (the new position). */
  position: number;
  delivered: number;
  /** The callback asked to stop. */
  stopped: boolean;
}

/** `onRecord` returns false to stop right after that record. */
export type RecordCallback = (view: RecordView) => boolean;

const CONTROL_ABORT = 0;

export function walkRecords(records: Buffer | null, view: RecordView, options: WalkOptions, onRecord: RecordCallback): WalkResult {
  const result: WalkResult = { position: options.position, delivered: 0, stopped: false };
  if (records === null || records.length === 0) return result;
  const aborted = options.readCommitted && options.abortedTransactions !== null && options.abortedTransactions.length > 0
    ? [...options.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
    : null;
  let nextAborted = 0;
  const abortedProducers = new Set<bigint>();
  let pos = 0;
  const end = records.length;
  while (end - pos >= LOG_OVERHEAD + 5) {
    const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
    if (size > end - pos) break; // partial trailing batch
    const magic = records.readInt8(pos + MAGIC_OFFSET);
    if (magic < 2) {
      if (!walkLegacy(records, pos, view, result, onRecord)) return result;
      pos += size;
      continue;
    }
    if (size < RECORD_BATCH_OVERHEAD) break;
    const attributes = records.readInt16BE(pos + ATTRIBUTES_OFFSET);
    const baseOffset = readInt64AsNumber(records, pos + BASE_OFFSET_OFFSET);
    const lastOffset = baseOffset + records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    const batchEnd = pos + size;
    // Abort bookkeeping sees every batch, even those before the position: a skipped ABORT marker still ends
    // its producer's aborted transaction.
    if (aborted !== null) {
      const producerId = records.readBigInt64BE(pos + PRODUCER_ID_OFFSET);
      if (producerId >= 0n) {
        while (nextAborted < aborted.length && aborted[nextAborted]!.firstOffset <= BigInt(lastOffset)) {
          abortedProducers.add(aborted[nextAborted++]!.producerId);
        }
        if ((attributes & CONTROL_FLAG_MASK) !== 0) {
          if (isAbortMarker(records, pos)) abortedProducers.delete(producerId);
        } else if ((attributes & TRANSACTIONAL_FLAG_MASK) !== 0 && abortedProducers.has(producerId)) {
          result.position = Math.max(result.position, lastOffset + 1);
          pos = batchEnd;
          continue;
        }
      }
    }
    if (lastOffset < result.position) {
      pos = batchEnd;
      continue;
    }
    if ((attributes & CONTROL_FLAG_MASK) !== 0) {
      result.position = lastOffset + 1;
      pos = batchEnd;
      continue;
    }
    if (!walkBatch(records, pos, batchEnd, attributes, baseOffset, view, result, onRecord)) return result;
    // Records compacted away at the end of a batch still advance the position past the batch.
    result.position = Math.max(result.position, lastOffset + 1);
    pos = batchEnd;
  }
  return result;
}

function isAbortMarker(buf: Buffer, pos: number): boolean {
  // A control batch holds one record; its key is version int16 + type int16.
  if (buf.readInt32BE(pos + RECORDS_COUNT_OFFSET) < 1) return false;
  const data = batchPayload(buf, pos, pos + LOG_OVERHEAD + buf.readInt32BE(pos + 8), buf.readInt16BE(pos + ATTRIBUTES_OFFSET));
  const c: Cursor = { pos: 0, end: data.length };
  readVarInt(data, c); // length
  c.pos++; // attributes
  readVarLong(data, c);
  readVarInt(data, c);
  const keyLength = readVarInt(data, c);
  return keyLength >= 4 && data.readInt16BE(c.pos + 2) === CONTROL_ABORT;
}

function batchPayload(buf: Buffer, pos: number, batchEnd: number, attributes: number): Buffer {
  const payload = buf.subarray(pos + RECORD_BATCH_OVERHEAD, batchEnd);
  const codec = (attributes & COMPRESSION_CODEC_MASK) as CompressionType;
  return codec === CompressionType.NONE ? payload : decompress(codec, payload);
}

function walkBatch(
  buf: Buffer,
  pos: number,
  batchEnd: number,
  attributes: number,
  baseOffset: number,
  view: RecordView,
  result: WalkResult,
  onRecord: RecordCallback,
): boolean {
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  const data = batchPayload(buf, pos, batchEnd, attributes);
  const baseTimestamp = readInt64AsNumber(buf, pos + BASE_TIMESTAMP_OFFSET);
  const logAppend = (attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const logAppendTime = logAppend ? readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET) : 0;
  view.timestampType = logAppend ? 1 : 0;
  view.keyBuf = data;
  view.valueBuf = data;
  view.headersBuf = data;
  const c: Cursor = { pos: 0, end: data.length };
  const position = result.position;
  for (let i = 0; i < count && c.pos < data.length; i++) {
    const bodySize = readVarInt(data, c);
    const next = c.pos + bodySize;
    c.pos++; // record attributes
    const timestampDelta = readVarLong(data, c);
    const offset = baseOffset + readVarInt(data, c);
    if (offset < position) {
      c.pos = next;
      continue;
    }
    const keyLength = readVarInt(data, c);
    view.keyStart = c.pos;
    if (keyLength < 0) view.keyEnd = -1;
    else c.pos = view.keyEnd = c.pos + keyLength;
    const valueLength = readVarInt(data, c);
    view.valueStart = c.pos;
    if (valueLength < 0) view.valueEnd = -1;
    else c.pos = view.valueEnd = c.pos + valueLength;
    view.headersPos = c.pos;
    view.offset = offset;
    view.timestamp = logAppend ? logAppendTime : baseTimestamp + timestampDelta;
    c.pos = next;
    result.position = offset + 1;
    result.delivered++;
    if (!onRecord(view)) {
      result.stopped = true;
      return false;
    }
  }
  return true;
}

function walkLegacy(buf: Buffer, pos: number, view: RecordView, result: WalkResult, onRecord: RecordCallback): boolean {
  const batch = readLegacyBatch(buf, pos);
  for (const r of batch.records) {
    const offset = Number(r.offset);
    if (offset < result.position) continue;
    view.offset = offset;
    view.timestamp = r.timestamp;
    view.timestampType = r.magic === 0 ? -1 : r.timestampType;
    setBytes(view, 'key', r.key);
    setBytes(view, 'value', r.value);
    view.headersPos = -1;
    result.position = offset + 1;
    result.delivered++;
    if (!onRecord(view)) {
      result.stopped = true;
      return false;
    }
  }
  if (batch.records.length > 0) result.position = Math.max(result.position, Number(batch.offset) + 1);
  return true;
}

function setBytes(view: RecordView, which: 'key' | 'value', bytes: Buffer | null): void {
  const buf = bytes ?? Buffer.alloc(0);
  if (which === 'key') {
    view.keyBuf = buf;
    view.keyStart = 0;
    view.keyEnd = bytes === null ? -1 : buf.length;
  } else {
    view.valueBuf = buf;
    view.valueStart = 0;
    view.valueEnd = bytes === null ? -1 : buf.length;
  }
}

/** The record's headers, decoded (for printing %h and --json only). */
export function decodeHeaders(view: RecordView): { key: string; value: Buffer | null }[] {
  if (view.headersPos < 0) return [];
  const data = view.headersBuf;
  const c: Cursor = { pos: view.headersPos, end: data.length };
  const count = readVarInt(data, c);
  const out: { key: string; value: Buffer | null }[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = readVarInt(data, c);
    const key = data.toString('utf8', c.pos, c.pos + keyLength);
    c.pos += keyLength;
    const valueLength = readVarInt(data, c);
    let value: Buffer | null = null;
    if (valueLength >= 0) {
      value = data.subarray(c.pos, c.pos + valueLength);
      c.pos += valueLength;
    }
    out.push({ key, value });
  }
  return out;
}

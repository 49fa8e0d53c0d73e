/**
 * Writes legacy message sets as Java's MemoryRecordsBuilder does for magic 0/1:
 * - uncompressed: one top-level message per record, at its absolute offset;
 * - compressed: a single wrapper whose value is the compressed inner set. Inner offsets are relative
 *   to the first record for magic 1 and absolute for magic 0; the wrapper's offset is the last
 *   record's absolute offset and, for magic 1, its timestamp is the max record timestamp (or the
 *   LogAppendTime). With LogAppendTime every message carries that time and the timestamp-type bit.
 * zstd cannot be expressed in these formats.
 */
import {
  CompressionType,
  LEGACY_TIMESTAMP_TYPE_MASK,
  MAGIC_V0,
  MAGIC_V1,
  NO_TIMESTAMP,
  TimestampType,
} from '../constants.js';
import { compress } from '../compression/index.js';
import { UnsupportedCompressionTypeError } from '../errors.js';
import { toBigInt } from '../int64.js';
import type { BytesInput } from '../record.js';
import { legacyEntrySize, writeLegacyMessage } from './legacy-message.js';

export interface LegacyRecordInput {
  key?: BytesInput;
  value?: BytesInput;
  /** Ignored for magic 0; defaults to the builder's `now` for magic 1. */
  timestamp?: number;
  /** Absolute offset; defaults to baseOffset + index. */
  offset?: bigint | number;
}

export interface LegacyMessageSetOptions {
  magic: 0 | 1;
  compression?: CompressionType;
  compressionLevel?: number;
  /** Magic 1 only. */
  timestampType?: TimestampType;
  /** With LOG_APPEND_TIME, the time written to every message; defaults to `now`. */
  logAppendTime?: number;
  /** Offset of the first record when records don't carry their own; default 0. */
  baseOffset?: bigint | number;
  now?: number;
}

interface Prepared {
  offset: bigint;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

function toBytes(input: BytesInput): Uint8Array | null {
  if (input === null || input === undefined) return null;
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

export function buildLegacyMessageSet(records: readonly LegacyRecordInput[], options: LegacyMessageSetOptions): Buffer {
  const { magic } = options;
  const codec = options.compression ?? CompressionType.NONE;
  if (codec > CompressionType.LZ4) {
    throw new UnsupportedCompressionTypeError(`Compression type id ${codec} is not supported in message format v${magic}`);
  }
  if (records.length === 0) return Buffer.alloc(0);
  const now = options.now ?? Date.now();
  const logAppend = magic === MAGIC_V1 && options.timestampType === TimestampType.LOG_APPEND_TIME;
  const logAppendTime = options.logAppendTime ?? now;
  const attributesTimestampBit = logAppend ? LEGACY_TIMESTAMP_TYPE_MASK : 0;
  const baseOffset = toBigInt(options.baseOffset ?? 0n);

  const prepared: Prepared[] = records.map((r, i) => ({
    offset: r.offset !== undefined ? toBigInt(r.offset) : baseOffset + BigInt(i),
    timestamp: magic === MAGIC_V0 ? NO_TIMESTAMP : logAppend ? logAppendTime : (r.timestamp ?? now),
    key: toBytes(r.key),
    value: toBytes(r.value),
  }));

  if (codec === CompressionType.NONE) {
    let size = 0;
    for (const p of prepared) size += legacyEntrySize(magic, p.key, p.value);
    const out = Buffer.allocUnsafe(size);
    let pos = 0;
    for (const p of prepared) pos = writeLegacyMessage(out, pos, p.offset, magic, attributesTimestampBit, p.timestamp, p.key, p.value);
    return out;
  }

  // Relative inner offsets (magic 1) count from the first record's offset, like Java's builder baseOffset.
  const firstOffset = prepared[0]!.offset;
  let innerSize = 0;
  let maxTimestamp = NO_TIMESTAMP;
  for (const p of prepared) {
    innerSize += legacyEntrySize(magic, p.key, p.value);
    if (p.timestamp > maxTimestamp) maxTimestamp = p.timestamp;
  }
  const inner = Buffer.allocUnsafe(innerSize);
  let pos = 0;
  for (const p of prepared) {
    const innerOffset = magic === MAGIC_V1 ? p.offset - firstOffset : p.offset;
    pos = writeLegacyMessage(inner, pos, innerOffset, magic, attributesTimestampBit, p.timestamp, p.key, p.value);
  }
  const packed = compress(codec, inner, { level: options.compressionLevel, magic });
  const out = Buffer.allocUnsafe(legacyEntrySize(magic, null, packed));
  writeLegacyMessage(
    out,
    0,
    prepared[prepared.length - 1]!.offset,
    magic,
    codec | attributesTimestampBit,
    logAppend ? logAppendTime : maxTimestamp,
    null,
    packed,
  );
  return out;
}

/**
 * One legacy (magic 0/1) message as it sits in a message set:
 *   offset int64 | size int32 | crc uint32 | magic int8 | attributes int8 | [timestamp int64, magic 1]
 *   | key bytes (int32 length, -1 = null) | value bytes (same)
 * The CRC is CRC32 (IEEE, not the Castagnoli variant magic 2 uses) over magic..end of message.
 * Attributes: bits 0-2 codec (zstd never valid here), bit 3 LogAppendTime (magic 1).
 */
import { crc32 } from '@node-rs/crc32';
import {
  CompressionType,
  LEGACY_ATTRIBUTES_OFFSET,
  LEGACY_COMPRESSION_CODEC_MASK,
  LEGACY_CRC_OFFSET,
  LEGACY_KEY_OFFSET_V0,
  LEGACY_KEY_OFFSET_V1,
  LEGACY_MAGIC_OFFSET,
  LEGACY_RECORD_OVERHEAD_V0,
  LEGACY_RECORD_OVERHEAD_V1,
  LEGACY_TIMESTAMP_OFFSET,
  LEGACY_TIMESTAMP_TYPE_MASK,
  LOG_OVERHEAD,
  MAGIC_V0,
  MAGIC_V1,
  NO_TIMESTAMP,
  TimestampType,
} from '../constants.js';
import { CorruptRecordError, RecordsError } from '../errors.js';
import { readInt64AsNumber, writeInt64FromNumber } from '../int64.js';

export interface LegacyMessage {
  position: number;
  /** Whole entry including the 12-byte offset + size prefix. */
  sizeInBytes: number;
  /** As stored: absolute, or relative for the inner messages of a magic-1 wrapper. */
  offset: bigint;
  crc: number;
  magic: 0 | 1;
  attributes: number;
  compression: CompressionType;
  /** CREATE_TIME for magic 0, which has no timestamp (timestamp is then -1). */
  timestampType: TimestampType;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

export function legacyRecordOverhead(magic: number): number {
  return magic === MAGIC_V0 ? LEGACY_RECORD_OVERHEAD_V0 : LEGACY_RECORD_OVERHEAD_V1;
}

export function computeLegacyCrc(buf: Buffer, pos: number, sizeInBytes: number): number {
  return crc32(buf.subarray(pos + LEGACY_MAGIC_OFFSET, pos + sizeInBytes));
}

function readBytesField(buf: Buffer, at: number, end: number, what: string): [Buffer | null, number] {
  if (at + 4 > end) throw new CorruptRecordError(`Legacy message too short to hold its ${what} length`);
  const length = buf.readInt32BE(at);
  at += 4;
  if (length === -1) return [null, at];
  if (length < 0 || length > end - at) throw new CorruptRecordError(`Invalid ${what} length ${length} in legacy message`);
  return [buf.subarray(at, at + length), at + length];
}

/** Parses the entry at `pos` (zero-copy key/value). Does not check the CRC: see `verifyLegacyMessage`. */
export function readLegacyMessage(buf: Buffer, pos = 0, end: number = buf.length): LegacyMessage {
  if (end - pos < LOG_OVERHEAD + LEGACY_RECORD_OVERHEAD_V0) {
    throw new CorruptRecordError(`Legacy message at ${pos} is truncated`);
  }
  const size = buf.readInt32BE(pos + 8);
  const magic = buf.readInt8(pos + LEGACY_MAGIC_OFFSET);
  if (magic !== MAGIC_V0 && magic !== MAGIC_V1) throw new CorruptRecordError(`Invalid legacy message magic ${magic}`);
  if (size < legacyRecordOverhead(magic)) {
    throw new CorruptRecordError(`Legacy message size ${size} is less than the minimum overhead for magic ${magic}`);
  }
  const sizeInBytes = LOG_OVERHEAD + size;
  if (sizeInBytes > end - pos) throw new CorruptRecordError(`Legacy message at ${pos} is truncated`);
  const messageEnd = pos + sizeInBytes;
  const attributes = buf.readInt8(pos + LEGACY_ATTRIBUTES_OFFSET);
  const isV1 = magic === MAGIC_V1;
  const [key, afterKey] = readBytesField(buf, pos + (isV1 ? LEGACY_KEY_OFFSET_V1 : LEGACY_KEY_OFFSET_V0), messageEnd, 'key');
  const [value] = readBytesField(buf, afterKey, messageEnd, 'value');
  return {
    position: pos,
    sizeInBytes,
    offset: buf.readBigInt64BE(pos),
    crc: buf.readUInt32BE(pos + LEGACY_CRC_OFFSET),
    magic,
    attributes,
    compression: (attributes & LEGACY_COMPRESSION_CODEC_MASK) as CompressionType,
    timestampType: isV1 && attributes & LEGACY_TIMESTAMP_TYPE_MASK ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
    timestamp: isV1 ? readInt64AsNumber(buf, pos + LEGACY_TIMESTAMP_OFFSET) : NO_TIMESTAMP,
    key,
    value,
  };
}

/** CRC check of the entry at `pos` (after the caller knows the entry is complete). */
export function verifyLegacyMessage(buf: Buffer, pos = 0, end: number = buf.length): RecordsError | null {
  if (end - pos < LOG_OVERHEAD + LEGACY_RECORD_OVERHEAD_V0) return new CorruptRecordError(`Legacy message at ${pos} is truncated`);
  const sizeInBytes = LOG_OVERHEAD + buf.readInt32BE(pos + 8);
  if (sizeInBytes < LOG_OVERHEAD + LEGACY_RECORD_OVERHEAD_V0 || sizeInBytes > end - pos) {
    return new CorruptRecordError(`Legacy message at ${pos} has an invalid size`);
  }
  const stored = buf.readUInt32BE(pos + LEGACY_CRC_OFFSET);
  const computed = computeLegacyCrc(buf, pos, sizeInBytes);
  if (stored !== computed) {
    return new CorruptRecordError(`Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  }
  return null;
}

/** Size of a legacy entry (with its 12-byte prefix) holding `key` and `value`. */
export function legacyEntrySize(magic: number, key: Uint8Array | null, value: Uint8Array | null): number {
  return LOG_OVERHEAD + legacyRecordOverhead(magic) + (key?.length ?? 0) + (value?.length ?? 0);
}

function writeBytesField(out: Buffer, pos: number, field: Uint8Array | null): number {
  if (field === null) {
    out.writeInt32BE(-1, pos);
    return pos + 4;
  }
  out.writeInt32BE(field.length, pos);
  out.set(field, pos + 4);
  return pos + 4 + field.length;
}

/** Writes one entry at `pos` and returns the position after it. */
export function writeLegacyMessage(
  out: Buffer,
  pos: number,
  offset: bigint,
  magic: 0 | 1,
  attributes: number,
  timestamp: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
): number {
  const start = pos;
  const sizeInBytes = legacyEntrySize(magic, key, value);
  out.writeBigInt64BE(offset, pos);
  out.writeInt32BE(sizeInBytes - LOG_OVERHEAD, pos + 8);
  out.writeInt8(magic, pos + LEGACY_MAGIC_OFFSET);
  out.writeInt8(attributes, pos + LEGACY_ATTRIBUTES_OFFSET);
  if (magic === MAGIC_V1) writeInt64FromNumber(out, start + LEGACY_TIMESTAMP_OFFSET, timestamp);
  pos = writeBytesField(out, pos + (magic === MAGIC_V1 ? LEGACY_KEY_OFFSET_V1 : LEGACY_KEY_OFFSET_V0), key);
  pos = writeBytesField(out, pos, value);
  out.writeUInt32BE(computeLegacyCrc(out, start, sizeInBytes), start + LEGACY_CRC_OFFSET);
  return pos;
}

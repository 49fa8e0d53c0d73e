/**
 * Reads legacy message sets the way Java's AbstractLegacyRecordBatch does: an uncompressed message is
 * its own single record; a compressed "wrapper" message holds a nested message set in its value.
 *
 * Inner offsets of a magic-1 wrapper are relative: the wrapper carries the absolute offset of its last
 * inner message (or 0 from some librdkafka versions, in which case the inner offsets are taken as
 * absolute from 0). Inner magic-1 messages of a LogAppendTime wrapper take the wrapper's timestamp.
 */
import { CompressionType, LOG_OVERHEAD, MAGIC_V1, TimestampType } from '../constants.js';
import { decompress } from '../compression/index.js';
import { entrySizeAt, type TruncatedTail } from '../batch-scan.js';
import { CorruptRecordError, InvalidRecordError, UnsupportedCompressionTypeError } from '../errors.js';
import type { KafkaRecord } from '../record.js';
import { readLegacyMessage, verifyLegacyMessage, type LegacyMessage } from './legacy-message.js';

export interface LegacyRecord extends KafkaRecord {
  /** Magic of the message this record came from (inner magic for compressed wrappers). */
  magic: 0 | 1;
  /** The message's own attributes byte. */
  attributes: number;
  timestampType: TimestampType;
}

/** One top-level entry of a legacy message set, with its records. */
export interface LegacyBatch {
  position: number;
  sizeInBytes: number;
  /** The entry's stored offset (for a wrapper, its last inner offset). */
  offset: bigint;
  magic: 0 | 1;
  compression: CompressionType;
  timestampType: TimestampType;
  /** The entry's own timestamp; for a wrapper, the max or LogAppendTime of its records. -1 for magic 0. */
  timestamp: number;
  records: LegacyRecord[];
}

export interface LegacyReadOptions {
  /** Check top-level and inner CRCs (default true). */
  verifyCrc?: boolean;
  maxDecompressedBytes?: number;
}

function asRecord(message: LegacyMessage, offset: bigint, timestamp: number, timestampType: TimestampType): LegacyRecord {
  return {
    offset,
    timestamp,
    key: message.key,
    value: message.value,
    headers: [],
    magic: message.magic,
    attributes: message.attributes,
    timestampType,
  };
}

function innerMessages(wrapper: LegacyMessage, verifyCrc: boolean, maxBytes: number | undefined): LegacyMessage[] {
  if (wrapper.compression > CompressionType.LZ4) {
    throw new UnsupportedCompressionTypeError(
      `Compression type id ${wrapper.compression} is not supported in message format v${wrapper.magic}`,
    );
  }
  if (wrapper.value === null) {
    throw new InvalidRecordError(`Found invalid compressed record set with null value (magic = ${wrapper.magic})`);
  }
  const data = decompress(wrapper.compression, wrapper.value, { maxBytes, magic: wrapper.magic });
  const messages: LegacyMessage[] = [];
  let pos = 0;
  while (pos < data.length) {
    const size = entrySizeAt(data, pos, data.length);
    if (size === 0) throw new CorruptRecordError('Compressed message set ends in a truncated inner message');
    if (verifyCrc) {
      const error = verifyLegacyMessage(data, pos, pos + size);
      if (error) throw error;
    }
    const inner = readLegacyMessage(data, pos, pos + size);
    if (inner.compression !== CompressionType.NONE) throw new InvalidRecordError('Inner messages must not be compressed');
    messages.push(inner);
    pos += size;
  }
  if (messages.length === 0) throw new InvalidRecordError('Found invalid compressed record set with no inner records');
  return messages;
}

/** Reads the complete legacy entry at `pos`, decompressing a wrapper into its records. */
export function readLegacyBatch(buf: Buffer, pos = 0, options: LegacyReadOptions = {}): LegacyBatch {
  const verifyCrc = options.verifyCrc ?? true;
  if (verifyCrc) {
    const error = verifyLegacyMessage(buf, pos);
    if (error) throw error;
  }
  const message = readLegacyMessage(buf, pos);
  const batch: LegacyBatch = {
    position: pos,
    sizeInBytes: message.sizeInBytes,
    offset: message.offset,
    magic: message.magic,
    compression: message.compression,
    timestampType: message.timestampType,
    timestamp: message.timestamp,
    records: [],
  };
  if (message.compression === CompressionType.NONE) {
    batch.records.push(asRecord(message, message.offset, message.timestamp, message.timestampType));
    return batch;
  }
  const inner = innerMessages(message, verifyCrc, options.maxDecompressedBytes);
  let baseOffset = 0n;
  if (message.magic === MAGIC_V1 && message.offset !== 0n) {
    const lastInner = inner[inner.length - 1]!.offset;
    if (message.offset < lastInner) {
      throw new InvalidRecordError(
        `Found invalid wrapper offset in compressed v1 message set, wrapper offset '${message.offset}' is less than the last inner message offset '${lastInner}' and it is not zero.`,
      );
    }
    baseOffset = message.offset - lastInner;
  }
  const wrapperLogAppend = message.magic === MAGIC_V1 && message.timestampType === TimestampType.LOG_APPEND_TIME;
  for (const m of inner) {
    const useWrapperTime = wrapperLogAppend && m.magic === MAGIC_V1;
    batch.records.push(
      asRecord(
        m,
        message.magic === MAGIC_V1 ? baseOffset + m.offset : m.offset,
        useWrapperTime ? message.timestamp : m.timestamp,
        useWrapperTime ? TimestampType.LOG_APPEND_TIME : m.timestampType,
      ),
    );
  }
  return batch;
}

export interface LegacyMessageSet {
  batches: LegacyBatch[];
  truncated: TruncatedTail | null;
}

/**
 * Reads every complete entry of a legacy message set. A partial trailing entry is reported, not thrown
 * (fetch responses may end mid-message); a magic-2 entry is an error.
 */
export function readLegacyMessageSet(
  buf: Buffer,
  start = 0,
  end: number = buf.length,
  options: LegacyReadOptions = {},
): LegacyMessageSet {
  const batches: LegacyBatch[] = [];
  let pos = start;
  while (pos < end) {
    const size = entrySizeAt(buf, pos, end);
    if (size === 0) {
      const available = end - pos;
      return {
        batches,
        truncated: {
          position: pos,
          availableBytes: available,
          sizeInBytes: available >= LOG_OVERHEAD ? LOG_OVERHEAD + buf.readInt32BE(pos + 8) : null,
        },
      };
    }
    const magic = buf[pos + 16]!;
    if (magic > MAGIC_V1) throw new InvalidRecordError(`Expected a legacy message, found magic ${magic} at ${pos}`);
    batches.push(readLegacyBatch(buf.subarray(0, pos + size), pos, options));
    pos += size;
  }
  return { batches, truncated: null };
}

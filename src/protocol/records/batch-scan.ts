/**
 * Walks consecutive entries of a record set — magic-2 batches and legacy (magic 0/1) messages alike,
 * since both start with offset int64 + size int32 and keep the magic at byte 16 — without reading records.
 *
 * A Fetch response, or a read that stops at a byte limit inside a segment file, may end in a partial
 * entry. That is legal: it is reported in `truncated`, never thrown. Structurally impossible entries
 * (negative or too-small sizes, unknown magic) are corrupt and throw CorruptRecordError, as Kafka's
 * ByteBufferLogInputStream does.
 */
import {
  HEADER_SIZE_UP_TO_MAGIC,
  LEGACY_RECORD_OVERHEAD_V0,
  LEGACY_RECORD_OVERHEAD_V1,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V1,
  MAGIC_V2,
  RECORD_BATCH_OVERHEAD,
} from './constants.js';
import { CorruptRecordError } from './errors.js';

export interface BatchSpan {
  /** Start of the entry (its offset field) in the scanned buffer. */
  position: number;
  /** Whole entry including the 12-byte offset + size prefix. */
  sizeInBytes: number;
  magic: number;
}

export interface TruncatedTail {
  position: number;
  /** Bytes present from `position` to the scan end. */
  availableBytes: number;
  /** Whole entry size, when at least the size field was present. */
  sizeInBytes: number | null;
}

export interface BatchScan {
  batches: BatchSpan[];
  /** Position just after the last complete entry. */
  end: number;
  truncated: TruncatedTail | null;
}

export interface ScanOptions {
  /** Reject entries larger than this (bytes, including the 12-byte prefix). */
  maxBatchSize?: number;
}

/**
 * Size of the complete entry at `pos`, or 0 when the bytes before `end` hold only part of it.
 * Throws CorruptRecordError for an entry that can never be valid. Allocation-free, for loops that
 * walk a set themselves.
 */
export function entrySizeAt(buf: Buffer, pos: number, end: number = buf.length, maxBatchSize = Infinity): number {
  const remaining = end - pos;
  if (remaining < HEADER_SIZE_UP_TO_MAGIC) return 0;
  const size = buf.readInt32BE(pos + 8);
  if (size < LEGACY_RECORD_OVERHEAD_V0) {
    throw new CorruptRecordError(
      `Record size ${size} at position ${pos} is less than the minimum record overhead (${LEGACY_RECORD_OVERHEAD_V0})`,
    );
  }
  const total = LOG_OVERHEAD + size;
  if (total > maxBatchSize) {
    throw new CorruptRecordError(`Record size ${total} at position ${pos} exceeds the largest allowable size (${maxBatchSize})`);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic < 0 || magic > MAGIC_V2) {
    throw new CorruptRecordError(`Invalid magic ${magic} in record entry at position ${pos}`);
  }
  const minimum = magic === MAGIC_V2 ? RECORD_BATCH_OVERHEAD : LOG_OVERHEAD + (magic === MAGIC_V1 ? LEGACY_RECORD_OVERHEAD_V1 : LEGACY_RECORD_OVERHEAD_V0);
  if (total < minimum) {
    throw new CorruptRecordError(`Entry of ${total} bytes at position ${pos} is smaller than the minimum ${minimum} for magic ${magic}`);
  }
  if (remaining < total) return 0;
  return total;
}

export function scanBatches(buf: Buffer, start = 0, end: number = buf.length, options: ScanOptions = {}): BatchScan {
  const maxBatchSize = options.maxBatchSize ?? Infinity;
  if (end > buf.length) end = buf.length;
  const batches: BatchSpan[] = [];
  let pos = start;
  while (pos < end) {
    const size = entrySizeAt(buf, pos, end, maxBatchSize);
    if (size === 0) {
      const available = end - pos;
      return {
        batches,
        end: pos,
        truncated: {
          position: pos,
          availableBytes: available,
          sizeInBytes: available >= LOG_OVERHEAD ? LOG_OVERHEAD + buf.readInt32BE(pos + 8) : null,
        },
      };
    }
    batches.push({ position: pos, sizeInBytes: size, magic: buf[pos + MAGIC_OFFSET]! });
    pos += size;
  }
  return { batches, end: pos, truncated: null };
}

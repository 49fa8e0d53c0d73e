/**
 * Integrity checks on a magic-2 batch, all O(1) in the number of records (the CRC is O(bytes), as in
 * Kafka). Functions return the error instead of throwing so a Produce handler can turn it into a
 * per-partition error code without try/catch on the hot path; `assertBatchValid` is the throwing form.
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CompressionType,
  CRC_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MIN_RECORD_SIZE,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
} from './constants.js';
import type { RecordBatchHeader } from './batch-header.js';
import {
  CorruptRecordError,
  InvalidRecordError,
  RecordsError,
  UnsupportedCompressionTypeError,
} from './errors.js';

/** CRC32C over attributes..end of batch, which is what the header's crc field covers. */
export function computeBatchCrc(buf: Buffer, pos = 0, sizeInBytes?: number): number {
  const size = sizeInBytes ?? LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
}

export function isBatchCrcValid(buf: Buffer, pos = 0): boolean {
  return buf.readUInt32BE(pos + CRC_OFFSET) === computeBatchCrc(buf, pos);
}

/**
 * Structural and CRC checks mirroring DefaultRecordBatch.ensureValid plus cheap header sanity:
 * magic, batch length against the bytes present, CRC, known codec, non-negative record count, and for
 * uncompressed batches a record count that can fit in the bytes present (so a forged count can't drive
 * a reader into a long loop).
 */
export function verifyBatch(buf: Buffer, pos = 0, end: number = buf.length): RecordsError | null {
  const available = end - pos;
  if (available < RECORD_BATCH_OVERHEAD) {
    return new CorruptRecordError(`Record batch needs at least ${RECORD_BATCH_OVERHEAD} bytes, ${available} available`);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) {
    return new CorruptRecordError(`Record batch has magic ${magic}, expected ${MAGIC_V2}`);
  }
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (size < RECORD_BATCH_OVERHEAD) {
    return new InvalidRecordError(
      `Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD})`,
    );
  }
  if (size > available) {
    return new CorruptRecordError(`Record batch declares ${size} bytes but only ${available} are present`);
  }
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const computed = computeBatchCrc(buf, pos, size);
  if (stored !== computed) {
    return new CorruptRecordError(`Record batch is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  }
  const codec = buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK;
  if (codec > CompressionType.ZSTD) {
    return new UnsupportedCompressionTypeError(`Unknown compression type id ${codec}`);
  }
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (count < 0) {
    return new InvalidRecordError(`Found invalid record count ${count} in magic v2 batch`);
  }
  if (codec === CompressionType.NONE && count > (size - RECORD_BATCH_OVERHEAD) / MIN_RECORD_SIZE) {
    return new InvalidRecordError(`Record count ${count} cannot fit in ${size - RECORD_BATCH_OVERHEAD} bytes of records`);
  }
  return null;
}

export function assertBatchValid(buf: Buffer, pos = 0, end: number = buf.length): void {
  const error = verifyBatch(buf, pos, end);
  if (error) throw error;
}

/**
 * The header rules Kafka's LogValidator.validateBatch applies to batches a client produces:
 * a positive offset range that matches the record count, no control batches, and a sequence number
 * whenever a producer id is set. Transactional batches also need a producer id.
 */
export function checkProducedBatchHeader(header: RecordBatchHeader): RecordsError | null {
  const countFromOffsets = header.lastOffsetDelta + 1;
  if (countFromOffsets <= 0) {
    return new InvalidRecordError(`Batch has an invalid offset range: lastOffsetDelta ${header.lastOffsetDelta}`);
  }
  if (header.recordCount <= 0) {
    return new InvalidRecordError(`Invalid reported count for record batch: ${header.recordCount}`);
  }
  if (countFromOffsets !== header.recordCount) {
    return new InvalidRecordError(
      `Inconsistent batch offset range [0, ${header.lastOffsetDelta}] and count of records ${header.recordCount}`,
    );
  }
  if (header.isControl) {
    return new InvalidRecordError('Clients are not allowed to write control records');
  }
  if (header.producerId >= 0n && header.baseSequence < 0) {
    return new InvalidRecordError(
      `Invalid sequence number ${header.baseSequence} in record batch with producerId ${header.producerId}`,
    );
  }
  if (header.isTransactional && header.producerId < 0n) {
    return new InvalidRecordError('Transactional record batch has no producer id');
  }
  return null;
}

/** Cheap read of the two header fields the Produce path checks first, without building a header object. */
export function hasConsistentOffsetRange(buf: Buffer, pos = 0): boolean {
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  return count > 0 && buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET) + 1 === count;
}

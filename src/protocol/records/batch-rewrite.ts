/**
 * In-place header rewrites the broker performs on append, mirroring DefaultRecordBatch's setters.
 *
 * baseOffset and partitionLeaderEpoch sit before the CRC'd range (which starts at attributes), so they
 * are plain stores. The timestamp type bit and maxTimestamp are inside it, so changing them recomputes
 * the CRC — once per call to `rewriteBatchHeader`, however many fields change.
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  LAST_OFFSET_DELTA_OFFSET,
} from './constants.js';
import { readInt64AsNumber, writeInt64, writeInt64FromNumber } from './int64.js';

export function setBaseOffset(buf: Buffer, pos: number, baseOffset: bigint | number): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, baseOffset);
}

/** Kafka's setLastOffset: the base offset follows from lastOffsetDelta, which is left untouched. */
export function setLastOffset(buf: Buffer, pos: number, lastOffset: bigint): void {
  const delta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  buf.writeBigInt64BE(lastOffset - BigInt(delta), pos + BASE_OFFSET_OFFSET);
}

export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

export function writeBatchCrc(buf: Buffer, pos = 0): number {
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  const crc = crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
  buf.writeUInt32BE(crc, pos + CRC_OFFSET);
  return crc;
}

/**
 * Sets the timestamp type bit and maxTimestamp; recomputes the CRC only if either changed
 * (as Kafka does). Returns whether the batch bytes changed.
 */
export function setMaxTimestamp(buf: Buffer, pos: number, timestampType: TimestampType, maxTimestamp: number): boolean {
  if (!applyMaxTimestamp(buf, pos, timestampType, maxTimestamp)) return false;
  writeBatchCrc(buf, pos);
  return true;
}

function applyMaxTimestamp(buf: Buffer, pos: number, timestampType: TimestampType, maxTimestamp: number): boolean {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  const wanted =
    timestampType === TimestampType.LOG_APPEND_TIME ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK;
  if (wanted === attributes && readInt64AsNumber(buf, pos + MAX_TIMESTAMP_OFFSET) === maxTimestamp) return false;
  buf.writeInt16BE(wanted, pos + ATTRIBUTES_OFFSET);
  writeInt64FromNumber(buf, pos + MAX_TIMESTAMP_OFFSET, maxTimestamp);
  return true;
}

export interface BatchHeaderRewrite {
  baseOffset?: bigint | number;
  partitionLeaderEpoch?: number;
  /** Stamp the batch as LogAppendTime with this broker time (ms). */
  logAppendTime?: number;
  /** Set CreateTime with this max timestamp (what Kafka does for uncompressed batches it re-validated). */
  createTimeMaxTimestamp?: number;
}

/** Applies the given rewrites; returns whether the CRC had to be recomputed. */
export function rewriteBatchHeader(buf: Buffer, pos: number, rewrite: BatchHeaderRewrite): boolean {
  if (rewrite.baseOffset !== undefined) setBaseOffset(buf, pos, rewrite.baseOffset);
  if (rewrite.partitionLeaderEpoch !== undefined) setPartitionLeaderEpoch(buf, pos, rewrite.partitionLeaderEpoch);
  let changed = false;
  if (rewrite.logAppendTime !== undefined) {
    changed = applyMaxTimestamp(buf, pos, TimestampType.LOG_APPEND_TIME, rewrite.logAppendTime);
  } else if (rewrite.createTimeMaxTimestamp !== undefined) {
    changed = applyMaxTimestamp(buf, pos, TimestampType.CREATE_TIME, rewrite.createTimeMaxTimestamp);
  }
  if (changed) writeBatchCrc(buf, pos);
  return changed;
}

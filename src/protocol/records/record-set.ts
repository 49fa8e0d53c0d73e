/**
 * Decodes a whole record set — what a Fetch response or a segment slice holds — into plain batches,
 * whatever mix of magic 0, 1 and 2 it contains. This is the client-side "give me everything" path;
 * the broker's hot path uses scanBatches and the header functions instead.
 */
import { readBatchHeader } from './batch-header.js';
import { scanBatches, type TruncatedTail } from './batch-scan.js';
import { verifyBatch } from './batch-verify.js';
import {
  CompressionType,
  MAGIC_V2,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  TimestampType,
} from './constants.js';
import { readLegacyBatch } from './legacy/legacy-reader.js';
import type { KafkaRecord } from './record.js';
import { readRecords } from './record-decoder.js';

export interface DecodedBatch {
  position: number;
  sizeInBytes: number;
  magic: number;
  baseOffset: bigint;
  lastOffset: bigint;
  partitionLeaderEpoch: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  compression: CompressionType;
  timestampType: TimestampType;
  maxTimestamp: number;
  records: KafkaRecord[];
}

export interface DecodedRecordSet {
  batches: DecodedBatch[];
  truncated: TruncatedTail | null;
}

export interface RecordSetDecodeOptions {
  /** Check CRCs (default true). */
  verifyCrc?: boolean;
  maxDecompressedBytes?: number;
}

export function decodeRecordSet(buf: Buffer, options: RecordSetDecodeOptions = {}): DecodedRecordSet {
  const verifyCrc = options.verifyCrc ?? true;
  const scan = scanBatches(buf);
  const batches: DecodedBatch[] = [];
  for (const span of scan.batches) {
    const entry = buf.subarray(span.position, span.position + span.sizeInBytes);
    if (span.magic === MAGIC_V2) {
      if (verifyCrc) {
        const error = verifyBatch(entry);
        if (error) throw error;
      }
      const h = readBatchHeader(entry);
      batches.push({
        position: span.position,
        sizeInBytes: span.sizeInBytes,
        magic: h.magic,
        baseOffset: h.baseOffset,
        lastOffset: h.baseOffset + BigInt(h.lastOffsetDelta),
        partitionLeaderEpoch: h.partitionLeaderEpoch,
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        isTransactional: h.isTransactional,
        isControl: h.isControl,
        compression: h.compression,
        timestampType: h.timestampType,
        maxTimestamp: h.maxTimestamp,
        records: readRecords(entry, 0, options),
      });
    } else {
      const legacy = readLegacyBatch(entry, 0, options);
      batches.push({
        position: span.position,
        sizeInBytes: span.sizeInBytes,
        magic: legacy.magic,
        baseOffset: legacy.records[0]?.offset ?? legacy.offset,
        lastOffset: legacy.offset,
        partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
        producerId: NO_PRODUCER_ID,
        producerEpoch: NO_PRODUCER_EPOCH,
        baseSequence: NO_SEQUENCE,
        isTransactional: false,
        isControl: false,
        compression: legacy.compression,
        timestampType: legacy.timestampType,
        maxTimestamp: legacy.timestamp,
        records: legacy.records,
      });
    }
  }
  return { batches, truncated: scan.truncated };
}

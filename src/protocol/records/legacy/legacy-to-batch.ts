/**
 * Produce v0–v2 from old clients: a legacy message set becomes one magic-2 batch, following Kafka's
 * LogValidator when the log format is v2 — every record gets a fresh sequential offset, magic-0
 * records keep "no timestamp" (-1), headers are empty, and there is no producer id. A compressed set
 * must be a single wrapper ("Compressed outer record has more than one batch" otherwise), and its
 * codec is kept unless the topic asks for another.
 */
import { buildRecordBatch } from '../batch-builder.js';
import { scanBatches } from '../batch-scan.js';
import { CompressionType, MAGIC_V1, TimestampType } from '../constants.js';
import { InvalidRecordError, RecordsError } from '../errors.js';
import type { RecordInput } from '../record.js';
import { readLegacyBatch, type LegacyBatch } from './legacy-reader.js';

export interface LegacyToBatchOptions {
  /** Offset the first record gets; default 0. */
  baseOffset?: bigint | number;
  /** Target codec (the topic's compression.type); default: the codec the producer used. */
  compression?: CompressionType;
  compressionLevel?: number;
  /** The topic's message.timestamp.type; default CREATE_TIME. */
  timestampType?: TimestampType;
  /** Broker time for LOG_APPEND_TIME; default Date.now(). */
  logAppendTime?: number;
  partitionLeaderEpoch?: number;
  maxDecompressedBytes?: number;
}

export interface LegacyToBatchResult {
  batch: Buffer;
  /** Wrappers as the client sent them, for callers that check timestamps or types themselves. */
  source: LegacyBatch[];
  sourceCompression: CompressionType;
}

export function legacyToRecordBatch(buf: Buffer, options: LegacyToBatchOptions = {}): LegacyToBatchResult {
  // A partial trailing entry is ignored, as Kafka trims it on append.
  const scan = scanBatches(buf);
  if (scan.batches.length === 0) throw new InvalidRecordError('Record batch has no batches at all');
  const firstMagic = scan.batches[0]!.magic;
  if (firstMagic > MAGIC_V1) throw new InvalidRecordError(`Expected legacy messages, found magic ${firstMagic}`);

  const source: LegacyBatch[] = [];
  let sourceCompression: CompressionType = CompressionType.NONE;
  for (const span of scan.batches) {
    if (span.magic !== firstMagic) {
      throw new InvalidRecordError(`Batch magic ${span.magic} is not the same as the first batch's magic byte ${firstMagic}`);
    }
    const batch = readLegacyBatch(buf.subarray(0, span.position + span.sizeInBytes), span.position, {
      maxDecompressedBytes: options.maxDecompressedBytes,
    });
    if (batch.compression !== CompressionType.NONE) sourceCompression = batch.compression;
    source.push(batch);
  }
  if (sourceCompression !== CompressionType.NONE && source.length > 1) {
    throw new InvalidRecordError('Compressed outer record has more than one batch');
  }

  const records: RecordInput[] = [];
  for (const batch of source) {
    for (const r of batch.records) {
      if (r.magic !== batch.magic) {
        throw new InvalidRecordError(`Record's magic ${r.magic} does not match outer magic ${batch.magic}`);
      }
      if (r.timestamp < -1) throw new RecordsError('INVALID_TIMESTAMP', `Invalid negative timestamp ${r.timestamp}`);
      records.push({ key: r.key, value: r.value, timestamp: r.timestamp });
    }
  }

  const now = options.logAppendTime ?? Date.now();
  const batch = buildRecordBatch(records, {
    baseOffset: options.baseOffset ?? 0n,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    compression: options.compression ?? sourceCompression,
    compressionLevel: options.compressionLevel,
    timestampType: options.timestampType ?? TimestampType.CREATE_TIME,
    logAppendTime: now,
    now,
  });
  return { batch, source, sourceCompression };
}

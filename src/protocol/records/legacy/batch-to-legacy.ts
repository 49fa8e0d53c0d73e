/**
 * Fetch v0–v3 for old clients: record batches become legacy message sets, following Kafka's
 * RecordsUtil.downConvert —
 * - control batches are skipped, and so are batches left with no records;
 * - headers are dropped (magic 0/1 cannot carry them);
 * - each batch keeps its codec, becoming one compressed wrapper, or one message per record when
 *   uncompressed; zstd cannot be expressed in the old formats, which Kafka answers with
 *   UNSUPPORTED_COMPRESSION_TYPE;
 * - from an uncompressed batch, records below `firstOffset` (the fetch offset) are dropped: some
 *   librdkafka versions rely on it.
 * Entries already at or below the target magic are copied unchanged. A partial trailing entry is
 * dropped (it cannot be converted); scan the input first if the caller needs to know.
 */
import { readBatchHeader } from '../batch-header.js';
import { scanBatches } from '../batch-scan.js';
import { CompressionType, MAGIC_V2, TimestampType } from '../constants.js';
import { UnsupportedCompressionTypeError } from '../errors.js';
import type { KafkaRecord } from '../record.js';
import { readRecords } from '../record-decoder.js';
import { buildLegacyMessageSet } from './legacy-builder.js';
import { readLegacyBatch } from './legacy-reader.js';

export interface BatchToLegacyOptions {
  /** Fetch offset: records before it are dropped from uncompressed batches. Default: keep all. */
  firstOffset?: bigint;
  compressionLevel?: number;
  maxDecompressedBytes?: number;
}

export function recordBatchesToLegacy(buf: Buffer, toMagic: 0 | 1, options: BatchToLegacyOptions = {}): Buffer {
  const scan = scanBatches(buf);
  const parts: Buffer[] = [];
  const decode = { maxDecompressedBytes: options.maxDecompressedBytes };
  for (const span of scan.batches) {
    const entry = buf.subarray(span.position, span.position + span.sizeInBytes);
    if (span.magic <= toMagic) {
      parts.push(entry);
      continue;
    }
    let records: KafkaRecord[];
    let compression: CompressionType;
    let timestampType: TimestampType;
    let logAppendTime: number | undefined;
    if (span.magic === MAGIC_V2) {
      const header = readBatchHeader(entry, 0);
      if (header.isControl) continue;
      if (header.compression === CompressionType.ZSTD) {
        throw new UnsupportedCompressionTypeError(
          `Batch at offset ${header.baseOffset} is zstd-compressed and cannot be down-converted to magic ${toMagic}`,
        );
      }
      records = readRecords(entry, 0, decode);
      compression = header.compression;
      timestampType = header.timestampType;
      if (timestampType === TimestampType.LOG_APPEND_TIME) logAppendTime = header.maxTimestamp;
    } else {
      const legacy = readLegacyBatch(entry, 0, { verifyCrc: false, ...decode });
      records = legacy.records;
      compression = legacy.compression;
      timestampType = legacy.timestampType;
      if (timestampType === TimestampType.LOG_APPEND_TIME) logAppendTime = legacy.timestamp;
    }
    if (compression === CompressionType.NONE && options.firstOffset !== undefined) {
      const from = options.firstOffset;
      records = records.filter((r) => r.offset >= from);
    }
    if (records.length === 0) continue;
    parts.push(
      buildLegacyMessageSet(
        records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value })),
        {
          magic: toMagic,
          compression,
          compressionLevel: options.compressionLevel,
          timestampType,
          logAppendTime,
        },
      ),
    );
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

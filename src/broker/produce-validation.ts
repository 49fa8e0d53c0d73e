/**
 * What Kafka checks in a produce request's records before the log appends them, beyond what storage checks
 * from batch headers and CRCs (sizes, counts, max.message.bytes, control batches):
 *
 * - the request version's format rules (ProduceRequest.validateRecords): v3+ carries exactly one magic-2
 *   batch per partition, zstd only from v7;
 * - v0–v2 message sets (magic 0/1) become one magic-2 batch here, at the edge, as Kafka's LogValidator
 *   converts them;
 * - record-level checks (LogValidator.validateRecord), reported per record from v8 (KIP-467): a compacted
 *   topic takes no record without a key; with CreateTime, timestamps must lie within
 *   [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms]; a producer may not set
 *   LogAppendTime on a LogAppendTime topic. Records are only decoded when a check needs them (compacted
 *   topic, a bounded "before", or a batch whose max timestamp is past "after");
 *
 * Producer state (idempotence: duplicates, epochs, sequences) is checked by the log itself as part of the
 * append (storage/producer-state.ts, LogManager.appendMany), as Kafka's UnifiedLog does after LogValidator.
 */
import {
  CompressionType,
  InvalidRecordError,
  LOG_OVERHEAD,
  MAGIC_V2,
  NO_TIMESTAMP,
  RECORD_BATCH_OVERHEAD,
  RecordsError,
  TimestampType,
  iterateRecords,
  buildRecordBatch,
  legacyToRecordBatch,
  readBatchHeader,
  readRecords,
  scanBatches,
  verifyBatch,
} from '../protocol/records/index.js';
import { ErrorCode } from '../protocol/index.js';
import { LONG_MAX, type LogConfig } from '../storage/index.js';
import type { TopicSettings } from './data-path.js';

export interface ProducePartitionInput {
  topic: string;
  partition: number;
  /** Produce request version. */
  version: number;
  transactionalId: string | null;
  config: LogConfig;
  settings: TopicSettings;
  now: number;
}

export interface RecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export type ProduceCheck =
  /** Records to append (magic 2), or null: nothing to append (an empty v0–v2 message set). */
  | { ok: true; records: Buffer | null }
  | { ok: false; errorCode: number; errorMessage: string | null; recordErrors: RecordError[] };

function failure(errorCode: number, errorMessage: string | null = null, recordErrors: RecordError[] = []): ProduceCheck {
  return { ok: false, errorCode, errorMessage, recordErrors };
}

/**
 * Kafka's ProduceRequest.validateRecords, applied per partition when the request is read (KafkaApis answers a
 * failing partition with its error and goes on with the others). Older versions are not checked, as Kafka.
 */
export function checkRequestFormat(records: Buffer | null, version: number): number {
  if (version < 3) return ErrorCode.NONE;
  if (records === null || records.length === 0) return ErrorCode.INVALID_RECORD;
  let scan;
  try {
    scan = scanBatches(records);
  } catch (e) {
    if (e instanceof RecordsError) return e.code;
    throw e;
  }
  const first = scan.batches[0];
  if (first === undefined) return ErrorCode.INVALID_RECORD;
  if (first.magic !== MAGIC_V2) return ErrorCode.INVALID_RECORD;
  if (version < 7 && (records.readInt16BE(first.position + 21) & 0x07) === CompressionType.ZSTD) return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
  if (scan.batches.length > 1) return ErrorCode.INVALID_RECORD;
  return ErrorCode.NONE;
}

/** Turns one partition's records into what the log appends, or the error Kafka answers with. */
export function prepareProduceRecords(records: Buffer | null, input: ProducePartitionInput): ProduceCheck {
  if (records === null || records.length === 0) {
    // v0-v2: an empty message set appends nothing and succeeds (base offset -1), as Kafka's log does.
    return input.version < 3 ? { ok: true, records: null } : failure(ErrorCode.INVALID_RECORD);
  }
  let batches = records;
  try {
    const scan = scanBatches(records);
    const first = scan.batches[0];
    if (first === undefined) return input.version < 3 ? { ok: true, records: null } : failure(ErrorCode.CORRUPT_MESSAGE);
    if (first.magic < MAGIC_V2) {
      // Kafka checks each message as sent against max.message.bytes, then converts (LogValidator).
      for (const span of scan.batches) {
        if (span.sizeInBytes > input.config.maxMessageBytes) return failure(ErrorCode.MESSAGE_TOO_LARGE);
      }
      batches = legacyToRecordBatch(records.subarray(0, scan.end), {
        timestampType: TimestampType.CREATE_TIME,
        logAppendTime: input.now,
      }).batch;
    }
  } catch (e) {
    if (e instanceof RecordsError) return failure(e.code);
    throw e;
  }
  return checkBatches(batches, input);
}

/** Record-level validation, batch by batch. */
function checkBatches(records: Buffer, input: ProducePartitionInput): ProduceCheck {
  const logAppendTimeTopic = input.config.timestampType === 'LogAppendTime';
  const { settings, now } = input;
  const lower = settings.timestampBeforeMaxMs >= LONG_MAX ? -Infinity : now - settings.timestampBeforeMaxMs;
  const upper = settings.timestampAfterMaxMs >= LONG_MAX ? Infinity : now + settings.timestampAfterMaxMs;
  let pos = 0;
  while (pos + LOG_OVERHEAD <= records.length) {
    const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
    // Whatever storage rejects from the header (sizes, magic, CRC) is left for storage to report.
    if (size < RECORD_BATCH_OVERHEAD || pos + size > records.length || records[pos + 16] !== MAGIC_V2) break;
    const header = readBatchHeader(records, pos);
    const batchAppendTime = header.timestampType === TimestampType.LOG_APPEND_TIME;
    const checkTimestamps = !logAppendTimeTopic && (lower > -Infinity || header.maxTimestamp > upper);
    const rejectAppendTime = logAppendTimeTopic && batchAppendTime;
    if (settings.compact || checkTimestamps || rejectAppendTime) {
      // Records are only decoded from a batch that passes its CRC (storage verifies it again).
      if (verifyBatch(records, pos, pos + size) !== null) break;
      const result = checkRecords(records, pos, input, { lower, upper, checkTimestamps, rejectAppendTime });
      if (result !== null) return result;
    }
    pos += size;
  }
  return { ok: true, records: recompress(records, input.settings.compressionType) };
}

const TOPIC_CODECS: Record<string, CompressionType> = {
  uncompressed: CompressionType.NONE,
  gzip: CompressionType.GZIP,
  snappy: CompressionType.SNAPPY,
  lz4: CompressionType.LZ4,
  zstd: CompressionType.ZSTD,
};

/**
 * A topic whose compression.type names a codec stores its batches in that codec, whatever the producer used:
 * the one case where the broker rewrites records (LogValidator's recompression path). The batch keeps its
 * producer id, epoch, sequence, transactional flag and timestamps.
 */
function recompress(records: Buffer, compressionType: string): Buffer {
  const target = TOPIC_CODECS[compressionType];
  if (target === undefined) return records; // 'producer': stored as produced
  const out: Buffer[] = [];
  let changed = false;
  for (let pos = 0; pos + LOG_OVERHEAD <= records.length; ) {
    const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
    const h = readBatchHeader(records, pos);
    const batch = records.subarray(pos, pos + size);
    if (h.compression === target || h.isControl) out.push(batch);
    else {
      changed = true;
      const recs = readRecords(records, pos);
      out.push(
        buildRecordBatch(
          recs.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: Number(r.offset - h.baseOffset) })),
          {
            producerId: h.producerId,
            producerEpoch: h.producerEpoch,
            baseSequence: h.baseSequence,
            isTransactional: h.isTransactional,
            compression: target,
            timestampType: h.timestampType,
            lastOffsetDelta: h.lastOffsetDelta,
          },
        ),
      );
    }
    pos += size;
  }
  return changed ? Buffer.concat(out) : records;
}

function checkRecords(
  records: Buffer,
  pos: number,
  input: ProducePartitionInput,
  t: { lower: number; upper: number; checkTimestamps: boolean; rejectAppendTime: boolean },
): ProduceCheck | null {
  const errors: { code: number; error: RecordError }[] = [];
  let index = 0;
  try {
    for (const record of iterateRecords(records, pos)) {
      if (input.settings.compact && record.key === null) {
        errors.push({
          code: ErrorCode.INVALID_RECORD,
          error: {
            batchIndex: index,
            batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${input.topic}-${input.partition}.`,
          },
        });
      } else if (t.checkTimestamps && record.timestamp !== NO_TIMESTAMP && (record.timestamp < t.lower || record.timestamp > t.upper)) {
        errors.push({
          code: ErrorCode.INVALID_TIMESTAMP,
          error: {
            batchIndex: index,
            batchIndexErrorMessage:
              `Timestamp ${record.timestamp} of message with offset ${record.offset} is out of range. ` +
              `The timestamp should be within [${javaLong(input.now, -input.settings.timestampBeforeMaxMs)}, ${javaLong(input.now, input.settings.timestampAfterMaxMs)}]`,
          },
        });
      } else if (t.rejectAppendTime) {
        errors.push({
          code: ErrorCode.INVALID_TIMESTAMP,
          error: {
            batchIndex: index,
            batchIndexErrorMessage: `Invalid timestamp type in message with offset ${record.offset}. Producer should not set timestamp type to LogAppendTime.`,
          },
        });
      }
      index++;
    }
  } catch (e) {
    if (e instanceof InvalidRecordError || e instanceof RecordsError) return failure(e.code);
    throw e;
  }
  if (errors.length === 0) return null;
  const list = errors.map((e) => e.error);
  // Kafka's LogValidator.processRecordErrors: any timestamp error makes it INVALID_TIMESTAMP.
  if (errors.some((e) => e.code === ErrorCode.INVALID_TIMESTAMP)) {
    return failure(ErrorCode.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp', list);
  }
  const shown = list.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`);
  return failure(
    ErrorCode.INVALID_RECORD,
    `One or more records have been rejected due to ${list.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
    list,
  );
}

const JAVA_LONG_MAX = 9223372036854775807n;

/** now ± a config as Java computes it in the message (Long.MAX_VALUE for an unbounded config). */
function javaLong(now: number, delta: number): string {
  const d = Math.abs(delta) >= LONG_MAX ? JAVA_LONG_MAX : BigInt(Math.abs(delta));
  return String(delta < 0 ? BigInt(now) - d : BigInt.asIntN(64, BigInt(now) + d));
}

/**
 * Where the group coordinator's state lives: Kafka's way, as records in the `__consumer_offsets` log (a group's
 * records in partition abs(hash(groupId)) % partitions), replayed into memory when this node starts leading a
 * partition. Committed offsets, classic groups' metadata (members, generation, assignment) and consumer groups'
 * members, epochs and assignments all survive a restart this way, and a later compaction keeps the log to the
 * latest record per key. Each write is one batch, appended in one storage transaction before the caller
 * answers the client (acks=all with one replica).
 */
import { ErrorCode } from '../../protocol/index.js';
import { buildRecordBatch, iterateRecords, readBatchHeader, LOG_OVERHEAD } from '../../protocol/records/index.js';
import type { LogManager, PartitionLog } from '../../storage/index.js';
import { decodeRecord, encodeKey, encodeValue, type CoordinatorRecord } from './records.js';
import { GroupError } from './types.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Kafka's CoordinatorRuntime maps append errors to what group APIs answer. */
function coordinatorError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}

/** Appends records to one partition's log; throws GroupError with the coordinator's error on failure. */
export function appendRecords(logs: LogManager, log: PartitionLog, records: readonly CoordinatorRecord[], now = Date.now()): void {
  if (records.length === 0) return;
  const batch = buildRecordBatch(
    records.map((r) => ({ key: encodeKey(r.type, r.key), value: encodeValue(r.type, r.value), timestamp: now })),
    { now },
  );
  let result;
  try {
    [result] = logs.appendMany([{ log, records: batch, origin: 'internal' }]);
  } catch (e) {
    throw new GroupError(ErrorCode.NOT_COORDINATOR, `append to ${log.topic}-${log.partition} failed: ${(e as Error).message}`);
  }
  if (!result!.ok) throw new GroupError(coordinatorError(result!.errorCode), result!.message);
}

/** Every group-coordinator record in a partition's log, oldest first (control and unknown records skipped). */
export function* replayRecords(log: PartitionLog): Generator<CoordinatorRecord> {
  let offset = log.logStartOffset();
  const end = log.highWatermark();
  while (offset < end) {
    const { records, nextOffset } = log.read(offset, 1 << 20, { maxOffset: end });
    if (records.length === 0 || nextOffset <= offset) break;
    for (let pos = 0; pos + LOG_OVERHEAD <= records.length; ) {
      const header = readBatchHeader(records, pos);
      const size = LOG_OVERHEAD + records.readInt32BE(pos + 8);
      // Transactional offset commits are applied at their commit marker: that is the transactions issue's
      // work; until then such batches (none are written yet) are skipped with the control batches.
      if (!header.isControl && !header.isTransactional) {
        for (const r of iterateRecords(records, pos)) {
          if (Number(r.offset) < offset) continue;
          const decoded = decodeRecord(r.key, r.value);
          if (decoded !== undefined) yield decoded;
        }
      }
      pos += size;
    }
    offset = nextOffset;
  }
}

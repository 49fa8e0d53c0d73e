import { ErrorCode, ZERO_UUID } from '../../protocol/index.js';
import type { AppendEntry } from '../../storage/index.js';
import { isInternalTopic } from '../admin-common.js';
import { defineHandler, type ResponseInput } from '../api.js';
import { ADMIN_CLIENT_ID, currentLeaderOf, localPartition, topicSettings } from '../data-path.js';
import { checkRequestFormat, prepareProduceRecords, type RecordError } from '../produce-validation.js';

// Produce (0), v0-13. v0-v2 carry magic 0/1 message sets (v1 adds throttle time, v2 the LogAppendTime in the
// response); v3 adds the transactional id and record batch format v2 (one batch per partition); v4 may answer
// KAFKA_STORAGE_ERROR; v5 adds the log start offset to the response; v6 is v5; v7 allows zstd (KIP-110); v8
// adds per-record errors and an error message (KIP-467); v9 is flexible; v10 adds the current leader and node
// endpoints for NOT_LEADER_OR_FOLLOWER (KIP-951); v11 may answer TRANSACTION_ABORTABLE; v12 is v11 (KIP-890);
// v13 names topics by id (KIP-516), answering UNKNOWN_TOPIC_ID.
//
// Every partition of a request is appended in one storage transaction (LogManager.appendMany). acks=0 gets no
// response; if any partition failed, the connection is closed instead, as Kafka does, so that the client
// notices. acks=-1 waits for the ISR, which with one replica is the leader's own write.
//
// Idempotence is the log's job (storage/producer-state.ts), as in Kafka: a batch with a producer id that
// retries one of the producer's last 5 batches is answered NONE with the original offsets and not appended;
// a gap answers OUT_OF_ORDER_SEQUENCE_NUMBER and an older epoch INVALID_PRODUCER_EPOCH, in every version.

type PartitionResponse = NonNullable<NonNullable<ResponseInput<0>['responses']>[number]['partitionResponses']>[number];

/**
 * Errors for which Kafka's response carries no log start offset (LogAppendInfo.UNKNOWN_LOG_APPEND_INFO); for
 * the others raised by the log (invalid records, invalid timestamps, not enough replicas) it does.
 */
const NO_LOG_START = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.RECORD_LIST_TOO_LARGE,
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.INVALID_TOPIC_EXCEPTION,
  ErrorCode.INVALID_REQUIRED_ACKS,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
]);

function errorPartition(index: number, errorCode: number, extra: Partial<PartitionResponse> = {}): PartitionResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, ...extra };
}

export default defineHandler({
  apiKey: 0,
  minVersion: 0,
  maxVersion: 13,
  handle(request, { broker, version, header, connection, closeConnection }) {
    const acks = request.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const internalAllowed = header.clientId === ADMIN_CLIENT_ID;
    const metadata = broker.metadata;
    const now = Date.now();
    const entries: AppendEntry[] = [];
    /** For each entry: where its answer goes. */
    const pending: { response: PartitionResponse; topic: string; partition: number; logAppendTime: boolean }[] = [];
    const nodeEndpoints = new Map<number, { nodeId: number; host: string; port: number; rack: string | null }>();

    const responses = request.topicData.map((t) => {
      const topicState = version >= 13 ? metadata.topicById(t.topicId) : metadata.topic(t.name);
      const name = topicState?.name ?? t.name;
      const partitionResponses = t.partitionData.map((p): PartitionResponse => {
        if (topicState === undefined || !topicState.partitions.has(p.index)) {
          return errorPartition(p.index, version >= 13 && topicState === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        const formatError = checkRequestFormat(p.records, version);
        if (formatError !== ErrorCode.NONE) return errorPartition(p.index, formatError);
        if (!validAcks) return errorPartition(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
        if (isInternalTopic(name) && !internalAllowed) return errorPartition(p.index, ErrorCode.INVALID_TOPIC_EXCEPTION);
        const local = localPartition(broker, name, p.index);
        if ('errorCode' in local) {
          const response = errorPartition(p.index, local.errorCode);
          if (version >= 10 && local.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER) {
            const leader = currentLeaderOf(broker, name, p.index, connection.listener);
            if (leader !== undefined) {
              response.currentLeader = leader.leader;
              if (leader.endpoint) nodeEndpoints.set(leader.endpoint.nodeId, leader.endpoint);
            }
          }
          return response;
        }
        const { log, state } = local;
        const settings = topicSettings(metadata, name);
        if (acks === -1 && state.isr.length < settings.minInsyncReplicas) {
          return errorPartition(p.index, ErrorCode.NOT_ENOUGH_REPLICAS, { logStartOffset: BigInt(log.logStartOffset()) });
        }
        const config = log.config();
        const checked = prepareProduceRecords(p.records, {
          topic: name,
          partition: p.index,
          version,
          transactionalId: request.transactionalId,
          config,
          settings,
          now,
        });
        if (!checked.ok) {
          return errorPartition(p.index, checked.errorCode, {
            logStartOffset: NO_LOG_START.has(checked.errorCode) && checked.recordErrors.length === 0 ? -1n : log.logStartOffset(),
            recordErrors: checked.recordErrors as RecordError[],
            errorMessage: checked.errorMessage,
          });
        }
        if (checked.records === null) {
          return { index: p.index, errorCode: ErrorCode.NONE, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: log.logStartOffset() };
        }
        const response: PartitionResponse = { index: p.index, errorCode: ErrorCode.NONE };
        entries.push({ log, records: checked.records, leaderEpoch: state.leaderEpoch });
        pending.push({ response, topic: name, partition: p.index, logAppendTime: config.timestampType === 'LogAppendTime' });
        return response;
      });
      return version >= 13 ? { topicId: t.topicId, partitionResponses } : { name: t.name, topicId: ZERO_UUID, partitionResponses };
    });

    if (entries.length > 0) {
      const results = broker.logs.appendMany(entries);
      results.forEach((r, i) => {
        const { response, logAppendTime } = pending[i]!;
        if (r.ok) {
          // A duplicate (an idempotent producer's retry) answers the original batch's offsets and, as Kafka's
          // LogAppendInfo does, that batch's max timestamp as its log append time whatever the topic's type.
          response.baseOffset = BigInt(r.baseOffset);
          response.logAppendTimeMs = logAppendTime || r.duplicate ? BigInt(r.logAppendTime) : -1n;
          response.logStartOffset = BigInt(r.logStartOffset);
        } else {
          Object.assign(response, errorPartition(response.index!, r.errorCode));
          if (!NO_LOG_START.has(r.errorCode)) response.logStartOffset = BigInt(entries[i]!.log.logStartOffset());
        }
      });
      results.forEach((r, i) => {
        if (r.ok && !r.duplicate) broker.replicas.notifyAppend(pending[i]!.topic, pending[i]!.partition);
      });
    }

    if (acks === 0) {
      const failed = responses.flatMap((t) => t.partitionResponses).filter((p) => p.errorCode !== ErrorCode.NONE);
      if (failed.length > 0) {
        closeConnection?.(
          `produce with acks=0 failed (correlation id ${header.correlationId}, client ${JSON.stringify(header.clientId)}): ` +
            failed.map((p) => `partition ${p.index} error ${p.errorCode}`).join(', '),
        );
      }
      return null;
    }
    return { responses, throttleTimeMs: 0, nodeEndpoints: version >= 10 ? [...nodeEndpoints.values()] : [] };
  },
});

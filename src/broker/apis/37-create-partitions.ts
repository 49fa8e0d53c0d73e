import { ErrorCode, type Input } from '../../protocol/index.js';
import type { CreatePartitionsTopicResult } from '../../protocol/messages/create-partitions-response.js';
import { timedOut } from '../admin-common.js';
import { defineHandler } from '../api.js';

// CreatePartitions (37), v0-3, as ControllerApis.createPartitions and ReplicationControlManager answer it.
// v1: same as v0. v2: flexible. v3: quota violations throttle (KIP-599).
//
// Topics only grow: the same count or fewer is INVALID_PARTITIONS; an unknown topic UNKNOWN_TOPIC_OR_PARTITION;
// a name given twice INVALID_REQUEST; manual assignments that don't fit INVALID_REPLICA_ASSIGNMENT. New
// partitions keep the topic's replication factor. validate_only checks without changing anything. A timeout of
// zero or less expires before the controller runs the operation: REQUEST_TIMED_OUT for every topic.
export default defineHandler({
  apiKey: 37,
  minVersion: 0,
  maxVersion: 3,
  handle(request, { broker }) {
    if (timedOut(request.timeoutMs)) {
      return { throttleTimeMs: 0, results: request.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: null })) };
    }
    const count = new Map<string, number>();
    for (const t of request.topics) count.set(t.name, (count.get(t.name) ?? 0) + 1);
    const results: Input<CreatePartitionsTopicResult>[] = [];
    for (const [name, n] of count) if (n > 1) results.push({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
    const unique = request.topics.filter((t) => count.get(t.name) === 1);
    for (const r of broker.metadata.createPartitions(
      unique.map((t) => ({ name: t.name, count: t.count, assignments: t.assignments })),
      { validateOnly: request.validateOnly },
    )) {
      // Kafka throws UnknownTopicOrPartitionException without a message: the response carries none.
      const errorMessage = r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? null : r.errorMessage;
      results.push({ name: r.name, errorCode: r.errorCode, errorMessage });
    }
    return { throttleTimeMs: 0, results };
  },
});

import { ErrorCode, ZERO_UUID, type Input } from '../../protocol/index.js';
import type { CreatableTopicResult } from '../../protocol/messages/create-topics-response.js';
import { timedOut } from '../admin-common.js';
import { defineHandler } from '../api.js';

// CreateTopics (19), v0-7, as ControllerApis.createTopics and ReplicationControlManager answer it.
// v1: validate_only and error messages. v2: throttle time. v3: same as v2. v4: -1 partitions and replication factor
// mean the broker defaults (KIP-464). v5: flexible; results carry the partition count, replication factor and the
// topic's effective configs (KIP-525). v6: quota violations throttle (KIP-599). v7: topic ids (KIP-516).
//
// Errors: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION (illegal name, or a collision of '.' and '_'),
// INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR (zero, or more than the brokers), INVALID_CONFIG (unknown config,
// bad value, null value), INVALID_REQUEST (assignments with counts, a name given twice, __cluster_metadata),
// INVALID_REPLICA_ASSIGNMENT. A timeout of zero or less expires before the controller runs the operation:
// REQUEST_TIMED_OUT for every topic, nothing created.
export default defineHandler({
  apiKey: 19,
  minVersion: 0,
  maxVersion: 7,
  handle(request, { broker, version }) {
    if (timedOut(request.timeoutMs)) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: null })),
      };
    }
    // A name given more than once fails once, after the others (ControllerApis.createTopics).
    const count = new Map<string, number>();
    for (const t of request.topics) count.set(t.name, (count.get(t.name) ?? 0) + 1);
    const unique = request.topics.filter((t) => count.get(t.name) === 1);
    const duplicates = [...count].filter(([, n]) => n > 1).map(([name]) => name);

    const results = broker.metadata.createTopics(
      unique.map((t) => ({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments,
        configs: t.configs,
      })),
      { validateOnly: version >= 1 && request.validateOnly },
    );
    const topics: Input<CreatableTopicResult>[] = results.map((r) => {
      const ok = r.errorCode === ErrorCode.NONE;
      return {
        name: r.name,
        // Kafka names a topic id even for validate-only requests (one that is never used).
        topicId: ok ? r.topicId : ZERO_UUID,
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        topicConfigErrorCode: 0,
        numPartitions: ok ? r.numPartitions : -1,
        replicationFactor: ok ? r.replicationFactor : -1,
        configs: ok
          ? r.configs.map((c) => ({ name: c.name, value: c.isSensitive ? null : c.value, readOnly: c.readOnly, configSource: c.source, isSensitive: c.isSensitive }))
          : [],
      };
    });
    for (const name of duplicates) topics.push({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
    return { throttleTimeMs: 0, topics };
  },
});

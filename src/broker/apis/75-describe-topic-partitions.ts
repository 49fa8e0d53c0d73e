import { MetadataController } from '../../metadata/index.js';
import { ErrorCode, ZERO_UUID, type Input } from '../../protocol/index.js';
import type {
  DescribeTopicPartitionsResponse,
  DescribeTopicPartitionsResponsePartition,
  DescribeTopicPartitionsResponseTopic,
} from '../../protocol/messages/describe-topic-partitions-response.js';
import { TOPIC_AUTHORIZED_OPERATIONS, aliveReplicas, isInternalTopic, leaderOn, offlineReplicas } from '../admin-common.js';
import { defineHandler } from '../api.js';

// DescribeTopicPartitions (75), v0 (KIP-966), as DescribeTopicPartitionsRequestHandler and
// KRaftMetadataCache.describeTopicResponse answer it.
//
// Topics by name (an empty list: every topic), sorted, from the cursor on (its topic must be among those asked
// for, its partition not negative: INVALID_REQUEST otherwise). At most min(response_partition_limit,
// max.request.partition.size.limit = 2000) partitions, at least 1; when the limit cuts a topic or topics remain,
// next_cursor says where to go on. Each partition: leader (-1 when not reachable), leader epoch, replicas, ISR,
// eligible leader replicas and last known ELR, offline replicas. Unknown topics asked for by name are
// UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an illegal name); when listing all topics they can't occur.
const MAX_REQUEST_PARTITION_SIZE_LIMIT = 2000;

export default defineHandler({
  apiKey: 75,
  minVersion: 0,
  maxVersion: 0,
  handle(request, { broker, connection }) {
    const image = broker.metadata.image;
    const listener = connection.listener;
    const fetchAll = request.topics.length === 0;
    const cursor = request.cursor;
    const cursorTopic = cursor?.topicName ?? '';
    // Kafka throws InvalidRequestException: every topic asked for gets INVALID_REQUEST (the message isn't sent).
    const fail = (message: string): Input<DescribeTopicPartitionsResponse> => {
      broker.log.debug(`DescribeTopicPartitions from connection ${connection.id}: ${message}`);
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, isInternal: false, errorCode: ErrorCode.INVALID_REQUEST, partitions: [] })),
        nextCursor: null,
      };
    };

    const names = new Set<string>();
    for (const name of fetchAll ? image.topicsByName.keys() : request.topics.map((t) => t.name)) if (name >= cursorTopic) names.add(name);
    if (!fetchAll && cursor !== null && !names.has(cursor.topicName)) {
      return fail(`DescribeTopicPartitionsRequest topic list should contain the cursor topic: ${cursor.topicName}`);
    }
    if (cursor !== null && cursor.partitionIndex < 0) return fail('DescribeTopicPartitionsRequest cursor partition must be valid');

    let remaining = Math.max(Math.min(MAX_REQUEST_PARTITION_SIZE_LIMIT, request.responsePartitionLimit), 1);
    const topics: Input<DescribeTopicPartitionsResponseTopic>[] = [];
    let nextCursor: { topicName: string; partitionIndex: number } | null = null;
    for (const name of [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (remaining <= 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const topic = image.topicsByName.get(name);
      if (topic === undefined) {
        if (fetchAll) continue;
        topics.push({
          errorCode: MetadataController.validateTopicName(name) === null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION,
          name,
          topicId: ZERO_UUID,
          isInternal: isInternalTopic(name),
          partitions: [],
          topicAuthorizedOperations: TOPIC_AUTHORIZED_OPERATIONS,
        });
        continue;
      }
      const start = name === cursorTopic && cursor !== null ? cursor.partitionIndex : 0;
      const upper = Math.min(topic.partitions.size, start + remaining);
      const partitions: Input<DescribeTopicPartitionsResponsePartition>[] = [];
      for (let id = start; id < upper; id++) {
        const p = topic.partitions.get(id);
        if (p === undefined) continue;
        partitions.push({
          errorCode: ErrorCode.NONE,
          partitionIndex: id,
          leaderId: leaderOn(image, p, listener) ?? -1,
          leaderEpoch: p.leaderEpoch,
          replicaNodes: aliveReplicas(image, p.replicas, listener, false),
          isrNodes: aliveReplicas(image, p.isr, listener, false),
          eligibleLeaderReplicas: [...(p.eligibleLeaderReplicas ?? [])],
          lastKnownElr: [...(p.lastKnownElr ?? [])],
          offlineReplicas: offlineReplicas(image, p, listener),
        });
      }
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.topicId,
        isInternal: isInternalTopic(name),
        partitions,
        topicAuthorizedOperations: TOPIC_AUTHORIZED_OPERATIONS,
      });
      remaining -= partitions.length;
      if (upper < topic.partitions.size) {
        nextCursor = { topicName: name, partitionIndex: upper };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
});

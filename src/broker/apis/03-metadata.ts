import { MetadataController } from '../../metadata/index.js';
import { ErrorCode, ZERO_UUID, type Input } from '../../protocol/index.js';
import type { MetadataResponsePartition, MetadataResponseTopic } from '../../protocol/messages/metadata-response.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  CLUSTER_AUTHORIZED_OPERATIONS,
  TOPIC_AUTHORIZED_OPERATIONS,
  aliveReplicas,
  brokersOn,
  isInternalTopic,
  leaderOn,
  offlineReplicas,
} from '../admin-common.js';
import { defineHandler, type RequestContext } from '../api.js';
import { internalTopicSpec } from '../coordinators.js';

// Metadata (3), v0-13, as KafkaApis.handleTopicMetadataRequest answers it on a KRaft broker.
// v0: an empty topic list means every topic; replicas and ISR list only reachable brokers (REPLICA_NOT_AVAILABLE
//     otherwise). v1: null topics means all topics (empty means none), controller id, rack, is_internal.
// v2: cluster id. v3: throttle time. v4: allow_auto_topic_creation (always allowed before). v5: offline replicas.
// v6: a leader without this listener is LISTENER_NOT_FOUND. v7: leader epoch. v8: topic and cluster authorized
// operations (-2147483648 when not requested). v9: flexible. v10: topic ids in the response (requests may not
// carry them until v12). v11: cluster authorized operations removed (KIP-700). v12: topics by id in requests,
// nullable topic names in responses (UNKNOWN_TOPIC_ID). v13: top-level error code (REBOOTSTRAP_REQUIRED, KIP-1102).
//
// An unknown topic is UNKNOWN_TOPIC_OR_PARTITION, or, when the client allows it and auto.create.topics.enable is
// set, is created with num.partitions and default.replication.factor and answered LEADER_NOT_AVAILABLE (the
// client asks again). An illegal name is INVALID_TOPIC_EXCEPTION.

type Topic = Input<MetadataResponseTopic> & { name: string | null };

function autoCreateSpec(ctx: RequestContext, name: string) {
  const { config } = ctx.broker;
  return internalTopicSpec(ctx.broker, name) ?? { name, numPartitions: config.numPartitions, replicationFactor: config.defaultReplicationFactor };
}

export default defineHandler({
  apiKey: 3,
  minVersion: 0,
  maxVersion: 13,
  handle(request, ctx) {
    const { version, broker } = ctx;
    const metadata = broker.metadata;
    const image = metadata.image;
    const listener = ctx.connection.listener;
    const allTopics = request.topics === null || (version === 0 && request.topics.length === 0);

    // Topic ids (and null names) only exist in requests from v12; before that Kafka rejects them.
    if (!allTopics && version < 12) {
      for (const t of request.topics!) {
        if (t.name === null || t.topicId !== ZERO_UUID) {
          return {
            topics: request.topics!.map((rt) => ({
              name: rt.name ?? '',
              topicId: rt.topicId,
              errorCode: ErrorCode.INVALID_REQUEST,
              isInternal: false,
              partitions: [],
            })),
          };
        }
      }
    }

    const topicIds = allTopics ? [] : [...new Set(request.topics!.map((t) => t.topicId).filter((id) => id !== ZERO_UUID))];
    const byId = topicIds.length > 0;
    const unknownIds: Topic[] = [];
    let names: string[];
    if (allTopics) {
      names = [...image.topicsByName.keys()].sort();
    } else if (byId) {
      names = [];
      for (const id of topicIds) {
        const t = image.topicsById.get(id);
        if (t === undefined) unknownIds.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: id, isInternal: false, partitions: [] });
        else names.push(t.name);
      }
    } else {
      names = [...new Set(request.topics!.map((t) => t.name!))];
    }

    const errorUnavailableEndpoints = version === 0;
    const errorUnavailableListeners = version >= 6;
    const describe = (name: string): Topic | undefined => {
      const topic = image.topicsByName.get(name);
      if (topic === undefined) return undefined;
      const partitions = [...topic.partitions.values()]
        .sort((a, b) => a.partitionId - b.partitionId)
        .map((p): Input<MetadataResponsePartition> => {
          const replicaNodes = aliveReplicas(image, p.replicas, listener, errorUnavailableEndpoints);
          const isrNodes = aliveReplicas(image, p.isr, listener, errorUnavailableEndpoints);
          const leader = leaderOn(image, p, listener);
          let errorCode: number = ErrorCode.NONE;
          if (leader === undefined) {
            errorCode =
              p.leader >= 0 && image.brokers.has(p.leader) && errorUnavailableListeners ? ErrorCode.LISTENER_NOT_FOUND : ErrorCode.LEADER_NOT_AVAILABLE;
          } else if (replicaNodes.length < p.replicas.length || isrNodes.length < p.isr.length) {
            errorCode = ErrorCode.REPLICA_NOT_AVAILABLE;
          }
          return {
            errorCode,
            partitionIndex: p.partitionId,
            leaderId: leader ?? -1,
            leaderEpoch: p.leaderEpoch,
            replicaNodes,
            isrNodes,
            offlineReplicas: offlineReplicas(image, p, listener),
          };
        });
      return { errorCode: ErrorCode.NONE, name, topicId: topic.topicId, isInternal: isInternalTopic(name), partitions };
    };

    const topics: Topic[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const t = describe(name);
      if (t === undefined) missing.push(name);
      else topics.push(t);
    }
    if (missing.length > 0) {
      const autoCreate = request.allowAutoTopicCreation && broker.config.autoCreateTopicsEnable;
      const creatable: string[] = [];
      for (const name of missing) {
        const invalid = MetadataController.validateTopicName(name) !== null;
        if (invalid || !autoCreate) {
          topics.push({
            errorCode: invalid ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            name,
            topicId: ZERO_UUID,
            isInternal: isInternalTopic(name),
            partitions: [],
          });
        } else {
          creatable.push(name);
        }
      }
      if (creatable.length > 0) {
        // Kafka forwards the creation to the controller and answers at once; the client asks again.
        const results = metadata.createTopics(creatable.map((name) => autoCreateSpec(ctx, name)));
        for (const r of results) {
          if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS)
            broker.log.warn(`auto-creating topic ${r.name} failed: ${r.errorMessage ?? r.errorCode}`);
          topics.push({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, name: r.name, topicId: ZERO_UUID, isInternal: isInternalTopic(r.name), partitions: [] });
        }
      }
    }

    if (version >= 8 && request.includeTopicAuthorizedOperations) {
      for (const t of topics) t.topicAuthorizedOperations = TOPIC_AUTHORIZED_OPERATIONS;
    }
    return {
      throttleTimeMs: 0,
      brokers: brokersOn(image, listener).map(({ broker: b, host, port }) => ({ nodeId: b.brokerId, host, port, rack: b.rack })),
      clusterId: metadata.clusterId,
      controllerId: ctx.connection.nodeId,
      topics: [...unknownIds, ...topics],
      clusterAuthorizedOperations:
        version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations ? CLUSTER_AUTHORIZED_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      errorCode: ErrorCode.NONE,
    };
  },
});

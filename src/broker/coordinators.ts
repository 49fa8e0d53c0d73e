import { ErrorCode } from '../protocol/index.js';
import { leaderOn, endpointOn } from './admin-common.js';
import type { Broker } from './broker.js';

/** FindCoordinator key types. */
export const CoordinatorType = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const;

const STATE_TOPICS: Record<number, string> = {
  [CoordinatorType.GROUP]: '__consumer_offsets',
  [CoordinatorType.TRANSACTION]: '__transaction_state',
  [CoordinatorType.SHARE]: '__share_group_state',
};

/**
 * AutoTopicCreationManager.creatableTopic for the coordinators' state topics: their own partition counts and
 * configs. The replication factor (Kafka's default 3) is capped at the registered brokers, so a one-node gregor
 * can host them (Kafka would refuse; its quick-start configs set 1). Undefined for any other topic.
 */
export function internalTopicSpec(broker: Broker, name: string) {
  const { config } = broker;
  const raw = (key: string, fallback: string) => Number(config.raw.get(key) ?? fallback);
  const brokers = Math.max(broker.metadata.image.brokers.size, 1);
  if (name === '__consumer_offsets') {
    return {
      name,
      numPartitions: raw('offsets.topic.num.partitions', '50'),
      replicationFactor: Math.min(raw('offsets.topic.replication.factor', '3'), brokers),
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'compression.type', value: 'producer' },
        { name: 'segment.bytes', value: config.raw.get('offsets.topic.segment.bytes') ?? '104857600' },
      ],
    };
  }
  if (name === '__transaction_state') {
    const replicationFactor = Math.min(raw('transaction.state.log.replication.factor', '3'), brokers);
    return {
      name,
      numPartitions: raw('transaction.state.log.num.partitions', '50'),
      replicationFactor,
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'compression.type', value: 'uncompressed' },
        { name: 'min.insync.replicas', value: String(Math.min(raw('transaction.state.log.min.isr', '2'), replicationFactor)) },
        { name: 'segment.bytes', value: config.raw.get('transaction.state.log.segment.bytes') ?? '104857600' },
        { name: 'unclean.leader.election.enable', value: 'false' },
      ],
    };
  }
  if (name === '__share_group_state') {
    const replicationFactor = Math.min(raw('share.coordinator.state.topic.replication.factor', '3'), brokers);
    return {
      name,
      numPartitions: raw('share.coordinator.state.topic.num.partitions', '50'),
      replicationFactor,
      configs: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'min.insync.replicas', value: String(Math.min(raw('share.coordinator.state.topic.min.isr', '2'), replicationFactor)) },
        { name: 'segment.bytes', value: config.raw.get('share.coordinator.state.topic.segment.bytes') ?? '104857600' },
      ],
    };
  }
  return undefined;
}

/** Java's String.hashCode, which Kafka's coordinators hash keys with (UTF-16 code units, int32 overflow). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The state-topic partition a key belongs to: Utils.abs(key.hashCode) % partitions. */
export function coordinatorPartition(key: string, partitions: number): number {
  return (javaStringHash(key) & 0x7fffffff) % partitions;
}

export interface CoordinatorFound {
  errorCode: 0;
  nodeId: number;
  host: string;
  port: number;
  partition: number;
}
export type CoordinatorLookup = CoordinatorFound | { errorCode: number; errorMessage: string };

export function isFound(r: CoordinatorLookup): r is CoordinatorFound {
  return 'nodeId' in r;
}

/**
 * The coordinator of a group, transactional id or share-partition key, as seen from `listener`: the leader of the
 * key's partition of the coordinator's state topic, which is created on first use as Kafka's
 * AutoTopicCreationManager does (synchronously here, so the first lookup already finds it).
 */
export function findCoordinator(broker: Broker, keyType: number, key: string, listener: string): CoordinatorLookup {
  const topic = STATE_TOPICS[keyType];
  if (topic === undefined) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unknown coordinator type: ${keyType}` };
  if (keyType === CoordinatorType.TRANSACTION && key === '')
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Transactional id cannot be empty.' };
  if (keyType === CoordinatorType.SHARE && !/^.+:[A-Za-z0-9_-]{22}:\d+$/.test(key))
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Invalid share coordinator key: ${key}` };
  const m = broker.metadata;
  let state = m.topic(topic);
  if (state === undefined) {
    const [created] = m.createTopics([internalTopicSpec(broker, topic)!]);
    if (created!.errorCode !== 0 && created!.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS)
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: created!.errorMessage ?? 'state topic not available' };
    state = m.topic(topic);
    if (state === undefined) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'state topic not available' };
  }
  const partition = coordinatorPartition(key, state.partitions.size);
  const p = state.partitions.get(partition)!;
  const leader = leaderOn(m.image, p, listener);
  const endpoint = leader === undefined ? undefined : endpointOn(m.image.brokers.get(leader), listener);
  if (leader === undefined || endpoint === undefined)
    return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.' };
  return { errorCode: 0, nodeId: leader, host: endpoint.host, port: endpoint.port, partition };
}

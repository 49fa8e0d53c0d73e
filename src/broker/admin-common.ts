/**
 * What the topic-admin and cluster handlers share: Kafka's view of brokers and partitions on a listener
 * (KRaftMetadataCache), authorized-operation bit fields without an authorizer (AuthHelper), internal topic names.
 */
import type { BrokerState, MetadataImage, PartitionState } from '../metadata/index.js';

/** The schema default of the *AuthorizedOperations fields: "not requested". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

// AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
// DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12.
const bits = (...codes: number[]): number => codes.reduce((acc, c) => acc | (1 << c), 0);

/**
 * Without an authorizer Kafka reports every operation the resource type supports (AclEntry.supportedOperations):
 * a topic READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS (3576).
 */
export const TOPIC_AUTHORIZED_OPERATIONS = bits(3, 4, 5, 8, 6, 7, 10, 11);
/** The cluster: CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE (8096). */
export const CLUSTER_AUTHORIZED_OPERATIONS = bits(5, 9, 10, 11, 12, 7, 8);
/** A group: READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS (3400). */
export const GROUP_AUTHORIZED_OPERATIONS = bits(3, 8, 6, 10, 11);

/** Topic.INTERNAL_TOPICS. */
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/** A registered broker's endpoint on `listener`, if it has one. */
export function endpointOn(broker: BrokerState | undefined, listener: string): { host: string; port: number } | undefined {
  return broker?.endpoints.find((e) => e.name === listener);
}

/** Brokers a client on `listener` can reach: registered, unfenced (unless asked), with that listener; by id. */
export function brokersOn(
  image: MetadataImage,
  listener: string,
  { includeFenced = false } = {},
): { broker: BrokerState; host: string; port: number }[] {
  return [...image.brokers.values()]
    .filter((b) => includeFenced || !b.fenced)
    .sort((a, b) => a.brokerId - b.brokerId)
    .flatMap((broker) => {
      const e = endpointOn(broker, listener);
      return e === undefined ? [] : [{ broker, host: e.host, port: e.port }];
    });
}

/** KRaftMetadataCache.maybeFilterAliveReplicas: with `filter`, only unfenced brokers that have the listener. */
export function aliveReplicas(image: MetadataImage, replicas: readonly number[], listener: string, filter: boolean): number[] {
  if (!filter) return [...replicas];
  return replicas.filter((id) => {
    const b = image.brokers.get(id);
    return b !== undefined && !b.fenced && endpointOn(b, listener) !== undefined;
  });
}

/** KRaftMetadataCache.getOfflineReplicas: replicas on unregistered or fenced brokers, or without the listener. */
export function offlineReplicas(image: MetadataImage, p: PartitionState, listener: string): number[] {
  return p.replicas.filter((id) => {
    const b = image.brokers.get(id);
    return b === undefined || b.fenced || endpointOn(b, listener) === undefined;
  });
}

/** The partition's leader when it is registered and reachable on `listener` (getAliveEndpoint), else undefined. */
export function leaderOn(image: MetadataImage, p: PartitionState, listener: string): number | undefined {
  if (p.leader < 0) return undefined;
  return endpointOn(image.brokers.get(p.leader), listener) === undefined ? undefined : p.leader;
}

/**
 * Kafka's controller turns a request timeout into a deadline (now + timeoutMs); an operation still queued at its
 * deadline fails with REQUEST_TIMED_OUT and does nothing. A timeout of zero or less is always past.
 */
export function timedOut(timeoutMs: number): boolean {
  return timeoutMs <= 0;
}

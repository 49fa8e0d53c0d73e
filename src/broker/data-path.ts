/**
 * What the data-path handlers (Produce, Fetch, ListOffsets, OffsetForLeaderEpoch, DeleteRecords,
 * DescribeProducers) share: finding a partition's log the way Kafka's Partition does (leader epoch fencing
 * first, then leadership), the topic settings the handlers read beyond storage's LogConfig, and Kafka's
 * error codes for what storage throws.
 */
import { ErrorCode } from '../protocol/index.js';
import { RecordsError } from '../protocol/records/index.js';
import type { MetadataController, PartitionState } from '../metadata/index.js';
import { LONG_MAX, StorageError, type PartitionLog } from '../storage/index.js';
import type { Broker } from './broker.js';

/** Clients may not produce to internal topics (isInternalTopic); only this client id may. */
export const ADMIN_CLIENT_ID = '__admin_client';

/** RecordBatch.NO_PARTITION_LEADER_EPOCH: "no current leader epoch given" in requests. */
export const NO_EPOCH = -1;

export type LocalPartition = { log: PartitionLog; state: PartitionState };

/**
 * Kafka's Partition.getLocalLog(currentLeaderEpoch, requireLeader = true): unknown partition, then the
 * caller's leader epoch (FENCED_LEADER_EPOCH when older than ours, UNKNOWN_LEADER_EPOCH when newer), then
 * leadership. -1 means the caller gave no epoch.
 */
export function localPartition(broker: Broker, topic: string, partition: number, currentLeaderEpoch = NO_EPOCH): LocalPartition | { errorCode: number } {
  const state = broker.metadata.partition(topic, partition);
  if (state === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  if (currentLeaderEpoch !== NO_EPOCH) {
    if (state.leaderEpoch > currentLeaderEpoch) return { errorCode: ErrorCode.FENCED_LEADER_EPOCH };
    if (state.leaderEpoch < currentLeaderEpoch) return { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH };
  }
  const found = broker.replicas.leaderLog(topic, partition);
  if ('error' in found) return { errorCode: ErrorCode[found.error] };
  return found;
}

/** The Kafka error code for something storage (or the records layer) threw; unknown errors are rethrown. */
export function storageErrorCode(e: unknown): number {
  if (e instanceof StorageError) return e.code;
  if (e instanceof RecordsError) return e.code;
  throw e;
}

/** The topic configs the data path reads that storage's LogConfig does not carry. */
export interface TopicSettings {
  compact: boolean;
  deleteAllowed: boolean;
  /** message.timestamp.before.max.ms / after.max.ms (LONG_MAX = unbounded). */
  timestampBeforeMaxMs: number;
  timestampAfterMaxMs: number;
  minInsyncReplicas: number;
  compressionType: string;
}

const settingsCache = new WeakMap<MetadataController, { offset: number; byTopic: Map<string, TopicSettings> }>();

function long(value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  return Number.isFinite(n) ? n : dflt;
}

/** A topic's data-path settings, cached until the metadata image moves on. */
export function topicSettings(metadata: MetadataController, topic: string): TopicSettings {
  const offset = metadata.image.offset;
  let cache = settingsCache.get(metadata);
  if (cache === undefined || cache.offset !== offset) settingsCache.set(metadata, (cache = { offset, byTopic: new Map() }));
  let s = cache.byTopic.get(topic);
  if (s === undefined) {
    const c = metadata.topicConfig(topic);
    const policy = (c['cleanup.policy'] ?? 'delete').split(',').map((p) => p.trim());
    s = {
      compact: policy.includes('compact'),
      deleteAllowed: policy.includes('delete'),
      timestampBeforeMaxMs: long(c['message.timestamp.before.max.ms'], LONG_MAX),
      timestampAfterMaxMs: long(c['message.timestamp.after.max.ms'], 3600000),
      minInsyncReplicas: long(c['min.insync.replicas'], 1),
      compressionType: c['compression.type'] ?? 'producer',
    };
    cache.byTopic.set(topic, s);
  }
  return s;
}

/** A broker config from server.properties, as an integer, with Kafka's default. */
export function brokerInt(broker: Broker, key: string, dflt: number): number {
  const text = broker.config.raw.get(key);
  if (text === undefined) return dflt;
  const n = Number(text.trim());
  return Number.isInteger(n) ? n : dflt;
}

/**
 * KIP-951 (Produce v10+, Fetch v16+): with NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH, the partition's
 * current leader and that leader's endpoint on the listener the request came in on.
 */
export function currentLeaderOf(
  broker: Broker,
  topic: string,
  partition: number,
  listener: string,
): { leader: { leaderId: number; leaderEpoch: number }; endpoint?: { nodeId: number; host: string; port: number; rack: string | null } } | undefined {
  const state = broker.metadata.partition(topic, partition);
  if (state === undefined || state.leader < 0) return undefined;
  const node = broker.metadata.broker(state.leader);
  // Only that listener's endpoint: another listener's address may be unreachable for this client (Kafka's getPartitionLeaderEndpoint).
  const ep = node?.endpoints.find((e) => e.name === listener);
  return {
    leader: { leaderId: state.leader, leaderEpoch: state.leaderEpoch },
    endpoint: ep && node ? { nodeId: node.brokerId, host: ep.host, port: ep.port, rack: node.rack } : undefined,
  };
}

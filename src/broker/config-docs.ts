/**
 * What DescribeConfigs needs beyond the metadata layer's config definitions: the broker configs gregor reports
 * (Kafka's names, types and defaults; which ones Kafka can change at runtime — DynamicBrokerConfig), the config
 * type codes, and a short documentation line per config (DescribeConfigs v3+ with include_documentation).
 */
import { GROUP_CONFIGS, TOPIC_CONFIGS } from '../metadata/index.js';

/** DescribeConfigsResponse.ConfigType ids. */
export const CONFIG_TYPE_IDS: Readonly<Record<string, number>> = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
};

export interface BrokerConfigDef {
  name: string;
  type: keyof typeof CONFIG_TYPE_IDS;
  /** Kafka's default as DescribeConfigs prints it; null when there is none. */
  defaultValue: string | null;
  /** In DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS: changeable at runtime (DescribeConfigs read_only = false). */
  dynamic: boolean;
  doc: string;
  sensitive?: boolean;
}

/**
 * Where gregor's default differs from Kafka's (and DescribeConfigs reports gregor's, since it is what runs): a
 * single node is node 1 (Kafka requires node.id); and a new classic group rebalances at once instead of waiting
 * 3 s for more members: Kafka's default is 3000, but the config/server.properties Kafka ships sets 0 "for a
 * better out-of-the-box experience for development and testing", and gregor is that dev broker (a set value is
 * still honoured).
 */
const GREGOR_DEFAULTS: Readonly<Record<string, string>> = { 'node.id': '1', 'group.initial.rebalance.delay.ms': '0' };

const LONG_MAX = '9223372036854775807';
const d = (name: string, type: BrokerConfigDef['type'], defaultValue: string | null, dynamic: boolean, doc: string): BrokerConfigDef => ({
  name,
  type,
  defaultValue: GREGOR_DEFAULTS[name] ?? defaultValue,
  dynamic,
  doc,
});

/** The broker configs gregor describes, sorted by name. */
export const BROKER_CONFIGS: readonly BrokerConfigDef[] = [
  d('advertised.listeners', 'STRING', null, true, 'Listeners published for clients to use, if different from the listeners the broker binds to.'),
  d('auto.create.topics.enable', 'BOOLEAN', 'true', false, 'Enable auto creation of topics on the server.'),
  d('auto.leader.rebalance.enable', 'BOOLEAN', 'true', false, 'Enables automatic leader balancing.'),
  d('background.threads', 'INT', '10', true, 'The number of threads to use for various background processing tasks.'),
  d('broker.id', 'INT', '-1', false, 'The broker id for this server (in KRaft mode, the node id).'),
  d('compression.gzip.level', 'INT', '-1', true, 'The compression level to use if compression.type is set to gzip.'),
  d('compression.lz4.level', 'INT', '9', true, 'The compression level to use if compression.type is set to lz4.'),
  d('compression.type', 'STRING', 'producer', true, 'The final compression type for a given topic.'),
  d('compression.zstd.level', 'INT', '3', true, 'The compression level to use if compression.type is set to zstd.'),
  d('controller.listener.names', 'STRING', null, false, 'A comma-separated list of the names of the listeners used by the controller.'),
  d('default.replication.factor', 'INT', '1', false, 'The replication factor for automatically created topics, and for topics created with -1 as the replication factor.'),
  d('delete.topic.enable', 'BOOLEAN', 'true', false, 'Enables delete topic.'),
  d('group.consumer.assignors', 'LIST', 'org.apache.kafka.coordinator.group.assignor.UniformAssignor,org.apache.kafka.coordinator.group.assignor.RangeAssignor', false, 'The server-side assignors as a list of class names (or short names uniform, range); the first is the default.'),
  d('group.consumer.heartbeat.interval.ms', 'INT', '5000', false, 'The heartbeat interval given to the members of a consumer group.'),
  d('group.consumer.max.size', 'INT', '2147483647', false, 'The maximum number of consumers that a single consumer group supports.'),
  d('group.consumer.session.timeout.ms', 'INT', '45000', false, 'The timeout to detect client failures when using the consumer group protocol.'),
  d('group.initial.rebalance.delay.ms', 'INT', '3000', false, 'The amount of time the group coordinator will wait for more consumers to join a new group before performing the first rebalance.'),
  d('group.max.session.timeout.ms', 'INT', '1800000', false, 'The maximum allowed session timeout for registered consumers. Longer timeouts give consumers more time to process messages in between heartbeats at the cost of a longer time to detect failures.'),
  d('group.max.size', 'INT', '2147483647', false, 'The maximum number of consumers that a single consumer group can accommodate.'),
  d('group.min.session.timeout.ms', 'INT', '6000', false, 'The minimum allowed session timeout for registered consumers. Shorter timeouts result in quicker failure detection at the cost of more frequent consumer heartbeating, which can overwhelm broker resources.'),
  d('listener.security.protocol.map', 'STRING', 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', true, 'Map between listener names and security protocols (NAME:PROTOCOL,…); a listener name other than a protocol\'s own needs an entry.'),
  d('listeners', 'STRING', 'PLAINTEXT://:9092', true, 'Listener list: comma-separated URIs the broker listens on, with their listener names.'),
  d('log.cleaner.delete.retention.ms', 'LONG', '86400000', true, 'The amount of time to retain tombstone markers for log compacted topics.'),
  d('log.cleaner.max.compaction.lag.ms', 'LONG', LONG_MAX, true, 'The maximum time a message will remain ineligible for compaction in the log.'),
  d('log.cleaner.min.cleanable.ratio', 'DOUBLE', '0.5', true, 'The minimum ratio of dirty log to total log for a log to be eligible for cleaning.'),
  d('log.cleaner.min.compaction.lag.ms', 'LONG', '0', true, 'The minimum time a message will remain uncompacted in the log.'),
  d('log.cleaner.threads', 'INT', '1', true, 'The number of background threads to use for log cleaning.'),
  d('log.cleanup.policy', 'LIST', 'delete', true, 'The default cleanup policy for segments beyond the retention window: delete or compact.'),
  d('log.dir', 'STRING', '/tmp/kafka-logs', false, 'The directory in which the log data is kept (supplemental for log.dirs).'),
  d('log.dirs', 'STRING', null, false, 'A comma-separated list of the directories where the log data is stored.'),
  d('log.flush.interval.messages', 'LONG', LONG_MAX, true, 'The number of messages accumulated on a log partition before messages are flushed to disk.'),
  d('log.flush.interval.ms', 'LONG', null, true, 'The maximum time in ms that a message in any topic is kept in memory before flushed to disk.'),
  d('log.flush.scheduler.interval.ms', 'LONG', LONG_MAX, false, 'The frequency in ms that the log flusher checks whether any log needs to be flushed to disk.'),
  d('log.index.interval.bytes', 'INT', '4096', true, 'The interval with which we add an entry to the offset index.'),
  d('log.index.size.max.bytes', 'INT', '10485760', true, 'The maximum size in bytes of the offset index.'),
  d('log.local.retention.bytes', 'LONG', '-2', true, 'The maximum size of local log segments that can grow for a partition before it gets eligible for deletion.'),
  d('log.local.retention.ms', 'LONG', '-2', true, 'The number of milliseconds to keep the local log segments before it gets eligible for deletion.'),
  d('log.message.timestamp.after.max.ms', 'LONG', '3600000', true, 'The maximum allowed time a message timestamp may be ahead of the broker timestamp.'),
  d('log.message.timestamp.before.max.ms', 'LONG', LONG_MAX, true, 'The maximum allowed time a message timestamp may be behind the broker timestamp.'),
  d('log.message.timestamp.type', 'STRING', 'CreateTime', true, 'Whether the timestamp in the message is message create time or log append time.'),
  d('log.preallocate', 'BOOLEAN', 'false', true, 'Whether to preallocate the file when creating a new segment.'),
  d('log.retention.bytes', 'LONG', '-1', true, 'The maximum size of the log before deleting it.'),
  d('log.retention.check.interval.ms', 'LONG', '300000', false, 'The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion.'),
  d('log.retention.hours', 'INT', '168', false, 'The number of hours to keep a log file before deleting it, tertiary to log.retention.ms.'),
  d('log.retention.minutes', 'INT', null, false, 'The number of minutes to keep a log file before deleting it, secondary to log.retention.ms.'),
  d('log.retention.ms', 'LONG', null, true, 'The number of milliseconds to keep a log file before deleting it; -1 means no time limit.'),
  d('log.roll.hours', 'INT', '168', false, 'The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms.'),
  d('log.roll.jitter.hours', 'INT', '0', false, 'The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms.'),
  d('log.roll.jitter.ms', 'LONG', null, true, 'The maximum jitter to subtract from logRollTimeMillis (in milliseconds).'),
  d('log.roll.ms', 'LONG', null, true, 'The maximum time before a new log segment is rolled out (in milliseconds).'),
  d('log.segment.bytes', 'INT', '1073741824', true, 'The maximum size of a single log file.'),
  d('log.segment.delete.delay.ms', 'LONG', '60000', true, 'The amount of time to wait before deleting a file from the filesystem.'),
  d('message.max.bytes', 'INT', '1048588', true, 'The largest record batch size allowed by Kafka (after compression if compression is enabled).'),
  d('min.insync.replicas', 'INT', '1', true, 'The minimum number of in-sync replicas that must acknowledge a write for it to succeed when acks=all.'),
  d('node.id', 'INT', '-1', false, 'The node ID associated with the roles this process is playing.'),
  d('num.io.threads', 'INT', '8', true, 'The number of threads that the server uses for processing requests.'),
  d('num.network.threads', 'INT', '3', true, 'The number of threads that the server uses for receiving requests and sending responses.'),
  d('num.partitions', 'INT', '1', false, 'The default number of log partitions per topic.'),
  d('num.recovery.threads.per.data.dir', 'INT', '2', true, 'The number of threads per data directory used for log recovery at startup and flushing at shutdown.'),
  d('num.replica.fetchers', 'INT', '1', true, 'Number of fetcher threads used to replicate records from each source broker.'),
  d('offset.metadata.max.bytes', 'INT', '4096', false, 'The maximum size for a metadata entry associated with an offset commit.'),
  d('offsets.retention.minutes', 'INT', '10080', false, 'How long committed offsets of a group without members are kept.'),
  d('offsets.retention.check.interval.ms', 'LONG', '600000', false, 'Frequency at which to check for stale offsets.'),
  d('offsets.topic.num.partitions', 'INT', '50', false, 'The number of partitions for the offset commit topic.'),
  d('offsets.topic.replication.factor', 'SHORT', '3', false, 'The replication factor for the offsets topic.'),
  d('process.roles', 'LIST', '', false, 'The roles that this process plays: broker, controller, or both.'),
  d('producer.id.expiration.check.interval.ms', 'INT', '600000', false, 'The interval at which to remove producer IDs that have expired due to producer.id.expiration.ms passing.'),
  d('producer.id.expiration.ms', 'INT', '86400000', true, 'The time in ms that a topic partition leader will wait before expiring producer IDs.'),
  d('socket.receive.buffer.bytes', 'INT', '102400', false, 'The SO_RCVBUF buffer of the socket server sockets.'),
  d('socket.request.max.bytes', 'INT', '104857600', false, 'The maximum number of bytes in a socket request.'),
  d('socket.send.buffer.bytes', 'INT', '102400', false, 'The SO_SNDBUF buffer of the socket server sockets.'),
  d('transaction.state.log.min.isr', 'INT', '2', false, 'The minimum number of replicas that must acknowledge a write to the transaction topic.'),
  d('transaction.state.log.num.partitions', 'INT', '50', false, 'The number of partitions for the transaction topic.'),
  d('transaction.state.log.replication.factor', 'SHORT', '3', false, 'The replication factor for the transaction topic.'),
  d('unclean.leader.election.enable', 'BOOLEAN', 'false', true, 'Whether replicas not in the ISR may be elected leader as a last resort.'),
];

export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, BrokerConfigDef> = new Map(BROKER_CONFIGS.map((c) => [c.name, c]));

/**
 * DynamicBrokerConfig.brokerConfigSynonyms: the names a broker config is also known by, highest priority first
 * (log.retention.ms, then .minutes, then .hours).
 */
export function brokerConfigSynonyms(name: string): string[] {
  switch (name) {
    case 'log.retention.ms':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    case 'log.retention.minutes':
      return ['log.retention.minutes', 'log.retention.hours'];
    case 'log.roll.ms':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    default:
      return [name];
  }
}

const TOPIC_DOCS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'The retention policy to use on old log segments: "delete" discards them, "compact" keeps the latest value of each key; both may be given.',
  'compression.gzip.level': 'The compression level to use if compression.type is set to gzip.',
  'compression.lz4.level': 'The compression level to use if compression.type is set to lz4.',
  'compression.type': 'The final compression type for the topic: a codec, "uncompressed", or "producer" to keep what the producer sent.',
  'compression.zstd.level': 'The compression level to use if compression.type is set to zstd.',
  'delete.retention.ms': 'The amount of time to retain delete tombstone markers for log compacted topics.',
  'file.delete.delay.ms': 'The time to wait before deleting a file from the filesystem.',
  'flush.messages': 'The number of messages written to a log partition before an fsync is forced.',
  'flush.ms': 'The time after which an fsync of the log is forced.',
  'follower.replication.throttled.replicas': 'A list of replicas for which log replication should be throttled on the follower side.',
  'index.interval.bytes': 'How frequently Kafka adds an index entry to its offset index.',
  'leader.replication.throttled.replicas': 'A list of replicas for which log replication should be throttled on the leader side.',
  'local.retention.bytes': 'The maximum size of local log segments before they become eligible for deletion (tiered storage).',
  'local.retention.ms': 'The time to keep local log segments before they become eligible for deletion (tiered storage).',
  'max.compaction.lag.ms': 'The maximum time a message will remain ineligible for compaction in the log.',
  'max.message.bytes': 'The largest record batch size allowed by Kafka (after compression if compression is enabled).',
  'message.timestamp.after.max.ms': 'The maximum difference allowed between a future message timestamp and the broker timestamp.',
  'message.timestamp.before.max.ms': 'The maximum difference allowed between a past message timestamp and the broker timestamp.',
  'message.timestamp.type': 'Whether the timestamp in the message is message create time or log append time.',
  'min.cleanable.dirty.ratio': 'How frequently the log compactor will attempt to clean the log (the minimum ratio of dirty log to total log).',
  'min.compaction.lag.ms': 'The minimum time a message will remain uncompacted in the log.',
  'min.insync.replicas': 'The minimum number of replicas that must acknowledge a write for it to succeed when acks=all.',
  preallocate: 'True if we should preallocate the file on disk when creating a new log segment.',
  'remote.log.copy.disable': 'Whether to stop copying log segments to remote storage for a tiered topic.',
  'remote.log.delete.on.disable': 'Whether to delete remote data when tiered storage is disabled for the topic.',
  'remote.storage.enable': 'Whether to enable tiered storage for the topic.',
  'retention.bytes': 'The maximum size a partition can grow to before old log segments are discarded; -1 means no size limit.',
  'retention.ms': 'The maximum time a log is retained before old log segments are discarded; -1 means no time limit.',
  'segment.bytes': 'The segment file size for the log.',
  'segment.index.bytes': 'The size of the index that maps offsets to file positions.',
  'segment.jitter.ms': 'The maximum random jitter subtracted from the scheduled segment roll time.',
  'segment.ms': 'The period of time after which Kafka will force the log to roll even if the segment file isn\'t full.',
  'unclean.leader.election.enable': 'Whether replicas not in the ISR may be elected leader as a last resort, even though doing so may result in data loss.',
};

const GROUP_DOCS: Readonly<Record<string, string>> = {
  'consumer.heartbeat.interval.ms': 'The heartbeat interval given to the members of a consumer group.',
  'consumer.session.timeout.ms': 'The timeout to detect client failures when using the consumer group protocol.',
  'share.auto.offset.reset': 'The strategy to initialize the share-partition start offset.',
  'share.heartbeat.interval.ms': 'The heartbeat interval given to the members of a share group.',
  'share.isolation.level': 'Controls how to read records written transactionally in a share group.',
  'share.record.lock.duration.ms': 'The record acquisition lock duration in milliseconds for share groups.',
  'share.session.timeout.ms': 'The timeout to detect client failures when using the share group protocol.',
  'streams.heartbeat.interval.ms': 'The heartbeat interval given to the members of a streams group.',
  'streams.num.standby.replicas': 'The number of standby replicas for each task of a streams group.',
  'streams.session.timeout.ms': 'The timeout to detect client failures when using the streams group protocol.',
};

const TOPIC_TYPES = new Map(TOPIC_CONFIGS.map((c) => [c.name, c.type as string]));
const GROUP_TYPES = new Map(GROUP_CONFIGS.map((c) => [c.name, c.type as string]));

export function topicConfigDoc(name: string): string | null {
  return TOPIC_DOCS[name] ?? null;
}

export function groupConfigDoc(name: string): string | null {
  return GROUP_DOCS[name] ?? null;
}

export function topicConfigType(name: string): number {
  return CONFIG_TYPE_IDS[TOPIC_TYPES.get(name) ?? 'UNKNOWN'] ?? 0;
}

export function groupConfigType(name: string): number {
  return CONFIG_TYPE_IDS[GROUP_TYPES.get(name) ?? 'UNKNOWN'] ?? 0;
}

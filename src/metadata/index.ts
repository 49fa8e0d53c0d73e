/**
 * gregor's KRaft metadata: a combined broker+controller with a single-voter quorum.
 *
 *   openDataDir(dir, { nodeId })          format or check the data directory (meta.properties)
 *   MetadataController.open({ … })        replay snapshot + log, become leader, serve controller operations
 *
 * See controller.ts for the operations, image.ts for the image and its deltas, features.ts for the feature
 * levels, snapshot.ts for the snapshot files, serde.ts for the record framing.
 */
export {
  MetadataController,
  METADATA_LOG_CONFIG,
  METADATA_PARTITION,
  METADATA_TOPIC_ID,
  METADATA_TOPIC_NAME,
  MAX_PARTITIONS_PER_REQUEST,
  PRODUCER_ID_BLOCK_SIZE,
  ElectionType,
  type AllocateProducerIdsResult,
  type AlterableConfig,
  type AlterConfigsResult,
  type AlterResource,
  type BrokerRegistrationRequest,
  type BrokerRegistrationResult,
  type CreatableTopic,
  type CreatableTopicResult,
  type CreatePartitionsResult,
  type CreatePartitionsTopic,
  type DeletableTopic,
  type DeletableTopicResult,
  type ElectLeadersResult,
  type FeatureUpdate,
  type FeatureUpdateResult,
  type IncrementalAlterResource,
  type MetadataControllerOptions,
  type MetadataListener,
  type StartupReport,
  type UpdateFeaturesResult,
} from './controller.js';
export {
  emptyImage,
  applyRecord,
  imageRecords,
  NO_LEADER,
  NO_LEADER_CHANGE,
  type BrokerEndpoint,
  type BrokerFeatureRange,
  type BrokerState,
  type MetadataDelta,
  type MetadataImage,
  type PartitionState,
  type TopicState,
} from './image.js';
export {
  openDataDir,
  readMetaProperties,
  writeMetaProperties,
  serializeMetaProperties,
  javaDateString,
  META_PROPERTIES_FILE,
  type DataDirInfo,
  type MetaProperties,
  type OpenDataDirOptions,
} from './meta-properties.js';
export {
  AlterConfigOp,
  ConfigResourceType,
  ConfigSource,
  TOPIC_CONFIGS,
  GROUP_CONFIGS,
  effectiveTopicConfigs,
  type ConfigEntry,
} from './configs.js';
export * from './features.js';
export { ErrorCode, DataDirError, MetadataLogError, MetadataWriteError, type ApiError } from './errors.js';
export { decodeMetadataRecord, encodeMetadataRecord, METADATA_FRAME_VERSION, MetadataRecordType, type MetadataRecord } from './serde.js';
export { listSnapshots, readSnapshot, snapshotFileName, type SnapshotId } from './snapshot.js';
export { QUORUM_STATE_FILE, type QuorumDescription, type QuorumEndpoint, type ReplicaStateInfo } from './quorum.js';
export { randomKafkaUuid, randomDirectoryId, isKafkaUuid, ZERO_UUID, ONE_UUID } from './uuid.js';
export type { LogManagerLike, PartitionLogLike } from './log-types.js';

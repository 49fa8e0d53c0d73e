/**
 * The in-memory metadata image: plain typed objects rebuilt by replaying metadata records (Kafka's
 * MetadataImage + MetadataDelta). applyRecord() is the only writer; imageRecords() turns an image back into
 * the records a snapshot holds, in the order Kafka's image writers use (features, cluster, topics, configs,
 * producer ids).
 */
import type {
  BrokerRegistrationChangeRecord,
  ConfigRecord,
  FeatureLevelRecord,
  FenceBrokerRecord,
  PartitionChangeRecord,
  PartitionRecord,
  ProducerIdsRecord,
  RegisterBrokerRecord,
  RemoveTopicRecord,
  TopicRecord,
  UnfenceBrokerRecord,
  UnregisterBrokerRecord,
} from '../protocol/messages/metadata/index.js';
import { ConfigResourceType } from './configs.js';
import { MetadataLogError } from './errors.js';
import { METADATA_VERSION, recordVersionsFor } from './features.js';
import { MetadataRecordType as T, type MetadataRecord } from './serde.js';

export const NO_LEADER = -1;
export const NO_LEADER_CHANGE = -2;

export interface PartitionState {
  topicId: string;
  partitionId: number;
  /** Preferred order: replicas[0] is the preferred leader. */
  replicas: number[];
  isr: number[];
  removingReplicas: number[];
  addingReplicas: number[];
  /** -1 when the partition has no leader. */
  leader: number;
  /** 0 recovered, 1 recovering (after an unclean election). */
  leaderRecoveryState: number;
  leaderEpoch: number;
  partitionEpoch: number;
  /** Log directory id of each replica (same order as replicas); empty before metadata.version 3.7-IV2. */
  directories: string[];
  eligibleLeaderReplicas: number[] | null;
  lastKnownElr: number[] | null;
}

export interface TopicState {
  name: string;
  topicId: string;
  partitions: Map<number, PartitionState>;
}

export interface BrokerEndpoint {
  name: string;
  host: string;
  port: number;
  /** SecurityProtocol id: 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT, 3 SASL_SSL. */
  securityProtocol: number;
}

export interface BrokerFeatureRange {
  name: string;
  minSupportedVersion: number;
  maxSupportedVersion: number;
}

export interface BrokerState {
  brokerId: number;
  incarnationId: string;
  /** The offset of the RegisterBrokerRecord that registered this incarnation. */
  brokerEpoch: bigint;
  endpoints: BrokerEndpoint[];
  features: BrokerFeatureRange[];
  rack: string | null;
  fenced: boolean;
  inControlledShutdown: boolean;
  isMigratingZkBroker: boolean;
  logDirs: string[];
}

export interface MetadataImage {
  clusterId: string;
  nodeId: number;
  /** Offset of the last batch record read from the log or snapshot (-1 for none), and that batch's epoch. */
  offset: number;
  epoch: number;
  /** Max timestamp of the last batch applied (SnapshotHeaderRecord.lastContainedLogTimestamp). */
  lastTimestamp: number;
  /** Finalized features from FeatureLevelRecords (kraft.version lives in the quorum state). */
  features: Map<string, number>;
  brokers: Map<number, BrokerState>;
  topicsByName: Map<string, TopicState>;
  topicsById: Map<string, TopicState>;
  /** resourceType → resourceName → config name → value. */
  configs: Map<number, Map<string, Map<string, string>>>;
  producerIds: { nextProducerId: bigint };
}

export function emptyImage(clusterId: string, nodeId: number): MetadataImage {
  return {
    clusterId,
    nodeId,
    offset: -1,
    epoch: -1,
    lastTimestamp: -1,
    features: new Map(),
    brokers: new Map(),
    topicsByName: new Map(),
    topicsById: new Map(),
    configs: new Map(),
    producerIds: { nextProducerId: 0n },
  };
}

/** What one committed batch changed, for subscribers (create/delete logs, refresh caches). */
export interface MetadataDelta {
  /** Offsets of the batch in the metadata log. */
  baseOffset: number;
  lastOffset: number;
  epoch: number;
  records: readonly MetadataRecord[];
  /** Topics created by this batch, as they are after it (their partitions included in partitionsCreated too). */
  topicsCreated: TopicState[];
  /** Topics removed by this batch, as they were before it. */
  topicsDeleted: TopicState[];
  /** Every partition created by this batch: those of new topics and those added to existing topics. */
  partitionsCreated: { topic: string; topicId: string; partition: PartitionState }[];
  /** Partitions changed by PartitionChangeRecords (leader moves, ISR changes), as they are after the batch. */
  partitionsChanged: { topic: string; topicId: string; partition: PartitionState; previous: PartitionState }[];
  configsChanged: { resourceType: number; resourceName: string }[];
  brokersChanged: number[];
  featuresChanged: string[];
  producerIdsChanged: boolean;
}

export function emptyDelta(baseOffset: number, lastOffset: number, epoch: number): MetadataDelta {
  return {
    baseOffset,
    lastOffset,
    epoch,
    records: [],
    topicsCreated: [],
    topicsDeleted: [],
    partitionsCreated: [],
    partitionsChanged: [],
    configsChanged: [],
    brokersChanged: [],
    featuresChanged: [],
    producerIdsChanged: false,
  };
}

function copyPartition(p: PartitionState): PartitionState {
  return {
    ...p,
    replicas: [...p.replicas],
    isr: [...p.isr],
    removingReplicas: [...p.removingReplicas],
    addingReplicas: [...p.addingReplicas],
    directories: [...p.directories],
    eligibleLeaderReplicas: p.eligibleLeaderReplicas && [...p.eligibleLeaderReplicas],
    lastKnownElr: p.lastKnownElr && [...p.lastKnownElr],
  };
}

function resourceConfigs(image: MetadataImage, type: number, name: string, create: true): Map<string, string>;
function resourceConfigs(image: MetadataImage, type: number, name: string, create: false): Map<string, string> | undefined;
function resourceConfigs(image: MetadataImage, type: number, name: string, create: boolean): Map<string, string> | undefined {
  let byName = image.configs.get(type);
  if (!byName) {
    if (!create) return undefined;
    byName = new Map();
    image.configs.set(type, byName);
  }
  let configs = byName.get(name);
  if (!configs && create) {
    configs = new Map();
    byName.set(name, configs);
  }
  return configs;
}

/** The dynamic configs of one resource (undefined when it has none). */
export function configsOf(image: MetadataImage, resourceType: number, resourceName: string): ReadonlyMap<string, string> | undefined {
  return resourceConfigs(image, resourceType, resourceName, false);
}

/** Record types that carry nothing the image models and may be skipped without loss. */
const NEUTRAL_TYPES: ReadonlySet<number> = new Set([
  T.NO_OP,
  T.BEGIN_TRANSACTION,
  T.END_TRANSACTION,
  T.ABORT_TRANSACTION,
  T.REGISTER_CONTROLLER,
  T.UNREGISTER_CONTROLLER,
  T.ZK_MIGRATION_STATE,
  T.CLEAR_ELR,
]);

/**
 * Applies one metadata record. `delta`, when given, collects what changed. Throws MetadataLogError when a
 * record contradicts the image (a partition of an unknown topic, …): replay must stop rather than guess.
 * Returns false for a record type the image does not model (ACLs, quotas, SCRAM, delegation tokens), which
 * is skipped.
 */
export function applyRecord(image: MetadataImage, record: MetadataRecord, delta?: MetadataDelta): boolean {
  switch (record.apiKey) {
    case T.TOPIC: {
      const r = record.message as TopicRecord;
      const topic: TopicState = { name: r.name, topicId: r.topicId, partitions: new Map() };
      const previous = image.topicsByName.get(r.name);
      if (previous && previous.topicId !== r.topicId) image.topicsById.delete(previous.topicId);
      image.topicsByName.set(r.name, topic);
      image.topicsById.set(r.topicId, topic);
      delta?.topicsCreated.push(topic);
      return true;
    }
    case T.PARTITION: {
      const r = record.message as PartitionRecord;
      const topic = image.topicsById.get(r.topicId);
      if (!topic) throw new MetadataLogError(`PartitionRecord for partition ${r.partitionId} of unknown topic id ${r.topicId}`);
      const partition: PartitionState = {
        topicId: r.topicId,
        partitionId: r.partitionId,
        replicas: r.replicas,
        isr: r.isr,
        removingReplicas: r.removingReplicas,
        addingReplicas: r.addingReplicas,
        leader: r.leader,
        leaderRecoveryState: r.leaderRecoveryState,
        leaderEpoch: r.leaderEpoch,
        partitionEpoch: r.partitionEpoch,
        directories: r.directories,
        eligibleLeaderReplicas: r.eligibleLeaderReplicas,
        lastKnownElr: r.lastKnownElr,
      };
      topic.partitions.set(r.partitionId, partition);
      delta?.partitionsCreated.push({ topic: topic.name, topicId: topic.topicId, partition });
      return true;
    }
    case T.PARTITION_CHANGE: {
      const r = record.message as PartitionChangeRecord;
      const topic = image.topicsById.get(r.topicId);
      const p = topic?.partitions.get(r.partitionId);
      if (!topic || !p) throw new MetadataLogError(`PartitionChangeRecord for unknown partition ${r.topicId}-${r.partitionId}`);
      const previous = delta ? copyPartition(p) : p;
      // PartitionRegistration.merge: a leader field other than NO_LEADER_CHANGE bumps the leader epoch.
      if (r.leader !== NO_LEADER_CHANGE) {
        p.leader = r.leader;
        p.leaderEpoch += 1;
      }
      if (r.isr !== null) p.isr = r.isr;
      if (r.replicas !== null) p.replicas = r.replicas;
      if (r.removingReplicas !== null) p.removingReplicas = r.removingReplicas;
      if (r.addingReplicas !== null) p.addingReplicas = r.addingReplicas;
      if (r.leaderRecoveryState !== -1) p.leaderRecoveryState = r.leaderRecoveryState;
      if (r.directories !== null) p.directories = r.directories;
      if (r.eligibleLeaderReplicas !== null) p.eligibleLeaderReplicas = r.eligibleLeaderReplicas;
      if (r.lastKnownElr !== null) p.lastKnownElr = r.lastKnownElr;
      p.partitionEpoch += 1;
      delta?.partitionsChanged.push({ topic: topic.name, topicId: topic.topicId, partition: p, previous });
      return true;
    }
    case T.REMOVE_TOPIC: {
      const r = record.message as RemoveTopicRecord;
      const topic = image.topicsById.get(r.topicId);
      if (!topic) throw new MetadataLogError(`RemoveTopicRecord for unknown topic id ${r.topicId}`);
      image.topicsById.delete(r.topicId);
      if (image.topicsByName.get(topic.name) === topic) image.topicsByName.delete(topic.name);
      // MetadataDelta.replay(RemoveTopicRecord) also deletes the topic's configs.
      const topicConfigs = image.configs.get(ConfigResourceType.TOPIC);
      if (topicConfigs?.delete(topic.name)) delta?.configsChanged.push({ resourceType: ConfigResourceType.TOPIC, resourceName: topic.name });
      if (delta) {
        const created = delta.topicsCreated.indexOf(topic);
        if (created >= 0) delta.topicsCreated.splice(created, 1);
        delta.topicsDeleted.push(topic);
      }
      return true;
    }
    case T.CONFIG: {
      const r = record.message as ConfigRecord;
      if (r.value === null) {
        const configs = resourceConfigs(image, r.resourceType, r.resourceName, false);
        if (configs) {
          configs.delete(r.name);
          if (configs.size === 0) image.configs.get(r.resourceType)!.delete(r.resourceName);
        }
      } else {
        resourceConfigs(image, r.resourceType, r.resourceName, true).set(r.name, r.value);
      }
      if (delta && !delta.configsChanged.some((c) => c.resourceType === r.resourceType && c.resourceName === r.resourceName)) {
        delta.configsChanged.push({ resourceType: r.resourceType, resourceName: r.resourceName });
      }
      return true;
    }
    case T.FEATURE_LEVEL: {
      const r = record.message as FeatureLevelRecord;
      if (r.featureLevel === 0) image.features.delete(r.name);
      else image.features.set(r.name, r.featureLevel);
      delta?.featuresChanged.push(r.name);
      return true;
    }
    case T.REGISTER_BROKER: {
      const r = record.message as RegisterBrokerRecord;
      image.brokers.set(r.brokerId, {
        brokerId: r.brokerId,
        incarnationId: r.incarnationId,
        brokerEpoch: r.brokerEpoch,
        endpoints: r.endPoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
        features: r.features.map((f) => ({ name: f.name, minSupportedVersion: f.minSupportedVersion, maxSupportedVersion: f.maxSupportedVersion })),
        rack: r.rack,
        fenced: r.fenced,
        inControlledShutdown: r.inControlledShutdown,
        isMigratingZkBroker: r.isMigratingZkBroker,
        logDirs: r.logDirs,
      });
      delta?.brokersChanged.push(r.brokerId);
      return true;
    }
    case T.UNREGISTER_BROKER: {
      const r = record.message as UnregisterBrokerRecord;
      const broker = image.brokers.get(r.brokerId);
      if (broker && broker.brokerEpoch === r.brokerEpoch) image.brokers.delete(r.brokerId);
      delta?.brokersChanged.push(r.brokerId);
      return true;
    }
    case T.FENCE_BROKER:
    case T.UNFENCE_BROKER: {
      const r = record.message as FenceBrokerRecord | UnfenceBrokerRecord;
      const broker = image.brokers.get(r.id);
      if (broker && broker.brokerEpoch === r.epoch) broker.fenced = record.apiKey === T.FENCE_BROKER;
      delta?.brokersChanged.push(r.id);
      return true;
    }
    case T.BROKER_REGISTRATION_CHANGE: {
      const r = record.message as BrokerRegistrationChangeRecord;
      const broker = image.brokers.get(r.brokerId);
      if (!broker || broker.brokerEpoch !== r.brokerEpoch) return true;
      if (r.fenced === 1) broker.fenced = true;
      else if (r.fenced === -1) broker.fenced = false;
      if (r.inControlledShutdown === 1) broker.inControlledShutdown = true;
      if (r.logDirs.length > 0) broker.logDirs = r.logDirs;
      delta?.brokersChanged.push(r.brokerId);
      return true;
    }
    case T.PRODUCER_IDS: {
      const r = record.message as ProducerIdsRecord;
      image.producerIds.nextProducerId = r.nextProducerId;
      if (delta) delta.producerIdsChanged = true;
      return true;
    }
    default:
      // NoOpRecord, metadata transaction markers and controller registrations leave the image as it is; so do
      // the record types gregor does not manage yet (ACLs, quotas, SCRAM, delegation tokens).
      return NEUTRAL_TYPES.has(record.apiKey);
  }
}

/**
 * The records that rebuild `image` from nothing (a snapshot's body), in Kafka's MetadataImage.write order:
 * features (metadata.version first), brokers, topics with their partitions, configs, producer ids.
 */
export function imageRecords(image: MetadataImage): MetadataRecord[] {
  const out: MetadataRecord[] = [];
  const mv = image.features.get(METADATA_VERSION);
  const versions = recordVersionsFor(mv ?? 0);
  if (mv !== undefined) out.push({ apiKey: T.FEATURE_LEVEL, version: 0, message: { name: METADATA_VERSION, featureLevel: mv } });
  for (const name of [...image.features.keys()].sort()) {
    if (name !== METADATA_VERSION) out.push({ apiKey: T.FEATURE_LEVEL, version: 0, message: { name, featureLevel: image.features.get(name)! } });
  }
  for (const id of [...image.brokers.keys()].sort((a, b) => a - b)) {
    const b = image.brokers.get(id)!;
    out.push({
      apiKey: T.REGISTER_BROKER,
      version: versions.registerBroker,
      message: {
        brokerId: b.brokerId,
        isMigratingZkBroker: b.isMigratingZkBroker,
        incarnationId: b.incarnationId,
        brokerEpoch: b.brokerEpoch,
        endPoints: b.endpoints,
        features: b.features,
        rack: b.rack,
        fenced: b.fenced,
        inControlledShutdown: b.inControlledShutdown,
        logDirs: versions.registerBroker >= 3 ? b.logDirs : [],
      },
    });
  }
  for (const topic of image.topicsById.values()) {
    out.push({ apiKey: T.TOPIC, version: 0, message: { name: topic.name, topicId: topic.topicId } });
    for (const id of [...topic.partitions.keys()].sort((a, b) => a - b)) {
      out.push({ apiKey: T.PARTITION, version: versions.partition, message: partitionRecordMessage(topic.partitions.get(id)!, versions.partition) });
    }
  }
  for (const [resourceType, byName] of [...image.configs.entries()].sort(([a], [b]) => a - b)) {
    for (const [resourceName, configs] of byName) {
      for (const [name, value] of configs) {
        out.push({ apiKey: T.CONFIG, version: 0, message: { resourceType, resourceName, name, value } });
      }
    }
  }
  if (image.producerIds.nextProducerId > 0n) {
    out.push({ apiKey: T.PRODUCER_IDS, version: 0, message: { brokerId: -1, brokerEpoch: -1n, nextProducerId: image.producerIds.nextProducerId } });
  }
  return out;
}

/** The PartitionRecord fields of a partition at `version` (directories need v1, ELR fields v2). */
export function partitionRecordMessage(p: PartitionState, version: number): Partial<PartitionRecord> {
  return {
    partitionId: p.partitionId,
    topicId: p.topicId,
    replicas: p.replicas,
    isr: p.isr,
    removingReplicas: p.removingReplicas,
    addingReplicas: p.addingReplicas,
    leader: p.leader,
    leaderRecoveryState: p.leaderRecoveryState,
    leaderEpoch: p.leaderEpoch,
    partitionEpoch: p.partitionEpoch,
    directories: version >= 1 ? p.directories : [],
    eligibleLeaderReplicas: version >= 2 ? p.eligibleLeaderReplicas : null,
    lastKnownElr: version >= 2 ? p.lastKnownElr : null,
  };
}

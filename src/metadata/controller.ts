/**
 * The KRaft controller of a combined broker+controller node with a single-voter quorum.
 *
 * Every metadata change is a controller operation that validates its input against the image, turns the
 * result into metadata records, appends them to __cluster_metadata-0 as ONE record batch (partition leader
 * epoch = the quorum epoch), and only then applies them to the in-memory image and tells subscribers.
 * A failed append changes nothing. Start-up loads the newest snapshot, replays the batches after it, bumps
 * the epoch (a new election), writes a LeaderChangeMessage and, on a new cluster, the bootstrap features.
 *
 * Everything here is synchronous: Node runs one operation at a time, so an operation's validation, append
 * and apply can never interleave with another's.
 */
import { renameSync, rmSync } from 'node:fs';
import type { LeaderChangeMessage } from '../protocol/messages/leader-change-message.js';
import type { VotersRecord } from '../protocol/messages/voters-record.js';
import type {
  BrokerRegistrationChangeRecord,
  ConfigRecord,
  FeatureLevelRecord,
  PartitionChangeRecord,
  ProducerIdsRecord,
  RegisterBrokerRecord,
  RemoveTopicRecord,
  TopicRecord,
  UnregisterBrokerRecord,
} from '../protocol/messages/metadata/index.js';
import { buildControlBatch, buildMetadataBatch, ControlRecordType, controlValue, decodeBatches, type ControlInput, type DecodedBatch } from './batches.js';
import {
  AlterConfigOp,
  ConfigResourceType,
  configDefault,
  effectiveGroupConfigs,
  effectiveTopicConfigs,
  isListConfig,
  opName,
  validateResourceConfigs,
  type ConfigEntry,
  type ConfigLayers,
} from './configs.js';
import { apiError, ErrorCode, MetadataLogError, MetadataWriteError, NO_ERROR, type ApiError } from './errors.js';
import {
  checkFeatureDependencies,
  DEFAULT_BOOTSTRAP_FEATURES,
  KRAFT_VERSION,
  METADATA_VERSION,
  metadataVersionName,
  recordVersionsFor,
  SUPPORTED_FEATURES,
  type RecordVersions,
} from './features.js';
import {
  applyRecord,
  configsOf,
  emptyDelta,
  emptyImage,
  imageRecords,
  NO_LEADER,
  NO_LEADER_CHANGE,
  partitionRecordMessage,
  type BrokerEndpoint,
  type BrokerFeatureRange,
  type BrokerState,
  type MetadataDelta,
  type MetadataImage,
  type PartitionState,
  type TopicState,
} from './image.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../storage/index.js';
import type { LogManagerLike, PartitionLogLike } from './log-types.js';
import type { DataDirInfo } from './meta-properties.js';
import { placeReplicas, PlacementError } from './placement.js';
import { readQuorumState, writeQuorumState, type QuorumDescription, type QuorumEndpoint, type ReplicaStateInfo } from './quorum.js';
import { decodeMetadataRecord, encodeMetadataRecord, MetadataRecordType as T, type MetadataRecord } from './serde.js';
import { listSnapshots, readSnapshot, removeSnapshotLeftovers, writeSnapshot, type SnapshotContents, type SnapshotId } from './snapshot.js';
import { randomKafkaUuid, ZERO_UUID } from './uuid.js';

export const METADATA_TOPIC_NAME = '__cluster_metadata';
export const METADATA_PARTITION = 0;
/** Topic.METADATA_TOPIC_ID: Uuid.ONE_UUID. */
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

/** ReplicationControlManager.MAX_PARTITIONS_PER_BATCH. */
export const MAX_PARTITIONS_PER_REQUEST = 10_000;
/** ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;
const LONG_MAX = 2n ** 63n - 1n;

const LEGAL_TOPIC_CHARS = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_LENGTH = 249;

// ---------------------------------------------------------------------------------------------------------
// Operation inputs and results (shaped after the Kafka request/response data they serve)

export interface CreatableTopic {
  name: string;
  /** -1 (or absent): num.partitions. */
  numPartitions?: number;
  /** -1 (or absent): default.replication.factor. */
  replicationFactor?: number;
  /** Manual assignment: then numPartitions and replicationFactor must be -1. */
  assignments?: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  configs?: readonly { name: string; value: string | null }[];
}

export interface CreatableTopicResult extends ApiError {
  name: string;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  /** The topic's effective configs (CreateTopics v5+); empty on error. */
  configs: ConfigEntry[];
}

export interface DeletableTopic {
  name?: string | null;
  topicId?: string | null;
}

export interface DeletableTopicResult extends ApiError {
  name: string | null;
  topicId: string;
}

export interface CreatePartitionsTopic {
  name: string;
  count: number;
  assignments?: readonly { brokerIds: readonly number[] }[] | null;
}

export interface CreatePartitionsResult extends ApiError {
  name: string;
}

export interface AlterableConfig {
  name: string;
  /** AlterConfigOp: SET 0, DELETE 1, APPEND 2, SUBTRACT 3. */
  configOperation: number;
  value: string | null;
}

export interface IncrementalAlterResource {
  resourceType: number;
  resourceName: string;
  configs: readonly AlterableConfig[];
}

export interface AlterResource {
  resourceType: number;
  resourceName: string;
  configs: readonly { name: string; value: string | null }[];
}

export interface AlterConfigsResult extends ApiError {
  resourceType: number;
  resourceName: string;
}

export interface BrokerRegistrationRequest {
  brokerId: number;
  /** A new uuid per broker process; a repeat of the same incarnation returns its existing epoch. */
  incarnationId?: string;
  endpoints: readonly BrokerEndpoint[];
  rack?: string | null;
  /** Supported feature ranges; default what this build supports. */
  features?: readonly BrokerFeatureRange[];
  /** Log directory ids (meta.properties directory.id of each). */
  logDirs?: readonly string[];
  /** Default false: gregor's in-process brokers are ready as soon as they register. */
  fenced?: boolean;
}

export interface BrokerRegistrationResult extends ApiError {
  brokerEpoch: bigint;
}

export interface AllocateProducerIdsResult extends ApiError {
  producerIdStart: bigint;
  producerIdLen: number;
}

export interface FeatureUpdate {
  feature: string;
  maxVersionLevel: number;
  /** 1 UPGRADE, 2 SAFE_DOWNGRADE, 3 UNSAFE_DOWNGRADE. */
  upgradeType?: number;
}

export interface FeatureUpdateResult extends ApiError {
  feature: string;
}

export interface UpdateFeaturesResult extends ApiError {
  results: FeatureUpdateResult[];
}

export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

export interface ElectLeadersResult {
  topic: string;
  partitionResults: ({ partitionId: number } & ApiError)[];
}

export interface MetadataControllerOptions {
  logManager: LogManagerLike<LogConfig>;
  /** The LogConfig of __cluster_metadata-0; default METADATA_LOG_CONFIG. */
  metadataLogConfig?: LogConfig;
  /** What openDataDir() returned. */
  dataDir: Pick<DataDirInfo, 'clusterId' | 'nodeId' | 'directoryId'>;
  log?: (line: string) => void;
  /** Snapshot once this many records were appended since the last one (default 1000). */
  snapshotEveryRecords?: number;
  /** …or once this many bytes were (default 20 MiB, Kafka's metadata.log.max.record.bytes.between.snapshots). */
  snapshotEveryBytes?: number;
  /** Snapshots kept (default 2). */
  snapshotsToKeep?: number;
  /**
   * Once the metadata log is bigger than this, the records below the oldest kept snapshot are deleted
   * (default 100 MiB, Kafka's metadata.max.retention.bytes; -1 keeps everything).
   */
  metadataRetentionBytes?: number;
  /** Feature levels of a new cluster (default DEFAULT_BOOTSTRAP_FEATURES). */
  bootstrapFeatures?: Readonly<Record<string, number>>;
  /** num.partitions (default 1). */
  numPartitions?: number;
  /** default.replication.factor (default 1). */
  defaultReplicationFactor?: number;
  /** The node's static broker configuration: STATIC_BROKER_CONFIG defaults of topic and group configs. */
  staticConfig?: Readonly<Record<string, string>>;
  /** The controller listener(s), for VotersRecord and DescribeQuorum's nodes. */
  controllerEndpoints?: readonly QuorumEndpoint[];
  random?: () => number;
  now?: () => number;
}

export type MetadataListener = (delta: MetadataDelta, image: MetadataImage) => void;

interface QuorumState {
  epoch: number;
  kraftVersion: number;
  voters: VotersRecord | null;
}

export interface StartupReport {
  snapshot: SnapshotId | null;
  /** Batches and records replayed from the log after the snapshot. */
  batchesReplayed: number;
  recordsReplayed: number;
  /** The new leader epoch. */
  epoch: number;
  elapsedMs: number;
  /** True when this start wrote the bootstrap records (a new cluster). */
  bootstrapped: boolean;
}

const READ_CHUNK = 8 * 1024 * 1024;

/**
 * __cluster_metadata-0's log settings: never deleted by time or size (snapshots decide what may go), batches
 * up to 8 MiB (KafkaRaftClient.MAX_BATCH_SIZE_BYTES), and every batch fsynced before it counts as committed,
 * as the KRaft leader flushes its log before advancing the high watermark.
 */
export const METADATA_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  ...DEFAULT_LOG_CONFIG,
  retentionMs: -1,
  retentionBytes: -1,
  maxMessageBytes: 8 * 1024 * 1024 + 1024,
  flushMessages: 1,
});

// ---------------------------------------------------------------------------------------------------------

export class MetadataController {
  readonly image: MetadataImage;
  readonly startup: StartupReport;
  private readonly metadataLog: PartitionLogLike;
  private readonly quorum: QuorumState;
  private readonly listeners = new Set<MetadataListener>();
  private readonly logLine: (line: string) => void;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly snapshotEveryRecords: number;
  private readonly snapshotEveryBytes: number;
  private readonly snapshotsToKeep: number;
  private readonly metadataRetentionBytes: number;
  private readonly numPartitions: number;
  private readonly defaultReplicationFactor: number;
  private readonly staticConfig: Readonly<Record<string, string>>;
  private readonly controllerEndpoints: readonly QuorumEndpoint[];
  private readonly directoryId: string;
  private recordsSinceSnapshot = 0;
  /** Record types met at start-up that the image does not model (apiKey → count). */
  private readonly ignored = new Map<number, number>();
  private bytesSinceSnapshot = 0;
  private latestSnapshot: SnapshotId | null = null;
  /** Records in the latest snapshot (the image size when it was taken). */
  private lastSnapshotRecords = 0;
  private closed = false;

  /** Opens (or creates) the metadata log, rebuilds the image, and becomes the leader of a new epoch. */
  static open(options: MetadataControllerOptions): MetadataController {
    return new MetadataController(options);
  }

  private constructor(options: MetadataControllerOptions) {
    const started = performance.now();
    this.logLine = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.snapshotEveryRecords = options.snapshotEveryRecords ?? 1000;
    this.snapshotEveryBytes = options.snapshotEveryBytes ?? 20 * 1024 * 1024;
    this.snapshotsToKeep = Math.max(1, options.snapshotsToKeep ?? 2);
    this.metadataRetentionBytes = options.metadataRetentionBytes ?? 100 * 1024 * 1024;
    this.numPartitions = options.numPartitions ?? 1;
    this.defaultReplicationFactor = options.defaultReplicationFactor ?? 1;
    this.staticConfig = options.staticConfig ?? {};
    this.controllerEndpoints = options.controllerEndpoints ?? [];
    const { clusterId, nodeId } = options.dataDir;
    this.directoryId = options.dataDir.directoryId ?? ZERO_UUID;
    this.image = emptyImage(clusterId, nodeId);
    this.quorum = { epoch: 0, kraftVersion: 0, voters: null };

    // createPartition returns an existing log too, after making its config ours (an index rebuilt from the
    // segment files would otherwise give it the default retention, which could delete metadata).
    this.metadataLog = options.logManager.createPartition(
      { topic: METADATA_TOPIC_NAME, partition: METADATA_PARTITION, topicId: METADATA_TOPIC_ID },
      options.metadataLogConfig ?? METADATA_LOG_CONFIG,
    );

    // 1. The newest usable snapshot, 2. the log after it.
    const snapshot = this.loadSnapshot();
    const replayed = this.replayLog(snapshot);

    // 3. A new election: the epoch moves past everything this node has seen or voted in.
    const dir = this.metadataLog.dir;
    const stored = readQuorumState(dir);
    const epoch = Math.max(stored?.leaderEpoch ?? 0, this.image.epoch, snapshot?.id.epoch ?? 0, 0) + 1;
    writeQuorumState(dir, { leaderId: nodeId, leaderEpoch: epoch, votedId: nodeId, votedDirectoryId: this.directoryId });
    this.quorum.epoch = epoch;
    this.metadataLog.setLeaderEpoch?.(epoch);

    const newCluster = this.metadataLog.logEndOffset() === 0 && snapshot === null;
    const bootstrap = { ...DEFAULT_BOOTSTRAP_FEATURES, ...options.bootstrapFeatures };
    this.appendStartOfEpoch(newCluster ? bootstrap[KRAFT_VERSION] ?? 0 : null);

    let bootstrapped = false;
    if (!this.image.features.has(METADATA_VERSION)) {
      this.commit(this.bootstrapRecords(bootstrap));
      bootstrapped = true;
      this.logLine(`metadata: formatted cluster ${clusterId} with ${this.describeFeatures()}`);
    }
    if (this.ignored.size > 0) {
      const what = [...this.ignored].map(([type, count]) => `${count} of type ${type}`).join(', ');
      this.logLine(`metadata: ignored records the image does not model (${what}); snapshots will not carry them`);
    }
    this.maybeSnapshot();
    this.startup = {
      snapshot: snapshot?.id ?? null,
      batchesReplayed: replayed.batches,
      recordsReplayed: replayed.records,
      epoch,
      elapsedMs: performance.now() - started,
      bootstrapped,
    };
    this.logLine(
      `metadata: loaded ${snapshot ? `snapshot ${snapshot.id.offset}-${snapshot.id.epoch} and ` : ''}` +
        `${replayed.records} records in ${replayed.batches} batches in ${this.startup.elapsedMs.toFixed(1)} ms; leader of epoch ${epoch}`,
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // Start-up

  private loadSnapshot(): SnapshotContents | null {
    const dir = this.metadataLog.dir;
    for (const name of removeSnapshotLeftovers(dir)) this.logLine(`metadata: removed leftover ${name}`);
    const logEnd = this.metadataLog.logEndOffset();
    for (const candidate of listSnapshots(dir)) {
      if (candidate.offset > logEnd) {
        // The log lost records the snapshot holds (a truncated tail): appends would reuse those offsets and a
        // later start would skip them. Kafka deletes such snapshots too.
        this.logLine(`metadata: deleting snapshot ${candidate.offset}-${candidate.epoch}, beyond the log end offset ${logEnd}`);
        this.deleteSnapshotFile(candidate.path);
        continue;
      }
      let contents: SnapshotContents;
      try {
        contents = readSnapshot(candidate.path, { offset: candidate.offset, epoch: candidate.epoch });
      } catch (err) {
        this.logLine(`metadata: ignoring unreadable snapshot ${candidate.path}: ${(err as Error).message}`);
        continue;
      }
      for (const record of contents.records) {
        try {
          if (!applyRecord(this.image, record)) this.ignored.set(record.apiKey, (this.ignored.get(record.apiKey) ?? 0) + 1);
        } catch (err) {
          throw new MetadataLogError(`Snapshot ${candidate.path} does not replay: ${(err as Error).message}`, { cause: err });
        }
      }
      this.image.offset = candidate.offset - 1;
      this.image.epoch = candidate.epoch;
      this.image.lastTimestamp = Number(contents.header.lastContainedLogTimestamp);
      if (contents.kraftVersion !== null) this.quorum.kraftVersion = contents.kraftVersion;
      if (contents.voters !== null) this.quorum.voters = contents.voters;
      this.latestSnapshot = { offset: candidate.offset, epoch: candidate.epoch };
      this.lastSnapshotRecords = contents.records.length;
      return contents;
    }
    return null;
  }

  private replayLog(snapshot: SnapshotContents | null): { batches: number; records: number } {
    const log = this.metadataLog;
    const start = log.logStartOffset();
    let from = snapshot ? snapshot.id.offset : start;
    if (from < start) {
      throw new MetadataLogError(
        `The metadata log starts at offset ${start}, after the newest snapshot (${from}): the records in between are lost.`,
      );
    }
    if (!snapshot && start > 0) {
      throw new MetadataLogError(`The metadata log starts at offset ${start} and no snapshot holds the records before it.`);
    }
    const end = log.logEndOffset();
    let batches = 0;
    let records = 0;
    let maxBytes = READ_CHUNK;
    while (from < end) {
      const read = log.read(from, maxBytes, { maxOffset: end });
      const { batches: decoded } = decodeBatches(read.records, `${METADATA_TOPIC_NAME}-${METADATA_PARTITION} from offset ${from}`);
      const complete = decoded.filter((b) => b.lastOffset >= from);
      if (complete.length === 0) {
        if (read.records.length >= maxBytes && maxBytes < 1 << 30) {
          maxBytes *= 4; // one batch larger than the read size
          continue;
        }
        throw new MetadataLogError(`The metadata log has no readable batch at offset ${from} (log end offset ${end}).`);
      }
      for (const batch of complete) {
        const applied = this.replayBatch(batch, from);
        batches++;
        records += applied;
        from = batch.lastOffset + 1;
      }
    }
    return { batches, records };
  }

  /** Applies one batch read from the log (records below `from` were already applied). */
  private replayBatch(batch: DecodedBatch, from: number): number {
    let applied = 0;
    if (batch.header.isControl) {
      this.applyControl(batch);
    } else {
      for (const { offset, record } of batch.records) {
        if (offset < from) continue;
        try {
          if (!applyRecord(this.image, record)) this.ignored.set(record.apiKey, (this.ignored.get(record.apiKey) ?? 0) + 1);
        } catch (err) {
          throw new MetadataLogError(`Metadata record at offset ${offset} does not replay: ${(err as Error).message}`, { cause: err });
        }
        applied++;
      }
    }
    this.image.offset = batch.lastOffset;
    this.image.epoch = batch.header.partitionLeaderEpoch;
    this.image.lastTimestamp = batch.header.maxTimestamp;
    this.recordsSinceSnapshot += applied;
    this.bytesSinceSnapshot += batch.sizeInBytes;
    return applied;
  }

  private applyControl(batch: DecodedBatch): void {
    for (const c of batch.control) {
      if (c.type === ControlRecordType.KRAFT_VERSION) this.quorum.kraftVersion = (c.message as { kRaftVersion: number }).kRaftVersion;
      else if (c.type === ControlRecordType.KRAFT_VOTERS) this.quorum.voters = c.message as VotersRecord;
    }
  }

  /** The LeaderChangeMessage a new leader writes; the first leader of a new cluster adds kraft.version and voters. */
  private appendStartOfEpoch(initialKraftVersion: number | null): void {
    const nodeId = this.image.nodeId;
    const records: ControlInput[] = [
      controlValue<LeaderChangeMessage>(ControlRecordType.LEADER_CHANGE, {
        version: 0,
        leaderId: nodeId,
        voters: [{ voterId: nodeId }],
        grantingVoters: [{ voterId: nodeId }],
      }),
    ];
    if (initialKraftVersion !== null && initialKraftVersion > 0) {
      const voters = this.votersRecord();
      records.push(controlValue(ControlRecordType.KRAFT_VERSION, { version: 0, kRaftVersion: initialKraftVersion }));
      records.push(controlValue(ControlRecordType.KRAFT_VOTERS, voters));
      this.quorum.kraftVersion = initialKraftVersion;
      this.quorum.voters = voters;
    }
    this.appendBatch(buildControlBatch(records, { baseOffset: this.metadataLog.logEndOffset(), epoch: this.quorum.epoch, now: this.now() }), true);
  }

  private votersRecord(): VotersRecord {
    return {
      version: 0,
      voters: [
        {
          voterId: this.image.nodeId,
          voterDirectoryId: this.directoryId,
          endpoints: this.controllerEndpoints.map((e) => ({ name: e.name, host: e.host, port: e.port })),
          kRaftVersionFeature: { minSupportedVersion: 0, maxSupportedVersion: SUPPORTED_FEATURES[KRAFT_VERSION]!.maxVersion },
        },
      ],
    };
  }

  private bootstrapRecords(levels: Readonly<Record<string, number>>): MetadataRecord[] {
    for (const [name, level] of Object.entries(levels)) {
      const range = SUPPORTED_FEATURES[name];
      if (!range) throw new RangeError(`Unsupported feature: ${name}. Supported features are: ${Object.keys(SUPPORTED_FEATURES).join(', ')}`);
      if (level < range.minVersion || level > range.maxVersion) {
        throw new RangeError(`${name} level ${level} is not supported; supported levels are ${range.minVersion}-${range.maxVersion}`);
      }
      const why = checkFeatureDependencies(name, level, levels);
      if (why) throw new RangeError(why);
    }
    // BootstrapMetadata.fromVersions: metadata.version first, then the others by name; level 0 and
    // kraft.version (a control record) produce no FeatureLevelRecord.
    const records: MetadataRecord<FeatureLevelRecord>[] = [
      { apiKey: T.FEATURE_LEVEL, version: 0, message: { name: METADATA_VERSION, featureLevel: levels[METADATA_VERSION]! } },
    ];
    for (const name of Object.keys(levels).sort()) {
      if (name === METADATA_VERSION || name === KRAFT_VERSION || levels[name]! <= 0) continue;
      records.push({ apiKey: T.FEATURE_LEVEL, version: 0, message: { name, featureLevel: levels[name]! } });
    }
    return records;
  }

  // -------------------------------------------------------------------------------------------------------
  // Writing

  private assertOpen(): void {
    if (this.closed) throw new Error('the metadata controller is closed');
  }

  private appendBatch(batch: Buffer, control: boolean): { baseOffset: number; lastOffset: number } {
    const result = this.metadataLog.append(batch, { leaderEpoch: this.quorum.epoch, origin: 'internal' });
    if (!result.ok) throw new MetadataWriteError(`Appending to ${METADATA_TOPIC_NAME}-0 failed: ${result.message}`, result.errorCode);
    this.image.offset = result.lastOffset;
    this.image.epoch = this.quorum.epoch;
    if (control) this.bytesSinceSnapshot += batch.length;
    return result;
  }

  /**
   * Appends `records` as one batch, then applies them and notifies subscribers. Throws MetadataWriteError
   * (nothing applied) when the append fails.
   */
  private commit(records: readonly MetadataRecord[]): MetadataDelta {
    this.assertOpen();
    const now = this.now();
    // Apply exactly what replay will read back: the decoded form of the bytes written (defaults filled in).
    const values = records.map(encodeMetadataRecord);
    const written = values.map(decodeMetadataRecord);
    const batch = buildMetadataBatch(values, { baseOffset: this.metadataLog.logEndOffset(), epoch: this.quorum.epoch, now });
    const { baseOffset, lastOffset } = this.appendBatch(batch, false);
    const delta = emptyDelta(baseOffset, lastOffset, this.quorum.epoch);
    delta.records = written;
    for (const record of written) applyRecord(this.image, record, delta);
    this.image.lastTimestamp = now;
    this.recordsSinceSnapshot += records.length;
    this.bytesSinceSnapshot += batch.length;
    this.maybeSnapshot();
    for (const listener of this.listeners) {
      try {
        listener(delta, this.image);
      } catch (err) {
        this.logLine(`metadata: a listener failed on offsets ${baseOffset}-${lastOffset}: ${(err as Error).stack ?? String(err)}`);
      }
    }
    return delta;
  }

  /** Commits, turning a failed append into the error every would-be result gets. */
  private tryCommit(records: readonly MetadataRecord[]): ApiError | null {
    if (records.length === 0) return null;
    try {
      this.commit(records);
      return null;
    } catch (err) {
      if (err instanceof MetadataWriteError) return { errorCode: err.errorCode, errorMessage: err.message };
      throw err;
    }
  }

  private get recordVersions(): RecordVersions {
    return recordVersionsFor(this.metadataVersion);
  }

  // -------------------------------------------------------------------------------------------------------
  // Snapshots

  /**
   * Snapshots once snapshotEveryRecords records (or snapshotEveryBytes bytes) were appended since the last
   * one — and at least half as many records as that snapshot held, so that writing snapshots of a large
   * image costs at most two snapshot records per log record. Start-up then loads the image plus at most
   * max(snapshotEveryRecords, image/2) records, however long the log has grown.
   */
  private maybeSnapshot(): void {
    const due = Math.max(this.snapshotEveryRecords, Math.floor(this.lastSnapshotRecords / 2));
    if (this.recordsSinceSnapshot >= due || this.bytesSinceSnapshot >= this.snapshotEveryBytes) {
      this.snapshot();
    }
  }

  /** Writes a snapshot of the image at the log end now, and deletes all but the newest snapshotsToKeep. */
  snapshot(): SnapshotId {
    this.assertOpen();
    const id: SnapshotId = { offset: this.image.offset + 1, epoch: this.image.epoch };
    if (this.latestSnapshot && this.latestSnapshot.offset === id.offset && this.latestSnapshot.epoch === id.epoch) return id;
    const records = imageRecords(this.image);
    const path = writeSnapshot(this.metadataLog.dir, {
      id,
      lastContainedLogTimestamp: this.image.lastTimestamp,
      records,
      kraftVersion: this.quorum.kraftVersion,
      voters: this.quorum.voters,
      now: this.now(),
    });
    this.latestSnapshot = id;
    this.lastSnapshotRecords = records.length;
    this.recordsSinceSnapshot = 0;
    this.bytesSinceSnapshot = 0;
    this.logLine(`metadata: wrote snapshot ${path}`);
    const snapshots = listSnapshots(this.metadataLog.dir);
    for (const old of snapshots.slice(this.snapshotsToKeep)) this.deleteSnapshotFile(old.path);
    this.maybeTrimLog(snapshots[Math.min(this.snapshotsToKeep, snapshots.length) - 1]);
    return id;
  }

  /** Deletes the log below the oldest kept snapshot once the log outgrows metadataRetentionBytes. */
  private maybeTrimLog(oldestKept: SnapshotId | undefined): void {
    const log = this.metadataLog;
    if (!oldestKept || this.metadataRetentionBytes < 0 || !log.deleteRecordsBefore || !log.segments) return;
    const size = log.segments().reduce((sum, s) => sum + s.size, 0);
    if (size <= this.metadataRetentionBytes || oldestKept.offset <= log.logStartOffset()) return;
    const start = log.deleteRecordsBefore(oldestKept.offset);
    this.logLine(`metadata: log start offset is now ${start} (records below snapshot ${oldestKept.offset}-${oldestKept.epoch} deleted)`);
  }

  private deleteSnapshotFile(path: string): void {
    // Kafka renames to .checkpoint.deleted first, so a crash mid-delete never leaves a half file named .checkpoint.
    const deleted = path.replace(/\.checkpoint$/, '.checkpoint.deleted');
    renameSync(path, deleted);
    rmSync(deleted, { force: true });
  }

  // -------------------------------------------------------------------------------------------------------
  // Reading

  get clusterId(): string {
    return this.image.clusterId;
  }

  get nodeId(): number {
    return this.image.nodeId;
  }

  get epoch(): number {
    return this.quorum.epoch;
  }

  get kraftVersion(): number {
    return this.quorum.kraftVersion;
  }

  /** The log end offset of __cluster_metadata-0, which is also its high watermark (one voter). */
  get highWatermark(): number {
    return this.metadataLog.logEndOffset();
  }

  get metadataVersion(): number {
    return this.image.features.get(METADATA_VERSION) ?? 0;
  }

  /** Finalized features with their levels, kraft.version included, as ApiVersions reports them. */
  finalizedFeatures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, level] of this.image.features) out[name] = level;
    if (this.quorum.kraftVersion > 0) out[KRAFT_VERSION] = this.quorum.kraftVersion;
    return out;
  }

  /** ApiVersions' FinalizedFeaturesEpoch: the offset of the image. */
  get finalizedFeaturesEpoch(): number {
    return this.image.offset;
  }

  topic(name: string): TopicState | undefined {
    return this.image.topicsByName.get(name);
  }

  topicById(topicId: string): TopicState | undefined {
    return this.image.topicsById.get(topicId);
  }

  partition(topic: string, partition: number): PartitionState | undefined {
    return this.image.topicsByName.get(topic)?.partitions.get(partition);
  }

  broker(brokerId: number): BrokerState | undefined {
    return this.image.brokers.get(brokerId);
  }

  /** The dynamic configs of a resource (overrides only). */
  resourceConfigs(resourceType: number, resourceName: string): ReadonlyMap<string, string> {
    return configsOf(this.image, resourceType, resourceName) ?? new Map();
  }

  private configLayers(brokerId: number = this.image.nodeId): ConfigLayers {
    return {
      perBroker: configsOf(this.image, ConfigResourceType.BROKER, String(brokerId)),
      clusterDefault: configsOf(this.image, ConfigResourceType.BROKER, ''),
      staticConfig: this.staticConfig,
    };
  }

  /**
   * A topic's effective configuration, each entry with its source and synonyms (DescribeConfigs), as broker
   * `brokerId` (default this node) sees it: its own dynamic broker configs take part.
   */
  describeTopicConfigs(topic: string, brokerId: number = this.image.nodeId): ConfigEntry[] | undefined {
    if (!this.image.topicsByName.has(topic)) return undefined;
    return effectiveTopicConfigs(configsOf(this.image, ConfigResourceType.TOPIC, topic), this.configLayers(brokerId));
  }

  /** A topic's effective configuration as name → value (e.g. for storage's logConfigFromKafka). */
  topicConfig(topic: string, brokerId: number = this.image.nodeId): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of effectiveTopicConfigs(configsOf(this.image, ConfigResourceType.TOPIC, topic), this.configLayers(brokerId))) {
      if (e.value !== null) out[e.name] = e.value;
    }
    return out;
  }

  /** A group's effective configuration (group configs exist whether or not the group does). */
  describeGroupConfigs(group: string, brokerId: number = this.image.nodeId): ConfigEntry[] {
    return effectiveGroupConfigs(configsOf(this.image, ConfigResourceType.GROUP, group), this.configLayers(brokerId));
  }

  /** Is the broker registered, unfenced and not shutting down (eligible for new replicas and leadership)? */
  isActive(brokerId: number): boolean {
    const b = this.image.brokers.get(brokerId);
    return b !== undefined && !b.fenced && !b.inControlledShutdown;
  }

  /** What DescribeQuorum reports for __cluster_metadata-0. */
  describeQuorum(): QuorumDescription {
    const now = this.now();
    const hw = this.highWatermark;
    const nodeId = this.image.nodeId;
    const voter: ReplicaStateInfo = {
      replicaId: nodeId,
      replicaDirectoryId: this.quorum.kraftVersion > 0 ? this.directoryId : ZERO_UUID,
      logEndOffset: hw,
      lastFetchTimestamp: now,
      lastCaughtUpTimestamp: now,
    };
    // In-process brokers other than this node read the image directly: they are observers that are always caught up.
    const observers: ReplicaStateInfo[] = [...this.image.brokers.values()]
      .filter((b) => b.brokerId !== nodeId && !b.fenced)
      .sort((a, b) => a.brokerId - b.brokerId)
      .map((b) => ({
        replicaId: b.brokerId,
        replicaDirectoryId: b.logDirs[0] ?? ZERO_UUID,
        logEndOffset: hw,
        lastFetchTimestamp: now,
        lastCaughtUpTimestamp: now,
      }));
    const listeners =
      this.controllerEndpoints.length > 0
        ? this.controllerEndpoints.map((e) => ({ ...e }))
        : (this.quorum.voters?.voters.find((v) => v.voterId === nodeId)?.endpoints ?? []).map((e) => ({ name: e.name, host: e.host, port: e.port }));
    return {
      topicName: METADATA_TOPIC_NAME,
      partitionIndex: METADATA_PARTITION,
      leaderId: nodeId,
      leaderEpoch: this.quorum.epoch,
      highWatermark: hw,
      currentVoters: [voter],
      observers,
      nodes: [{ nodeId, listeners }],
      kraftVersion: this.quorum.kraftVersion,
    };
  }

  /** Calls `listener` after every committed batch with what it changed. Returns an unsubscribe function. */
  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops accepting operations. The LogManager stays open: its owner closes it. */
  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  private describeFeatures(): string {
    return Object.entries(this.finalizedFeatures())
      .map(([k, v]) => `${k}=${v}${k === METADATA_VERSION ? ` (${metadataVersionName(v)})` : ''}`)
      .join(', ');
  }

  // -------------------------------------------------------------------------------------------------------
  // Topics

  /** Topic.validate: null when `name` is a legal topic name, else why not. */
  static validateTopicName(name: string): string | null {
    if (name.length === 0) return "Topic name is illegal, it can't be empty";
    if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
    if (name.length > MAX_TOPIC_NAME_LENGTH) {
      return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
    }
    if (!LEGAL_TOPIC_CHARS.test(name)) {
      return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
    }
    return null;
  }

  private collidingTopic(name: string): string | undefined {
    if (!name.includes('.') && !name.includes('_')) return undefined;
    const unified = name.replaceAll('.', '_');
    for (const existing of this.image.topicsByName.keys()) {
      if (existing !== name && existing.length === name.length && existing.replaceAll('.', '_') === unified) return existing;
    }
    return undefined;
  }

  private newTopicId(): string {
    for (;;) {
      const id = randomKafkaUuid();
      if (!this.image.topicsById.has(id) && id !== METADATA_TOPIC_ID) return id;
    }
  }

  private activeBrokers(): number[] {
    return [...this.image.brokers.keys()].filter((id) => this.isActive(id)).sort((a, b) => a - b);
  }

  /** ClusterDescriber.defaultDir: a broker's only log directory, else unassigned. */
  private defaultDir(brokerId: number): string {
    const dirs = this.image.brokers.get(brokerId)?.logDirs ?? [];
    return dirs.length === 1 ? dirs[0]! : ZERO_UUID;
  }

  /** Checks one manual replica list (ReplicationControlManager.validateManualPartitionAssignment). */
  private checkManualAssignment(brokerIds: readonly number[], replicationFactor: number | null): ApiError | null {
    if (brokerIds.length === 0) return apiError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.');
    const sorted = [...brokerIds].sort((a, b) => a - b);
    let previous: number | null = null;
    for (const id of sorted) {
      if (!this.image.brokers.has(id)) {
        return apiError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${id}, but no such broker is registered.`);
      }
      if (id === previous) return apiError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${id} more than once.`);
      previous = id;
    }
    if (replicationFactor !== null && sorted.length !== replicationFactor) {
      return apiError(
        'INVALID_REPLICA_ASSIGNMENT',
        `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
      );
    }
    return null;
  }

  private newPartition(topicId: string, partitionId: number, replicas: readonly number[], isr: readonly number[]): PartitionState {
    return {
      topicId,
      partitionId,
      replicas: [...replicas],
      isr: [...isr],
      removingReplicas: [],
      addingReplicas: [],
      leader: isr[0]!,
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: this.recordVersions.partition >= 1 ? replicas.map((id) => this.defaultDir(id)) : [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    };
  }

  private partitionRecord(p: PartitionState): MetadataRecord {
    const version = this.recordVersions.partition;
    return { apiKey: T.PARTITION, version, message: partitionRecordMessage(p, version) };
  }

  /**
   * CreateTopics. One batch holds every created topic's TopicRecord, ConfigRecords and PartitionRecords.
   * Results come in request order, with Kafka's error codes and messages.
   */
  createTopics(topics: readonly CreatableTopic[], options: { validateOnly?: boolean } = {}): CreatableTopicResult[] {
    this.assertOpen();
    const errors = new Map<number, ApiError>();
    const seen = new Map<string, number>();
    topics.forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined) {
        errors.set(first, apiError('INVALID_REQUEST', 'Duplicate topic name.'));
        errors.set(i, apiError('INVALID_REQUEST', 'Duplicate topic name.'));
      } else seen.set(t.name, i);
    });

    let total = 0;
    for (const t of topics) {
      if (t.assignments && t.assignments.length > 0) total += t.assignments.length;
      else if ((t.numPartitions ?? -1) === -1) total += this.numPartitions;
      else if (t.numPartitions! > 0) total += t.numPartitions!;
    }
    if (total > MAX_PARTITIONS_PER_REQUEST) {
      const err = apiError('POLICY_VIOLATION', 'Excessively large number of partitions per request.');
      return topics.map((t) => failedCreate(t.name, err));
    }

    const records: MetadataRecord[] = [];
    const results = topics.map((topic, i) => {
      const early = errors.get(i);
      return early ? failedCreate(topic.name, early) : this.prepareTopic(topic, records);
    });
    if (options.validateOnly) return results;
    const failure = this.tryCommit(records);
    if (failure) return results.map((r) => (r.errorCode === 0 ? failedCreate(r.name, failure) : r));
    return results;
  }

  /** Validates one topic and, when it is fine, adds its records. */
  private prepareTopic(topic: CreatableTopic, records: MetadataRecord[]): CreatableTopicResult {
    const error = this.checkTopic(topic, records);
    return 'topicId' in error ? error : failedCreate(topic.name, error);
  }

  private checkTopic(topic: CreatableTopic, records: MetadataRecord[]): CreatableTopicResult | ApiError {
    const { name } = topic;
    if (name === METADATA_TOPIC_NAME) return apiError('INVALID_REQUEST', `Creation of internal topic ${METADATA_TOPIC_NAME} is prohibited.`);
    const invalid = MetadataController.validateTopicName(name);
    if (invalid) return apiError('INVALID_TOPIC_EXCEPTION', invalid);
    const collides = this.collidingTopic(name);
    if (this.image.topicsByName.has(name)) return apiError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
    if (collides) return apiError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${collides}`);

    const configs = new Map<string, string>();
    const nulls: string[] = [];
    for (const c of topic.configs ?? []) {
      if (c.value === null) nulls.push(c.name);
      else configs.set(c.name, c.value);
    }
    if (nulls.length > 0) return apiError('INVALID_CONFIG', `Null value not supported for topic configs: ${nulls.join(',')}`);
    const configError = validateResourceConfigs(ConfigResourceType.TOPIC, name, configs);
    if (configError) return { errorCode: ErrorCode[configError.errorCode], errorMessage: configError.message };

    const numPartitions = topic.numPartitions ?? -1;
    const replicationFactor = topic.replicationFactor ?? -1;
    const assignments = topic.assignments ?? [];
    const topicId = this.newTopicId();
    const partitions: PartitionState[] = [];
    if (assignments.length > 0) {
      if (replicationFactor !== -1) {
        return apiError('INVALID_REQUEST', 'A manual partition assignment was specified, but replication factor was not set to -1.');
      }
      if (numPartitions !== -1) {
        return apiError('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.');
      }
      let rf: number | null = null;
      const byIndex = new Map<number, PartitionState>();
      for (const a of assignments) {
        if (byIndex.has(a.partitionIndex)) {
          return apiError('INVALID_REPLICA_ASSIGNMENT', `Found multiple manual partition assignments for partition ${a.partitionIndex}`);
        }
        const bad = this.checkManualAssignment(a.brokerIds, rf);
        if (bad) return bad;
        rf = a.brokerIds.length;
        const isr = a.brokerIds.filter((id) => this.isActive(id));
        if (isr.length === 0) {
          return apiError(
            'INVALID_REPLICA_ASSIGNMENT',
            `All brokers specified in the manual partition assignment for partition ${a.partitionIndex} are fenced or in controlled shutdown.`,
          );
        }
        byIndex.set(a.partitionIndex, this.newPartition(topicId, a.partitionIndex, a.brokerIds, isr));
      }
      for (let p = 0; p < byIndex.size; p++) {
        if (!byIndex.has(p)) return apiError('INVALID_REPLICA_ASSIGNMENT', 'partitions should be a consecutive 0-based integer sequence');
        partitions.push(byIndex.get(p)!);
      }
    } else if (replicationFactor < -1 || replicationFactor === 0) {
      return apiError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.');
    } else if (numPartitions < -1 || numPartitions === 0) {
      return apiError('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    } else {
      const count = numPartitions === -1 ? this.numPartitions : numPartitions;
      const rf = replicationFactor === -1 ? this.defaultReplicationFactor : replicationFactor;
      let placement: number[][];
      try {
        placement = placeReplicas({
          brokers: this.activeBrokers(),
          registeredCount: this.image.brokers.size,
          startPartition: 0,
          numPartitions: count,
          replicationFactor: rf,
          random: this.random,
        });
      } catch (err) {
        if (!(err instanceof PlacementError)) throw err;
        return apiError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): ${err.message}`);
      }
      placement.forEach((replicas, p) => partitions.push(this.newPartition(topicId, p, replicas, replicas.filter((id) => this.isActive(id)))));
    }

    records.push({ apiKey: T.TOPIC, version: 0, message: { name, topicId } satisfies TopicRecord });
    // ConfigRecords go after the TopicRecord and before the PartitionRecords, as in Kafka.
    for (const [key, value] of [...configs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      records.push({ apiKey: T.CONFIG, version: 0, message: { resourceType: ConfigResourceType.TOPIC, resourceName: name, name: key, value } satisfies ConfigRecord });
    }
    for (const p of partitions) records.push(this.partitionRecord(p));
    return {
      ...NO_ERROR,
      name,
      topicId,
      numPartitions: partitions.length,
      replicationFactor: partitions[0]!.replicas.length,
      configs: effectiveTopicConfigs(configs, this.configLayers()),
    };
  }

  /** DeleteTopics, by name or by id. One batch of RemoveTopicRecords. */
  deleteTopics(topics: readonly DeletableTopic[]): DeletableTopicResult[] {
    this.assertOpen();
    const keyOf = (t: DeletableTopic): { name: string | null; id: string | null } => ({
      name: t.name ?? null,
      id: t.topicId && t.topicId !== ZERO_UUID ? t.topicId : null,
    });
    // Names (and ids) given more than once fail every time they appear, as in Kafka's ControllerApis.
    const count = new Map<string, number>();
    for (const t of topics) {
      const { name, id } = keyOf(t);
      const key = name !== null ? `n:${name}` : id !== null ? `i:${id}` : null;
      if (key) count.set(key, (count.get(key) ?? 0) + 1);
    }
    const records: MetadataRecord[] = [];
    const deleting = new Set<string>();
    const results = topics.map((t): DeletableTopicResult => {
      const { name, id } = keyOf(t);
      const fail = (err: ApiError): DeletableTopicResult => ({ ...err, name, topicId: id ?? ZERO_UUID });
      if (name !== null && id !== null) return fail(apiError('INVALID_REQUEST', 'You may not specify both topic name and topic id.'));
      if (name === null && id === null) return fail(apiError('INVALID_REQUEST', 'Neither topic name nor id were specified.'));
      if (name !== null && count.get(`n:${name}`)! > 1) return fail(apiError('INVALID_REQUEST', 'Duplicate topic name.'));
      if (id !== null && count.get(`i:${id}`)! > 1) return fail(apiError('INVALID_REQUEST', 'Duplicate topic id.'));
      const topic = name !== null ? this.image.topicsByName.get(name) : this.image.topicsById.get(id!);
      if (!topic) {
        return fail(
          name !== null
            ? apiError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.')
            : apiError('UNKNOWN_TOPIC_ID', 'This server does not host this topic ID.'),
        );
      }
      // The same topic named once by name and once by id.
      if (deleting.has(topic.topicId)) return fail(apiError('INVALID_REQUEST', 'Duplicate topic id.'));
      deleting.add(topic.topicId);
      records.push({ apiKey: T.REMOVE_TOPIC, version: 0, message: { topicId: topic.topicId } satisfies RemoveTopicRecord });
      return { ...NO_ERROR, name: topic.name, topicId: topic.topicId };
    });
    const failure = this.tryCommit(records);
    if (failure) return results.map((r) => (r.errorCode === 0 ? { ...r, ...failure } : r));
    return results;
  }

  /** CreatePartitions: grows topics (never shrinks). One batch of PartitionRecords. */
  createPartitions(topics: readonly CreatePartitionsTopic[], options: { validateOnly?: boolean } = {}): CreatePartitionsResult[] {
    this.assertOpen();
    const counts = new Map<string, number>();
    for (const t of topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const records: MetadataRecord[] = [];
    const results = topics.map((t): CreatePartitionsResult => {
      if (counts.get(t.name)! > 1) return { name: t.name, ...apiError('INVALID_REQUEST', 'Duplicate topic name.') };
      return { name: t.name, ...(this.preparePartitions(t, records) ?? NO_ERROR) };
    });
    if (options.validateOnly) return results;
    const failure = this.tryCommit(records);
    if (failure) return results.map((r) => (r.errorCode === 0 ? { ...r, ...failure } : r));
    return results;
  }

  private preparePartitions(request: CreatePartitionsTopic, records: MetadataRecord[]): ApiError | null {
    const topic = this.image.topicsByName.get(request.name);
    if (!topic) return apiError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
    const start = topic.partitions.size;
    if (request.count === start) return apiError('INVALID_PARTITIONS', `Topic already has ${start} partition(s).`);
    if (request.count < start) {
      return apiError('INVALID_PARTITIONS', `The topic ${topic.name} currently has ${start} partition(s); ${request.count} would not be an increase.`);
    }
    const additional = request.count - start;
    if (request.assignments && request.assignments.length !== additional) {
      return apiError(
        'INVALID_REPLICA_ASSIGNMENT',
        `Attempted to add ${additional} additional partition(s), but only ${request.assignments.length} assignment(s) were specified.`,
      );
    }
    const rf = topic.partitions.get(0)?.replicas.length ?? this.defaultReplicationFactor;
    const added: PartitionState[] = [];
    if (request.assignments) {
      for (let i = 0; i < request.assignments.length; i++) {
        const brokerIds = request.assignments[i]!.brokerIds;
        const bad = this.checkManualAssignment(brokerIds, rf);
        if (bad) return bad;
        const isr = brokerIds.filter((id) => this.isActive(id));
        if (isr.length === 0) {
          return apiError(
            'INVALID_REPLICA_ASSIGNMENT',
            `All brokers specified in the manual partition assignment for partition ${start + i} are fenced or in controlled shutdown.`,
          );
        }
        added.push(this.newPartition(topic.topicId, start + i, brokerIds, isr));
      }
    } else {
      let placement: number[][];
      try {
        placement = placeReplicas({
          brokers: this.activeBrokers(),
          registeredCount: this.image.brokers.size,
          startPartition: start,
          numPartitions: additional,
          replicationFactor: rf,
          random: this.random,
        });
      } catch (err) {
        if (!(err instanceof PlacementError)) throw err;
        return apiError('INVALID_REPLICATION_FACTOR', err.message);
      }
      placement.forEach((replicas, i) =>
        added.push(this.newPartition(topic.topicId, start + i, replicas, replicas.filter((id) => this.isActive(id)))),
      );
    }
    for (const p of added) records.push(this.partitionRecord(p));
    return null;
  }

  // -------------------------------------------------------------------------------------------------------
  // Configs

  private checkConfigResource(resourceType: number, resourceName: string): ApiError | null {
    switch (resourceType) {
      case ConfigResourceType.TOPIC: {
        if (resourceName === '') return apiError('INVALID_REQUEST', 'Default topic resources are not allowed.');
        const invalid = MetadataController.validateTopicName(resourceName);
        if (invalid) return apiError('INVALID_TOPIC_EXCEPTION', invalid);
        if (!this.image.topicsByName.has(resourceName)) return apiError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${resourceName}' does not exist.`);
        return null;
      }
      case ConfigResourceType.BROKER:
        if (resourceName !== '' && !/^\d+$/.test(resourceName)) return apiError('INVALID_REQUEST', `Invalid broker name ${resourceName}`);
        return null;
      case ConfigResourceType.GROUP:
        if (resourceName === '') return apiError('INVALID_REQUEST', 'Group name must not be empty.');
        return null;
      default:
        return apiError('INVALID_REQUEST', `Unsupported resource type ${resourceType}`);
    }
  }

  /** Turns a resource's new complete config map into ConfigRecords for the keys that change. */
  private configRecords(resourceType: number, resourceName: string, current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    const keys = [...new Set([...current.keys(), ...next.keys()])].sort();
    for (const name of keys) {
      const before = current.get(name);
      const after = next.get(name);
      if (before === after) continue;
      records.push({ apiKey: T.CONFIG, version: 0, message: { resourceType, resourceName, name, value: after ?? null } satisfies ConfigRecord });
    }
    return records;
  }

  private finishConfigs(results: AlterConfigsResult[], records: MetadataRecord[], validateOnly: boolean | undefined): AlterConfigsResult[] {
    if (validateOnly) return results;
    const failure = this.tryCommit(records);
    if (failure) return results.map((r) => (r.errorCode === 0 ? { ...r, ...failure } : r));
    return results;
  }

  /** IncrementalAlterConfigs: SET / DELETE / APPEND / SUBTRACT per key; one batch for all resources. */
  incrementalAlterConfigs(resources: readonly IncrementalAlterResource[], options: { validateOnly?: boolean } = {}): AlterConfigsResult[] {
    this.assertOpen();
    const records: MetadataRecord[] = [];
    const seen = new Set<string>();
    const results = resources.map((res): AlterConfigsResult => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      const key = `${res.resourceType}:${res.resourceName}`;
      if (seen.has(key)) return { ...base, ...apiError('INVALID_REQUEST', 'Duplicate resource.') };
      seen.add(key);
      const bad = this.checkConfigResource(res.resourceType, res.resourceName);
      if (bad) return { ...base, ...bad };
      const names = res.configs.map((c) => c.name);
      if (new Set(names).size !== names.length) return { ...base, ...apiError('INVALID_REQUEST', 'Error due to duplicate config keys') };
      const current = configsOf(this.image, res.resourceType, res.resourceName) ?? new Map<string, string>();
      const next = new Map(current);
      for (const c of res.configs) {
        switch (c.configOperation) {
          case AlterConfigOp.SET:
            if (c.value === null) next.delete(c.name);
            else next.set(c.name, c.value);
            break;
          case AlterConfigOp.DELETE:
            next.delete(c.name);
            break;
          case AlterConfigOp.APPEND:
          case AlterConfigOp.SUBTRACT: {
            if (!isListConfig(res.resourceType, c.name)) {
              return { ...base, ...apiError('INVALID_CONFIG', `Can't ${opName(c.configOperation)} to key ${c.name} because its type is not LIST.`) };
            }
            const now = next.get(c.name) ?? configDefault(res.resourceType, c.name) ?? '';
            const parts = now.trim() === '' ? [] : now.split(',').map((s) => s.trim());
            for (const v of (c.value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
              if (c.configOperation === AlterConfigOp.APPEND) {
                if (!parts.includes(v)) parts.push(v);
              } else {
                const at = parts.indexOf(v);
                if (at >= 0) parts.splice(at, 1);
              }
            }
            next.set(c.name, parts.join(','));
            break;
          }
          default:
            return { ...base, ...apiError('INVALID_REQUEST', `Unknown alter config operation ${c.configOperation}`) };
        }
      }
      const invalid = validateResourceConfigs(res.resourceType, res.resourceName, next);
      if (invalid) return { ...base, errorCode: ErrorCode[invalid.errorCode], errorMessage: invalid.message };
      records.push(...this.configRecords(res.resourceType, res.resourceName, current, next));
      return { ...base, ...NO_ERROR };
    });
    return this.finishConfigs(results, records, options.validateOnly);
  }

  /** AlterConfigs (legacy): the request replaces the resource's whole set of dynamic configs. */
  alterConfigs(resources: readonly AlterResource[], options: { validateOnly?: boolean } = {}): AlterConfigsResult[] {
    this.assertOpen();
    const records: MetadataRecord[] = [];
    const seen = new Set<string>();
    const results = resources.map((res): AlterConfigsResult => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      const key = `${res.resourceType}:${res.resourceName}`;
      if (seen.has(key)) return { ...base, ...apiError('INVALID_REQUEST', 'Duplicate resource.') };
      seen.add(key);
      const bad = this.checkConfigResource(res.resourceType, res.resourceName);
      if (bad) return { ...base, ...bad };
      const names = res.configs.map((c) => c.name);
      if (new Set(names).size !== names.length) return { ...base, ...apiError('INVALID_REQUEST', 'Error due to duplicate config keys') };
      const current = configsOf(this.image, res.resourceType, res.resourceName) ?? new Map<string, string>();
      const next = new Map<string, string>();
      for (const c of res.configs) if (c.value !== null) next.set(c.name, c.value);
      const invalid = validateResourceConfigs(res.resourceType, res.resourceName, next);
      if (invalid) return { ...base, errorCode: ErrorCode[invalid.errorCode], errorMessage: invalid.message };
      records.push(...this.configRecords(res.resourceType, res.resourceName, current, next));
      return { ...base, ...NO_ERROR };
    });
    return this.finishConfigs(results, records, options.validateOnly);
  }

  // -------------------------------------------------------------------------------------------------------
  // Producer ids

  /** AllocateProducerIds: hands out the next block of 1000 producer ids (ProducerIdControlManager). */
  allocateProducerIds(brokerId: number, brokerEpoch?: bigint | number): AllocateProducerIdsResult {
    this.assertOpen();
    const fail = (err: ApiError): AllocateProducerIdsResult => ({ ...err, producerIdStart: -1n, producerIdLen: -1 });
    const broker = this.image.brokers.get(brokerId);
    if (brokerEpoch !== undefined) {
      if (!broker) return fail(apiError('STALE_BROKER_EPOCH', `No broker registration found for broker ${brokerId}`));
      if (broker.brokerEpoch !== BigInt(brokerEpoch)) {
        return fail(apiError('STALE_BROKER_EPOCH', `Expected broker epoch ${broker.brokerEpoch}, but got ${brokerEpoch}`));
      }
    }
    const start = this.image.producerIds.nextProducerId;
    if (start > LONG_MAX - BigInt(PRODUCER_ID_BLOCK_SIZE)) {
      return fail(apiError('UNKNOWN_SERVER_ERROR', "Exhausted all producerIds as the next block's end producerId has exceeded the int64 type limit"));
    }
    const record: MetadataRecord<ProducerIdsRecord> = {
      apiKey: T.PRODUCER_IDS,
      version: 0,
      message: { brokerId, brokerEpoch: broker?.brokerEpoch ?? BigInt(brokerEpoch ?? -1), nextProducerId: start + BigInt(PRODUCER_ID_BLOCK_SIZE) },
    };
    const failure = this.tryCommit([record]);
    if (failure) return fail(failure);
    return { ...NO_ERROR, producerIdStart: start, producerIdLen: PRODUCER_ID_BLOCK_SIZE };
  }

  // -------------------------------------------------------------------------------------------------------
  // Brokers

  /** BrokerRegistration: a RegisterBrokerRecord whose offset becomes the broker epoch. */
  registerBroker(request: BrokerRegistrationRequest): BrokerRegistrationResult {
    this.assertOpen();
    const fail = (err: ApiError): BrokerRegistrationResult => ({ ...err, brokerEpoch: -1n });
    const { brokerId } = request;
    if (!Number.isInteger(brokerId) || brokerId < 0) return fail(apiError('INVALID_REQUEST', `Invalid broker id ${brokerId}`));
    const features = request.features ?? Object.entries(SUPPORTED_FEATURES).map(([name, r]) => ({ name, minSupportedVersion: r.minVersion, maxSupportedVersion: r.maxVersion }));
    for (const [name, level] of Object.entries(this.finalizedFeatures())) {
      const range = features.find((f) => f.name === name);
      const [min, max] = range ? [range.minSupportedVersion, range.maxSupportedVersion] : [0, 0];
      if (level < min || level > max) {
        return fail(
          apiError(
            'UNSUPPORTED_VERSION',
            `Unable to register because the broker does not support finalized version ${level} of ${name}. The broker wants a version between ${min} and ${max}, inclusive.`,
          ),
        );
      }
    }
    const existing = this.image.brokers.get(brokerId);
    if (existing && request.incarnationId !== undefined && existing.incarnationId === request.incarnationId) {
      return { ...NO_ERROR, brokerEpoch: existing.brokerEpoch };
    }
    const brokerEpoch = BigInt(this.metadataLog.logEndOffset());
    const record: MetadataRecord<Partial<RegisterBrokerRecord>> = {
      apiKey: T.REGISTER_BROKER,
      version: this.recordVersions.registerBroker,
      message: {
        brokerId,
        isMigratingZkBroker: false,
        incarnationId: request.incarnationId ?? randomKafkaUuid(),
        brokerEpoch,
        endPoints: request.endpoints.map((e) => ({ ...e })),
        features: features.map((f) => ({ ...f })),
        rack: request.rack ?? null,
        fenced: request.fenced ?? false,
        inControlledShutdown: false,
        logDirs: this.recordVersions.registerBroker >= 3 ? [...(request.logDirs ?? [])] : [],
      },
    };
    const records: MetadataRecord[] = [record];
    if (!(request.fenced ?? false)) records.push(...this.electForUnfenced(brokerId));
    const failure = this.tryCommit(records);
    if (failure) return fail(failure);
    return { ...NO_ERROR, brokerEpoch };
  }

  /** UnregisterBroker: moves leadership off the broker, then removes its registration. */
  unregisterBroker(brokerId: number): ApiError {
    this.assertOpen();
    const broker = this.image.brokers.get(brokerId);
    if (!broker) return apiError('BROKER_ID_NOT_REGISTERED', `Broker ID ${brokerId} is not currently registered`);
    const records = [
      ...this.leaveLeadership(brokerId),
      { apiKey: T.UNREGISTER_BROKER, version: 0, message: { brokerId, brokerEpoch: broker.brokerEpoch } satisfies UnregisterBrokerRecord },
    ];
    return this.tryCommit(records) ?? NO_ERROR;
  }

  /** Fences a broker (BrokerRegistrationChangeRecord) and moves leadership and ISR membership off it. */
  fenceBroker(brokerId: number): ApiError {
    this.assertOpen();
    const broker = this.image.brokers.get(brokerId);
    if (!broker) return apiError('BROKER_ID_NOT_REGISTERED', `Broker ID ${brokerId} is not currently registered`);
    if (broker.fenced) return NO_ERROR;
    const records: MetadataRecord[] = [
      ...this.leaveLeadership(brokerId),
      {
        apiKey: T.BROKER_REGISTRATION_CHANGE,
        version: this.recordVersions.brokerRegistrationChange,
        message: { brokerId, brokerEpoch: broker.brokerEpoch, fenced: 1 } satisfies Partial<BrokerRegistrationChangeRecord>,
      },
    ];
    return this.tryCommit(records) ?? NO_ERROR;
  }

  /** Unfences a broker; leaderless partitions whose ISR holds it get it as leader. */
  unfenceBroker(brokerId: number): ApiError {
    this.assertOpen();
    const broker = this.image.brokers.get(brokerId);
    if (!broker) return apiError('BROKER_ID_NOT_REGISTERED', `Broker ID ${brokerId} is not currently registered`);
    if (!broker.fenced) return NO_ERROR;
    const records: MetadataRecord[] = [
      {
        apiKey: T.BROKER_REGISTRATION_CHANGE,
        version: this.recordVersions.brokerRegistrationChange,
        message: { brokerId, brokerEpoch: broker.brokerEpoch, fenced: -1 } satisfies Partial<BrokerRegistrationChangeRecord>,
      },
      ...this.electForUnfenced(brokerId),
    ];
    return this.tryCommit(records) ?? NO_ERROR;
  }

  private partitionChange(p: PartitionState, change: Partial<PartitionChangeRecord>): MetadataRecord {
    return {
      apiKey: T.PARTITION_CHANGE,
      version: this.recordVersions.partitionChange,
      message: { partitionId: p.partitionId, topicId: p.topicId, leader: NO_LEADER_CHANGE, ...change },
    };
  }

  /** PartitionChangeRecords that take `brokerId` out of every ISR and give its leaderships to other ISR members. */
  private leaveLeadership(brokerId: number): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    for (const topic of this.image.topicsById.values()) {
      for (const p of topic.partitions.values()) {
        if (!p.isr.includes(brokerId)) continue;
        const remaining = p.isr.filter((id) => id !== brokerId);
        const change: Partial<PartitionChangeRecord> = {};
        if (remaining.length > 0) change.isr = remaining; // the last ISR member stays (no ELR)
        if (p.leader === brokerId) {
          const next = p.replicas.find((id) => remaining.includes(id) && id !== brokerId && this.isActive(id));
          change.leader = next ?? NO_LEADER;
        }
        if (change.isr !== undefined || change.leader !== undefined) records.push(this.partitionChange(p, change));
      }
    }
    return records;
  }

  /** PartitionChangeRecords electing `brokerId` where a partition has no leader and the broker is in its ISR. */
  private electForUnfenced(brokerId: number): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    for (const topic of this.image.topicsById.values()) {
      for (const p of topic.partitions.values()) {
        if (p.leader === NO_LEADER && p.isr.includes(brokerId)) records.push(this.partitionChange(p, { leader: brokerId }));
      }
    }
    return records;
  }

  /**
   * AlterPartition's ISR change (what a partition leader asks for when followers catch up or fall behind).
   * Leader epoch stays; partition epoch moves. Returns UNKNOWN_TOPIC_OR_PARTITION / INVALID_REQUEST errors.
   */
  alterPartitionIsr(topicId: string, partitionId: number, isr: readonly number[]): ApiError {
    this.assertOpen();
    const p = this.image.topicsById.get(topicId)?.partitions.get(partitionId);
    if (!p) return apiError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
    if (isr.length === 0) return apiError('INVALID_REQUEST', 'The ISR may not be empty.');
    for (const id of isr) {
      if (!p.replicas.includes(id)) return apiError('INVALID_REQUEST', `Broker ${id} is not a replica of the partition.`);
    }
    if (p.leader !== NO_LEADER && !isr.includes(p.leader)) return apiError('INVALID_REQUEST', 'The ISR must contain the leader.');
    if (isr.length === p.isr.length && isr.every((id) => p.isr.includes(id))) return NO_ERROR;
    return this.tryCommit([this.partitionChange(p, { isr: [...isr] })]) ?? NO_ERROR;
  }

  /**
   * ElectLeaders. PREFERRED moves leadership to the first replica when it is in the ISR and active; UNCLEAN
   * elects any active replica of a leaderless partition. `partitions` null means every partition.
   */
  electLeaders(electionType: number, partitions: readonly { topic: string; partitions: readonly number[] }[] | null): ElectLeadersResult[] {
    this.assertOpen();
    const targets: { topic: string; partitions: number[] }[] =
      partitions === null
        ? [...this.image.topicsByName.values()].map((t) => ({ topic: t.name, partitions: [...t.partitions.keys()].sort((a, b) => a - b) }))
        : partitions.map((t) => ({ topic: t.topic, partitions: [...t.partitions] }));
    const records: MetadataRecord[] = [];
    const results: ElectLeadersResult[] = targets.map(({ topic, partitions: ids }) => ({
      topic,
      partitionResults: ids.map((partitionId) => {
        const p = this.image.topicsByName.get(topic)?.partitions.get(partitionId);
        if (!p) return { partitionId, ...apiError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.') };
        if (electionType === ElectionType.PREFERRED) {
          const preferred = p.replicas[0]!;
          if (p.leader === preferred) return { partitionId, ...apiError('ELECTION_NOT_NEEDED', 'Leader election not needed for topic partition.') };
          if (!p.isr.includes(preferred) || !this.isActive(preferred)) {
            return { partitionId, ...apiError('PREFERRED_LEADER_NOT_AVAILABLE', `Failed to elect leader for partition ${topic}-${partitionId} under strategy PreferredReplicaPartitionLeaderElectionStrategy`) };
          }
          records.push(this.partitionChange(p, { leader: preferred }));
          return { partitionId, ...NO_ERROR };
        }
        if (electionType === ElectionType.UNCLEAN) {
          if (p.leader !== NO_LEADER) return { partitionId, ...apiError('ELECTION_NOT_NEEDED', 'Leader election not needed for topic partition.') };
          const candidate = p.replicas.find((id) => p.isr.includes(id) && this.isActive(id)) ?? p.replicas.find((id) => this.isActive(id));
          if (candidate === undefined) {
            return { partitionId, ...apiError('ELIGIBLE_LEADERS_NOT_AVAILABLE', `Failed to elect leader for partition ${topic}-${partitionId} under strategy UncleanLeaderElectionStrategy`) };
          }
          const change: Partial<PartitionChangeRecord> = { leader: candidate };
          if (!p.isr.includes(candidate)) change.isr = [candidate];
          records.push(this.partitionChange(p, change));
          return { partitionId, ...NO_ERROR };
        }
        return { partitionId, ...apiError('INVALID_REQUEST', `Unknown election type ${electionType}`) };
      }),
    }));
    const failure = this.tryCommit(records);
    if (failure) {
      for (const r of results) for (const pr of r.partitionResults) if (pr.errorCode === 0) Object.assign(pr, failure);
    }
    return results;
  }

  // -------------------------------------------------------------------------------------------------------
  // Features

  /** The feature ranges every registered broker and this controller support (UpdateFeatures' limits). */
  private supportedRange(feature: string): { min: number; max: number; limitedBy: string } | null {
    const own = SUPPORTED_FEATURES[feature];
    if (!own) return null;
    let min = own.minVersion;
    let max = own.maxVersion;
    let limitedBy = `Local controller ${this.image.nodeId}`;
    for (const b of this.image.brokers.values()) {
      const r = b.features.find((f) => f.name === feature);
      const [bMin, bMax] = r ? [r.minSupportedVersion, r.maxSupportedVersion] : [0, 0];
      if (bMax < max) limitedBy = `Broker ${b.brokerId}`;
      min = Math.max(min, bMin);
      max = Math.min(max, bMax);
    }
    return { min, max, limitedBy };
  }

  /**
   * UpdateFeatures (FeatureControlManager.updateFeatures). All or nothing: when one update is invalid nothing
   * is written and every feature's result carries that error, as Kafka's response does.
   */
  updateFeatures(updates: readonly FeatureUpdate[], options: { validateOnly?: boolean } = {}): UpdateFeaturesResult {
    this.assertOpen();
    const levels = this.finalizedFeatures();
    const proposed: Record<string, number> = { ...levels };
    for (const u of updates) proposed[u.feature] = u.maxVersionLevel;
    const records: MetadataRecord[] = [];
    let kraftUpgrade: number | null = null;
    const seen = new Set<string>();
    let error: ApiError | null = null;
    for (const u of updates) {
      const problem = this.checkFeatureUpdate(u, levels, proposed, seen);
      if (problem) {
        error = problem;
        break;
      }
      const current = levels[u.feature] ?? 0;
      if (u.feature === KRAFT_VERSION) {
        if (u.maxVersionLevel > current) kraftUpgrade = u.maxVersionLevel;
      } else if (u.maxVersionLevel !== current) {
        records.push({ apiKey: T.FEATURE_LEVEL, version: 0, message: { name: u.feature, featureLevel: u.maxVersionLevel } satisfies FeatureLevelRecord });
      }
    }
    if (!error && !options.validateOnly) {
      try {
        if (kraftUpgrade !== null) this.upgradeKraftVersion(kraftUpgrade);
        error = this.tryCommit(records);
      } catch (err) {
        if (!(err instanceof MetadataWriteError)) throw err;
        error = { errorCode: err.errorCode, errorMessage: err.message };
      }
    }
    const top = error ?? NO_ERROR;
    return { ...top, results: updates.map((u) => ({ feature: u.feature, ...top })) };
  }

  private checkFeatureUpdate(u: FeatureUpdate, levels: Record<string, number>, proposed: Record<string, number>, seen: Set<string>): ApiError | null {
    const fail = (message: string): ApiError => apiError('INVALID_UPDATE_VERSION', message);
    if (seen.has(u.feature)) return apiError('INVALID_REQUEST', `Duplicate feature ${u.feature}.`);
    seen.add(u.feature);
    const level = u.maxVersionLevel;
    const current = levels[u.feature] ?? 0;
    const type = u.upgradeType ?? 1;
    if (level < 0) return fail('A feature version cannot be less than 0.');
    const range = this.supportedRange(u.feature);
    if (!range) return fail(`Invalid update version ${level} for feature ${u.feature}. The controller does not support the given feature.`);
    const outOfRange = (): ApiError =>
      fail(`Invalid update version ${level} for feature ${u.feature}. ${range.limitedBy} only supports versions ${range.min}-${range.max}`);
    if (level !== 0 && (level < range.min || level > range.max)) return outOfRange();
    if (level < current && type === 1) {
      return fail(
        `Invalid update version ${level} for feature ${u.feature}. Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.`,
      );
    }
    if (u.feature === METADATA_VERSION) {
      if (level < SUPPORTED_FEATURES[METADATA_VERSION]!.minVersion) return outOfRange();
      if (level < current) {
        return fail(
          type === 3
            ? `Invalid metadata.version ${level}. Unsafe metadata downgrade is not supported in this version.`
            : `Invalid metadata.version ${level}. Refusing to perform the requested downgrade because it might delete metadata information.`,
        );
      }
    }
    if (u.feature === KRAFT_VERSION && level < current) {
      return fail(`Invalid update version ${level} for feature ${KRAFT_VERSION}. Downgrading kraft.version is not supported.`);
    }
    const why = checkFeatureDependencies(u.feature, level, proposed);
    return why ? fail(why) : null;
  }

  /** kraft.version lives in control records: KRaftVersionRecord (+ VotersRecord when moving to 1). */
  private upgradeKraftVersion(level: number): void {
    const records: ControlInput[] = [controlValue(ControlRecordType.KRAFT_VERSION, { version: 0, kRaftVersion: level })];
    const voters = this.votersRecord();
    if (this.quorum.voters === null) records.push(controlValue(ControlRecordType.KRAFT_VOTERS, voters));
    this.appendBatch(buildControlBatch(records, { baseOffset: this.metadataLog.logEndOffset(), epoch: this.quorum.epoch, now: this.now() }), true);
    this.quorum.kraftVersion = level;
    if (this.quorum.voters === null) this.quorum.voters = voters;
  }
}

function failedCreate(name: string, error: ApiError): CreatableTopicResult {
  return { name, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: [], errorCode: error.errorCode, errorMessage: error.errorMessage };
}

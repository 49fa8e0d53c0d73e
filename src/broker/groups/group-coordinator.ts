/**
 * The group coordinator: Kafka's GroupCoordinatorService + GroupCoordinatorShard in one object. It owns every
 * group (classic or consumer) and committed offset of the `__consumer_offsets` partitions this node leads, and
 * hands each API to the component that owns that part of the state:
 *
 *   classic-groups.ts   JoinGroup, SyncGroup, Heartbeat, LeaveGroup (the classic rebalance protocol)
 *   consumer-groups.ts  ConsumerGroupHeartbeat, ConsumerGroupDescribe (KIP-848)
 *   offset-store.ts     OffsetCommit, OffsetFetch, OffsetDelete, offsets retention
 *   (here)              DescribeGroups, ListGroups, DeleteGroups need every kind of group
 *
 * State is written to the partition's log before memory changes (state-log.ts) and replayed from it when the
 * node starts leading the partition: at start, and when a simulated leader moves.
 */
import { ErrorCode } from '../../protocol/index.js';
import type { MetadataDelta } from '../../metadata/index.js';
import type { PartitionLog } from '../../storage/index.js';
import type { Broker } from '../broker.js';
import { numberConfig } from '../config.js';
import { coordinatorPartition } from '../coordinators.js';
import { ClassicGroups } from './classic-groups.js';
import { ConsumerGroups } from './consumer-groups.js';
import { OffsetStore } from './offset-store.js';
import { RecordType, type CoordinatorRecord } from './records.js';
import { OFFSETS_TOPIC, appendRecords, replayRecords } from './state-log.js';
import { GroupError, type Group } from './types.js';

export class GroupCoordinator {
  /** Every group of the loaded partitions, by id: a group id names one group, classic or consumer. */
  readonly groups = new Map<string, Group>();
  readonly classic: ClassicGroups;
  readonly consumer: ConsumerGroups;
  readonly offsets: OffsetStore;
  /** `__consumer_offsets` partitions whose state is in memory. */
  private readonly loaded = new Set<number>();
  private readonly unsubscribe: () => void;

  constructor(readonly broker: Broker) {
    this.classic = new ClassicGroups(this);
    this.consumer = new ConsumerGroups(this);
    this.offsets = new OffsetStore(this);
    this.unsubscribe = broker.metadata.subscribe((delta) => this.onMetadata(delta));
    this.syncLoadedPartitions();
  }

  get config() {
    return this.broker.config;
  }

  /** A broker config as a number (group.*, offsets.* settings), its default from the broker config table. */
  numberConfig(name: string): number {
    return numberConfig(this.broker.config, name);
  }

  /** The `__consumer_offsets` partition holding a group's state, or undefined while the topic does not exist. */
  partitionOf(groupId: string): number | undefined {
    const topic = this.broker.metadata.topic(OFFSETS_TOPIC);
    if (topic === undefined) return undefined;
    return coordinatorPartition(groupId, topic.partitions.size);
  }

  /**
   * The log a group's state is written to, when this node coordinates the group; else throws the error Kafka
   * answers: COORDINATOR_NOT_AVAILABLE (no offsets topic or no leader), NOT_COORDINATOR (another node leads it).
   */
  logFor(groupId: string): PartitionLog {
    const partition = this.partitionOf(groupId);
    if (partition === undefined) throw new GroupError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const found = this.broker.replicas.leaderLog(OFFSETS_TOPIC, partition);
    if ('error' in found) {
      throw new GroupError(found.error === 'NOT_LEADER_OR_FOLLOWER' ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    if (!this.loaded.has(partition)) this.load(partition, found.log);
    return found.log;
  }

  /** Throws unless this node coordinates the group (the check every group API makes first). */
  checkCoordinator(groupId: string): void {
    this.logFor(groupId);
  }

  /** Persists records of a group (write before changing memory: a failed write must change nothing). */
  write(groupId: string, records: readonly CoordinatorRecord[]): void {
    appendRecords(this.broker.logs, this.logFor(groupId), records);
  }

  group(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  /** Removes a group from memory (its records are already tombstoned or it was never written). */
  removeGroup(groupId: string): void {
    const g = this.groups.get(groupId);
    if (g === undefined) return;
    g.shutdown();
    this.groups.delete(groupId);
  }

  private onMetadata(delta: MetadataDelta): void {
    const touches =
      delta.partitionsCreated.some((p) => p.topic === OFFSETS_TOPIC) ||
      delta.partitionsChanged.some((p) => p.topic === OFFSETS_TOPIC) ||
      delta.topicsDeleted.some((t) => t.name === OFFSETS_TOPIC);
    if (touches) this.syncLoadedPartitions();
  }

  /** Loads the partitions this node now leads, unloads those it no longer leads. */
  private syncLoadedPartitions(): void {
    const topic = this.broker.metadata.topic(OFFSETS_TOPIC);
    for (const p of [...this.loaded]) {
      if (topic === undefined || topic.partitions.get(p)?.leader !== this.broker.config.nodeId) this.unload(p);
    }
    if (topic === undefined) return;
    for (const p of topic.partitions.keys()) {
      if (this.loaded.has(p)) continue;
      const found = this.broker.replicas.leaderLog(OFFSETS_TOPIC, p);
      if (!('error' in found)) this.load(p, found.log);
    }
  }

  /** Replays a partition's records into memory, then lets each component start its timers. */
  private load(partition: number, log: PartitionLog): void {
    this.loaded.add(partition);
    let count = 0;
    for (const record of replayRecords(log)) {
      count++;
      if (record.type === RecordType.OFFSET_COMMIT || record.type === RecordType.LEGACY_OFFSET_COMMIT) this.offsets.replay(record);
      else if (record.type === RecordType.GROUP_METADATA) this.classic.replay(record);
      else this.consumer.replay(record);
    }
    this.classic.loaded(partition);
    this.consumer.loaded(partition);
    this.offsets.loaded(partition);
    if (count > 0) this.broker.log.info(`group coordinator loaded ${OFFSETS_TOPIC}-${partition}: ${count} records`);
  }

  private unload(partition: number): void {
    this.loaded.delete(partition);
    for (const [id] of [...this.groups]) if (this.partitionOf(id) === partition) this.removeGroup(id);
    this.offsets.unloaded(partition);
  }

  close(): void {
    this.unsubscribe();
    for (const g of this.groups.values()) g.shutdown();
    this.consumer.close();
    this.offsets.close();
  }
}

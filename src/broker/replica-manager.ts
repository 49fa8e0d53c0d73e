import { ConfigResourceType, type MetadataController, type MetadataDelta, type PartitionState } from '../metadata/index.js';
import { logConfigFromKafka, type LogManager, type PartitionLog } from '../storage/index.js';
import type { Logger } from './logger.js';

/**
 * Keeps this node's partition logs in step with the metadata image: a log for every partition the node is a
 * replica of, created, reconfigured and deleted as metadata changes. It is the one place the data path asks
 * "is this partition here, and does this node lead it".
 */
export class ReplicaManager {
  private readonly unsubscribe: () => void;
  /** Callbacks waiting for data on a partition (Fetch long polls), by "topic\0partition". */
  private readonly appendWaiters = new Map<string, Set<() => void>>();

  constructor(
    readonly nodeId: number,
    readonly metadata: MetadataController,
    readonly logs: LogManager,
    private readonly log: Logger,
  ) {
    for (const topic of metadata.image.topicsByName.values())
      for (const p of topic.partitions.values()) this.ensureLog(topic.name, p);
    this.unsubscribe = metadata.subscribe((delta) => this.apply(delta));
  }

  private apply(delta: MetadataDelta): void {
    for (const t of delta.topicsDeleted) {
      this.logs.deleteTopic(t.name);
      this.log.info(`deleted topic ${t.name} (${t.topicId})`);
    }
    for (const { topic, partition } of delta.partitionsCreated) this.ensureLog(topic, partition);
    for (const { topic, partition } of delta.partitionsChanged) this.ensureLog(topic, partition);
    // A topic's log settings come from its own overrides, then this broker's and the cluster's dynamic broker
    // configs (log.retention.ms, …): a broker-level change reconfigures every topic.
    const brokerChanged = delta.configsChanged.some(
      (c) => c.resourceType === ConfigResourceType.BROKER && (c.resourceName === '' || c.resourceName === String(this.nodeId)),
    );
    const topics = brokerChanged
      ? [...this.metadata.image.topicsByName.keys()]
      : delta.configsChanged.filter((c) => c.resourceType === ConfigResourceType.TOPIC).map((c) => c.resourceName);
    for (const topic of new Set(topics)) {
      if (this.metadata.topic(topic) !== undefined)
        this.logs.setConfig(topic, logConfigFromKafka(this.metadata.topicConfig(topic, this.nodeId)));
    }
  }

  private ensureLog(topic: string, p: PartitionState): void {
    if (!p.replicas.includes(this.nodeId)) return;
    const log = this.logs.createPartition(
      { topic, partition: p.partitionId, topicId: p.topicId },
      logConfigFromKafka(this.metadata.topicConfig(topic, this.nodeId)),
    );
    // A leader starts its epoch at the log end, as Kafka's leader epoch cache records it on becoming leader.
    if (p.leader === this.nodeId && p.leaderEpoch > log.leaderEpoch()) log.setLeaderEpoch(p.leaderEpoch);
  }

  /** The partition's log if this node leads it; else why not, as a Kafka error name. */
  leaderLog(topic: string, partition: number): { log: PartitionLog; state: PartitionState } | { error: 'UNKNOWN_TOPIC_OR_PARTITION' | 'NOT_LEADER_OR_FOLLOWER' | 'LEADER_NOT_AVAILABLE' } {
    const state = this.metadata.partition(topic, partition);
    if (state === undefined) return { error: 'UNKNOWN_TOPIC_OR_PARTITION' };
    if (state.leader === -1) return { error: 'LEADER_NOT_AVAILABLE' };
    if (state.leader !== this.nodeId) return { error: 'NOT_LEADER_OR_FOLLOWER' };
    const log = this.logs.partition(topic, partition);
    if (log === undefined) return { error: 'NOT_LEADER_OR_FOLLOWER' };
    return { log, state };
  }

  /** Wakes Fetch requests waiting on this partition: call after an append. */
  notifyAppend(topic: string, partition: number): void {
    const waiters = this.appendWaiters.get(`${topic}\0${partition}`);
    if (waiters === undefined) return;
    for (const w of waiters) w();
  }

  /** Calls `wake` after any append to one of `partitions`; returns the function that stops it. */
  waitForAppend(partitions: readonly { topic: string; partition: number }[], wake: () => void): () => void {
    const keys = partitions.map((p) => `${p.topic}\0${p.partition}`);
    for (const k of keys) {
      let set = this.appendWaiters.get(k);
      if (set === undefined) this.appendWaiters.set(k, (set = new Set()));
      set.add(wake);
    }
    return () => {
      for (const k of keys) {
        const set = this.appendWaiters.get(k);
        set?.delete(wake);
        if (set?.size === 0) this.appendWaiters.delete(k);
      }
    };
  }

  close(): void {
    this.unsubscribe();
  }
}

/**
 * A member of a KIP-848 consumer group: ConsumerGroupHeartbeat carries the subscription and the partitions this
 * member owns; the coordinator runs the assignor and answers with a member epoch and, when it changed, the
 * target assignment. Partitions leaving the target are revoked first (positions committed), then the new ones
 * are taken, and the next heartbeat, sent at once, acknowledges the change by listing what is owned now.
 * FENCED_MEMBER_EPOCH / UNKNOWN_MEMBER_ID: the partitions are lost, and the member rejoins with epoch 0.
 * stop(): revoke (commit) everything, then leave with epoch -1.
 */
import { randomBytes } from 'node:crypto';
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { ConsumerGroupHeartbeatResponse } from '../../protocol/messages/consumer-group-heartbeat-response.js';
import type { Cluster } from '../cluster.js';
import { CoordinatorType } from '../cluster.js';
import { KafkaError } from '../errors.js';
import { partitionsByTopic } from '../topic-partitions.js';
import { diff, pause, type GroupMember, type MemberHooks, type TopicPartition } from './member.js';
import { commitOffsets, type TopicPartitionOffset } from './offsets.js';

const LEAVE_GROUP_MEMBER_EPOCH = -1;

export interface ConsumerProtocolOptions {
  rebalanceTimeoutMs?: number;
}

/** The broker does not run KIP-848 groups (no API 68, or group.version < 1): use the classic protocol. */
export class ConsumerProtocolUnavailable extends Error {}

export class ConsumerMember implements GroupMember {
  /** Kafka's clients make their own member id (required from v1, KIP-1082): a random UUID in Kafka's text form. */
  private memberId = randomBytes(16).toString('base64url');
  private memberEpoch = 0;
  private current: TopicPartition[] = [];
  private readonly abort = new AbortController();
  private readonly rebalanceTimeoutMs: number;

  constructor(
    private readonly cluster: Cluster,
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly hooks: MemberHooks,
    options: ConsumerProtocolOptions = {},
  ) {
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 60_000;
  }

  get owned(): readonly TopicPartition[] {
    return this.current;
  }

  stop(): void {
    this.abort.abort();
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return commitOffsets(this.cluster, this.groupId, { memberId: this.memberId, generationIdOrMemberEpoch: this.memberEpoch }, offsets);
  }

  async run(): Promise<void> {
    const signal = this.abort.signal;
    let first = true;
    try {
      while (!signal.aborted) {
        const r = await this.heartbeat(this.memberEpoch);
        if (r.errorCode === ErrorCode.UNSUPPORTED_VERSION && first) throw new ConsumerProtocolUnavailable(r.errorMessage ?? 'KIP-848 groups are not enabled');
        first = false;
        if (r.errorCode === ErrorCode.FENCED_MEMBER_EPOCH || r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
          const lost = this.current;
          this.current = [];
          this.memberEpoch = 0;
          if (lost.length > 0) this.hooks.lost(lost);
          // As Kafka's retry.backoff.ms: a coordinator that keeps fencing us is not asked again in a tight loop.
          await pause(this.cluster.options.retryBackoffMs, signal);
          continue;
        }
        if (r.errorCode !== ErrorCode.NONE) throw new KafkaError(r.errorCode, `heartbeat to group "${this.groupId}"`, r.errorMessage);
        if (r.memberId !== null && r.memberId !== '') this.memberId = r.memberId;
        this.memberEpoch = r.memberEpoch;
        let changed = false;
        if (r.assignment !== null) changed = await this.reconcile(r.assignment.topicPartitions);
        // An acknowledgement goes out at once; otherwise wait for the interval the coordinator asked for.
        if (!changed) await pause(r.heartbeatIntervalMs > 0 ? r.heartbeatIntervalMs : 5_000, signal);
      }
    } finally {
      // Also when the member failed: its partitions are given up (committed) and it leaves, so that the group
      // does not wait a session timeout for it. A failing leave must not hide why the member stopped.
      try {
        const revoked = this.current;
        this.current = [];
        if (revoked.length > 0) await this.hooks.revoked(revoked);
      } finally {
        if (this.memberEpoch > 0) await this.heartbeat(LEAVE_GROUP_MEMBER_EPOCH).catch(() => undefined);
      }
    }
  }

  private async reconcile(target: { topicId: string; partitions: number[] }[]): Promise<boolean> {
    const names = new Map<string, string>();
    for (const t of this.cluster.topics.values()) names.set(t.id, t.name);
    if (target.some((t) => !names.has(t.topicId))) {
      await this.cluster.refreshMetadata(this.topics);
      for (const t of this.cluster.topics.values()) names.set(t.id, t.name);
    }
    const wanted: TopicPartition[] = target.flatMap((t) => {
      const topic = names.get(t.topicId);
      return topic === undefined ? [] : t.partitions.map((partition) => ({ topic, partition }));
    });
    const revoked = diff(this.current, wanted);
    const added = diff(wanted, this.current);
    if (revoked.length === 0 && added.length === 0) return false;
    if (revoked.length > 0) {
      await this.hooks.revoked(revoked);
      this.current = diff(this.current, revoked);
    }
    if (added.length > 0) {
      await this.hooks.assigned(added);
      this.current = [...this.current, ...added];
    }
    this.hooks.log?.(
      `group "${this.groupId}": epoch ${this.memberEpoch}, assigned ${this.current.map((p) => `${p.topic}-${p.partition}`).join(', ') || 'nothing'}`,
    );
    return true;
  }

  private heartbeat(epoch: number): Promise<ConsumerGroupHeartbeatResponse> {
    const owned: { topicId: string; partitions: number[] }[] = [];
    for (const [topic, partitions] of partitionsByTopic(this.current)) {
      const topicId = this.cluster.topics.get(topic)?.id;
      if (topicId !== undefined) owned.push({ topicId, partitions });
    }
    return this.cluster.requestCoordinator(
      CoordinatorType.Group,
      this.groupId,
      ApiKey.ConsumerGroupHeartbeat,
      (v) => ({
        groupId: this.groupId,
        memberId: v === 0 && epoch === 0 && this.memberEpoch === 0 ? '' : this.memberId,
        memberEpoch: epoch,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: this.rebalanceTimeoutMs,
        subscribedTopicNames: this.topics,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: owned,
      }),
      (r) => r.errorCode,
    );
  }
}

/**
 * A member of a classic consumer group (protocol type "consumer"): JoinGroup, SyncGroup (the leader runs the
 * assignor: range, or roundrobin when every member offers it first), then Heartbeat on the coordinator
 * connection until the group rebalances (REBALANCE_IN_PROGRESS: commit and give everything up, as Kafka's
 * eager protocol, then rejoin) or the member is fenced (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID: lose the
 * partitions, rejoin). stop() gives the partitions up (commit) and sends LeaveGroup.
 */
import { ApiKey, ErrorCode, type ApiKeyNumber, type Input } from '../../protocol/index.js';
import type { RequestOf, ResponseOf } from '../connection.js';
import { ConsumerProtocolAssignment } from '../../protocol/messages/consumer-protocol-assignment.js';
import { ConsumerProtocolSubscription } from '../../protocol/messages/consumer-protocol-subscription.js';
import type { JoinGroupResponse } from '../../protocol/messages/join-group-response.js';
import { Reader } from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { CoordinatorType } from '../cluster.js';
import { KafkaError } from '../errors.js';
import { partitionsByTopic } from '../topic-partitions.js';
import { ASSIGNORS, cooperativeStickyAssign, type StickyMember } from './assignors.js';
import { commitOffsets, type TopicPartitionOffset } from './offsets.js';
import { diff, pause, type GroupMember, type MemberHooks, type TopicPartition } from './member.js';

export interface ClassicOptions {
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

/** v2: owned partitions (KIP-429) and the generation they were owned in, for the cooperative-sticky leader. */
const SUBSCRIPTION_VERSION = 2;

export interface Subscription {
  topics: string[];
  owned: TopicPartition[];
  generation: number;
}

export function encodeSubscription(topics: string[], owned: readonly TopicPartition[] = [], generation = -1): Buffer {
  const body = ConsumerProtocolSubscription.encode(SUBSCRIPTION_VERSION, {
    topics,
    userData: null,
    ownedPartitions: [...partitionsByTopic(owned)].map(([topic, partitions]) => ({ topic, partitions })),
    generationId: generation,
  });
  const head = Buffer.alloc(2);
  head.writeInt16BE(SUBSCRIPTION_VERSION);
  return Buffer.concat([head, body]);
}

/** Kafka's ConsumerProtocol: an int16 version, then the struct; newer versions read as the newest we know. */
export function decodeSubscription(buf: Buffer): Subscription {
  const version = Math.min(buf.readInt16BE(0), ConsumerProtocolSubscription.maxVersion);
  const s = ConsumerProtocolSubscription.read(new Reader(buf, 2), version);
  return {
    topics: s.topics,
    owned: s.ownedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))),
    generation: version >= 2 ? s.generationId : -1,
  };
}

export function encodeAssignment(byTopic: Map<string, number[]>): Buffer {
  const body = ConsumerProtocolAssignment.encode(1, {
    assignedPartitions: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    userData: null,
  });
  const head = Buffer.alloc(2);
  head.writeInt16BE(1);
  return Buffer.concat([head, body]);
}

export function decodeAssignment(buf: Buffer): TopicPartition[] {
  if (buf.length < 2) return [];
  const version = Math.min(buf.readInt16BE(0), ConsumerProtocolAssignment.maxVersion);
  const a = ConsumerProtocolAssignment.read(new Reader(buf, 2), version);
  return a.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

const COOPERATIVE = 'cooperative-sticky';

type Outcome = 'rebalance' | 'fenced' | 'stop';

export class ClassicMember implements GroupMember {
  private memberId = '';
  private generationId = -1;
  private protocolName: string | null = null;
  private current: TopicPartition[] = [];
  private readonly abort = new AbortController();
  private readonly sessionTimeoutMs: number;
  private readonly rebalanceTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;

  constructor(
    private readonly cluster: Cluster,
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly hooks: MemberHooks,
    options: ClassicOptions = {},
  ) {
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 45_000;
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 60_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
  }

  get owned(): readonly TopicPartition[] {
    return this.current;
  }

  stop(): void {
    this.abort.abort();
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return commitOffsets(this.cluster, this.groupId, { memberId: this.memberId, generationIdOrMemberEpoch: this.generationId }, offsets);
  }

  async run(): Promise<void> {
    const signal = this.abort.signal;
    // One listener for the whole run (not one per rebalance, which would pile up on the signal).
    const aborted = new Promise<null>((r) => signal.addEventListener('abort', () => r(null), { once: true }));
    try {
      while (!signal.aborted) {
        // Joining waits for the whole group (up to the rebalance timeout): Ctrl-C must not wait with it.
        const joining = this.joinAndSync();
        joining.catch(() => undefined);
        const joined = await Promise.race([joining, aborted]);
        if (joined === null) break;
        // Eager (range, roundrobin): everything was given up before rejoining, so this is all new. Cooperative:
        // keep what stays, give up what moved (then rejoin at once so that its new owner gets it), take what is new.
        const revoked = diff(this.current, joined);
        const added = diff(joined, this.current);
        if (revoked.length > 0) {
          this.current = diff(this.current, revoked);
          await this.hooks.revoked(revoked);
        }
        if (added.length > 0) {
          this.current = [...this.current, ...added];
          await this.hooks.assigned(added);
        }
        if (revoked.length > 0) continue;
        const outcome = await this.heartbeatUntilChange();
        if (outcome === 'fenced') {
          const lost = this.current;
          this.current = [];
          this.hooks.lost(lost);
        } else if (outcome === 'rebalance' && this.protocolName !== COOPERATIVE) {
          await this.giveUp();
        }
      }
    } finally {
      // Also when the member failed: give the partitions up (commit) and leave, so that the group does not wait
      // a session timeout for it. A failing leave must not hide why the member stopped.
      try {
        await this.giveUp();
      } finally {
        await this.leave().catch(() => undefined);
      }
    }
  }

  /** Kafka's retry.backoff.ms before asking the coordinator again; false when the member was stopped meanwhile. */
  private async backoff(): Promise<boolean> {
    await pause(this.cluster.options.retryBackoffMs, this.abort.signal);
    return !this.abort.signal.aborted;
  }

  private async giveUp(): Promise<void> {
    const revoked = this.current;
    this.current = [];
    if (revoked.length > 0) await this.hooks.revoked(revoked);
  }

  private request<K extends ApiKeyNumber>(
    apiKey: K,
    body: Input<RequestOf<K>> | ((version: number) => Input<RequestOf<K>>),
    timeoutMs?: number,
  ): Promise<ResponseOf<K>> {
    return this.cluster.requestCoordinator(
      CoordinatorType.Group,
      this.groupId,
      apiKey,
      body,
      (r) => (r as { errorCode: number }).errorCode,
      timeoutMs === undefined ? {} : { timeoutMs, deadlineMs: timeoutMs },
    );
  }

  /** Joins (again) and returns this member's assignment. */
  private async joinAndSync(): Promise<TopicPartition[]> {
    for (;;) {
      const metadata = encodeSubscription(this.topics, this.current, this.generationId);
      const join = await this.request(
        ApiKey.JoinGroup,
        {
          groupId: this.groupId,
          sessionTimeoutMs: this.sessionTimeoutMs,
          rebalanceTimeoutMs: this.rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [
            { name: COOPERATIVE, metadata },
            { name: 'range', metadata },
            { name: 'roundrobin', metadata },
          ],
          reason: null,
        },
        this.rebalanceTimeoutMs + 5_000,
      );
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = join.memberId;
        continue;
      }
      if (join.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || join.errorCode === ErrorCode.ILLEGAL_GENERATION) {
        this.memberId = '';
        if (await this.backoff()) continue;
        return [];
      }
      if (join.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
        if (await this.backoff()) continue;
        return [];
      }
      if (join.errorCode !== ErrorCode.NONE) throw new KafkaError(join.errorCode, `joining group "${this.groupId}"`);
      this.memberId = join.memberId;
      this.generationId = join.generationId;
      this.protocolName = join.protocolName;
      const assignments = join.leader === join.memberId ? await this.assign(join) : [];
      const sync = await this.request(
        ApiKey.SyncGroup,
        {
          groupId: this.groupId,
          generationId: join.generationId,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: join.protocolName,
          assignments,
        },
        this.rebalanceTimeoutMs + 5_000,
      );
      if (sync.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || sync.errorCode === ErrorCode.ILLEGAL_GENERATION) {
        if (sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        // Stopped meanwhile: run() has moved on (the race with the abort), so what this returns is not used.
        if (await this.backoff()) continue;
        return [];
      }
      if (sync.errorCode !== ErrorCode.NONE) throw new KafkaError(sync.errorCode, `syncing group "${this.groupId}"`);
      const mine = decodeAssignment(sync.assignment);
      this.hooks.log?.(
        `group "${this.groupId}": generation ${this.generationId} (${this.protocolName ?? '?'}), assigned ${mine.map((p) => `${p.topic}-${p.partition}`).join(', ') || 'nothing'}`,
      );
      return mine;
    }
  }

  /** The leader's job: every member's subscription, the partition counts, the chosen assignor. */
  private async assign(join: JoinGroupResponse): Promise<{ memberId: string; assignment: Buffer }[]> {
    const members: StickyMember[] = join.members.map((m) => {
      const sub = decodeSubscription(m.metadata);
      return { memberId: m.memberId, topics: sub.topics, owned: sub.owned, generation: sub.generation };
    });
    const topics = [...new Set(members.flatMap((m) => m.topics))];
    const counts = new Map<string, number>();
    await this.cluster.refreshMetadata(topics);
    for (const t of topics) {
      const info = this.cluster.topics.get(t);
      if (info !== undefined) counts.set(t, info.partitions.length);
    }
    const result =
      join.protocolName === COOPERATIVE ? cooperativeStickyAssign(members, counts) : (ASSIGNORS[join.protocolName ?? 'range'] ?? ASSIGNORS.range!)(members, counts);
    return [...result].map(([memberId, byTopic]) => ({ memberId, assignment: encodeAssignment(byTopic) }));
  }

  private async heartbeatUntilChange(): Promise<Outcome> {
    const signal = this.abort.signal;
    for (;;) {
      await pause(this.heartbeatIntervalMs, signal);
      if (signal.aborted) return 'stop';
      const r = await this.request(ApiKey.Heartbeat, {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
      });
      if (r.errorCode === ErrorCode.NONE) continue;
      if (r.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) return 'rebalance';
      if (r.errorCode === ErrorCode.ILLEGAL_GENERATION || r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || r.errorCode === ErrorCode.FENCED_INSTANCE_ID) {
        if (r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        return 'fenced';
      }
      throw new KafkaError(r.errorCode, `heartbeat to group "${this.groupId}"`);
    }
  }

  private async leave(): Promise<void> {
    if (this.memberId === '') return;
    const r = await this.request(ApiKey.LeaveGroup, (v: number) =>
      v >= 3
        ? { groupId: this.groupId, members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'the consumer is closing' }] }
        : { groupId: this.groupId, memberId: this.memberId },
    );
    if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.UNKNOWN_MEMBER_ID) {
      throw new KafkaError(r.errorCode, `leaving group "${this.groupId}"`);
    }
    this.memberId = '';
  }
}

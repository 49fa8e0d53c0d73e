/**
 * Classic-group members speaking raw JoinGroup/SyncGroup/Heartbeat/LeaveGroup (RawClient), to hold a group in a
 * chosen state (PreparingRebalance, CompletingRebalance…) while a client's admin describes it. Real consumers
 * move through those states too fast to be looked at.
 */
import { randomUUID } from 'node:crypto';
import { ApiKey, ErrorCode, decodeResponseFrame } from '../../src/protocol/index.js';
import { RawClient } from '../broker/raw-client.js';

/** ConsumerProtocolSubscription v0: version, topics, user data (null). */
export function subscription(topics: string[]): Buffer {
  const parts: Buffer[] = [i16(0), i32(topics.length)];
  for (const t of topics) parts.push(str(t));
  parts.push(i32(-1));
  return Buffer.concat(parts);
}

/** ConsumerProtocolAssignment v0: version, [topic, [partition]], user data (null). */
export function assignment(byTopic: Record<string, number[]>): Buffer {
  const entries = Object.entries(byTopic);
  const parts: Buffer[] = [i16(0), i32(entries.length)];
  for (const [t, ps] of entries) {
    parts.push(str(t), i32(ps.length));
    for (const p of ps) parts.push(i32(p));
  }
  parts.push(i32(-1));
  return Buffer.concat(parts);
}

function i16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function i32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function str(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  return Buffer.concat([i16(body.length), body]);
}

const JOIN_V = 5; // member ids required (v4+), group.instance.id (v5); not flexible, so any codec reads it
const SYNC_V = 3;
const LEAVE_V = 3;
const HEARTBEAT_V = 3;

function check(what: string, code: number, want: number = ErrorCode.NONE): void {
  if (code !== want) throw new Error(`${what}: error code ${code}, expected ${want}`);
}

export class RawMember {
  memberId = '';
  generation = -1;
  leader = '';
  members: string[] = [];
  private constructor(
    private client: RawClient,
    readonly group: string,
    readonly topic: string,
  ) {}

  static async connect(port: number, group: string, topic: string): Promise<RawMember> {
    return new RawMember(await RawClient.connect(port), group, topic);
  }

  private joinBody() {
    return {
      groupId: this.group,
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 10_000,
      memberId: this.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription([this.topic]) }],
      reason: null,
    };
  }

  /** JoinGroup with no member id: Kafka answers MEMBER_ID_REQUIRED with the id to join with (KIP-394). */
  async getMemberId(): Promise<void> {
    const res = await this.client.request(ApiKey.JoinGroup, JOIN_V, this.joinBody());
    check('JoinGroup without a member id', res.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    this.memberId = res.memberId;
  }

  /** Sends JoinGroup; the answer comes when the rebalance completes (await `joined`). */
  startJoin(): { joined: Promise<void> } {
    const id = this.client.send(ApiKey.JoinGroup, JOIN_V, this.joinBody());
    const joined = (async () => {
      const frame = await this.client.nextFrame(15_000);
      if (frame === null) throw new Error('connection closed during JoinGroup');
      if (frame.readInt32BE(0) !== id) throw new Error('unexpected correlation id');
      const { body } = decode(ApiKey.JoinGroup, JOIN_V, frame);
      check('JoinGroup', body.errorCode);
      this.generation = body.generationId;
      this.leader = body.leader;
      this.members = body.members.map((m: { memberId: string }) => m.memberId);
    })();
    joined.catch(() => {});
    return { joined };
  }

  async join(): Promise<void> {
    await this.startJoin().joined;
  }

  async sync(assignments: Record<string, Record<string, number[]>> = {}): Promise<Buffer> {
    const res = await this.client.request(ApiKey.SyncGroup, SYNC_V, {
      groupId: this.group,
      generationId: this.generation,
      memberId: this.memberId,
      groupInstanceId: null,
      assignments: Object.entries(assignments).map(([memberId, a]) => ({ memberId, assignment: assignment(a) })),
    });
    check('SyncGroup', res.errorCode);
    return res.assignment;
  }

  /** Sends SyncGroup without waiting (a follower's answer waits for the leader's). */
  startSync(): Promise<void> {
    const id = this.client.send(ApiKey.SyncGroup, SYNC_V, { groupId: this.group, generationId: this.generation, memberId: this.memberId, groupInstanceId: null, assignments: [] });
    const done = (async () => {
      const frame = await this.client.nextFrame(15_000);
      if (frame === null) throw new Error('connection closed during SyncGroup');
      if (frame.readInt32BE(0) !== id) throw new Error('unexpected correlation id');
      check('SyncGroup', decode(ApiKey.SyncGroup, SYNC_V, frame).body.errorCode);
    })();
    done.catch(() => {});
    return done;
  }

  async heartbeat(): Promise<number> {
    const res = await this.client.request(ApiKey.Heartbeat, HEARTBEAT_V, { groupId: this.group, generationId: this.generation, memberId: this.memberId, groupInstanceId: null });
    return res.errorCode;
  }

  async leave(): Promise<void> {
    const res = await this.client.request(ApiKey.LeaveGroup, LEAVE_V, { groupId: this.group, members: [{ memberId: this.memberId, groupInstanceId: null }] });
    check('LeaveGroup', res.errorCode);
    check('LeaveGroup member', res.members[0]?.errorCode ?? -1);
  }

  close(): void {
    this.client.close();
  }
}

function decode(apiKey: number, version: number, frame: Buffer): { body: any } {
  return decodeResponseFrame(apiKey, version, frame) as { body: any };
}

export async function deleteGroup(port: number, group: string): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    const res = await c.request(ApiKey.DeleteGroups, 2, { groupsNames: [group] });
    check('DeleteGroups', res.results[0].errorCode);
  } finally {
    c.close();
  }
}

/**
 * A KIP-848 member speaking raw ConsumerGroupHeartbeat v1 (the member id is the client's own), to hold a consumer
 * group in Reconciling while it is described.
 */
export class RawConsumerMember {
  readonly memberId = randomUUID().replace(/-/g, '').slice(0, 22);
  epoch = 0;
  /** Partitions by topic id, as last assigned. */
  owned: { topicId: string; partitions: number[] }[] = [];
  private constructor(
    private client: RawClient,
    readonly group: string,
    readonly topic: string,
  ) {}

  static async connect(port: number, group: string, topic: string): Promise<RawConsumerMember> {
    return new RawConsumerMember(await RawClient.connect(port), group, topic);
  }

  /** One heartbeat: joins (epoch 0), acknowledges what it owns, or leaves (epoch -1). */
  async heartbeat(epoch = this.epoch): Promise<void> {
    const res = await this.client.request(ApiKey.ConsumerGroupHeartbeat, 1, {
      groupId: this.group,
      memberId: this.memberId,
      memberEpoch: epoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: epoch === 0 ? 10_000 : -1,
      subscribedTopicNames: epoch === 0 ? [this.topic] : null,
      subscribedTopicRegex: null,
      serverAssignor: epoch === 0 ? 'uniform' : null,
      topicPartitions: epoch === -1 ? null : this.owned,
    });
    check('ConsumerGroupHeartbeat', res.errorCode);
    this.epoch = res.memberEpoch;
    if (res.assignment) this.owned = res.assignment.topicPartitions.map((t: { topicId: string; partitions: number[] }) => ({ topicId: t.topicId, partitions: [...t.partitions].sort((a, b) => a - b) }));
  }

  partitions(): number[] {
    return this.owned.flatMap((t) => t.partitions).sort((a, b) => a - b);
  }

  close(): void {
    this.client.close();
  }
}

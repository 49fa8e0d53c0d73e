/**
 * One classic group's state (Kafka's ClassicGroup): its members, generation, chosen protocol and state machine
 * Empty → PreparingRebalance → CompletingRebalance → Stable (→ Dead when deleted or unloaded). The rebalance
 * protocol that drives it (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, timers) is in classic-groups.ts; this
 * file holds what the shared group APIs (offsets, describe, list, delete) ask of a classic group.
 */
import { ErrorCode } from '../../protocol/index.js';
import { ConsumerProtocolSubscription } from '../../protocol/messages/consumer-protocol-subscription.js';
import { RecordType, type CoordinatorRecord } from './records.js';
import { GroupError, type DescribedGroupEntry, type Group, type OffsetCommitContext } from './types.js';

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface ClassicMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  /** The member's protocols in its order of preference: name and metadata. */
  protocols: { name: string; metadata: Buffer }[];
  /** What SyncGroup handed the member (empty until then). */
  assignment: Buffer;
}

export class ClassicGroup implements Group {
  readonly type = 'classic' as const;
  state: ClassicGroupState = 'Empty';
  generationId = 0;
  /** The group's protocol type (e.g. "consumer", "connect"); null until the first member joins. */
  protocolTypeName: string | null = null;
  /** The protocol chosen for the current generation. */
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  /** Static members: group.instance.id → member id (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** When the group last changed state (GroupMetadataValue.currentStateTimestamp). */
  currentStateTimestamp = -1;

  constructor(readonly groupId: string) {}

  stateName(): string {
    return this.state;
  }

  protocolType(): string {
    return this.protocolTypeName ?? '';
  }

  isEmpty(): boolean {
    return this.state === 'Empty';
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  /** ClassicGroup.validateMember: static members are checked by instance id (FENCED_INSTANCE_ID). */
  validateMember(memberId: string, groupInstanceId: string | null): void {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID);
      if (existing !== memberId) throw new GroupError(ErrorCode.FENCED_INSTANCE_ID);
    } else if (!this.members.has(memberId)) {
      throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  validateOffsetCommit(ctx: OffsetCommitContext): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // Generation -1: the admin client or a consumer without group management, allowed while the group is empty.
    if (ctx.generationIdOrMemberEpoch < 0 && this.state === 'Empty') return;
    if (ctx.generationIdOrMemberEpoch >= 0 || ctx.memberId !== '' || ctx.groupInstanceId !== null) {
      this.validateMember(ctx.memberId, ctx.groupInstanceId);
      if (ctx.generationIdOrMemberEpoch !== this.generationId) throw new GroupError(ErrorCode.ILLEGAL_GENERATION);
    } else if (!ctx.isTransactional && this.state !== 'Empty') {
      // No member and no generation (OffsetCommit v0): only while the group is empty.
      throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    // The member has its JoinGroup answer but not yet its assignment: let it retry after SyncGroup.
    if (!ctx.isTransactional && this.state === 'CompletingRebalance') throw new GroupError(ErrorCode.REBALANCE_IN_PROGRESS);
  }

  validateOffsetFetch(): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
  }

  validateOffsetDelete(): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
    if (this.state !== 'Empty' && this.protocolTypeName !== 'consumer')
      throw new GroupError(ErrorCode.NON_EMPTY_GROUP, `Group ${this.groupId} is non-empty and is not using the consumer group protocol.`);
  }

  validateDeleteGroup(): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
    if (this.state !== 'Empty') throw new GroupError(ErrorCode.NON_EMPTY_GROUP);
  }

  /** The topics the members subscribe to, from their "consumer" protocol metadata; undefined when unknown. */
  subscribedTopics(): Set<string> | undefined {
    if (this.protocolTypeName !== 'consumer' || this.protocolName === null) return undefined;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const metadata = m.protocols.find((p) => p.name === this.protocolName)?.metadata;
      if (metadata === undefined || metadata.length < 2) return undefined;
      try {
        const version = metadata.readInt16BE(0);
        const sub = ConsumerProtocolSubscription.decode(Math.min(version, ConsumerProtocolSubscription.maxVersion), metadata.subarray(2));
        for (const t of sub.topics) topics.add(t);
      } catch {
        return undefined;
      }
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics()?.has(topic) ?? false;
  }

  deletionRecords(): CoordinatorRecord[] {
    return [{ type: RecordType.GROUP_METADATA, key: { group: this.groupId }, value: null }];
  }

  describe(): DescribedGroupEntry {
    const stable = this.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId: this.groupId,
      groupState: this.state,
      protocolType: this.protocolType(),
      protocolData: stable ? (this.protocolName ?? '') : '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? (m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? Buffer.alloc(0)) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  shutdown(): void {
    this.state = 'Dead';
  }
}

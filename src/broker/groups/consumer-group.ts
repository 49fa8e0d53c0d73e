/**
 * One consumer group (KIP-848; Kafka's ConsumerGroup): its epoch, members, target assignment and resolved
 * regular expressions, rebuilt from the group's records (consumer-groups.ts replays them) and read by the
 * heartbeat, the describe APIs and the shared group APIs (the Group interface).
 *
 * State: Empty (no members), Assigning (the group epoch is ahead of the target assignment), Reconciling (some
 * member is not yet stable at the target epoch), Stable, Dead (deleted or unloaded).
 */
import { ErrorCode } from '../../protocol/index.js';
import { emptyAssignment, type Assignment } from './assignment.js';
import { LEAVE_GROUP_MEMBER_EPOCH, isReconciledTo, type ConsumerGroupMember } from './consumer-group-member.js';
import * as R from './consumer-group-records.js';
import type { CoordinatorRecord } from './records.js';
import { GroupError, type DescribedGroupEntry, type Group, type OffsetCommitContext } from './types.js';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

export interface ResolvedRegex {
  topics: string[];
  /** The metadata image offset the regex was resolved against. */
  version: bigint;
  timestamp: bigint;
}

export class ConsumerGroup implements Group {
  readonly type = 'consumer' as const;
  groupEpoch = 0;
  /** Hash of the subscribed topics' metadata when the epoch was last bumped (ConsumerGroupMetadataValue). */
  metadataHash = 0n;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  /** Static members: instance id → member id. */
  readonly staticMembers = new Map<string, string>();
  readonly targetAssignment = new Map<string, Assignment>();
  readonly resolvedRegexes = new Map<string, ResolvedRegex>();
  /** Topic id → partition → epoch of the member holding it (assigned or pending revocation). */
  private readonly partitionEpochs = new Map<string, Map<number, number>>();
  /** Set when the topics the group subscribes to changed in the metadata: the next heartbeat re-checks them. */
  metadataRefresh = false;
  dead = false;
  /** Session and rebalance timers by member id (not persisted: restarted when the partition loads). */
  readonly sessionTimers = new Map<string, NodeJS.Timeout>();
  readonly rebalanceTimers = new Map<string, NodeJS.Timeout>();

  constructor(readonly groupId: string) {}

  state(): ConsumerGroupState {
    if (this.dead) return 'Dead';
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) if (!isReconciledTo(m, this.assignmentEpoch)) return 'Reconciling';
    return 'Stable';
  }

  stateName(): string {
    return this.state();
  }

  protocolType(): string {
    return 'consumer';
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const id = this.staticMembers.get(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  /** Kafka's currentPartitionEpoch: -1 when no member holds the partition. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  targetOf(memberId: string): Assignment {
    return this.targetAssignment.get(memberId) ?? emptyAssignment();
  }

  /** Replaces (or adds) a member, keeping the static-member index and partition epochs in step. */
  updateMember(member: ConsumerGroupMember): void {
    const old = this.members.get(member.memberId);
    if (old !== undefined) {
      this.setPartitionEpochs(old, false);
      if (old.instanceId !== null && this.staticMembers.get(old.instanceId) === old.memberId) this.staticMembers.delete(old.instanceId);
    }
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
    this.setPartitionEpochs(member, true);
  }

  removeMember(memberId: string): void {
    const old = this.members.get(memberId);
    if (old === undefined) return;
    this.setPartitionEpochs(old, false);
    if (old.instanceId !== null && this.staticMembers.get(old.instanceId) === memberId) this.staticMembers.delete(old.instanceId);
    this.members.delete(memberId);
  }

  private setPartitionEpochs(m: ConsumerGroupMember, add: boolean): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [topicId, ps] of a) {
        let byPartition = this.partitionEpochs.get(topicId);
        if (byPartition === undefined) {
          if (!add) continue;
          this.partitionEpochs.set(topicId, (byPartition = new Map()));
        }
        for (const p of ps) {
          if (add) byPartition.set(p, m.memberEpoch);
          else if (byPartition.get(p) === m.memberEpoch) byPartition.delete(p);
        }
        if (byPartition.size === 0) this.partitionEpochs.delete(topicId);
      }
    }
  }

  /** How many members subscribe with this regex. */
  regexSubscribers(regex: string): number {
    let n = 0;
    for (const m of this.members.values()) if (m.subscribedTopicRegex === regex) n++;
    return n;
  }

  /**
   * Topic names the members subscribe to (by name or through a resolved regex), with `removed` taken out and
   * `added` put in (a heartbeat computes the group as it will be after its records).
   */
  subscribedTopicNames(removed?: ConsumerGroupMember, added?: ConsumerGroupMember, regexOverlay?: ReadonlyMap<string, string[] | null>): Set<string> {
    const names = new Set<string>();
    const regexTopics = (regex: string): readonly string[] => {
      if (regexOverlay?.has(regex)) return regexOverlay.get(regex) ?? [];
      return this.resolvedRegexes.get(regex)?.topics ?? [];
    };
    const addMember = (m: ConsumerGroupMember) => {
      for (const t of m.subscribedTopicNames) names.add(t);
      if (m.subscribedTopicRegex !== null && m.subscribedTopicRegex !== '') for (const t of regexTopics(m.subscribedTopicRegex)) names.add(t);
    };
    for (const m of this.members.values()) if (m.memberId !== removed?.memberId && m.memberId !== added?.memberId) addMember(m);
    if (added !== undefined) addMember(added);
    return names;
  }

  /** The server assignor most members asked for (Kafka's preferred server assignor), else null. */
  preferredAssignor(removed?: ConsumerGroupMember, added?: ConsumerGroupMember): string | null {
    const counts = new Map<string, number>();
    const count = (m: ConsumerGroupMember) => {
      if (m.serverAssignorName !== null) counts.set(m.serverAssignorName, (counts.get(m.serverAssignorName) ?? 0) + 1);
    };
    for (const m of this.members.values()) if (m.memberId !== removed?.memberId && m.memberId !== added?.memberId) count(m);
    if (added !== undefined) count(added);
    let best: string | null = null;
    for (const [name, n] of counts) if (best === null || n > counts.get(best)!) best = name;
    return best;
  }

  // ---- the Group interface (offsets, list, describe, delete) ----

  validateOffsetCommit(ctx: OffsetCommitContext): void {
    // Epoch -1: the admin client or a consumer outside the group: allowed while the group has no members.
    if (ctx.generationIdOrMemberEpoch < 0 && this.members.size === 0) return;
    const member = this.members.get(ctx.memberId);
    if (member === undefined) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${ctx.memberId} is not a member of group ${this.groupId}.`);
    // A KIP-848 member commits with OffsetCommit v9+ (which carries the member epoch); older versions cannot.
    if (!ctx.isTransactional && ctx.apiVersion < 9) {
      throw new GroupError(ErrorCode.UNSUPPORTED_VERSION, 'OffsetCommit version 9 or above must be used by members using the modern group protocol');
    }
    this.validateMemberEpoch(ctx.generationIdOrMemberEpoch, member.memberEpoch);
  }

  validateOffsetFetch(memberId: string | null, memberEpoch: number): void {
    // No member id and epoch -1: the admin client or a client that does not send them.
    if (memberId === null && memberEpoch < 0) return;
    const member = memberId === null ? undefined : this.members.get(memberId);
    if (member === undefined) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${this.groupId}.`);
    this.validateMemberEpoch(memberEpoch, member.memberEpoch);
  }

  private validateMemberEpoch(received: number, expected: number): void {
    if (received !== expected) {
      throw new GroupError(ErrorCode.STALE_MEMBER_EPOCH, `The received member epoch ${received} does not match the expected member epoch ${expected}.`);
    }
  }

  validateOffsetDelete(): void {
    // Offsets of topics no member subscribes to may always be deleted (the caller checks isSubscribedToTopic).
  }

  validateDeleteGroup(): void {
    const state = this.state();
    if (state === 'Dead') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
    if (state !== 'Empty') throw new GroupError(ErrorCode.NON_EMPTY_GROUP);
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopicNames().has(topic);
  }

  /** Kafka's createGroupTombstoneRecords for a consumer group. */
  deletionRecords(): CoordinatorRecord[] {
    const ids = [...this.members.keys()];
    return [
      ...ids.map((id) => R.currentAssignmentTombstone(this.groupId, id)),
      ...[...new Set([...ids, ...this.targetAssignment.keys()])].map((id) => R.targetAssignmentTombstone(this.groupId, id)),
      R.targetAssignmentEpochTombstone(this.groupId),
      ...ids.map((id) => R.memberSubscriptionTombstone(this.groupId, id)),
      R.partitionMetadataTombstone(this.groupId),
      R.groupEpochTombstone(this.groupId),
      ...[...this.resolvedRegexes.keys()].map((regex) => R.regexTombstone(this.groupId, regex)),
    ];
  }

  /**
   * DescribeGroups (the classic API) on a consumer group: Kafka 4.x looks the id up as a classic group and answers
   * as for a missing one: state Dead, and from DescribeGroups v6 GROUP_ID_NOT_FOUND with this message (the
   * DescribeGroups handler drops the error code for v0-5, as Kafka answers those with no error).
   */
  describe(): DescribedGroupEntry {
    return {
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: `Group ${this.groupId} is not a classic group.`,
      groupId: this.groupId,
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
    };
  }

  shutdown(): void {
    this.dead = true;
    for (const t of this.sessionTimers.values()) clearTimeout(t);
    for (const t of this.rebalanceTimers.values()) clearTimeout(t);
    this.sessionTimers.clear();
    this.rebalanceTimers.clear();
  }
}

export { LEAVE_GROUP_MEMBER_EPOCH };

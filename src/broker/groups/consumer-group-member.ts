/**
 * One member of a consumer group (KIP-848; Kafka's ConsumerGroupMember): its subscription as the member sent it
 * in ConsumerGroupHeartbeat, and its current assignment and epochs as reconciliation left them. Members are
 * plain immutable-by-convention objects: a change builds a new object, and the records that persist it.
 */
import { copyAssignment, emptyAssignment, type Assignment } from './assignment.js';

/** Kafka's MemberState values, as the ConsumerGroupCurrentMemberAssignment record stores them. */
export const MemberState = {
  STABLE: 0,
  UNREVOKED_PARTITIONS: 1,
  UNRELEASED_PARTITIONS: 2,
  UNKNOWN: 127,
} as const;
export type MemberStateValue = (typeof MemberState)[keyof typeof MemberState];

export function memberStateFrom(value: number): MemberStateValue {
  return value === 0 || value === 1 || value === 2 ? value : MemberState.UNKNOWN;
}

/** Member epochs with a meaning (ConsumerGroupHeartbeat): join, leave, static member leaving for now. */
export const JOIN_GROUP_MEMBER_EPOCH = 0;
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export interface ConsumerGroupMember {
  memberId: string;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberStateValue;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignorName: string | null;
  /** The partitions the member owns (or may own once their previous owner released them). */
  assignedPartitions: Assignment;
  /** The partitions the member must give up before it moves to the next epoch. */
  partitionsPendingRevocation: Assignment;
}

export function newMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.STABLE,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignorName: null,
    assignedPartitions: emptyAssignment(),
    partitionsPendingRevocation: emptyAssignment(),
  };
}

export function copyMember(m: ConsumerGroupMember, changes: Partial<ConsumerGroupMember> = {}): ConsumerGroupMember {
  return {
    ...m,
    subscribedTopicNames: [...m.subscribedTopicNames],
    assignedPartitions: copyAssignment(m.assignedPartitions),
    partitionsPendingRevocation: copyAssignment(m.partitionsPendingRevocation),
    ...changes,
  };
}

/** What ConsumerGroupMemberMetadataValue holds differs (Kafka writes the record only then). */
export function memberMetadataChanged(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.instanceId !== b.instanceId ||
    a.rackId !== b.rackId ||
    a.clientId !== b.clientId ||
    a.clientHost !== b.clientHost ||
    a.rebalanceTimeoutMs !== b.rebalanceTimeoutMs ||
    a.serverAssignorName !== b.serverAssignorName ||
    a.subscribedTopicRegex !== b.subscribedTopicRegex ||
    !sameNames(a.subscribedTopicNames, b.subscribedTopicNames)
  );
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((n) => set.has(n));
}

/** Kafka's isReconciledTo: stable at the target assignment's epoch. */
export function isReconciledTo(m: ConsumerGroupMember, targetEpoch: number): boolean {
  return m.state === MemberState.STABLE && m.memberEpoch === targetEpoch;
}

export function memberStateName(state: MemberStateValue): string {
  return state === 0 ? 'stable' : state === 1 ? 'unrevoked_partitions' : state === 2 ? 'unreleased_partitions' : 'unknown';
}

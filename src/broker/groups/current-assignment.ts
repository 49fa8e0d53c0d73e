/**
 * Reconciliation of a member's current assignment towards its target (Kafka's CurrentAssignmentBuilder).
 * A partition moves in two steps so that no two members own it at once:
 *
 *   - the old owner keeps its epoch and is asked to revoke it (UNREVOKED_PARTITIONS) until its heartbeat no longer
 *     lists it among its owned partitions; only then does the member move to the target epoch;
 *   - the new owner moves to the target epoch but gets the partition only once no other member holds it
 *     (UNRELEASED_PARTITIONS until then; it is handed over at a later heartbeat).
 */
import { assignmentsEqual, type Assignment } from './assignment.js';
import { MemberState, copyMember, type ConsumerGroupMember } from './consumer-group-member.js';
import { GroupError } from './types.js';
import { ErrorCode } from '../../protocol/index.js';

export type OwnedPartitions = readonly { topicId: string; partitions: readonly number[] }[] | null;

export interface ReconcileInput {
  member: ConsumerGroupMember;
  targetEpoch: number;
  target: Assignment;
  /** The epoch of the member holding a partition (assigned or pending revocation), -1 when free. */
  currentPartitionEpoch(topicId: string, partition: number): number;
  /** What the member's heartbeat says it owns; null when the heartbeat left it out. */
  owned: OwnedPartitions;
}

/** True while the member still reports one of these partitions (or did not report what it owns). */
function ownsRevokedPartitions(owned: OwnedPartitions, revoking: Assignment): boolean {
  if (owned === null) return true;
  for (const tp of owned) {
    const pending = revoking.get(tp.topicId);
    if (pending === undefined) continue;
    for (const p of tp.partitions) if (pending.has(p)) return true;
  }
  return false;
}

function computeNext(input: ReconcileInput, memberEpoch: number, current: Assignment): ConsumerGroupMember {
  const { member, target, targetEpoch } = input;
  let unreleased = false;
  const assigned: Assignment = new Map();
  const revoking: Assignment = new Map();
  const pending: Assignment = new Map();
  for (const topicId of new Set([...target.keys(), ...current.keys()])) {
    const want = target.get(topicId) ?? new Set<number>();
    const have = current.get(topicId) ?? new Set<number>();
    const keep = new Set([...have].filter((p) => want.has(p)));
    const revoke = new Set([...have].filter((p) => !keep.has(p)));
    const add = new Set<number>();
    for (const p of want) {
      if (keep.has(p)) continue;
      if (input.currentPartitionEpoch(topicId, p) !== -1) unreleased = true;
      else add.add(p);
    }
    if (keep.size > 0) assigned.set(topicId, keep);
    if (revoke.size > 0) revoking.set(topicId, revoke);
    if (add.size > 0) pending.set(topicId, add);
  }
  // Kafka's updateMemberEpoch: the previous epoch is always the one the member had.
  const epochs = (epoch: number) => ({ memberEpoch: epoch, previousMemberEpoch: member.memberEpoch });

  if (revoking.size > 0 && ownsRevokedPartitions(input.owned, revoking)) {
    return copyMember(member, { state: MemberState.UNREVOKED_PARTITIONS, ...epochs(memberEpoch), assignedPartitions: assigned, partitionsPendingRevocation: revoking });
  }
  for (const [t, ps] of pending) {
    const set = assigned.get(t) ?? new Set<number>();
    for (const p of ps) set.add(p);
    assigned.set(t, set);
  }
  return copyMember(member, {
    state: unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
    ...epochs(targetEpoch),
    assignedPartitions: assigned,
    partitionsPendingRevocation: new Map(),
  });
}

/** The member's next state; the same object when nothing changes. Throws FENCED_MEMBER_EPOCH for an unknown state. */
export function reconcile(input: ReconcileInput): ConsumerGroupMember {
  const { member, targetEpoch } = input;
  switch (member.state) {
    case MemberState.STABLE:
      return member.memberEpoch !== targetEpoch ? computeNext(input, member.memberEpoch, member.assignedPartitions) : member;
    case MemberState.UNREVOKED_PARTITIONS:
      if (ownsRevokedPartitions(input.owned, member.partitionsPendingRevocation)) return member;
      return computeNext(input, member.memberEpoch + 1, member.assignedPartitions);
    case MemberState.UNRELEASED_PARTITIONS:
      return computeNext(input, member.memberEpoch, member.assignedPartitions);
    default:
      if (input.owned === null || input.owned.length > 0)
        throw new GroupError(ErrorCode.FENCED_MEMBER_EPOCH, 'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.');
      return computeNext(input, targetEpoch, member.assignedPartitions);
  }
}

/** Same state, epochs and partitions (Kafka writes a current-assignment record only when they differ). */
export function sameCurrentAssignment(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.state === b.state &&
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    assignmentsEqual(a.assignedPartitions, b.assignedPartitions) &&
    assignmentsEqual(a.partitionsPendingRevocation, b.partitionsPendingRevocation)
  );
}

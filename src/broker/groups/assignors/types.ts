/**
 * The server-side assignors' contract (Kafka's ConsumerGroupPartitionAssignor): given every member's
 * subscription and its previous target assignment, and the subscribed topics' partition counts, compute each
 * member's new target assignment. Assignors are pure functions of their input.
 */
import type { Assignment } from '../assignment.js';

export interface AssignmentMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  /** Topic ids the member subscribes to (names and resolved regexes), only topics that exist. */
  subscribedTopicIds: ReadonlySet<string>;
  /** The member's current target assignment: what stickiness keeps. */
  assignment: Assignment;
}

export interface AssignmentTopic {
  topicId: string;
  name: string;
  numPartitions: number;
}

export interface PartitionAssignor {
  readonly name: string;
  assign(members: readonly AssignmentMember[], topics: ReadonlyMap<string, AssignmentTopic>): Map<string, Assignment>;
}

/** Members in a stable order (by member id), so an assignment is a function of the group, not of arrival order. */
export function sortedMembers(members: readonly AssignmentMember[]): AssignmentMember[] {
  return [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** The topics every member subscribes to are the same (Kafka's HOMOGENEOUS subscription type). */
export function isHomogeneous(members: readonly AssignmentMember[]): boolean {
  const first = members[0];
  if (first === undefined) return true;
  for (const m of members) {
    if (m.subscribedTopicIds.size !== first.subscribedTopicIds.size) return false;
    for (const t of m.subscribedTopicIds) if (!first.subscribedTopicIds.has(t)) return false;
  }
  return true;
}

/** Topic ids ordered by name (then id), the order partitions are handed out in. */
export function topicOrder(topicIds: Iterable<string>, topics: ReadonlyMap<string, AssignmentTopic>): string[] {
  return [...topicIds]
    .filter((t) => topics.has(t))
    .sort((a, b) => {
      const na = topics.get(a)!.name;
      const nb = topics.get(b)!.name;
      return na < nb ? -1 : na > nb ? 1 : a < b ? -1 : a > b ? 1 : 0;
    });
}

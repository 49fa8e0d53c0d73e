/**
 * Client-side assignors of the classic protocol, run by the member the coordinator names leader. Same results
 * as Kafka's RangeAssignor and RoundRobinAssignor for the same members and partition counts, so a gregor
 * leader and a Java/librdkafka leader divide a group alike.
 */

export interface MemberSubscription {
  memberId: string;
  topics: string[];
}

/** topic → partition numbers, per member id. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

function emptyAssignment(members: readonly MemberSubscription[]): GroupAssignment {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function add(a: GroupAssignment, memberId: string, topic: string, partition: number): void {
  const byTopic = a.get(memberId)!;
  let list = byTopic.get(topic);
  if (list === undefined) byTopic.set(topic, (list = []));
  list.push(partition);
}

const byMemberId = (a: MemberSubscription, b: MemberSubscription): number => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/**
 * RangeAssignor: per topic, the members subscribed to it in member-id order each take a contiguous range;
 * the first (partitions % members) take one more.
 */
export function rangeAssign(members: readonly MemberSubscription[], partitionCounts: ReadonlyMap<string, number>): GroupAssignment {
  const out = emptyAssignment(members);
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  for (const topic of topics) {
    const count = partitionCounts.get(topic);
    if (count === undefined) continue;
    const subscribed = members.filter((m) => m.topics.includes(topic)).sort(byMemberId);
    const per = Math.floor(count / subscribed.length);
    const extra = count % subscribed.length;
    subscribed.forEach((m, i) => {
      const start = per * i + Math.min(i, extra);
      const length = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + length; p++) add(out, m.memberId, topic, p);
    });
  }
  return out;
}

/** RoundRobinAssignor: every partition of every topic in order, dealt to the members in turn (skipping those not subscribed). */
export function roundRobinAssign(members: readonly MemberSubscription[], partitionCounts: ReadonlyMap<string, number>): GroupAssignment {
  const out = emptyAssignment(members);
  const sorted = [...members].sort(byMemberId);
  const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionCounts.has(t)).sort();
  let next = 0;
  for (const topic of topics) {
    for (let p = 0; p < partitionCounts.get(topic)!; p++) {
      for (let tries = 0; tries < sorted.length; tries++) {
        const m = sorted[next++ % sorted.length]!;
        if (m.topics.includes(topic)) {
          add(out, m.memberId, topic, p);
          break;
        }
      }
    }
  }
  return out;
}

export const ASSIGNORS: Record<string, (members: readonly MemberSubscription[], counts: ReadonlyMap<string, number>) => GroupAssignment> = {
  range: rangeAssign,
  roundrobin: roundRobinAssign,
};

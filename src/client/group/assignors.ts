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

export interface StickyMember extends MemberSubscription {
  /** What the member owns now (from its subscription), and the generation it owned it in (-1 unknown). */
  owned: { topic: string; partition: number }[];
  generation: number;
}

/**
 * CooperativeStickyAssignor's contract (KIP-429): balanced (no member holds two more partitions than another
 * member that could take one), sticky (a member keeps what it owns while that stays balanced), and cooperative
 * (a partition moving from one member to another is left out of this round: its owner revokes it and rejoins,
 * and the next round gives it to the new owner). A partition claimed by two members goes to the claim of the
 * newest generation.
 */
export function cooperativeStickyAssign(members: readonly StickyMember[], partitionCounts: ReadonlyMap<string, number>): GroupAssignment {
  const sorted = [...members].sort(byMemberId);
  const subscribed = new Map(sorted.map((m) => [m.memberId, new Set(m.topics)]));
  const key = (t: string, p: number): string => `${t}\u0000${p}`;
  const previousOwner = new Map<string, { memberId: string; generation: number }>();
  for (const m of sorted) {
    for (const tp of m.owned) {
      const count = partitionCounts.get(tp.topic);
      if (count === undefined || tp.partition >= count || !subscribed.get(m.memberId)!.has(tp.topic)) continue;
      const k = key(tp.topic, tp.partition);
      const seen = previousOwner.get(k);
      if (seen === undefined || m.generation > seen.generation) previousOwner.set(k, { memberId: m.memberId, generation: m.generation });
    }
  }
  const holding = new Map<string, string[]>(sorted.map((m) => [m.memberId, []]));
  const all: string[] = [];
  for (const topic of [...new Set(sorted.flatMap((m) => m.topics))].sort()) {
    for (let p = 0; p < (partitionCounts.get(topic) ?? 0); p++) all.push(key(topic, p));
  }
  const unassigned: string[] = [];
  for (const k of all) {
    const owner = previousOwner.get(k);
    if (owner !== undefined) holding.get(owner.memberId)!.push(k);
    else unassigned.push(k);
  }
  const topicOf = (k: string): string => k.slice(0, k.lastIndexOf('\u0000'));
  const canTake = (memberId: string, k: string): boolean => subscribed.get(memberId)!.has(topicOf(k));
  for (const k of unassigned) {
    let best: string | undefined;
    for (const m of sorted) {
      if (canTake(m.memberId, k) && (best === undefined || holding.get(m.memberId)!.length < holding.get(best)!.length)) best = m.memberId;
    }
    if (best !== undefined) holding.get(best)!.push(k);
  }
  // Move partitions from the fullest to the emptiest member that can take them until no move evens things out.
  for (let moved = true; moved; ) {
    moved = false;
    for (const from of sorted) {
      for (const to of sorted) {
        const a = holding.get(from.memberId)!;
        const b = holding.get(to.memberId)!;
        if (a.length - b.length < 2) continue;
        let i = a.length - 1;
        while (i >= 0 && !canTake(to.memberId, a[i]!)) i--;
        if (i < 0) continue;
        b.push(a.splice(i, 1)[0]!);
        moved = true;
      }
    }
  }
  const out = emptyAssignment(members);
  for (const [memberId, keys] of holding) {
    for (const k of keys) {
      const owner = previousOwner.get(k);
      // Owned by another member that is still here: it must give it up first (cooperative).
      if (owner !== undefined && owner.memberId !== memberId && holding.has(owner.memberId)) continue;
      const sep = k.lastIndexOf('\u0000');
      add(out, memberId, k.slice(0, sep), Number(k.slice(sep + 1)));
    }
  }
  for (const byTopic of out.values()) for (const list of byTopic.values()) list.sort((x, y) => x - y);
  return out;
}

/**
 * The `uniform` assignor (Kafka's UniformAssignor, the default): spreads partitions so member counts differ by
 * at most one while moving as few partitions as possible.
 *
 * - Every member subscribes to the same topics (OptimizedUniformAssignmentBuilder / UniformHomogeneous): each
 *   member keeps its previous partitions up to its quota (floor(P/N), and floor+1 for the first P mod N members
 *   that already hold that many), and the freed or new partitions fill the members below quota.
 * - Subscriptions differ (UniformHeterogeneousAssignmentBuilder): previous owners keep partitions they still
 *   subscribe to, unowned partitions go to the least loaded subscriber, then partitions move from the most to
 *   the least loaded subscriber of their topic until no such move narrows the spread.
 */
import { addPartition, emptyAssignment, hasPartition, removePartition, type Assignment } from '../assignment.js';
import { isHomogeneous, sortedMembers, topicOrder, type AssignmentMember, type AssignmentTopic, type PartitionAssignor } from './types.js';

type TP = { topicId: string; partition: number };

function homogeneous(members: AssignmentMember[], topics: ReadonlyMap<string, AssignmentTopic>): Map<string, Assignment> {
  const result = new Map<string, Assignment>(members.map((m) => [m.memberId, emptyAssignment()]));
  const topicIds = topicOrder(members[0]!.subscribedTopicIds, topics);
  const all: TP[] = [];
  for (const t of topicIds) for (let p = 0; p < topics.get(t)!.numPartitions; p++) all.push({ topicId: t, partition: p });
  const n = members.length;
  const minQuota = Math.floor(all.length / n);
  let extras = all.length % n;
  const taken = new Set<string>();
  const key = (tp: TP) => `${tp.topicId}:${tp.partition}`;
  const counts = new Map<string, number>();

  // 1. Stickiness: keep previous partitions up to the quota (one more while extra slots remain).
  for (const m of members) {
    const kept = all.filter((tp) => hasPartition(m.assignment, tp.topicId, tp.partition));
    let quota = minQuota;
    if (kept.length > minQuota && extras > 0) {
      quota++;
      extras--;
    }
    const mine = result.get(m.memberId)!;
    for (const tp of kept.slice(0, quota)) {
      addPartition(mine, tp.topicId, tp.partition);
      taken.add(key(tp));
    }
    counts.set(m.memberId, Math.min(kept.length, quota));
  }

  // 2. Hand out the rest: first fill everyone to the minimum quota, then the remaining extra slots.
  const free = all.filter((tp) => !taken.has(key(tp)));
  let i = 0;
  for (const m of members) {
    while (counts.get(m.memberId)! < minQuota && i < free.length) {
      addPartition(result.get(m.memberId)!, free[i]!.topicId, free[i]!.partition);
      counts.set(m.memberId, counts.get(m.memberId)! + 1);
      i++;
    }
  }
  for (const m of members) {
    if (i >= free.length) break;
    if (counts.get(m.memberId)! === minQuota && extras > 0) {
      addPartition(result.get(m.memberId)!, free[i]!.topicId, free[i]!.partition);
      counts.set(m.memberId, minQuota + 1);
      extras--;
      i++;
    }
  }
  return result;
}

function heterogeneous(members: AssignmentMember[], topics: ReadonlyMap<string, AssignmentTopic>): Map<string, Assignment> {
  const result = new Map<string, Assignment>(members.map((m) => [m.memberId, emptyAssignment()]));
  const count = new Map<string, number>(members.map((m) => [m.memberId, 0]));
  const subscribers = new Map<string, AssignmentMember[]>();
  for (const m of members) for (const t of m.subscribedTopicIds) if (topics.has(t)) (subscribers.get(t) ?? subscribers.set(t, []).get(t)!).push(m);
  // Topics with fewer subscribers first: they have fewer choices.
  const order = topicOrder(subscribers.keys(), topics).sort((a, b) => subscribers.get(a)!.length - subscribers.get(b)!.length);
  const owner = new Map<string, string>();
  const give = (m: string, t: string, p: number) => {
    addPartition(result.get(m)!, t, p);
    count.set(m, count.get(m)! + 1);
    owner.set(`${t}:${p}`, m);
  };

  // 1. Stickiness.
  for (const t of order) {
    for (let p = 0; p < topics.get(t)!.numPartitions; p++) {
      const prev = subscribers.get(t)!.find((m) => hasPartition(m.assignment, t, p));
      if (prev !== undefined) give(prev.memberId, t, p);
    }
  }
  // 2. Unowned partitions to the least loaded subscriber.
  const leastLoaded = (cands: AssignmentMember[]) => cands.reduce((best, m) => (count.get(m.memberId)! < count.get(best.memberId)! ? m : best));
  for (const t of order) {
    for (let p = 0; p < topics.get(t)!.numPartitions; p++) {
      if (!owner.has(`${t}:${p}`)) give(leastLoaded(subscribers.get(t)!).memberId, t, p);
    }
  }
  // 3. Balance: move a partition from a member to a subscriber of its topic holding at least two fewer.
  for (let moved = true, rounds = 0; moved && rounds < 10_000; rounds++) {
    moved = false;
    for (const t of order) {
      for (let p = 0; p < topics.get(t)!.numPartitions; p++) {
        const from = owner.get(`${t}:${p}`)!;
        const to = leastLoaded(subscribers.get(t)!);
        if (count.get(to.memberId)! + 1 < count.get(from)!) {
          removePartition(result.get(from)!, t, p);
          count.set(from, count.get(from)! - 1);
          give(to.memberId, t, p);
          moved = true;
        }
      }
    }
  }
  return result;
}

export const uniformAssignor: PartitionAssignor = {
  name: 'uniform',
  assign(members, topics) {
    if (members.length === 0) return new Map();
    const sorted = sortedMembers(members);
    return isHomogeneous(sorted) ? homogeneous(sorted, topics) : heterogeneous(sorted, topics);
  },
};

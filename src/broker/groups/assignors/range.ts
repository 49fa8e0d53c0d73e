/**
 * The `range` assignor (Kafka's server-side RangeAssignor): range and sticky at once. Per topic, each subscriber
 * gets floor(P/N) partitions and the first P mod N subscribers one more; a member first keeps the lowest-numbered
 * partitions it already had (up to its quota, and its extra one while extras remain), then the members still short
 * take contiguous ranges of what is left, in ascending order. With the same subscriptions and co-partitioned
 * topics, members get the same partition numbers of each topic (what joins need).
 */
import { addPartition, emptyAssignment, type Assignment } from '../assignment.js';
import { sortedMembers, topicOrder, type PartitionAssignor } from './types.js';

export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  assign(members, topics) {
    const sorted = sortedMembers(members);
    const result = new Map<string, Assignment>(sorted.map((m) => [m.memberId, emptyAssignment()]));
    const topicIds = new Set<string>();
    for (const m of sorted) for (const t of m.subscribedTopicIds) topicIds.add(t);
    for (const t of topicOrder(topicIds, topics)) {
      const subs = sorted.filter((m) => m.subscribedTopicIds.has(t));
      const partitions = topics.get(t)!.numPartitions;
      const quota = Math.floor(partitions / subs.length);
      let extras = partitions % subs.length;
      const kept = new Set<number>();
      const unfilled: { memberId: string; remaining: number }[] = [];
      for (const m of subs) {
        const previous = [...(m.assignment.get(t) ?? [])].filter((p) => p < partitions).sort((a, b) => a - b);
        const target = result.get(m.memberId)!;
        for (const p of previous.slice(0, quota)) {
          kept.add(p);
          addPartition(target, t, p);
        }
        const remaining = quota - previous.length;
        if (remaining < 0 && extras > 0) {
          extras--;
          kept.add(previous[quota]!);
          addPartition(target, t, previous[quota]!);
        } else {
          unfilled.push({ memberId: m.memberId, remaining });
        }
      }
      const free: number[] = [];
      for (let p = 0; p < partitions; p++) if (!kept.has(p)) free.push(p);
      let next = 0;
      for (const u of unfilled) {
        let remaining = u.remaining;
        if (extras > 0) {
          remaining++;
          extras--;
        }
        for (let k = 0; k < remaining; k++) addPartition(result.get(u.memberId)!, t, free[next++]!);
      }
    }
    return result;
  },
};

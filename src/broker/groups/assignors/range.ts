/**
 * The `range` assignor (Kafka's server-side RangeAssignor): per topic, its subscribers in member-id order each
 * take a contiguous range of partitions, floor(P/N) each and one more for the first P mod N. Members subscribed
 * to the same topics get the same partition numbers of each topic (co-partitioning, what joins need).
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
      const extra = partitions % subs.length;
      let next = 0;
      subs.forEach((m, i) => {
        const n = quota + (i < extra ? 1 : 0);
        for (let k = 0; k < n; k++) addPartition(result.get(m.memberId)!, t, next++);
      });
    }
    return result;
  },
};

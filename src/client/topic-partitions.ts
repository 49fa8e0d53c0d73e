/** Partitions named by topic and index, as every request groups them: keys for maps, and grouping by topic. */

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A Map key for a partition. */
export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Items grouped by topic, each group in the order the items came. */
export function byTopic<T extends TopicPartition>(items: Iterable<T>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.topic);
    if (list === undefined) out.set(item.topic, [item]);
    else list.push(item);
  }
  return out;
}

/** Topic → sorted, distinct partition indexes. */
export function partitionsByTopic(items: Iterable<TopicPartition>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [topic, list] of byTopic(items)) out.set(topic, [...new Set(list.map((i) => i.partition))].sort((a, b) => a - b));
  return out;
}

export const byTopicPartition = (a: TopicPartition, b: TopicPartition): number =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;

/**
 * ListOffsets for many partitions at once: grouped by leader, one request per leader, retried on stale
 * leaders. Used by the consumer (where to start) and the group tools (lag, reset plans).
 */
import { ApiKey, ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { KafkaError } from './errors.js';
import { byTopic, partitionKey } from './topic-partitions.js';

/** Kafka's special timestamps: the first offset, or the offset after the last record. */
export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

export interface OffsetQuery {
  topic: string;
  partition: number;
  /** A timestamp in ms (the first offset whose record timestamp is >= it), or EARLIEST/LATEST_TIMESTAMP. */
  timestamp: bigint;
}

export interface OffsetAnswer {
  topic: string;
  partition: number;
  /** -1 when no record has a timestamp at or after the one asked for. */
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}


/**
 * Answers every query, keyed by `partitionKey(topic, partition)`. `isolationLevel` 1 (read_committed) makes
 * LATEST the last stable offset.
 */
export async function listOffsets(
  cluster: Cluster,
  queries: OffsetQuery[],
  options: { isolationLevel?: 0 | 1 } = {},
): Promise<Map<string, OffsetAnswer>> {
  const answers = new Map<string, OffsetAnswer>();
  let remaining = queries;
  const topics = [...new Set(queries.map((q) => q.topic))];
  await cluster.retry(
    'listing offsets',
    async () => {
      const byLeader = await cluster.byLeader(remaining);
      const failed: OffsetQuery[] = [];
      let firstError: KafkaError | undefined;
      await Promise.all(
        [...byLeader].map(async ([leader, items]) => {
          const queries = byTopic(items);
          const response = await cluster.requestNode(leader, ApiKey.ListOffsets, (v) => ({
            replicaId: -1,
            isolationLevel: options.isolationLevel ?? 0,
            topics: [...queries].map(([name, qs]) => ({
              name,
              partitions: qs.map((q) => ({ partitionIndex: q.partition, timestamp: q.timestamp, maxNumOffsets: 1, currentLeaderEpoch: -1 })),
            })),
            timeoutMs: v >= 10 ? cluster.options.requestTimeoutMs : undefined,
          }), { minVersion: options.isolationLevel === 1 ? 2 : 0 });
          for (const t of response.topics) {
            for (const p of t.partitions) {
              if (p.errorCode !== ErrorCode.NONE) {
                const err = new KafkaError(p.errorCode, `listing offsets of ${t.name}-${p.partitionIndex}`);
                if (!err.retriable) throw err;
                firstError ??= err;
                failed.push({ topic: t.name, partition: p.partitionIndex, timestamp: queries.get(t.name)!.find((q) => q.partition === p.partitionIndex)!.timestamp });
                continue;
              }
              const offset = p.oldStyleOffsets.length > 0 ? p.oldStyleOffsets[0]! : p.offset;
              answers.set(partitionKey(t.name, p.partitionIndex), { topic: t.name, partition: p.partitionIndex, offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch });
            }
          }
        }),
      );
      remaining = failed;
      if (firstError !== undefined) throw firstError;
    },
    { topics },
  );
  return answers;
}

/**
 * A Consumer driven by a group: the member (KIP-848 when the broker runs such groups, else classic, or as
 * `protocol` says) decides the partitions; each newly assigned partition starts at the group's committed
 * offset, or where `spec` says when there is none (the CLI's -o; Kafka's auto.offset.reset). Delivered
 * positions (records whose output has drained) are committed every 5 s, when partitions are given up, and at
 * the end.
 */
import type { Cluster } from '../cluster.js';
import type { Consumer, IsolationLevel } from '../consumer.js';
import { UnsupportedApiError } from '../errors.js';
import { partitionKey } from '../topic-partitions.js';
import { resolveStartOffsets, type OffsetSpec } from '../start-offsets.js';
import { ClassicMember } from './classic-member.js';
import { ConsumerMember, ConsumerProtocolUnavailable } from './consumer-member.js';
import type { GroupMember, MemberHooks, TopicPartition } from './member.js';
import { fetchCommitted, type TopicPartitionOffset } from './offsets.js';

export interface GroupConsumerOptions {
  group: string;
  topics: string[];
  /** Start of a partition the group has no committed offset for. */
  spec: OffsetSpec;
  isolationLevel: IsolationLevel;
  protocol?: 'consumer' | 'classic';
  autoCommitIntervalMs?: number;
  log?: (line: string) => void;
  /** Classic protocol timings (tests shorten the heartbeat). */
  heartbeatIntervalMs?: number;
}

export async function runGroupConsumer(cluster: Cluster, consumer: Consumer, options: GroupConsumerOptions): Promise<void> {
  // Kafka's consumer waits for a topic to appear; a CLI user is better told at once that it does not exist.
  for (const t of options.topics) await cluster.topic(t);
  const committed = new Map<string, bigint>();
  let member: GroupMember | undefined;

  const commit = async (offsets: TopicPartitionOffset[]): Promise<void> => {
    const changed = offsets.filter((o) => committed.get(partitionKey(o.topic, o.partition)) !== o.offset);
    if (changed.length === 0 || member === undefined) return;
    await member.commit(changed);
    for (const o of changed) committed.set(partitionKey(o.topic, o.partition), o.offset);
  };

  const hooks: MemberHooks = {
    assigned: async (partitions: TopicPartition[]) => {
      const stored = await fetchCommitted(cluster, options.group, partitions);
      const missing = partitions.filter((p) => !stored.has(partitionKey(p.topic, p.partition)));
      const starts = await resolveStartOffsets(cluster, missing, options.spec, options.isolationLevel);
      for (const [k, v] of stored) committed.set(k, v);
      consumer.assign(
        partitions.map((p) => {
          const key = partitionKey(p.topic, p.partition);
          return { ...p, offset: stored.get(key) ?? starts.get(key)! };
        }),
      );
    },
    revoked: async (partitions: TopicPartition[]) => {
      const positions = consumer.unassign(partitions);
      try {
        await commit(positions);
      } catch (err) {
        options.log?.(`group "${options.group}": could not commit on giving partitions up: ${(err as Error).message}`);
      }
    },
    lost: (partitions: TopicPartition[]) => {
      consumer.unassign(partitions);
    },
    log: options.log,
  };

  const make = (protocol: 'consumer' | 'classic'): GroupMember =>
    protocol === 'consumer'
      ? new ConsumerMember(cluster, options.group, options.topics, hooks)
      : new ClassicMember(cluster, options.group, options.topics, hooks, { heartbeatIntervalMs: options.heartbeatIntervalMs });

  const consuming = consumer.run();
  let memberFailure: Error | undefined;
  const runMember = async (): Promise<void> => {
    member = make(options.protocol ?? 'consumer');
    if (consumer.isStopped) member.stop();
    try {
      await member.run();
    } catch (err) {
      // No KIP-848 groups here: fall back to the classic protocol unless the user asked for the new one.
      if (options.protocol === undefined && (err instanceof ConsumerProtocolUnavailable || err instanceof UnsupportedApiError)) {
        member = make('classic');
        if (consumer.isStopped) member.stop();
        await member.run();
        return;
      }
      throw err;
    }
  };
  const membership = runMember().catch((err: Error) => {
    memberFailure = err;
    consumer.stop(err);
  });
  // The member is stopped only once the fetch loops have ended (below), not when the consumer stops: giving
  // the partitions up commits their delivered positions, which the last batches reach after their output drains.
  const timer = setInterval(() => {
    commit(consumer.positions()).catch((err: Error) => options.log?.(`group "${options.group}": auto-commit failed: ${err.message}`));
  }, options.autoCommitIntervalMs ?? 5_000);
  try {
    await consuming;
  } finally {
    clearInterval(timer);
    member?.stop();
    await membership;
  }
  if (memberFailure !== undefined) throw memberFailure;
}

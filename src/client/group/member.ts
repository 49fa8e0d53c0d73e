/** What a group member (classic or KIP-848) asks of the consumer it runs for, and what it offers. */
import { partitionKey, type TopicPartition } from '../topic-partitions.js';
import type { TopicPartitionOffset } from './offsets.js';

export type { TopicPartition };

export interface MemberHooks {
  /** Newly assigned partitions: find where to start and begin fetching them. */
  assigned(partitions: TopicPartition[]): Promise<void>;
  /** Partitions given up in order (rebalance, leaving): stop fetching them and commit their positions. */
  revoked(partitions: TopicPartition[]): Promise<void>;
  /** Partitions lost (fenced, session gone): stop fetching them; a commit would be refused. */
  lost(partitions: TopicPartition[]): void;
  log?(line: string): void;
}

export interface GroupMember {
  /** Joins, follows rebalances until stop(), then gives its partitions up (committing) and leaves. */
  run(): Promise<void>;
  stop(): void;
  /** Commits with this member's current generation / epoch. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  readonly owned: readonly TopicPartition[];
}

export function diff(a: readonly TopicPartition[], b: readonly TopicPartition[]): TopicPartition[] {
  const keys = new Set(b.map((p) => partitionKey(p.topic, p.partition)));
  return a.filter((p) => !keys.has(partitionKey(p.topic, p.partition)));
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

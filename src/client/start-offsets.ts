/**
 * Where a consumer starts in a partition: kcat's `-o` forms parsed once, then resolved with one ListOffsets per
 * leader for all partitions.
 */
import type { Cluster } from './cluster.js';
import { UsageError } from './errors.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './list-offsets.js';
import { partitionKey } from './topic-partitions.js';

export type OffsetSpec =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'offset'; offset: bigint }
  /** n records before the end of each partition (never before its start). */
  | { kind: 'tail'; n: bigint }
  /** The first record at or after this time (ms); the end when there is none. */
  | { kind: 'timestamp'; timestamp: bigint };

/** `beginning | end | <offset> | -<n> | @<ms> | @<ISO date>` (kcat's `s@<ms>` is accepted too). */
export function parseOffsetSpec(text: string): OffsetSpec {
  const t = text.trim();
  if (t === 'beginning' || t === 'earliest' || t === 'oldest') return { kind: 'beginning' };
  if (t === 'end' || t === 'latest' || t === 'newest') return { kind: 'end' };
  if (/^\d+$/.test(t)) return { kind: 'offset', offset: BigInt(t) };
  if (/^-\d+$/.test(t)) return { kind: 'tail', n: BigInt(t.slice(1)) };
  const at = /^s?@(.+)$/.exec(t);
  if (at !== null) {
    const when = at[1]!;
    if (/^\d+$/.test(when)) return { kind: 'timestamp', timestamp: BigInt(when) };
    // A bare date (2024-05-01) is UTC midnight, as Date.parse reads it; a date-time without zone is local time.
    const ms = /^\d{4}-\d{2}-\d{2}/.test(when) ? Date.parse(when) : Number.NaN;
    if (!Number.isNaN(ms)) return { kind: 'timestamp', timestamp: BigInt(ms) };
  }
  throw new UsageError(
    `bad offset "${text}": expected beginning, end, an offset, -<n> (n before the end), @<timestamp ms> or @<ISO date>`,
  );
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** The start offset of each partition, keyed by partitionKey(). */
export async function resolveStartOffsets(
  cluster: Cluster,
  partitions: readonly TopicPartition[],
  spec: OffsetSpec,
  isolationLevel: 0 | 1,
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (partitions.length === 0) return out;
  if (spec.kind === 'offset') {
    for (const p of partitions) out.set(partitionKey(p.topic, p.partition), spec.offset);
    return out;
  }
  const ask = (timestamp: bigint) => listOffsets(cluster, partitions.map((p) => ({ ...p, timestamp })), { isolationLevel });
  if (spec.kind === 'beginning' || spec.kind === 'end') {
    const answers = await ask(spec.kind === 'beginning' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
    for (const [key, a] of answers) out.set(key, a.offset);
    return out;
  }
  if (spec.kind === 'tail') {
    const [starts, ends] = await Promise.all([ask(EARLIEST_TIMESTAMP), ask(LATEST_TIMESTAMP)]);
    for (const [key, end] of ends) {
      const start = starts.get(key)?.offset ?? 0n;
      const want = end.offset - spec.n;
      out.set(key, want < start ? start : want);
    }
    return out;
  }
  const [byTime, ends] = await Promise.all([ask(spec.timestamp), ask(LATEST_TIMESTAMP)]);
  for (const [key, end] of ends) {
    const found = byTime.get(key);
    out.set(key, found === undefined || found.offset < 0n ? end.offset : found.offset);
  }
  return out;
}

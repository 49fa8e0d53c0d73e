/**
 * Kafka's `kafka-consumer-groups --reset-offsets` (ConsumerGroupCommand + GroupOffsetsResetter): which partitions
 * (scope), where to (strategy), clamped into [log start, log end] as Kafka clamps, and only for an inactive group.
 * The plan is computed first; `executeReset` commits it as an admin commit (generation -1, no member), as
 * Admin.alterConsumerGroupOffsets does.
 */
import { ErrorCode } from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { UsageError } from '../errors.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../list-offsets.js';
import { commitOffsets } from '../group/offsets.js';
import { byTopicPartition, partitionKey, type TopicPartition } from '../topic-partitions.js';
import { describeGroup, fetchCommittedOffsets, groupError } from './groups.js';

export type ResetStrategy =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'current' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'shift-by'; by: bigint }
  | { kind: 'datetime'; timestamp: bigint }
  /** The timestamp is now minus `ms`, taken when the plan is made. */
  | { kind: 'duration'; ms: bigint }
  | { kind: 'from-file'; entries: PlannedOffset[] };

/** `--all-topics` (the topics the group has committed offsets for) or `--topic` arguments (`t` or `t:0,1`). */
export type ResetScope = { allTopics: true } | { topics: string[] };

export interface PlannedOffset extends TopicPartition {
  offset: bigint;
}

export interface ResetPlan {
  groupId: string;
  offsets: PlannedOffset[];
  /** Kafka's warnings (clamped offsets, empty partitions), for stderr. */
  warnings: string[];
}

// ---- parsing what the user typed ----

/** `topic` → all its partitions (null), `topic:0,2` → those partitions (GroupOffsetsResetter.parseTopicsWithPartitions). */
export function parseTopicArg(arg: string): { topic: string; partitions: number[] | null } {
  if (!arg.includes(':')) return { topic: arg, partitions: null };
  const parts = arg.split(':');
  if (parts.length !== 2 || parts[0] === '') throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const partitions = parts[1]!.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}'`);
    return Number(p.trim());
  });
  return { topic: parts[0]!, partitions };
}

/**
 * Kafka's Utils.getDateTime: `yyyy-MM-dd'T'HH:mm:ss.SSS`, then an optional zone (`Z`, `+01:00`, `+0100`, `+01`);
 * without a zone the time is UTC. Returns epoch milliseconds.
 */
export function parseDateTime(text: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  const bad = () =>
    new UsageError(`invalid --to-datetime "${text}": expected yyyy-MM-ddTHH:mm:ss.SSS with an optional zone (Z, +01:00), e.g. 2024-01-01T00:00:00.000`);
  if (m === null) throw bad();
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) throw bad();
  let t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(t).getUTCDate() !== d) throw bad();
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0);
    if (offsetMin > 18 * 60) throw bad();
    t -= (zone[0] === '-' ? -1 : 1) * offsetMin * 60_000;
  }
  return BigInt(t);
}

/** Java's Duration.parse (`PnDTnHnMn.nS`, signs allowed per part), in milliseconds. */
export function parseDuration(text: string): bigint {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text.trim());
  const bad = () => new UsageError(`invalid --by-duration "${text}": Text cannot be parsed to a Duration (expected PnDTnHnMn.nS, e.g. PT1H30M or P1DT12H)`);
  if (m === null) throw bad();
  const [, sign, days, tPart, hours, minutes, seconds, fraction] = m;
  if (days === undefined && tPart === undefined) throw bad();
  if (tPart !== undefined && hours === undefined && minutes === undefined && seconds === undefined) throw bad();
  const n = (v: string | undefined) => (v === undefined ? 0n : BigInt(v));
  let ms = n(days) * 86_400_000n + n(hours) * 3_600_000n + n(minutes) * 60_000n + n(seconds) * 1000n;
  if (fraction !== undefined && fraction !== '') {
    const frac = BigInt(fraction.padEnd(3, '0').slice(0, 3));
    ms += (seconds?.startsWith('-') ? -1n : 1n) * frac;
  }
  return sign === '-' ? -ms : ms;
}

/**
 * A reset plan file: Kafka's CSV lines `topic,partition,offset`, or `group,topic,partition,offset` (lines for
 * other groups are ignored). Blank lines are skipped.
 */
export function parseResetFile(text: string, groupId: string): PlannedOffset[] {
  const out: PlannedOffset[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const cols = line.split(',').map((c) => c.trim());
    const bad = () => new UsageError(`line ${i + 1} of the reset file: expected topic,partition,offset (or group,topic,partition,offset), got "${line}"`);
    let group: string;
    let topic: string;
    let partition: string;
    let offset: string;
    if (cols.length === 3) [topic, partition, offset] = cols as [string, string, string], (group = groupId);
    else if (cols.length === 4) [group, topic, partition, offset] = cols as [string, string, string, string];
    else throw bad();
    if (topic === '' || !/^\d+$/.test(partition) || !/^-?\d+$/.test(offset)) throw bad();
    if (group === groupId) out.push({ topic, partition: Number(partition), offset: BigInt(offset) });
  });
  if (out.length === 0) throw new UsageError(`No reset plan for group ${groupId} found.`);
  return out;
}

// ---- the plan ----

/** Refuses unless the group is inactive (Empty, Dead or unknown), in Kafka's words. */
export async function checkInactive(cluster: Cluster, groupId: string): Promise<void> {
  const d = await describeGroup(cluster, groupId);
  if (!d.exists || d.state === 'Empty' || d.state === 'Dead') return;
  throw new UsageError(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.`);
}

/** The partitions a scope names, each checked to exist (Kafka's checkAllTopicPartitionsValid). */
async function partitionsOf(cluster: Cluster, groupId: string, scope: ResetScope): Promise<TopicPartition[]> {
  let wanted: TopicPartition[];
  if ('allTopics' in scope) {
    wanted = (await fetchCommittedOffsets(cluster, groupId)).map(({ topic, partition }) => ({ topic, partition }));
  } else {
    wanted = [];
    for (const arg of scope.topics) {
      const { topic, partitions } = parseTopicArg(arg);
      const info = await cluster.topic(topic);
      for (const partition of partitions ?? info.partitions.map((p) => p.partition)) wanted.push({ topic, partition });
    }
  }
  await checkPartitionsExist(cluster, wanted);
  const seen = new Set<string>();
  return wanted.filter((tp) => !seen.has(partitionKey(tp.topic, tp.partition)) && seen.add(partitionKey(tp.topic, tp.partition))).sort(byTopicPartition);
}

async function checkPartitionsExist(cluster: Cluster, partitions: readonly TopicPartition[]): Promise<void> {
  const missing: string[] = [];
  for (const tp of partitions) {
    const info = await cluster.topic(tp.topic);
    if (!info.partitions.some((p) => p.partition === tp.partition)) missing.push(`${tp.topic}-${tp.partition}`);
  }
  if (missing.length > 0) throw new UsageError(`The partitions "${missing.join(',')}" do not exist`);
}

async function offsetsAt(cluster: Cluster, partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (partitions.length === 0) return out;
  const answers = await listOffsets(cluster, partitions.map((tp) => ({ ...tp, timestamp })));
  for (const [key, a] of answers) out.set(key, a.offset);
  return out;
}

/** Kafka's checkOffsetsRange: above the log end → log end, below the log start → log start, with its warning. */
async function clamp(cluster: Cluster, wanted: PlannedOffset[], warnings: string[]): Promise<PlannedOffset[]> {
  const starts = await offsetsAt(cluster, wanted, EARLIEST_TIMESTAMP);
  const ends = await offsetsAt(cluster, wanted, LATEST_TIMESTAMP);
  return wanted.map((w) => {
    const key = partitionKey(w.topic, w.partition);
    const end = ends.get(key)!;
    const start = starts.get(key)!;
    if (w.offset > end) {
      warnings.push(`New offset (${w.offset}) is higher than latest offset for topic partition ${w.topic}-${w.partition}. Value will be set to ${end}.`);
      return { ...w, offset: end };
    }
    if (w.offset < start) {
      warnings.push(`New offset (${w.offset}) is lower than earliest offset for topic partition ${w.topic}-${w.partition}. Value will be set to ${start}.`);
      return { ...w, offset: start };
    }
    return w;
  });
}

/** Kafka's getLogTimestampOffsets: the first offset at or after `timestamp`; an empty answer falls back to the log end. */
async function byTimestamp(cluster: Cluster, partitions: TopicPartition[], timestamp: bigint, warnings: string[]): Promise<PlannedOffset[]> {
  const found = await offsetsAt(cluster, partitions, timestamp);
  const missing = partitions.filter((tp) => (found.get(partitionKey(tp.topic, tp.partition)) ?? -1n) < 0n);
  for (const tp of missing) warnings.push(`Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`);
  const ends = await offsetsAt(cluster, missing, LATEST_TIMESTAMP);
  return partitions.map((tp) => {
    const key = partitionKey(tp.topic, tp.partition);
    const at = found.get(key) ?? -1n;
    return { ...tp, offset: at >= 0n ? at : ends.get(key)! };
  });
}

/**
 * The new offset of every partition in scope. Throws (in Kafka's words) while the group is active, for unknown
 * topics or partitions, and for --shift-by on a partition with no committed offset.
 */
export async function planReset(cluster: Cluster, groupId: string, scope: ResetScope | null, strategy: ResetStrategy): Promise<ResetPlan> {
  await checkInactive(cluster, groupId);
  const warnings: string[] = [];
  if (strategy.kind === 'from-file') {
    await checkPartitionsExist(cluster, strategy.entries);
    const offsets = await clamp(cluster, [...strategy.entries].sort(byTopicPartition), warnings);
    return { groupId, offsets, warnings };
  }
  if (scope === null) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  const partitions = await partitionsOf(cluster, groupId, scope);
  let offsets: PlannedOffset[];
  switch (strategy.kind) {
    case 'earliest':
    case 'latest': {
      const at = await offsetsAt(cluster, partitions, strategy.kind === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
      offsets = partitions.map((tp) => ({ ...tp, offset: at.get(partitionKey(tp.topic, tp.partition))! }));
      break;
    }
    case 'current': {
      const committed = await committedMap(cluster, groupId);
      const without = partitions.filter((tp) => !committed.has(partitionKey(tp.topic, tp.partition)));
      const ends = await offsetsAt(cluster, without, LATEST_TIMESTAMP);
      offsets = partitions.map((tp) => {
        const key = partitionKey(tp.topic, tp.partition);
        return { ...tp, offset: committed.get(key) ?? ends.get(key)! };
      });
      break;
    }
    case 'offset':
      offsets = await clamp(cluster, partitions.map((tp) => ({ ...tp, offset: strategy.offset })), warnings);
      break;
    case 'shift-by': {
      const committed = await committedMap(cluster, groupId);
      const wanted = partitions.map((tp) => {
        const current = committed.get(partitionKey(tp.topic, tp.partition));
        if (current === undefined) {
          throw new UsageError(`Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset`);
        }
        return { ...tp, offset: current + strategy.by };
      });
      offsets = await clamp(cluster, wanted, warnings);
      break;
    }
    case 'datetime':
      offsets = await byTimestamp(cluster, partitions, strategy.timestamp, warnings);
      break;
    case 'duration':
      offsets = await byTimestamp(cluster, partitions, BigInt(Date.now()) - strategy.ms, warnings);
      break;
  }
  return { groupId, offsets, warnings };
}

async function committedMap(cluster: Cluster, groupId: string): Promise<Map<string, bigint>> {
  const committed = await fetchCommittedOffsets(cluster, groupId);
  return new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset]));
}

/** Commits the plan as Admin.alterConsumerGroupOffsets does: an OffsetCommit with generation -1 and no member. */
export async function executeReset(cluster: Cluster, plan: ResetPlan): Promise<void> {
  const fenced = new Set<number>([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.REBALANCE_IN_PROGRESS]);
  await commitOffsets(cluster, plan.groupId, { memberId: '', generationIdOrMemberEpoch: -1 }, plan.offsets, {
    errorFor: (code, context) =>
      fenced.has(code)
        ? new UsageError(`Assignments can only be reset if the group '${plan.groupId}' is inactive (a member joined while the offsets were being reset).`)
        : groupError(code, context),
  });
}

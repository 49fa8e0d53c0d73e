/**
 * A group's committed offsets: OffsetFetch (where members start) and OffsetCommit (what they store), through the
 * group's coordinator. Versions stay below those that name topics by id (OffsetFetch/OffsetCommit v10).
 */
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { CoordinatorType } from '../cluster.js';
import { KafkaError } from '../errors.js';
import { byTopic, partitionKey } from '../topic-partitions.js';

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Who commits: a classic member (generation) or a KIP-848 member (member epoch); both -1/'' for an admin. */
export interface CommitIdentity {
  memberId: string;
  generationIdOrMemberEpoch: number;
}


export interface CommittedOffset extends TopicPartitionOffset {
  leaderEpoch: number;
  metadata: string | null;
}

/**
 * OffsetFetch through the group's coordinator: the committed offsets of `partitions`, or of every partition the
 * group has committed when `partitions` is null. A partition without a committed offset (-1) is left out, as
 * Kafka's clients leave it out. `requireStable` (v7+) waits for pending transactional commits, as a member
 * must; `describe` passes `errorFor` to word errors its own way.
 */
export async function fetchCommittedOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly { topic: string; partition: number }[] | null,
  options: { member?: CommitIdentity; requireStable?: boolean; errorFor?: (code: number, context: string) => Error } = {},
): Promise<CommittedOffset[]> {
  const errorFor = options.errorFor ?? ((code: number, context: string) => new KafkaError(code, context));
  const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, list]) => ({ name, partitionIndexes: list.map((p) => p.partition) }));
  const requireStable = options.requireStable ?? false;
  const response = await cluster.requestCoordinator(
    CoordinatorType.Group,
    groupId,
    ApiKey.OffsetFetch,
    (v) =>
      v >= 8
        ? {
            groups: [{ groupId, memberId: options.member?.memberId ?? null, memberEpoch: options.member?.generationIdOrMemberEpoch ?? -1, topics }],
            requireStable,
          }
        : { groupId, topics, requireStable: requireStable && v >= 7 },
    (r) => (r.groups.length > 0 ? r.groups[0]!.errorCode : r.errorCode),
    // v2 is the first to fetch "all topics"; v10 names topics by id only.
    { minVersion: partitions === null ? 2 : 0, maxVersion: 9 },
  );
  const group = response.groups.length > 0 ? response.groups[0]! : { errorCode: response.errorCode, topics: response.topics };
  if (group.errorCode !== ErrorCode.NONE) throw errorFor(group.errorCode, `fetching the offsets of group "${groupId}"`);
  const out: CommittedOffset[] = [];
  for (const t of group.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) throw errorFor(p.errorCode, `fetching the offset of group "${groupId}" for ${t.name}-${p.partitionIndex}`);
      if (p.committedOffset < 0n) continue;
      out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata });
    }
  }
  return out;
}

/** Committed offsets keyed by partitionKey(), for a member choosing where to start. */
export async function fetchCommitted(
  cluster: Cluster,
  groupId: string,
  partitions: readonly { topic: string; partition: number }[],
  member?: CommitIdentity,
): Promise<Map<string, bigint>> {
  const committed = await fetchCommittedOffsets(cluster, groupId, partitions, { member, requireStable: true });
  return new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset]));
}

/**
 * Commits the offsets through the group's coordinator, retrying while any partition's answer says the coordinator
 * moved; throws the first partition error (worded by `errorFor`, when given). An admin commits as member '' with
 * generation -1, as Kafka's tools do.
 */
export async function commitOffsets(
  cluster: Cluster,
  groupId: string,
  member: CommitIdentity,
  offsets: readonly TopicPartitionOffset[],
  options: { errorFor?: (code: number, context: string) => Error } = {},
): Promise<void> {
  if (offsets.length === 0) return;
  const firstError = (topics: { partitions: { errorCode: number }[] }[]): number =>
    topics.flatMap((t) => t.partitions).find((p) => p.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
  const response = await cluster.requestCoordinator(
    CoordinatorType.Group,
    groupId,
    ApiKey.OffsetCommit,
    {
      groupId,
      generationIdOrMemberEpoch: member.generationIdOrMemberEpoch,
      memberId: member.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic(offsets)].map(([name, list]) => ({
        name,
        partitions: list.map((p) => ({
          partitionIndex: p.partition,
          committedOffset: p.offset,
          commitTimestamp: -1n,
          committedLeaderEpoch: -1,
          committedMetadata: '',
        })),
      })),
    },
    (r) => firstError(r.topics),
    // v10 names topics by id only.
    { maxVersion: 9 },
  );
  const errorFor = options.errorFor ?? ((code: number, context: string) => new KafkaError(code, context));
  for (const t of response.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) throw errorFor(p.errorCode, `committing the offset of group "${groupId}" for ${t.name}-${p.partitionIndex}`);
    }
  }
}

/**
 * A group's committed offsets: OffsetFetch (where members start) and OffsetCommit (what they store), through the
 * group's coordinator. Versions stay below those that name topics by id (OffsetFetch/OffsetCommit v10).
 */
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { CoordinatorType } from '../cluster.js';
import { KafkaError } from '../errors.js';
import { partitionKey } from '../list-offsets.js';

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

function byTopic<T extends { topic: string; partition: number }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    let list = out.get(i.topic);
    if (list === undefined) out.set(i.topic, (list = []));
    list.push(i);
  }
  return out;
}

/** Committed offsets keyed by partitionKey(); a partition without one is absent. */
export async function fetchCommitted(
  cluster: Cluster,
  groupId: string,
  partitions: readonly { topic: string; partition: number }[],
  member?: CommitIdentity,
): Promise<Map<string, bigint>> {
  const topics = [...byTopic(partitions)].map(([name, list]) => ({ name, partitionIndexes: list.map((p) => p.partition) }));
  const response = await cluster.requestCoordinator(
    CoordinatorType.Group,
    groupId,
    ApiKey.OffsetFetch,
    (v) =>
      v >= 8
        ? {
            groups: [
              {
                groupId,
                memberId: member?.memberId ?? null,
                memberEpoch: member?.generationIdOrMemberEpoch ?? -1,
                topics,
              },
            ],
            requireStable: true,
          }
        : { groupId, topics, requireStable: v >= 7 },
    (r) => (r.groups.length > 0 ? r.groups[0]!.errorCode : r.errorCode),
    { maxVersion: 9 },
  );
  const group = response.groups.length > 0 ? response.groups[0]! : { errorCode: response.errorCode, topics: response.topics };
  if (group.errorCode !== ErrorCode.NONE) throw new KafkaError(group.errorCode, `offsets of group "${groupId}"`);
  const out = new Map<string, bigint>();
  for (const t of group.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `committed offset of ${t.name}-${p.partitionIndex} in group "${groupId}"`);
      if (p.committedOffset >= 0n) out.set(partitionKey(t.name, p.partitionIndex), p.committedOffset);
    }
  }
  return out;
}

/** Commits the offsets; throws the first partition error. */
export async function commitOffsets(
  cluster: Cluster,
  groupId: string,
  member: CommitIdentity,
  offsets: readonly TopicPartitionOffset[],
): Promise<void> {
  if (offsets.length === 0) return;
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
    (r) => r.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.NONE,
    { maxVersion: 9 },
  );
  for (const t of response.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `committing ${t.name}-${p.partitionIndex} for group "${groupId}"`);
    }
  }
}

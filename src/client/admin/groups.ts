/**
 * Consumer-group administration as Kafka's Admin client does it: ListGroups on every broker (each broker only knows
 * the groups it coordinates), describe through the coordinator (ConsumerGroupDescribe for KIP-848 groups, falling
 * back to DescribeGroups for classic ones), committed offsets (OffsetFetch), log end offsets and lag, and the
 * deletions (DeleteGroups, OffsetDelete).
 */
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import { ConsumerProtocolAssignment } from '../../protocol/messages/consumer-protocol-assignment.js';
import { ConsumerProtocolSubscription } from '../../protocol/messages/consumer-protocol-subscription.js';
import { CoordinatorType, type BrokerInfo, type Cluster } from '../cluster.js';
import { KafkaError, UnsupportedApiError, UsageError } from '../errors.js';
import { LATEST_TIMESTAMP, listOffsets } from '../list-offsets.js';
import { byTopicPartition, partitionKey, partitionsByTopic, type TopicPartition } from '../topic-partitions.js';
import { fetchCommittedOffsets as fetchGroupOffsets, type CommittedOffset } from '../group/offsets.js';

/** Kafka's own wording for the group errors a person sees from these tools (Errors.java). */
const KAFKA_MESSAGES: Record<number, string> = {
  [ErrorCode.NON_EMPTY_GROUP]: 'The group is not empty.',
  [ErrorCode.GROUP_ID_NOT_FOUND]: 'The group id does not exist.',
  [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC]: 'The consumer group is actively subscribed to the topic.',
  [ErrorCode.INVALID_GROUP_ID]: 'The configured groupId is invalid.',
  [ErrorCode.GROUP_AUTHORIZATION_FAILED]: 'Not authorized to access group.',
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]: 'This server does not host this topic-partition.',
};

/** A KafkaError whose message is Kafka's sentence for the code, after `context`. */
export function groupError(code: number, context: string): KafkaError {
  const err = new KafkaError(code, context);
  const text = KAFKA_MESSAGES[code];
  if (text !== undefined) err.message = `${context}: ${text}`;
  return err;
}

export { byTopicPartition, type TopicPartition };

// ---- list ----

export interface GroupListing {
  groupId: string;
  /** classic | consumer | share | streams; null when the broker is too old to say (ListGroups < v5). */
  type: string | null;
  /** null when the broker is too old to say (ListGroups < v4). */
  state: string | null;
  /** "consumer" for consumer groups, "" for a group that only commits offsets, "connect" …. */
  protocolType: string;
}

/**
 * Every group of the cluster: ListGroups sent to every broker and merged. `states` / `types` filter on the broker
 * (matched case-insensitively there), which needs ListGroups v4 / v5.
 */
export async function listGroups(cluster: Cluster, filters: { states?: string[]; types?: string[] } = {}): Promise<GroupListing[]> {
  const states = filters.states ?? [];
  const types = filters.types ?? [];
  await cluster.refreshMetadata([]);
  const minVersion = types.length > 0 ? 5 : states.length > 0 ? 4 : 0;
  const found = new Map<string, GroupListing>();
  await Promise.all(
    [...cluster.brokers.keys()].map((nodeId) =>
      cluster.retry(`listing the groups of broker ${nodeId}`, async () => {
        let response;
        try {
          response = await cluster.requestNode(nodeId, ApiKey.ListGroups, { statesFilter: states, typesFilter: types }, { minVersion });
        } catch (err) {
          if (err instanceof UnsupportedApiError && minVersion > 0) {
            throw new UsageError(`broker ${nodeId} cannot filter groups by ${types.length > 0 ? 'type' : 'state'} (it has no ListGroups v${minVersion})`);
          }
          throw err;
        }
        if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode, `listing the groups of broker ${nodeId}`);
        for (const g of response.groups) {
          found.set(g.groupId, {
            groupId: g.groupId,
            type: g.groupType === '' ? null : g.groupType,
            state: g.groupState === '' ? null : g.groupState,
            protocolType: g.protocolType,
          });
        }
      }),
    ),
  );
  return [...found.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

// ---- describe ----

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The member's current assignment, sorted. */
  assignment: TopicPartition[];
  /** KIP-848 groups: the assignment the member is moving to (null for classic groups). */
  targetAssignment: TopicPartition[] | null;
  /** Topics the member subscribed to (decoded from its metadata in a classic consumer group). */
  subscribedTopics: string[];
  /** KIP-848 groups: the member epoch (null for classic groups). */
  memberEpoch: number | null;
}

export interface GroupDescription {
  groupId: string;
  /** false when the coordinator knows no such group (Kafka's tools say it "does not exist"). */
  exists: boolean;
  type: 'classic' | 'consumer';
  /** Kafka's state name: Empty, Stable, PreparingRebalance, … (classic), Assigning, Reconciling (consumer), Dead. */
  state: string;
  protocolType: string;
  /** The partition assignor (classic: the protocol chosen; consumer: the server-side assignor). */
  assignor: string;
  coordinator: BrokerInfo;
  /** KIP-848 groups only. */
  groupEpoch: number | null;
  assignmentEpoch: number | null;
  members: GroupMemberDescription[];
}

/** Reads a consumer-protocol blob: an int16 version, then the body of that (or the newest known) version. */
function decodeVersioned<T>(codec: { maxVersion: number; decode(version: number, buf: Buffer): T }, buf: Buffer): T | undefined {
  if (buf.length < 2) return undefined;
  const version = buf.readInt16BE(0);
  if (version < 0) return undefined;
  try {
    return codec.decode(Math.min(version, codec.maxVersion), buf.subarray(2));
  } catch {
    return undefined;
  }
}

function flatten(topics: { topic: string; partitions: number[] }[]): TopicPartition[] {
  return topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))).sort(byTopicPartition);
}

/**
 * Describes a group as Kafka's Admin.describeConsumerGroups: ConsumerGroupDescribe first when the coordinator
 * speaks it; GROUP_ID_NOT_FOUND there (a classic group, or none) falls back to DescribeGroups.
 */
export async function describeGroup(cluster: Cluster, groupId: string): Promise<GroupDescription> {
  const nodeId = await cluster.coordinator(CoordinatorType.Group, groupId);
  const conn = await cluster.connectionTo(nodeId, 'coordinator');
  if (conn.versionFor(ApiKey.ConsumerGroupDescribe) !== undefined) {
    const modern = await describeConsumerGroup(cluster, groupId);
    if (modern !== undefined) return modern;
  }
  return describeClassicGroup(cluster, groupId);
}

async function coordinatorInfo(cluster: Cluster, groupId: string): Promise<BrokerInfo> {
  const nodeId = await cluster.coordinator(CoordinatorType.Group, groupId);
  return cluster.brokers.get(nodeId) ?? { nodeId, host: '', port: 0, rack: null };
}

async function describeConsumerGroup(cluster: Cluster, groupId: string): Promise<GroupDescription | undefined> {
  const response = await cluster.requestCoordinator(
    CoordinatorType.Group,
    groupId,
    ApiKey.ConsumerGroupDescribe,
    { groupIds: [groupId], includeAuthorizedOperations: false },
    (r) => r.groups[0]?.errorCode ?? ErrorCode.NONE,
  );
  const g = response.groups[0];
  if (g === undefined) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `describing group "${groupId}"`, 'the coordinator sent no answer for the group');
  if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return undefined;
  if (g.errorCode !== ErrorCode.NONE) throw groupError(g.errorCode, `describing group "${groupId}"`);
  const toList = (a: { topicPartitions: { topicName: string; partitions: number[] }[] }) =>
    flatten(a.topicPartitions.map((t) => ({ topic: t.topicName, partitions: t.partitions })));
  return {
    groupId,
    exists: g.groupState !== 'Dead',
    type: 'consumer',
    state: g.groupState,
    protocolType: 'consumer',
    assignor: g.assignorName,
    coordinator: await coordinatorInfo(cluster, groupId),
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: toList(m.assignment),
      targetAssignment: toList(m.targetAssignment),
      subscribedTopics: [...m.subscribedTopicNames].sort(),
      memberEpoch: m.memberEpoch,
    })),
  };
}

async function describeClassicGroup(cluster: Cluster, groupId: string): Promise<GroupDescription> {
  const response = await cluster.requestCoordinator(
    CoordinatorType.Group,
    groupId,
    ApiKey.DescribeGroups,
    { groups: [groupId], includeAuthorizedOperations: false },
    (r) => r.groups[0]?.errorCode ?? ErrorCode.NONE,
  );
  const g = response.groups[0];
  if (g === undefined) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `describing group "${groupId}"`, 'the coordinator sent no answer for the group');
  const coordinator = await coordinatorInfo(cluster, groupId);
  // Before DescribeGroups v6 an unknown group is "Dead" without an error; from v6 it is GROUP_ID_NOT_FOUND.
  if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND || (g.errorCode === ErrorCode.NONE && g.groupState === 'Dead')) {
    return { groupId, exists: false, type: 'classic', state: 'Dead', protocolType: '', assignor: '', coordinator, groupEpoch: null, assignmentEpoch: null, members: [] };
  }
  if (g.errorCode !== ErrorCode.NONE) throw groupError(g.errorCode, `describing group "${groupId}"`);
  // As Kafka's admin: only consumer groups (or groups that only commit offsets) are consumer groups.
  if (g.protocolType !== 'consumer' && g.protocolType !== '') {
    throw new UsageError(`GroupId ${groupId} is not a consumer group (${g.protocolType}).`);
  }
  return {
    groupId,
    exists: true,
    type: 'classic',
    state: g.groupState,
    protocolType: g.protocolType,
    assignor: g.protocolData,
    coordinator,
    groupEpoch: null,
    assignmentEpoch: null,
    members: g.members.map((m) => {
      const assignment = m.memberAssignment.length > 0 ? decodeVersioned(ConsumerProtocolAssignment, m.memberAssignment) : undefined;
      const subscription = m.memberMetadata.length > 0 ? decodeVersioned(ConsumerProtocolSubscription, m.memberMetadata) : undefined;
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: assignment === undefined ? [] : flatten(assignment.assignedPartitions),
        targetAssignment: null,
        subscribedTopics: subscription === undefined ? [] : [...subscription.topics].sort(),
        memberEpoch: null,
      };
    }),
  };
}

// ---- offsets ----

/**
 * The group's committed offsets (all topics, or `partitions`), sorted, with errors in Kafka's tool's words.
 * Partitions without a committed offset are left out, as Kafka's admin leaves them out.
 */
export async function fetchCommittedOffsets(cluster: Cluster, groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]> {
  const committed = await fetchGroupOffsets(cluster, groupId, partitions ?? null, { errorFor: groupError });
  return committed.sort(byTopicPartition);
}


/**
 * Log end offsets of partitions that exist and have a leader; the others are missing from the answer (Kafka's
 * describe shows them with an unknown log end offset).
 */
export async function logEndOffsets(cluster: Cluster, partitions: readonly TopicPartition[]): Promise<Map<string, bigint>> {
  const topics = [...new Set(partitions.map((p) => p.topic))];
  const out = new Map<string, bigint>();
  if (topics.length === 0) return out;
  await cluster.refreshMetadata(topics);
  const known = partitions.filter((tp) => {
    const info = cluster.topics.get(tp.topic);
    const p = info?.partitions[tp.partition];
    return p !== undefined && p.partition === tp.partition && p.leader >= 0;
  });
  if (known.length === 0) return out;
  const answers = await listOffsets(cluster, known.map((tp) => ({ ...tp, timestamp: LATEST_TIMESTAMP })));
  for (const [key, a] of answers) out.set(key, a.offset);
  return out;
}

export interface PartitionLag extends TopicPartition {
  /** null: the group has no committed offset for the partition. */
  currentOffset: bigint | null;
  /** null: unknown (the topic is gone or the partition has no leader). */
  logEndOffset: bigint | null;
  lag: bigint | null;
  /** The member that owns the partition, or null for a committed partition no member owns. */
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface GroupOffsetsView {
  description: GroupDescription;
  partitions: PartitionLag[];
}

/**
 * What `kafka-consumer-groups --describe` shows: each assigned partition (members with the most partitions first)
 * with its committed offset, log end offset and lag, then committed partitions no member owns.
 */
export async function describeGroupOffsets(cluster: Cluster, groupId: string): Promise<GroupOffsetsView> {
  const description = await describeGroup(cluster, groupId);
  if (!description.exists) return { description, partitions: [] };
  const committed = await fetchCommittedOffsets(cluster, groupId);
  const committedBy = new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset]));
  const rows: Omit<PartitionLag, 'logEndOffset' | 'lag'>[] = [];
  const assigned = new Set<string>();
  const members = description.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length);
  for (const m of members) {
    for (const tp of m.assignment) {
      const key = partitionKey(tp.topic, tp.partition);
      assigned.add(key);
      rows.push({ ...tp, currentOffset: committedBy.get(key) ?? null, consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
    }
  }
  for (const c of committed) {
    if (assigned.has(partitionKey(c.topic, c.partition))) continue;
    rows.push({ topic: c.topic, partition: c.partition, currentOffset: c.offset, consumerId: null, host: null, clientId: null });
  }
  const ends = await logEndOffsets(cluster, rows);
  const partitions = rows.map((r) => {
    const logEndOffset = ends.get(partitionKey(r.topic, r.partition)) ?? null;
    const lag = r.currentOffset !== null && logEndOffset !== null ? logEndOffset - r.currentOffset : null;
    return { ...r, logEndOffset, lag };
  });
  return { description, partitions };
}

// ---- delete ----

export interface DeletedGroup {
  groupId: string;
  /** null when deleted; else Kafka's sentence for the error. */
  error: string | null;
  errorCode: number;
}

/** DeleteGroups, one request per coordinator group. */
export async function deleteGroups(cluster: Cluster, groupIds: string[]): Promise<DeletedGroup[]> {
  return Promise.all(
    groupIds.map(async (groupId) => {
      const response = await cluster.requestCoordinator(
        CoordinatorType.Group,
        groupId,
        ApiKey.DeleteGroups,
        { groupsNames: [groupId] },
        (r) => r.results[0]?.errorCode ?? ErrorCode.NONE,
      );
      const r = response.results.find((x) => x.groupId === groupId) ?? response.results[0];
      const code = r?.errorCode ?? ErrorCode.NONE;
      return { groupId, errorCode: code, error: code === ErrorCode.NONE ? null : (KAFKA_MESSAGES[code] ?? groupError(code, groupId).message) };
    }),
  );
}

export interface DeletedOffset extends TopicPartition {
  /** null when deleted; else Kafka's sentence for the error. */
  error: string | null;
}

export interface DeleteOffsetsResult {
  /** The request's own error (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND …), NONE when it was accepted. */
  errorCode: number;
  partitions: DeletedOffset[];
}

/** OffsetDelete of these partitions' committed offsets (refused for topics the group's members subscribe to). */
export async function deleteOffsets(cluster: Cluster, groupId: string, partitions: TopicPartition[]): Promise<DeleteOffsetsResult> {
  const response = await cluster.requestCoordinator(
    CoordinatorType.Group,
    groupId,
    ApiKey.OffsetDelete,
    { groupId, topics: [...partitionsByTopic(partitions)].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })) },
    (r) => r.errorCode,
  );
  if (response.errorCode !== ErrorCode.NONE) return { errorCode: response.errorCode, partitions: [] };
  const out: DeletedOffset[] = [];
  for (const t of response.topics) {
    for (const p of t.partitions) {
      out.push({
        topic: t.name,
        partition: p.partitionIndex,
        error: p.errorCode === ErrorCode.NONE ? null : (KAFKA_MESSAGES[p.errorCode] ?? groupError(p.errorCode, `${t.name}-${p.partitionIndex}`).message),
      });
    }
  }
  return { errorCode: ErrorCode.NONE, partitions: out.sort(byTopicPartition) };
}

export function kafkaMessage(code: number): string {
  return KAFKA_MESSAGES[code] ?? groupError(code, 'group').message;
}

/**
 * Topic administration as Kafka's Admin client does it: list and describe (Metadata, DescribeConfigs, ListOffsets
 * earliest/latest), create and delete (CreateTopics / DeleteTopics to the controller), add partitions
 * (CreatePartitions) and change configs (IncrementalAlterConfigs).
 *
 * Every call that names several topics answers per topic: one topic's failure does not hide the others' results
 * (a caller prints them all and then fails, as rpk does). Only a failure of the whole request (no broker) throws.
 */
import { ApiKey, ErrorCode, ZERO_UUID } from '../../protocol/index.js';
import type { Cluster, PartitionInfo, TopicInfo } from '../cluster.js';
import { partitionsOf, TopicNotFoundError } from '../cluster.js';
import { KafkaError, UsageError } from '../errors.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../list-offsets.js';
import { partitionKey } from '../topic-partitions.js';
import { alterConfigs, ConfigResourceType, describeConfigs, type ConfigEntry, type ConfigResource } from './configs.js';

/** A topic-level failure in Kafka's words, with the broker's own message when it adds something. */
export function topicError(topic: string, code: number, brokerMessage?: string | null): KafkaError {
  if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === 100 /* UNKNOWN_TOPIC_ID */) return new TopicNotFoundError(topic);
  if (code === ErrorCode.TOPIC_ALREADY_EXISTS) {
    const err = new KafkaError(code);
    err.message = `topic "${topic}" already exists`;
    return err;
  }
  return new KafkaError(code, `topic "${topic}"`, brokerMessage);
}

const topicErrorOf = (r: ConfigResource, code: number, message: string | null) => topicError(r.name, code, message);

/** Answers for one topic: `error` set when that topic failed. */
export interface TopicOutcome {
  topic: string;
  error?: KafkaError;
}

// ---- list ----

export interface TopicSummary {
  name: string;
  id: string;
  internal: boolean;
  partitions: number;
  /** Replicas of the first partition, as kafka-topics reports it. */
  replicationFactor: number;
}

/** Every topic in the cluster, by name; internal ones (`__consumer_offsets`…) only when asked for. */
export async function listTopics(cluster: Cluster, options: { internal?: boolean } = {}): Promise<TopicSummary[]> {
  const response = await cluster.refreshMetadata(null);
  const out: TopicSummary[] = [];
  for (const t of response.topics) {
    if (t.name === null || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue;
    if (t.isInternal && options.internal !== true) continue;
    out.push({
      name: t.name,
      id: t.topicId,
      internal: t.isInternal,
      partitions: t.partitions.length,
      replicationFactor: replicationFactorOf(t.partitions.map((p) => ({ partition: p.partitionIndex, replicas: p.replicaNodes }))),
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function replicationFactorOf(partitions: { partition: number; replicas: number[] }[]): number {
  const first = partitions.find((p) => p.partition === 0) ?? partitions[0];
  return first?.replicas.length ?? 0;
}

// ---- describe ----

export interface PartitionDescription extends PartitionInfo {
  /** null when the partition has no leader, or its leader could not say. */
  logStartOffset: bigint | null;
  highWatermark: bigint | null;
}

export interface TopicDescription {
  name: string;
  id: string;
  internal: boolean;
  replicationFactor: number;
  partitions: PartitionDescription[];
  /** Every config, sorted by name, with where its value comes from. */
  configs: ConfigEntry[];
}

export interface DescribeOutcome extends TopicOutcome {
  description?: TopicDescription;
}

/** Metadata, configs and the offset range of every partition of each topic. */
export async function describeTopics(cluster: Cluster, names: string[]): Promise<DescribeOutcome[]> {
  const found = await topicMetadata(cluster, names);
  const present = names.filter((n) => !(found.get(n) instanceof KafkaError));
  const [configs, offsets] = await Promise.all([
    present.length === 0 ? [] : describeConfigs(cluster, present.map((name) => ({ type: ConfigResourceType.TOPIC, name })), { errorOf: topicErrorOf }),
    offsetRanges(cluster, present.map((n) => found.get(n) as TopicInfo)),
  ]);
  return names.map((name) => {
    const meta = found.get(name)!;
    if (meta instanceof KafkaError) return { topic: name, error: meta };
    const conf = configs.find((c) => c.resource.name === name);
    if (conf !== undefined && 'error' in conf) return { topic: name, error: conf.error };
    const partitions = meta.partitions.map((p) => {
      const range = offsets.get(partitionKey(name, p.partition));
      return { ...p, logStartOffset: range?.start ?? null, highWatermark: range?.end ?? null };
    });
    return {
      topic: name,
      description: {
        name,
        id: meta.id,
        internal: meta.isInternal,
        replicationFactor: replicationFactorOf(meta.partitions),
        partitions,
        configs: conf !== undefined && 'configs' in conf ? conf.configs : [],
      },
    };
  });
}

/** Metadata for the named topics; a topic the cluster does not have maps to its error. */
async function topicMetadata(cluster: Cluster, names: string[]): Promise<Map<string, TopicInfo | KafkaError>> {
  await cluster.anyConnection();
  return cluster.retry(
    'reading topic metadata',
    async () => {
      const response = await cluster.refreshMetadata(names);
      const out = new Map<string, TopicInfo | KafkaError>();
      for (const name of names) {
        const t = response.topics.find((x) => x.name === name);
        if (t === undefined || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          out.set(name, new TopicNotFoundError(name));
          continue;
        }
        // A topic just created may still be electing leaders: ask again.
        if (t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) throw new KafkaError(t.errorCode, `topic "${name}"`);
        if (t.errorCode !== ErrorCode.NONE) {
          out.set(name, topicError(name, t.errorCode));
          continue;
        }
        out.set(name, { name, id: t.topicId, isInternal: t.isInternal, partitions: partitionsOf(t) });
      }
      return out;
    },
    { topics: names },
  );
}

/**
 * Log start and high watermark of every partition that has a leader. When every partition has one, the shared
 * ListOffsets path (retried on stale leaders) answers. A partition without a leader (a broker down in a real
 * cluster, which is when people run describe) would make that path wait for a leader until its deadline, so then
 * each leader is asked once and a partition it cannot answer for shows no offsets.
 */
export async function offsetRanges(cluster: Cluster, topics: TopicInfo[]): Promise<Map<string, { start: bigint; end: bigint }>> {
  const led = topics.flatMap((t) => t.partitions.filter((p) => p.leader >= 0).map((p) => ({ topic: t.name, partition: p.partition, leader: p.leader })));
  const out = new Map<string, { start: bigint; end: bigint }>();
  if (led.length === 0) return out;
  const complete = topics.every((t) => t.partitions.every((p) => p.leader >= 0));
  const [earliest, latest] = complete
    ? await Promise.all([
        listOffsets(cluster, led.map((p) => ({ topic: p.topic, partition: p.partition, timestamp: EARLIEST_TIMESTAMP }))),
        listOffsets(cluster, led.map((p) => ({ topic: p.topic, partition: p.partition, timestamp: LATEST_TIMESTAMP }))),
      ])
    : await Promise.all([askLeadersOnce(cluster, led, EARLIEST_TIMESTAMP), askLeadersOnce(cluster, led, LATEST_TIMESTAMP)]);
  for (const p of led) {
    const key = partitionKey(p.topic, p.partition);
    const start = earliest.get(key);
    const end = latest.get(key);
    if (start !== undefined && end !== undefined) out.set(key, { start: start.offset, end: end.offset });
  }
  return out;
}

/** One ListOffsets per leader, no retry; partitions that fail (or whose leader is unreachable) are left out. */
async function askLeadersOnce(
  cluster: Cluster,
  partitions: { topic: string; partition: number; leader: number }[],
  timestamp: bigint,
): Promise<Map<string, { offset: bigint }>> {
  const byLeader = new Map<number, typeof partitions>();
  for (const p of partitions) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p]);
  const out = new Map<string, { offset: bigint }>();
  await Promise.all(
    [...byLeader].map(async ([leader, items]) => {
      const byTopic = new Map<string, number[]>();
      for (const p of items) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
      const response = await cluster
        .requestNode(leader, ApiKey.ListOffsets, {
          replicaId: -1,
          isolationLevel: 0,
          topics: [...byTopic].map(([name, ps]) => ({
            name,
            partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp, maxNumOffsets: 1, currentLeaderEpoch: -1 })),
          })),
          timeoutMs: cluster.options.requestTimeoutMs,
        })
        .catch(() => undefined);
      for (const t of response?.topics ?? []) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) continue;
          out.set(partitionKey(t.name, p.partitionIndex), { offset: p.oldStyleOffsets.length > 0 ? p.oldStyleOffsets[0]! : p.offset });
        }
      }
    }),
  );
  return out;
}

// ---- requests to the controller ----

// Each call first reaches some broker without retrying: when none answers at all (a typo in --brokers, nothing
// running) the user hears so at once instead of after the retry deadline. Later failures are retried.

const NOT_CONTROLLER = 41;

/**
 * Sends an admin request to the controller the metadata names. NOT_CONTROLLER in any result means the controller
 * moved: refresh and send again (Kafka's admin client does the same), until the retry deadline.
 */
async function toController<T>(cluster: Cluster, what: string, send: () => Promise<T>, codes: (response: T) => number[]): Promise<T> {
  await cluster.anyConnection();
  return cluster.retry(what, async () => {
    const response = await send();
    if (codes(response).includes(NOT_CONTROLLER)) {
      await cluster.refreshMetadata([]);
      const err = new KafkaError(NOT_CONTROLLER, what);
      err.retriable = true;
      throw err;
    }
    return response;
  });
}

// ---- create ----

export interface NewTopic {
  name: string;
  /** -1: the broker's num.partitions. */
  partitions: number;
  /** -1: the broker's default.replication.factor. */
  replicationFactor: number;
  configs: [string, string][];
}

export interface CreateOutcome extends TopicOutcome {
  /** created; validated (validateOnly: nothing created); exists (--if-not-exists and the topic was there). */
  status?: 'created' | 'validated' | 'exists';
  id?: string;
  /** What the broker says it created (CreateTopics v5+), else what was asked for. */
  partitions?: number;
  replicationFactor?: number;
}

export async function createTopics(
  cluster: Cluster,
  topics: NewTopic[],
  options: { validateOnly?: boolean; ifNotExists?: boolean } = {},
): Promise<CreateOutcome[]> {
  // -1 for "the broker's default" arrived with CreateTopics v4 (KIP-464).
  const needsDefaults = topics.some((t) => t.partitions === -1 || t.replicationFactor === -1);
  const response = await toController(
    cluster,
    'creating topics',
    () =>
      cluster.requestController(
        ApiKey.CreateTopics,
        {
          topics: topics.map((t) => ({
            name: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            assignments: [],
            configs: t.configs.map(([name, value]) => ({ name, value })),
          })),
          timeoutMs: cluster.options.requestTimeoutMs,
          validateOnly: options.validateOnly ?? false,
        },
        needsDefaults ? { minVersion: 4 } : {},
      ),
    (r) => r.topics.map((t) => t.errorCode),
  );
  for (const t of topics) cluster.forgetTopic(t.name);
  return topics.map((asked): CreateOutcome => {
    const r = response.topics.find((x) => x.name === asked.name);
    if (r === undefined) return { topic: asked.name, error: topicError(asked.name, ErrorCode.UNKNOWN_SERVER_ERROR, 'no answer from the broker') };
    if (r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && options.ifNotExists === true) return { topic: asked.name, status: 'exists' };
    if (r.errorCode !== ErrorCode.NONE) return { topic: asked.name, error: topicError(asked.name, r.errorCode, r.errorMessage) };
    return {
      topic: asked.name,
      status: options.validateOnly === true ? 'validated' : 'created',
      // A validate-only answer names an id that is never used.
      ...(r.topicId !== ZERO_UUID && options.validateOnly !== true ? { id: r.topicId } : {}),
      partitions: r.numPartitions > 0 ? r.numPartitions : asked.partitions,
      replicationFactor: r.replicationFactor > 0 ? r.replicationFactor : asked.replicationFactor,
    };
  });
}

// ---- delete ----

export async function deleteTopics(cluster: Cluster, names: string[]): Promise<TopicOutcome[]> {
  const response = await toController(
    cluster,
    'deleting topics',
    () =>
      cluster.requestController(ApiKey.DeleteTopics, (v) => ({
        ...(v >= 6 ? { topics: names.map((name) => ({ name })) } : { topicNames: names }),
        timeoutMs: cluster.options.requestTimeoutMs,
      })),
    (r) => r.responses.map((t) => t.errorCode),
  );
  for (const name of names) cluster.forgetTopic(name);
  return names.map((name) => {
    const r = response.responses.find((x) => x.name === name);
    if (r === undefined) return { topic: name, error: topicError(name, ErrorCode.UNKNOWN_SERVER_ERROR, 'no answer from the broker') };
    return r.errorCode === ErrorCode.NONE ? { topic: name } : { topic: name, error: topicError(name, r.errorCode, r.errorMessage) };
  });
}

// ---- add partitions ----

export interface AddPartitionsOutcome extends TopicOutcome {
  /** Partitions before and after (before is unknown when only the total was given and the topic is not cached). */
  before?: number;
  total?: number;
}

/**
 * Grows each topic: by `add` partitions (rpk's `--num`: the current count is read first) or to `total`
 * (kafka-topics' `--partitions`).
 */
export async function addPartitions(
  cluster: Cluster,
  names: string[],
  how: { add: number } | { total: number },
  options: { validateOnly?: boolean } = {},
): Promise<AddPartitionsOutcome[]> {
  const meta = await topicMetadata(cluster, names);
  const outcomes = new Map<string, AddPartitionsOutcome>();
  const requests: { name: string; count: number; before: number }[] = [];
  for (const name of names) {
    const m = meta.get(name)!;
    if (m instanceof KafkaError) {
      outcomes.set(name, { topic: name, error: m });
      continue;
    }
    const before = m.partitions.length;
    requests.push({ name, before, count: 'add' in how ? before + how.add : how.total });
  }
  if (requests.length > 0) {
    const response = await toController(
      cluster,
      'adding partitions',
      () =>
        cluster.requestController(ApiKey.CreatePartitions, {
          topics: requests.map((r) => ({ name: r.name, count: r.count, assignments: null })),
          timeoutMs: cluster.options.requestTimeoutMs,
          validateOnly: options.validateOnly ?? false,
        }),
      (r) => r.results.map((t) => t.errorCode),
    );
    for (const asked of requests) {
      cluster.forgetTopic(asked.name);
      const r = response.results.find((x) => x.name === asked.name);
      const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      outcomes.set(
        asked.name,
        code === ErrorCode.NONE
          ? { topic: asked.name, before: asked.before, total: asked.count }
          : { topic: asked.name, error: topicError(asked.name, code, r?.errorMessage ?? 'no answer from the broker') },
      );
    }
  }
  return names.map((name) => outcomes.get(name)!);
}

// ---- configs ----

/** Sets and deletes topic configs (IncrementalAlterConfigs, as kafka-configs.sh and rpk do). */
export async function alterTopicConfigs(
  cluster: Cluster,
  names: string[],
  change: { set: [string, string][]; delete: string[] },
  options: { validateOnly?: boolean } = {},
): Promise<TopicOutcome[]> {
  const results = await alterConfigs(
    cluster,
    names.map((name) => ({ resource: { type: ConfigResourceType.TOPIC, name }, set: change.set, delete: change.delete })),
    { validateOnly: options.validateOnly, errorOf: topicErrorOf },
  );
  return results.map((r) => (r.error === undefined ? { topic: r.resource.name } : { topic: r.resource.name, error: r.error }));
}

/** Topic configs (all, or only `keys`), per topic; a missing topic comes back with its error. */
export async function describeTopicConfigs(cluster: Cluster, names: string[], keys?: string[]): Promise<(TopicOutcome & { configs?: ConfigEntry[] })[]> {
  const results = await describeConfigs(
    cluster,
    names.map((name) => ({ type: ConfigResourceType.TOPIC, name, ...(keys !== undefined ? { keys } : {}) })),
    { errorOf: topicErrorOf },
  );
  return results.map((r) => ('error' in r ? { topic: r.resource.name, error: r.error } : { topic: r.resource.name, configs: r.configs }));
}

// ---- input ----

/** `key=value` pairs from the command line (the value may contain '='; it may be empty). */
export function parseConfigPairs(items: readonly string[], flag: string): [string, string][] {
  return items.map((item) => {
    const i = item.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} "${item}": expected key=value`);
    return [item.slice(0, i).trim(), item.slice(i + 1)];
  });
}

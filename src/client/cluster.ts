/**
 * What the client knows of a cluster and how it reaches each part of it: bootstrap, the metadata cache (brokers,
 * topics, partition leaders), one connection per broker (and a separate one to a coordinator, so a heartbeat
 * never waits behind a long-polling fetch, as Kafka's consumer does), coordinators found with FindCoordinator,
 * and the retry loop every caller shares.
 *
 * Nothing here assumes one broker or one node id: requests go to the partition leader or the coordinator the
 * cluster names, and stale answers (NOT_LEADER_OR_FOLLOWER, NOT_COORDINATOR, a dropped connection) refresh the
 * cache and retry until the operation's deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey, ErrorCode, type ApiKeyNumber, type Input } from '../protocol/index.js';
import type { MetadataResponse, MetadataResponseTopic } from '../protocol/messages/metadata-response.js';
import { formatAddress, parseBootstrap, type BrokerAddress } from './addresses.js';
import { BrokerConnection, type RequestOf, type RequestOptions, type ResponseOf } from './connection.js';
import {
  ConnectionError,
  KafkaError,
  isRetriableError,
  needsCoordinatorRefresh,
  needsMetadataRefresh,
} from './errors.js';

export interface ClientOptions {
  /** Bootstrap brokers: addresses or a `host:port,host:port` list. */
  brokers: BrokerAddress[] | string;
  clientId?: string;
  connectTimeoutMs?: number;
  /** How long one request may take (request.timeout.ms, default 30 s). */
  requestTimeoutMs?: number;
  /** How long an operation may keep retrying (default.api.timeout.ms, default 60 s). */
  retryDeadlineMs?: number;
  /** Pause before a retry (retry.backoff.ms, default 100), doubled up to retryBackoffMaxMs (default 1000). */
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
}

export interface BrokerInfo extends BrokerAddress {
  nodeId: number;
  rack: string | null;
}

export interface PartitionInfo {
  partition: number;
  /** -1 when the partition has no leader right now. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  /** Kafka's base64url text form; all zeros when the broker does not send ids. */
  id: string;
  isInternal: boolean;
  /** By partition index, in order. */
  partitions: PartitionInfo[];
}

export const enum CoordinatorType {
  Group = 0,
  Transaction = 1,
  Share = 2,
}

/** Which connection to a broker: data (produce, fetch, admin) or coordinator (group and transaction calls). */
export type ConnectionPool = 'data' | 'coordinator';

export class Cluster {
  readonly options: Required<Omit<ClientOptions, 'brokers'>>;
  readonly bootstrap: BrokerAddress[];
  clusterId: string | null = null;
  controllerId = -1;
  readonly brokers = new Map<number, BrokerInfo>();
  readonly topics = new Map<string, TopicInfo>();
  private readonly connections = new Map<string, Promise<BrokerConnection>>();
  private readonly coordinators = new Map<string, number>();
  private bootstrapConnection: Promise<BrokerConnection> | undefined;
  /** Every connection that has opened and not closed yet. */
  private readonly open = new Set<BrokerConnection>();
  private closed = false;

  constructor(options: ClientOptions) {
    this.bootstrap = typeof options.brokers === 'string' ? parseBootstrap(options.brokers) : options.brokers;
    this.options = {
      clientId: options.clientId ?? 'gregor',
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      retryDeadlineMs: options.retryDeadlineMs ?? 60_000,
      retryBackoffMs: options.retryBackoffMs ?? 100,
      retryBackoffMaxMs: options.retryBackoffMaxMs ?? 1_000,
    };
  }

  // ---- connections ----

  /** A connection to the broker with this node id (opened on first use, reopened after it drops). */
  async connectionTo(nodeId: number, pool: ConnectionPool = 'data'): Promise<BrokerConnection> {
    if (this.closed) throw new ConnectionError('client closed', '');
    const key = `${nodeId}/${pool}`;
    const existing = this.connections.get(key);
    if (existing !== undefined) {
      const conn = await existing.catch(() => undefined);
      if (conn !== undefined && !conn.isClosed) return conn;
      if (this.connections.get(key) === existing) this.connections.delete(key);
      return this.connectionTo(nodeId, pool);
    }
    let broker = this.brokers.get(nodeId);
    if (broker === undefined) {
      await this.refreshMetadata([]);
      broker = this.brokers.get(nodeId);
      if (broker === undefined) throw new ConnectionError(`broker ${nodeId} is not in the cluster's metadata`, String(nodeId));
    }
    const opening = this.connect({ ...broker, nodeId });
    this.connections.set(key, opening);
    opening.then(
      (conn) => conn.onClose(() => this.connections.get(key) === opening && this.connections.delete(key)),
      () => this.connections.get(key) === opening && this.connections.delete(key),
    );
    return opening;
  }

  /**
   * A connection to any broker: a known one already open, else the bootstrap list tried in order. This is how
   * the first metadata request is sent, and where requests any broker can answer go.
   */
  async anyConnection(): Promise<BrokerConnection> {
    if (this.closed) throw new ConnectionError('client closed', '');
    // Only connections already open: one still connecting (to a broker that may be down) must not hold this up.
    for (const conn of this.open) if (!conn.isClosed) return conn;
    if (this.bootstrapConnection !== undefined) {
      const conn = await this.bootstrapConnection.catch(() => undefined);
      if (conn !== undefined && !conn.isClosed) return conn;
      this.bootstrapConnection = undefined;
    }
    // Known brokers first (the cluster may have moved on from the bootstrap list), then bootstrap.
    const candidates: BrokerAddress[] = [...this.brokers.values(), ...this.bootstrap];
    this.bootstrapConnection = (async () => {
      const failures: string[] = [];
      for (const address of candidates) {
        try {
          return await this.connect(address);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
      const list = this.bootstrap.map(formatAddress).join(', ');
      throw new ConnectionError(
        this.bootstrap.length === 1 ? failures[failures.length - 1]! : `could not connect to any broker (${list}): ${failures[failures.length - 1]}`,
        list,
      );
    })();
    return this.bootstrapConnection;
  }

  private async connect(address: BrokerAddress & { nodeId?: number }): Promise<BrokerConnection> {
    const conn = await BrokerConnection.open({
      ...address,
      clientId: this.options.clientId,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
    });
    this.open.add(conn);
    conn.onClose(() => this.open.delete(conn));
    return conn;
  }

  // ---- requests ----

  async requestNode<K extends ApiKeyNumber>(
    nodeId: number,
    apiKey: K,
    body: Input<RequestOf<K>> | ((version: number) => Input<RequestOf<K>>),
    options: RequestOptions & { pool?: ConnectionPool } = {},
  ): Promise<ResponseOf<K>> {
    const conn = await this.connectionTo(nodeId, options.pool);
    return conn.request(apiKey, body, options);
  }

  async requestAny<K extends ApiKeyNumber>(
    apiKey: K,
    body: Input<RequestOf<K>> | ((version: number) => Input<RequestOf<K>>),
    options: RequestOptions = {},
  ): Promise<ResponseOf<K>> {
    const conn = await this.anyConnection();
    return conn.request(apiKey, body, options);
  }

  /** Admin requests that change the cluster (CreateTopics, …) go to the controller Metadata names. */
  async requestController<K extends ApiKeyNumber>(
    apiKey: K,
    body: Input<RequestOf<K>> | ((version: number) => Input<RequestOf<K>>),
    options: RequestOptions = {},
  ): Promise<ResponseOf<K>> {
    if (this.controllerId < 0 || !this.brokers.has(this.controllerId)) await this.refreshMetadata([]);
    if (this.controllerId < 0 || !this.brokers.has(this.controllerId)) return this.requestAny(apiKey, body, options);
    return this.requestNode(this.controllerId, apiKey, body, options);
  }

  /**
   * Runs `attempt` until it succeeds, fails with a non-retriable error, or the deadline passes. Before each
   * retry it refreshes what the error says is stale: metadata for the topics in `topics`, or the coordinator.
   */
  async retry<T>(
    what: string,
    attempt: (n: number) => Promise<T>,
    options: { deadlineMs?: number; topics?: string[]; coordinator?: { type: CoordinatorType; key: string } } = {},
  ): Promise<T> {
    const deadline = Date.now() + (options.deadlineMs ?? this.options.retryDeadlineMs);
    let backoff = this.options.retryBackoffMs;
    for (let n = 0; ; n++) {
      try {
        return await attempt(n);
      } catch (err) {
        if (!isRetriableError(err) || Date.now() + backoff > deadline || this.closed) {
          throw isRetriableError(err) && !this.closed && n > 0 ? gaveUp(err as Error, `${what}: ${(err as Error).message} (gave up after ${n + 1} attempts)`) : err;
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.retryBackoffMaxMs);
        const code = err instanceof KafkaError ? err.code : ErrorCode.NETWORK_EXCEPTION;
        if (options.coordinator !== undefined && (needsCoordinatorRefresh(code) || err instanceof ConnectionError)) {
          this.forgetCoordinator(options.coordinator.type, options.coordinator.key);
        }
        if (needsMetadataRefresh(code) || err instanceof ConnectionError) {
          await this.refreshMetadata(options.topics ?? []).catch(() => undefined);
        }
      }
    }
  }

  // ---- metadata ----

  /**
   * Asks for metadata and updates the cache. `topics`: names to ask for, `[]` for brokers only, `null` for every
   * topic. Returns the response (topic errors included: callers decide what a missing topic means).
   */
  async refreshMetadata(topics: string[] | null, options: { allowAutoCreate?: boolean } = {}): Promise<MetadataResponse> {
    const conn = await this.anyConnection();
    const response = await conn.request(ApiKey.Metadata, (v) => ({
      // v0 has no "all topics" null: an empty list means all there.
      topics: topics === null ? (v === 0 ? [] : null) : topics.map((name) => ({ name })),
      allowAutoTopicCreation: options.allowAutoCreate ?? false,
    }), topics !== null && topics.length === 0 ? { minVersion: 1 } : {});
    this.apply(response, topics === null);
    return response;
  }

  private apply(response: MetadataResponse, complete: boolean): void {
    this.clusterId = response.clusterId;
    this.controllerId = response.controllerId;
    this.brokers.clear();
    for (const b of response.brokers) this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    if (complete) this.topics.clear();
    for (const t of response.topics) {
      if (t.name === null) continue;
      if (t.errorCode !== ErrorCode.NONE && t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE) {
        this.topics.delete(t.name);
        continue;
      }
      this.topics.set(t.name, { name: t.name, id: t.topicId, isInternal: t.isInternal, partitions: partitionsOf(t) });
    }
    // A broker that left the cluster: drop its connections.
    for (const key of [...this.connections.keys()]) {
      const nodeId = Number(key.split('/')[0]);
      if (!this.brokers.has(nodeId)) {
        const p = this.connections.get(key)!;
        this.connections.delete(key);
        p.then((c) => c.close(), () => undefined);
      }
    }
  }

  /**
   * The topic's metadata, asking the cluster when it is not cached (or `refresh` says so). Throws
   * KafkaError(UNKNOWN_TOPIC_OR_PARTITION, `topic "x"`) when the cluster has no such topic.
   */
  async topic(name: string, options: { refresh?: boolean; allowAutoCreate?: boolean } = {}): Promise<TopicInfo> {
    const cached = this.topics.get(name);
    if (cached !== undefined && options.refresh !== true && cached.partitions.every((p) => p.leader >= 0)) return cached;
    return this.retry(`metadata for topic "${name}"`, async () => {
      const response = await this.refreshMetadata([name], options);
      const t = response.topics.find((x) => x.name === name);
      if (t === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}"`);
      if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        // Not retried: the topic does not exist (unless auto-creation was asked for, which takes a moment).
        if (options.allowAutoCreate === true) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `topic "${name}"`);
        throw new TopicNotFoundError(name);
      }
      if (t.errorCode !== ErrorCode.NONE) throw new KafkaError(t.errorCode, `topic "${name}"`);
      const info = this.topics.get(name)!;
      if (info.partitions.some((p) => p.leader < 0)) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `topic "${name}"`);
      return info;
    });
  }

  /** The node id leading a partition, from the cache (refreshed when unknown). */
  async leaderFor(topic: string, partition: number): Promise<number> {
    return leaderIn(await this.topic(topic), partition);
  }

  /** Groups partitions by the node that leads them (refreshing the cache as needed), one topic look-up per topic. */
  async byLeader<T extends { topic: string; partition: number }>(items: T[]): Promise<Map<number, T[]>> {
    const out = new Map<number, T[]>();
    const infos = new Map<string, TopicInfo>();
    for (const item of items) {
      let info = infos.get(item.topic);
      if (info === undefined) infos.set(item.topic, (info = await this.topic(item.topic)));
      const leader = leaderIn(info, item.partition);
      let list = out.get(leader);
      if (list === undefined) out.set(leader, (list = []));
      list.push(item);
    }
    return out;
  }

  /** Drops a topic from the cache so that the next use asks the cluster again. */
  forgetTopic(name: string): void {
    this.topics.delete(name);
  }

  // ---- coordinators ----

  /** The node id of the coordinator for a group (or transactional id, or share group), found once and cached. */
  async coordinator(type: CoordinatorType, key: string): Promise<number> {
    const cacheKey = `${type}/${key}`;
    const cached = this.coordinators.get(cacheKey);
    if (cached !== undefined && this.brokers.has(cached)) return cached;
    return this.retry(`finding the coordinator of "${key}"`, async () => {
      const conn = await this.anyConnection();
      const response = await conn.request(ApiKey.FindCoordinator, (v) =>
        v >= 4 ? { keyType: type, coordinatorKeys: [key] } : { keyType: type, key },
        type === CoordinatorType.Share ? { minVersion: 6 } : {},
      );
      const found =
        response.coordinators.length > 0
          ? response.coordinators[0]!
          : { nodeId: response.nodeId, host: response.host, port: response.port, errorCode: response.errorCode, errorMessage: response.errorMessage };
      if (found.errorCode !== ErrorCode.NONE) throw new KafkaError(found.errorCode, `finding the coordinator of "${key}"`, found.errorMessage);
      if (!this.brokers.has(found.nodeId)) {
        this.brokers.set(found.nodeId, { nodeId: found.nodeId, host: found.host, port: found.port, rack: null });
      }
      this.coordinators.set(cacheKey, found.nodeId);
      return found.nodeId;
    });
  }

  forgetCoordinator(type: CoordinatorType, key: string): void {
    this.coordinators.delete(`${type}/${key}`);
  }

  /**
   * Sends to the coordinator of `key`, retrying (with a new FindCoordinator) while the answer is
   * NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS or the connection drops.
   * `errorOf` picks the response's error code that decides whether to retry.
   */
  async requestCoordinator<K extends ApiKeyNumber>(
    type: CoordinatorType,
    key: string,
    apiKey: K,
    body: Input<RequestOf<K>> | ((version: number) => Input<RequestOf<K>>),
    errorOf: (response: ResponseOf<K>) => number,
    options: RequestOptions & { deadlineMs?: number } = {},
  ): Promise<ResponseOf<K>> {
    return this.retry(
      `request to the coordinator of "${key}"`,
      async () => {
        const nodeId = await this.coordinator(type, key);
        const response = await this.requestNode(nodeId, apiKey, body, { ...options, pool: 'coordinator' });
        const code = errorOf(response);
        if (needsCoordinatorRefresh(code) || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) throw new KafkaError(code, `group "${key}"`);
        return response;
      },
      { coordinator: { type, key }, deadlineMs: options.deadlineMs },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    if (this.bootstrapConnection !== undefined) all.push(this.bootstrapConnection);
    this.connections.clear();
    this.bootstrapConnection = undefined;
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
    for (const conn of this.open) conn.close();
  }
}

function leaderIn(info: TopicInfo, partition: number): number {
  const p = info.partitions[partition];
  if (p === undefined || p.partition !== partition) {
    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${info.name}" has no partition ${partition}`);
  }
  if (p.leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${info.name}-${partition}`);
  return p.leader;
}

/**
 * The same error (class, code, fields) with a new message and the original as its cause. One error object may be
 * the rejection of many requests (a dropped connection fails all in flight): it is never changed in place.
 */
function gaveUp(err: Error, message: string): Error {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as Error, err);
  copy.message = message;
  copy.cause = err;
  copy.stack = `${err.name}: ${message}\n${(err.stack ?? '').split('\n').slice(1).join('\n')}`;
  return copy;
}

/** A Metadata answer's partitions of one topic, in index order. */
export function partitionsOf(topic: MetadataResponseTopic): PartitionInfo[] {
  return topic.partitions
    .map((p) => ({
      partition: p.partitionIndex,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicaNodes,
      isr: p.isrNodes,
      offline: p.offlineReplicas,
      errorCode: p.errorCode,
    }))
    .sort((a, b) => a.partition - b.partition);
}

/** The topic does not exist. The CLI's message: `topic "x" does not exist`. */
export class TopicNotFoundError extends KafkaError {
  constructor(readonly topic: string) {
    super(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    this.message = `topic "${topic}" does not exist`;
    this.retriable = false;
  }
}

/**
 * Kafka's producer on gregor's client: records are appended to per-partition batches (linger.ms, batch.size),
 * sealed batches are packed one per partition into Produce requests to each partition's leader, with up to
 * max.in.flight requests per connection; idempotence (on by default, as in Kafka's clients) gives every batch
 * the producer id from InitProducerId and a per-partition sequence that a retry keeps.
 *
 * Retriable errors (a leader that moved, a dropped connection, a timeout) refresh metadata and resend the same
 * bytes, in sequence order, until delivery.timeout.ms; anything else fails the batch, and the producer: the
 * first error is thrown by every later send() and by flush().
 *
 * send() is synchronous on the hot path and returns a promise only when the caller has to wait (memory full,
 * or the first record for a topic, which needs metadata and the producer id).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey, ErrorCode } from '../protocol/index.js';
import { TopicNotFoundError, type Cluster } from './cluster.js';
import type { BrokerConnection, ResponseOf } from './connection.js';
import { ConnectionError, KafkaError, UnsupportedApiError, UsageError, isRetriable, isRetriableError, needsMetadataRefresh } from './errors.js';
import { StickyPartitioner, partitionForKey } from './partitioner.js';
import { PartitionQueue, estimateSize, type BatchEncoding, type ProducerRecord, type SealedBatch } from './producer/batch.js';
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './producer/options.js';
import { byTopic, partitionKey } from './topic-partitions.js';

export type { ProducerRecord } from './producer/batch.js';
export { parseAcks, parseCompression, type Acks, type ProducerOptions } from './producer/options.js';

/** What happened to one batch: `count` records from `baseOffset` on (-1 when acks=0 or not known), or an error. */
export interface DeliveryReport {
  topic: string;
  partition: number;
  baseOffset: bigint;
  count: number;
  /**
   * The broker had this batch already (a retry of one whose answer was lost): delivered once. baseOffset is where
   * it was written when the broker still knew (it answers the original offset), else -1.
   */
  duplicate?: boolean;
  error?: Error;
}

/** The one check of an explicit partition: a UsageError naming the topic's partition count. */
export function checkPartition(topic: string, partition: number, numPartitions: number): void {
  if (Number.isInteger(partition) && partition >= 0 && partition < numPartitions) return;
  throw new UsageError(`partition ${partition} is out of range: topic "${topic}" has ${numPartitions} partition${numPartitions === 1 ? '' : 's'}`);
}

/** A batch that kept failing with a retriable error until delivery.timeout.ms: the last error, and how often it was tried. */
export class DeliveryTimeoutError extends Error {
  override name = 'DeliveryTimeoutError';
  constructor(cause: Error, attempts: number) {
    super(`${cause.message} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`, { cause });
  }
}

interface TopicState {
  numPartitions: number;
  sticky: StickyPartitioner;
  available: () => number[] | undefined;
  queues: PartitionQueue[];
}

export class Producer {
  readonly options: ResolvedProducerOptions;
  /** Batches sent again after a retriable error (read by tests to see that a retry happened). */
  retries = 0;
  private readonly topics = new Map<string, TopicState>();
  private readonly preparing = new Map<string, Promise<void>>();
  private readonly queues: PartitionQueue[] = [];
  private encoding: BatchEncoding | undefined;
  private producerIdInit: Promise<void> | undefined;
  private buffered = 0;
  private flushing = 0;
  private error: Error | undefined;
  private closed = false;
  private wakeScheduled = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private readonly nodeInFlight = new Map<number, number>();
  private readonly nodeBusy = new Set<number>();
  private refreshing: Promise<void> | undefined;
  private memoryWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Records sent before their topic was prepared: queued once it is. */
  private readonly deferred = new Set<Promise<void>>();

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
    /** Called once per batch, acknowledged or failed. */
    private readonly onDelivery?: (report: DeliveryReport) => void,
  ) {
    this.options = resolveProducerOptions(options);
  }

  /** Fetches the topic's metadata and (with idempotence) the producer id, so that send() can run synchronously. */
  async prepare(topic: string): Promise<void> {
    if (this.error !== undefined) throw this.error;
    if (this.topics.has(topic) && this.encoding !== undefined) return;
    let p = this.preparing.get(topic);
    if (p === undefined) {
      p = (async () => {
        // One plain look first, not retried: a broker that cannot be reached, or a topic that does not exist (and
        // that the broker will not create), is an error now rather than after the retry deadline.
        const response = await this.cluster.refreshMetadata([topic], { allowAutoCreate: this.options.allowAutoCreate });
        const found = response.topics.find((t) => t.name === topic);
        if (found === undefined || found.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new TopicNotFoundError(topic);
        if (found.errorCode !== ErrorCode.NONE && !isRetriable(found.errorCode)) throw new KafkaError(found.errorCode, `topic "${topic}"`);
        await (this.producerIdInit ??= this.initProducerId());
        // A topic the broker just auto-created may show no partitions yet: ask again until it has them.
        const info = await this.cluster.retry(`metadata for topic "${topic}"`, async (n) => {
          const t = await this.cluster.topic(topic, { allowAutoCreate: this.options.allowAutoCreate, refresh: n > 0 });
          if (t.partitions.length === 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `topic "${topic}"`);
          return t;
        });
        this.topics.set(topic, this.topicState(topic, info.partitions.length));
      })();
      this.preparing.set(topic, p);
      p.catch(() => this.preparing.delete(topic));
    }
    await p;
  }

  /** Number of partitions of a topic prepared before. */
  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.numPartitions;
  }

  /**
   * Queues a record. Returns undefined when it was queued and the caller may go on, or a promise to await first
   * (the record is queued once it resolves). Throws the producer's first delivery error.
   */
  send(record: ProducerRecord): Promise<void> | undefined {
    if (this.error !== undefined) throw this.error;
    if (this.closed) throw new UsageError('the producer is closed');
    const topic = this.topics.get(record.topic);
    if (topic === undefined || this.encoding === undefined) {
      const later = this.prepare(record.topic).then(() => {
        const wait = this.send(record);
        this.deferred.delete(later);
        return wait;
      });
      this.deferred.add(later);
      // Seen by flush() even when the caller did not await it.
      later.catch((err: unknown) => {
        this.deferred.delete(later);
        this.error ??= err as Error;
      });
      return later;
    }
    const size = estimateSize(record);
    let partition = record.partition;
    const keyless = partition === undefined && (record.key === null || record.key === undefined);
    if (partition === undefined) {
      partition = keyless ? topic.sticky.partition(topic.numPartitions, topic.available) : partitionForKey(record.key!, topic.numPartitions);
      record.partition = partition;
    } else {
      checkPartition(record.topic, partition, topic.numPartitions);
    }
    const queue = topic.queues[partition]!;
    const now = Date.now();
    let sealed = false;
    if (queue.wouldOverflow(size, this.options.batchSize)) {
      queue.seal(this.encoding, now);
      sealed = true;
      this.wake();
    }
    // The record itself goes into the batch (it has the shape the batch builder reads): no copy per record.
    record.timestamp ??= now;
    queue.append(record, size, now);
    this.buffered += size;
    if (queue.records.length === 1) this.scheduleLinger(this.options.lingerMs);
    if (keyless) topic.sticky.onAppend(size, sealed, topic.numPartitions, topic.available);
    if (this.buffered >= this.options.bufferMemory) return new Promise((resolve) => this.memoryWaiters.push(resolve));
    return undefined;
  }

  /** Sends everything queued and waits until each batch is acknowledged; throws the first delivery error. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      for (;;) {
        if (this.deferred.size > 0) await Promise.allSettled([...this.deferred]);
        if (this.error !== undefined) throw this.error;
        if (this.queues.every((q) => q.isIdle)) return;
        const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        this.wake();
        await idle;
      }
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then stops. The cluster is the caller's to close. */
  async close(): Promise<void> {
    try {
      if (!this.closed) await this.flush();
    } finally {
      this.closed = true;
      if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    }
  }

  /**
   * Stops at once: what is queued is dropped, what is in flight is not retried. For a caller that failed
   * (bad input) and must not wait for delivery.timeout.ms before it can exit.
   */
  abort(reason: Error): void {
    this.error ??= reason;
    this.closed = true;
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    for (const q of this.queues) {
      q.records = [];
      for (const b of [...q.ready.splice(0), ...q.toRetry.splice(0)]) this.release(b);
    }
    for (const w of this.idleWaiters.splice(0)) w();
    for (const w of this.memoryWaiters.splice(0)) w();
  }

  // ---- set-up ----

  private async initProducerId(): Promise<void> {
    const plain: BatchEncoding = { compression: this.options.compression, producerId: -1n, producerEpoch: -1, sequenced: false };
    if (!this.options.idempotent) {
      this.encoding = plain;
      return;
    }
    try {
      const response = await this.cluster.retry('InitProducerId', async () => {
        const r = await this.cluster.requestAny(ApiKey.InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60_000,
          producerId: -1n,
          producerEpoch: -1,
        });
        if (r.errorCode !== ErrorCode.NONE) throw new KafkaError(r.errorCode, 'getting a producer id');
        return r;
      });
      this.encoding = { compression: this.options.compression, producerId: response.producerId, producerEpoch: response.producerEpoch, sequenced: true };
    } catch (err) {
      // As Java does when idempotence was not asked for explicitly: a broker without it, or a principal without
      // IDEMPOTENT_WRITE, gets a plain producer instead of an error.
      const implicit = !this.options.explicitIdempotence;
      const unsupported = err instanceof UnsupportedApiError || (err instanceof KafkaError && err.code === ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      if (!(implicit && unsupported)) throw err;
      this.encoding = plain;
    }
  }

  private topicState(topic: string, numPartitions: number): TopicState {
    const queues: PartitionQueue[] = [];
    for (let p = 0; p < numPartitions; p++) {
      const q = new PartitionQueue(topic, p);
      queues.push(q);
      this.queues.push(q);
    }
    return { numPartitions, sticky: new StickyPartitioner(this.options.batchSize), queues, available: () => this.available(topic) };
  }

  private available(topic: string): number[] | undefined {
    const info = this.cluster.topics.get(topic);
    if (info === undefined) return undefined;
    const out: number[] = [];
    for (const p of info.partitions) if (p.leader >= 0) out.push(p.partition);
    return out.length === info.partitions.length ? undefined : out;
  }

  // ---- the sender ----

  private scheduleLinger(ms: number): void {
    if (this.lingerTimer !== undefined) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.wake();
    }, ms);
  }

  private wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.drain();
    });
  }

  /** Seals batches whose linger is over, then hands ready batches to their leaders' connections. */
  private drain(): void {
    if (this.encoding === undefined || (this.closed && this.error !== undefined)) return;
    const now = Date.now();
    let nextLinger = Infinity;
    const byNode = new Map<number, PartitionQueue[]>();
    let unknownLeader = false;
    for (const q of this.queues) {
      if (q.records.length > 0) {
        const due = q.openedAt + this.options.lingerMs;
        if (this.flushing > 0 || due <= now) q.seal(this.encoding, now);
        else nextLinger = Math.min(nextLinger, due);
      }
      if (q.ready.length === 0 || q.holding) continue;
      const leader = this.cluster.topics.get(q.topic)?.partitions[q.partition]?.leader ?? -1;
      if (leader < 0) {
        unknownLeader = true;
        // A partition that stays without a leader fails its batches once delivery.timeout.ms is over.
        const first = q.ready[0]!;
        if (now - first.sealedAt > this.options.deliveryTimeoutMs) {
          q.ready.shift();
          q.inFlight++;
          this.completeWithError(first, new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `producing to topic "${q.topic}" partition ${q.partition}`));
        }
        continue;
      }
      let list = byNode.get(leader);
      if (list === undefined) byNode.set(leader, (list = []));
      list.push(q);
    }
    if (nextLinger !== Infinity) this.scheduleLinger(Math.max(1, nextLinger - now));
    if (unknownLeader) this.refreshMetadata();
    for (const [node, queues] of byNode) {
      if (!this.nodeBusy.has(node) && (this.nodeInFlight.get(node) ?? 0) < this.options.maxInFlight) void this.sendTo(node, queues);
    }
  }

  private async sendTo(node: number, queues: PartitionQueue[]): Promise<void> {
    this.nodeBusy.add(node);
    let conn: BrokerConnection;
    try {
      conn = await this.cluster.connectionTo(node);
      if (conn.congested) await conn.drain();
    } catch (err) {
      this.nodeBusy.delete(node);
      // Nothing was sent: fail or retry the first batch of each partition (holding the rest behind it).
      for (const q of queues) {
        const batch = q.ready.shift();
        if (batch === undefined) continue;
        q.inFlight++;
        batch.attempts++;
        this.completeWithError(batch, err as Error);
      }
      return;
    }
    this.nodeBusy.delete(node);
    while ((this.nodeInFlight.get(node) ?? 0) < this.options.maxInFlight && !conn.congested) {
      const batches: SealedBatch[] = [];
      let bytes = 0;
      for (const q of queues) {
        if (q.holding || q.ready.length === 0) continue;
        const b = q.ready[0]!;
        if (batches.length > 0 && bytes + b.data.length > this.options.maxRequestSize) continue;
        q.ready.shift();
        q.inFlight++;
        b.attempts++;
        batches.push(b);
        bytes += b.data.length;
      }
      if (batches.length === 0) break;
      this.nodeInFlight.set(node, (this.nodeInFlight.get(node) ?? 0) + 1);
      void this.produce(conn, batches).finally(() => {
        this.nodeInFlight.set(node, this.nodeInFlight.get(node)! - 1);
        this.wake();
      });
    }
    if (conn.congested) void conn.drain().then(() => this.wake());
  }

  private async produce(conn: BrokerConnection, batches: SealedBatch[]): Promise<void> {
    const grouped = byTopic(batches.map((b) => ({ topic: b.queue.topic, partition: b.queue.partition, records: b.data })));
    const topicData = [...grouped].map(([name, list]) => ({ name, partitionData: list.map((p) => ({ index: p.partition, records: p.records })) }));
    const acks = this.options.acks;
    let response: ResponseOf<typeof ApiKey.Produce> | undefined;
    try {
      response = await conn.request(
        ApiKey.Produce,
        {
          transactionalId: null,
          acks,
          timeoutMs: this.options.requestTimeoutMs,
          topicData,
        },
        { minVersion: 3, noResponse: acks === 0, timeoutMs: this.options.requestTimeoutMs },
      );
    } catch (err) {
      for (const b of batches) this.completeWithError(b, err as Error);
      return;
    }
    if (acks === 0 || response === undefined) {
      for (const b of batches) this.complete(b, -1n);
      return;
    }
    const results = new Map<string, { errorCode: number; baseOffset: bigint; errorMessage: string | null }>();
    for (const t of response.responses) for (const p of t.partitionResponses) results.set(partitionKey(t.name, p.index), p);
    for (const b of batches) {
      const r = results.get(partitionKey(b.queue.topic, b.queue.partition));
      const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      if (code === ErrorCode.NONE) this.complete(b, r!.baseOffset);
      // A duplicate is a batch the broker already has (a retry of one whose answer was lost): delivered, at the
      // offset the broker answers when it still knows it (-1 when not), as Java's Sender completes it.
      else if (code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) this.complete(b, r!.baseOffset >= 0n ? r!.baseOffset : -1n, true);
      else this.completeWithError(b, new KafkaError(code, `producing to topic "${b.queue.topic}" partition ${b.queue.partition}`, r?.errorMessage));
    }
  }

  private complete(batch: SealedBatch, baseOffset: bigint, duplicate = false): void {
    const q = batch.queue;
    q.inFlight--;
    this.release(batch);
    this.onDelivery?.(duplicate ? { topic: q.topic, partition: q.partition, baseOffset, count: batch.count, duplicate } : { topic: q.topic, partition: q.partition, baseOffset, count: batch.count });
    this.afterCompletion(q);
  }

  private completeWithError(batch: SealedBatch, err: Error): void {
    const q = batch.queue;
    q.inFlight--;
    const tooLarge = err instanceof KafkaError && (err.code === ErrorCode.MESSAGE_TOO_LARGE || err.code === ErrorCode.RECORD_LIST_TOO_LARGE);
    if (tooLarge && batch.count > 1 && this.error === undefined && !this.closed && this.encoding !== undefined) {
      q.holding = true;
      q.toRetry.push(...q.split(batch, this.encoding, Date.now()));
      this.afterCompletion(q);
      return;
    }
    // A batch after a failed one of the same partition is refused as out of order: it is resent with it.
    const outOfOrder = err instanceof KafkaError && err.code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && q.holding;
    const retriable = isRetriableError(err) || outOfOrder;
    const expired = Date.now() + this.options.retryBackoffMs - batch.sealedAt > this.options.deliveryTimeoutMs;
    if (retriable && !expired && this.error === undefined && !this.closed) {
      q.holding = true;
      q.toRetry.push(batch);
      this.retries++;
      const code = err instanceof KafkaError ? err.code : ErrorCode.NETWORK_EXCEPTION;
      if (err instanceof ConnectionError || needsMetadataRefresh(code)) this.refreshMetadata();
    } else {
      // The error may be shared by many batches (one dropped connection): it is never changed, only wrapped, and
      // only for the producer's first error, so the message says "gave up" once.
      const failure = retriable && expired && this.error === undefined ? new DeliveryTimeoutError(err, batch.attempts) : err;
      this.error ??= failure;
      this.release(batch);
      this.onDelivery?.({ topic: q.topic, partition: q.partition, baseOffset: -1n, count: batch.count, error: failure });
      // Nothing else of this partition can be delivered in order now: fail what waits behind it.
      for (const b of [...q.toRetry.splice(0), ...q.ready.splice(0)]) {
        this.release(b);
        this.onDelivery?.({ topic: q.topic, partition: q.partition, baseOffset: -1n, count: b.count, error: failure });
      }
    }
    this.afterCompletion(q);
  }

  private afterCompletion(q: PartitionQueue): void {
    if (q.holding && q.inFlight === 0) {
      if (this.error !== undefined) {
        for (const b of q.toRetry.splice(0)) this.release(b);
        q.holding = false;
      } else {
        q.requeueRetries();
        void sleep(this.options.retryBackoffMs).then(() => {
          q.holding = false;
          this.wake();
        });
      }
    }
    if (this.idleWaiters.length > 0 && (this.error !== undefined || q.isIdle)) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private release(batch: SealedBatch): void {
    this.buffered -= batch.bytes;
    if (this.memoryWaiters.length > 0 && (this.buffered < this.options.bufferMemory || this.error !== undefined)) {
      for (const w of this.memoryWaiters.splice(0)) w();
    }
  }

  private refreshMetadata(): void {
    if (this.refreshing !== undefined) return;
    this.refreshing = this.cluster
      .refreshMetadata([...this.topics.keys()])
      .then(() => undefined, () => undefined)
      // A pause before the next look, or a leader that stays unknown would be asked for in a tight loop.
      .then(() => sleep(this.options.retryBackoffMs))
      .finally(() => {
        this.refreshing = undefined;
        this.wake();
      });
  }
}

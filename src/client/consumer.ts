/**
 * The fetch side of a consumer: the partitions it is assigned (by the caller, or by a group), a position in
 * each, and one fetch loop per partition leader sending one Fetch for all that leader's partitions at a time
 * (maxWaitMs 500, minBytes 1, as Kafka's consumer). Records reach `onRecord` as reused RecordViews, in offset
 * order per partition.
 *
 * As Kafka's Fetcher: OFFSET_OUT_OF_RANGE resets the position by the reset policy; a stale leader
 * (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, …) or a dropped connection refreshes metadata and the
 * partition moves to the loop of its new leader; other retriable errors are retried on the next round.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey, ErrorCode } from '../protocol/index.js';
import type { FetchResponse } from '../protocol/messages/fetch-response.js';
import type { Cluster } from './cluster.js';
import { ConnectionError, KafkaError, needsMetadataRefresh } from './errors.js';
import { newRecordView, walkRecords, type RecordView } from './fetched-records.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './list-offsets.js';
import { byTopic, partitionKey, partitionsByTopic, type TopicPartition } from './topic-partitions.js';

export type IsolationLevel = 0 | 1;
export const READ_UNCOMMITTED: IsolationLevel = 0;
export const READ_COMMITTED: IsolationLevel = 1;

export interface ConsumerOptions {
  isolationLevel?: IsolationLevel;
  /** Where to go when the position is out of the log's range (auto.offset.reset; default latest, as librdkafka). */
  resetPolicy?: 'earliest' | 'latest';
  maxWaitMs?: number;
  minBytes?: number;
  /** Per response (fetch.max.bytes). Larger than Kafka's defaults: a CLI that dumps a topic wants throughput. */
  maxBytes?: number;
  /** Per partition (max.partition.fetch.bytes). */
  partitionMaxBytes?: number;
  /** Stop once every assigned partition has reached its end (kcat -e). */
  exitAtEnd?: boolean;
  /** Each record; return false to stop the consumer right after it. */
  onRecord: (view: RecordView) => boolean;
  /** After each partition's records were handed out: a printer waits here for its output to drain. */
  onBatchDone?: () => void | Promise<void>;
}

export interface PartitionState {
  topic: string;
  partition: number;
  /** The next offset to hand to onRecord. */
  position: bigint;
  /**
   * The offset after the last record whose output onBatchDone saw through (what a commit stores): a commit
   * never covers records still in an output buffer.
   */
  delivered: bigint;
  /** Reached the end (high watermark, or LSO under read_committed) at least once. */
  atEnd: boolean;
  readonly view: RecordView;
  /** Changed by assign/unassign/reset: a fetch answer for an older position is ignored. */
  epoch: number;
  resetting: boolean;
}

export interface Assigned {
  topic: string;
  partition: number;
  offset: bigint;
}

interface Asked {
  state: PartitionState;
  epoch: number;
  position: bigint;
}

interface SentPartition {
  topic: string;
  partition: number;
  offset: bigint;
}

/** A fetch session with one broker: its id, the next epoch, and the offsets the broker holds for us. */
interface FetchSession {
  id: number;
  epoch: number;
  sent: Map<string, SentPartition>;
}

interface InFlight {
  response: Promise<FetchResponse>;
  asked: Map<string, Asked>;
}

/** The offset after the last complete batch of a partition's records, undefined when there is none. */
function nextOffsetAfter(records: Buffer | null): bigint | undefined {
  if (records === null) return undefined;
  let next: bigint | undefined;
  for (let pos = 0; records.length - pos >= 17; ) {
    const size = 12 + records.readInt32BE(pos + 8);
    if (size > records.length - pos) break;
    // Magic 2: base offset + last offset delta; magic 0/1: the entry's offset is its (last) record's.
    next = records.readInt8(pos + 16) >= 2 ? records.readBigInt64BE(pos) + BigInt(records.readInt32BE(pos + 23)) + 1n : records.readBigInt64BE(pos) + 1n;
    pos += size;
  }
  return next;
}

export class Consumer {
  readonly options: Required<Omit<ConsumerOptions, 'onBatchDone'>> & Pick<ConsumerOptions, 'onBatchDone'>;
  readonly assigned = new Map<string, PartitionState>();
  private readonly loops = new Map<number, Promise<void>>();
  private readonly sessions = new Map<number, FetchSession>();
  private stopped = false;
  private failure: Error | undefined;
  private finish: (() => void) | undefined;
  private refreshing: Promise<void> | undefined;
  private stateEpoch = 0;

  constructor(
    readonly cluster: Cluster,
    options: ConsumerOptions,
  ) {
    this.options = {
      isolationLevel: options.isolationLevel ?? READ_UNCOMMITTED,
      resetPolicy: options.resetPolicy ?? 'latest',
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
      partitionMaxBytes: options.partitionMaxBytes ?? 16 * 1024 * 1024,
      exitAtEnd: options.exitAtEnd ?? false,
      onRecord: options.onRecord,
      onBatchDone: options.onBatchDone,
    };
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  assign(partitions: readonly Assigned[]): void {
    for (const p of partitions) {
      this.assigned.set(partitionKey(p.topic, p.partition), {
        topic: p.topic,
        partition: p.partition,
        position: p.offset,
        delivered: p.offset,
        atEnd: false,
        view: newRecordView(p.topic, p.partition),
        epoch: ++this.stateEpoch,
        resetting: false,
      });
    }
    this.ensureLoops();
  }

  /** Stops fetching these partitions; returns their delivered positions (to commit). */
  unassign(partitions: readonly TopicPartition[]): Assigned[] {
    const out: Assigned[] = [];
    for (const p of partitions) {
      const key = partitionKey(p.topic, p.partition);
      const s = this.assigned.get(key);
      if (s === undefined) continue;
      this.assigned.delete(key);
      out.push({ topic: s.topic, partition: s.partition, offset: s.delivered });
    }
    return out;
  }

  /** Where each partition's delivered records end (what to commit). */
  positions(): Assigned[] {
    return [...this.assigned.values()].map((s) => ({ topic: s.topic, partition: s.partition, offset: s.delivered }));
  }

  /** Resolves when the consumer stops (stop(), -c reached, -e reached); rejects on a fatal error. */
  run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    if (this.stopped) this.finish?.();
    this.ensureLoops();
    this.checkAllAtEnd();
    return done.then(async () => {
      await Promise.allSettled([...this.loops.values()]);
      if (this.failure !== undefined) throw this.failure;
    });
  }

  stop(err?: Error): void {
    if (this.stopped) return;
    this.failure ??= err;
    this.stopped = true;
    this.finish?.();
  }

  private ensureLoops(): void {
    if (this.stopped || this.finish === undefined) return;
    let missingLeader = false;
    for (const s of this.assigned.values()) {
      if (s.resetting) continue;
      const leader = this.cluster.topics.get(s.topic)?.partitions[s.partition]?.leader ?? -1;
      if (leader < 0) {
        missingLeader = true;
        continue;
      }
      if (!this.loops.has(leader)) {
        const loop = this.leaderLoop(leader).catch((err: Error) => this.stop(err));
        this.loops.set(leader, loop);
        void loop.finally(() => {
          if (this.loops.get(leader) === loop) this.loops.delete(leader);
          this.ensureLoops();
        });
      }
    }
    if (missingLeader) this.refreshMetadata();
  }

  /** One metadata refresh at a time for all loops, after a pause, then partitions go to their new leaders. */
  private refreshMetadata(): void {
    if (this.refreshing !== undefined || this.stopped) return;
    const topics = [...new Set([...this.assigned.values()].map((s) => s.topic))];
    this.refreshing = (async () => {
      await sleep(this.cluster.options.retryBackoffMs);
      await this.cluster.refreshMetadata(topics).catch(() => sleep(this.cluster.options.retryBackoffMaxMs));
    })().finally(() => {
      this.refreshing = undefined;
      this.ensureLoops();
    });
  }

  private partitionsLedBy(nodeId: number): PartitionState[] {
    const out: PartitionState[] = [];
    for (const s of this.assigned.values()) {
      if (s.resetting) continue;
      if ((this.cluster.topics.get(s.topic)?.partitions[s.partition]?.leader ?? -1) === nodeId) out.push(s);
    }
    return out;
  }

  /**
   * Sends a Fetch for the partitions this node leads, each at its position, or at `ahead`'s offset for those in
   * it (a prefetch: the position the records now in hand will leave it at).
   */
  private startFetch(nodeId: number, ahead?: Map<string, bigint>): InFlight | undefined {
    const parts = this.partitionsLedBy(nodeId);
    if (parts.length === 0) return undefined;
    const asked = new Map<string, Asked>();
    for (const s of parts) {
      const key = partitionKey(s.topic, s.partition);
      asked.set(key, { state: s, epoch: s.epoch, position: ahead?.get(key) ?? s.position });
    }
    const session = this.sessions.get(nodeId) ?? { id: 0, epoch: 0, sent: new Map<string, SentPartition>() };
    this.sessions.set(nodeId, session);
    const full = session.epoch === 0;
    // A full request names every partition; an incremental one only those whose offset moved, and forgets
    // those no longer fetched here.
    const send: SentPartition[] = [];
    for (const [key, a] of asked) {
      if (full || session.sent.get(key)?.offset !== a.position) send.push({ topic: a.state.topic, partition: a.state.partition, offset: a.position });
    }
    const forget = full ? [] : [...session.sent.entries()].filter(([key]) => !asked.has(key)).map(([, p]) => p);
    if (full) session.sent.clear();
    for (const p of send) session.sent.set(partitionKey(p.topic, p.partition), p);
    for (const p of forget) session.sent.delete(partitionKey(p.topic, p.partition));
    const response = this.fetch(nodeId, send, forget, session);
    response.then(
      (r) => {
        if (r.errorCode !== ErrorCode.NONE) this.sessions.delete(nodeId);
        else if (full) session.id = r.sessionId;
        // The broker made no session (sessionId 0, or a broker before v7): every request stays a full one.
        session.epoch = session.id === 0 ? 0 : session.epoch >= 0x7fffffff ? 1 : session.epoch + 1;
      },
      () => this.sessions.delete(nodeId),
    );
    return { response, asked };
  }

  private async leaderLoop(nodeId: number): Promise<void> {
    let backoff = this.cluster.options.retryBackoffMs;
    let prefetched: InFlight | undefined;
    while (!this.stopped) {
      const current = prefetched ?? this.startFetch(nodeId);
      prefetched = undefined;
      if (current === undefined) return;
      const asked = current.asked;
      let response: FetchResponse;
      try {
        response = await current.response;
      } catch (err) {
        if (!(err instanceof ConnectionError) || this.stopped) throw err;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.cluster.options.retryBackoffMaxMs);
        this.refreshMetadata();
        continue;
      }
      // Stopped while the Fetch was out (-c reached by another leader's loop, Ctrl-C, EPIPE): hand out nothing more.
      if (this.stopped) return;
      backoff = this.cluster.options.retryBackoffMs;
      if (response.errorCode !== ErrorCode.NONE) {
        const err = new KafkaError(response.errorCode, `fetching from broker ${nodeId}`);
        if (!err.retriable) throw err;
        await sleep(backoff);
        continue;
      }
      // The next Fetch leaves before these records are printed, so the broker reads while we write.
      const ahead = this.positionsAfter(response, asked);
      if (ahead !== undefined && !this.stopped) prefetched = this.startFetch(nodeId, ahead);
      let stale = false;
      let pauseBeforeNext = false;
      for (const t of response.responses) {
        for (const p of t.partitions) {
          const ask = asked.get(partitionKey(t.topic, p.partitionIndex));
          if (ask === undefined) continue;
          const s = ask.state;
          // Unassigned, reset or re-assigned since the request left: its answer is for a position no longer wanted.
          if (this.assigned.get(partitionKey(s.topic, s.partition)) !== s || s.epoch !== ask.epoch || s.position !== ask.position) continue;
          if (p.errorCode !== ErrorCode.NONE) {
            if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
              this.reset(s);
              continue;
            }
            if (needsMetadataRefresh(p.errorCode)) {
              stale = true;
              continue;
            }
            const err = new KafkaError(p.errorCode, `fetching ${s.topic}-${s.partition}`);
            if (!err.retriable) throw err;
            pauseBeforeNext = true;
            continue;
          }
          const result = walkRecords(
            p.records,
            s.view,
            {
              position: Number(s.position),
              readCommitted: this.options.isolationLevel === READ_COMMITTED,
              abortedTransactions: p.abortedTransactions,
            },
            this.options.onRecord,
          );
          s.position = BigInt(result.position);
          const epoch = s.epoch;
          const reached = s.position;
          if (result.stopped) {
            // Stop first: the other leaders' loops must not hand out more records while this output drains.
            this.stop();
            await this.options.onBatchDone?.();
            if (s.epoch === epoch) s.delivered = reached;
            return;
          }
          const end = this.options.isolationLevel === READ_COMMITTED && p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark;
          if (!s.atEnd && s.position >= end) {
            s.atEnd = true;
            this.checkAllAtEnd();
          }
          if (result.delivered > 0) await this.options.onBatchDone?.();
          if (s.epoch === epoch && reached > s.delivered) s.delivered = reached;
          if (this.stopped) return;
        }
      }
      if (stale) {
        this.refreshMetadata();
        await this.refreshing;
      } else if (pauseBeforeNext) {
        // A retriable error the broker answers at once (not a stale leader): do not spin on it.
        await sleep(backoff);
      }
    }
  }

  /**
   * Where each partition will be once this response's complete batches are handed out (the offset after the
   * last one), or undefined when some partition failed: then the next Fetch waits for the errors' handling.
   */
  private positionsAfter(response: FetchResponse, asked: Map<string, Asked>): Map<string, bigint> | undefined {
    const out = new Map<string, bigint>();
    for (const t of response.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) return undefined;
        const key = partitionKey(t.topic, p.partitionIndex);
        const ask = asked.get(key);
        if (ask === undefined) continue;
        const next = nextOffsetAfter(p.records);
        if (next !== undefined && next > ask.position) out.set(key, next);
      }
    }
    return out;
  }

  private checkAllAtEnd(): void {
    if (!this.options.exitAtEnd || this.assigned.size === 0) return;
    for (const s of this.assigned.values()) if (!s.atEnd) return;
    this.stop();
  }

  /** OFFSET_OUT_OF_RANGE: move to the log's start or end, per the reset policy, out of band of the loop. */
  private reset(s: PartitionState): void {
    s.resetting = true;
    const timestamp = this.options.resetPolicy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    listOffsets(this.cluster, [{ topic: s.topic, partition: s.partition, timestamp }], { isolationLevel: this.options.isolationLevel })
      .then((answers) => {
        const a = answers.get(partitionKey(s.topic, s.partition));
        if (a !== undefined) s.position = s.delivered = a.offset;
        s.epoch = ++this.stateEpoch;
      })
      .catch((err: Error) => this.stop(err))
      .finally(() => {
        s.resetting = false;
        this.ensureLoops();
      });
  }

  private fetch(nodeId: number, parts: SentPartition[], forget: SentPartition[], session: FetchSession): Promise<FetchResponse> {
    const o = this.options;
    return this.cluster.requestNode(
      nodeId,
      ApiKey.Fetch,
      {
        replicaId: -1,
        maxWaitMs: o.maxWaitMs,
        minBytes: o.minBytes,
        maxBytes: o.maxBytes,
        isolationLevel: o.isolationLevel,
        // KIP-227: epoch 0 opens a session with a full request; later ones send only what changed.
        sessionId: session.id,
        sessionEpoch: session.epoch,
        topics: [...byTopic(parts)].map(([topic, list]) => ({
          topic,
          partitions: list.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: -1,
            fetchOffset: p.offset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: o.partitionMaxBytes,
          })),
        })),
        forgottenTopicsData: [...partitionsByTopic(forget)].map(([topic, partitions]) => ({ topic, partitions })),
        rackId: '',
      },
      { minVersion: o.isolationLevel === READ_COMMITTED ? 4 : 0, timeoutMs: this.cluster.options.requestTimeoutMs + o.maxWaitMs },
    );
  }
}

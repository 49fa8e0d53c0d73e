import { ErrorCode, ZERO_UUID } from '../../protocol/index.js';
import { RecordsError, recordBatchesToLegacy } from '../../protocol/records/index.js';
import { OffsetOutOfRangeError } from '../../storage/index.js';
import { defineHandler, type RequestContext, type ResponseInput } from '../api.js';
import type { Broker } from '../broker.js';
import { brokerInt, currentLeaderOf, localPartition, storageErrorCode, topicSettings } from '../data-path.js';
import { fetchSessions, partitionKey, type CachedPartition, type FetchContext, type PartitionRequest } from '../fetch-sessions.js';

// Fetch (1), v0-18. v0-v1 answer with magic-0 message sets, v2-v3 with magic 1 (converted here from the stored
// magic-2 batches); v1 adds throttle time; v3 adds the response-level MaxBytes and KIP-74 (the first batch
// comes whole even when larger than the limits); v4 adds the isolation level, the last stable offset and the
// aborted transactions, and magic-2 batches are sent as stored; v5 adds log start offsets; v7 adds incremental
// fetch sessions (KIP-227); v9 the current leader epoch (KIP-320: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH);
// v10 allows zstd; v11 the rack id and preferred read replica (always -1 here: one replica); v12 is flexible
// with the last fetched epoch and diverging epoch (not used: no follower truncation); v13 names topics by id
// (KIP-516: UNKNOWN_TOPIC_ID); v14 is v13; v15 moves the replica id into ReplicaState (KIP-903); v16 adds node
// endpoints for leader changes (KIP-951); v17 the follower's directory id; v18 the follower's high watermark.
//
// A fetch that finds fewer than MinBytes waits up to MaxWaitMs, woken by appends to its partitions.

type Response = ResponseInput<1>;
type PartitionData = NonNullable<NonNullable<Response['responses']>[number]['partitions']>[number];

const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;
/** Kafka's fetch.max.bytes default (55 MiB): the response-level ceiling whatever the client asks. */
const FETCH_MAX_BYTES = 57671680;

interface Read {
  p: PartitionRequest;
  /** Resolved topic name ('' when unknown). */
  topic: string;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: Buffer;
  readCommitted: boolean;
}

interface Params {
  version: number;
  maxBytes: number;
  /** v0-v2: partition limits are hard (no KIP-74). */
  hardMaxBytesLimit: boolean;
  readCommitted: boolean;
}

function readOne(broker: Broker, p: PartitionRequest, maxBytes: number, minOneBatch: boolean, params: Params): Read {
  const usesIds = params.version >= 13;
  const topic = usesIds ? (broker.metadata.topicById(p.topicId)?.name ?? '') : p.topic;
  const base = { p, topic, records: EMPTY, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, readCommitted: false };
  if (topic === '') return { ...base, errorCode: usesIds ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  const local = localPartition(broker, topic, p.partition, params.version >= 9 ? p.currentLeaderEpoch : -1);
  if ('errorCode' in local) return { ...base, errorCode: local.errorCode };
  const { log } = local;
  try {
    // Single replica: the high watermark is the log end offset; without transactions the LSO is the HW.
    const hw = log.highWatermark();
    const r = log.read(Number(p.fetchOffset), Math.max(0, maxBytes), { minOneBatch, maxOffset: hw });
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      highWatermark: BigInt(hw),
      lastStableOffset: BigInt(hw),
      logStartOffset: BigInt(log.logStartOffset()),
      records: r.records,
      readCommitted: params.readCommitted,
    };
  } catch (e) {
    // Kafka answers OFFSET_OUT_OF_RANGE (and other read errors) without offsets: -1 for HW, LSO, log start.
    if (e instanceof OffsetOutOfRangeError) return { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
    return { ...base, errorCode: storageErrorCode(e) };
  }
}

/** Kafka's ReplicaManager.readFromLog: partitions in order, the response limit shared, KIP-74 for the first. */
function readAll(broker: Broker, partitions: readonly PartitionRequest[], params: Params): Read[] {
  let limit = params.maxBytes;
  let minOne = !params.hardMaxBytesLimit;
  return partitions.map((p) => {
    const read = readOne(broker, p, Math.min(p.maxBytes, limit), minOne, params);
    if (read.records.length > 0) minOne = false;
    limit = Math.max(0, limit - read.records.length);
    return read;
  });
}

function satisfied(reads: readonly Read[], minBytes: number): boolean {
  let bytes = 0;
  for (const r of reads) {
    if (r.errorCode !== ErrorCode.NONE) return true;
    bytes += r.records.length;
  }
  return bytes >= minBytes;
}

/** Waits for appends until the reads satisfy MinBytes or MaxWaitMs passes; returns the final reads. */
function longPoll(
  broker: Broker,
  partitions: readonly PartitionRequest[],
  params: Params,
  minBytes: number,
  maxWaitMs: number,
  initial: Read[],
): Promise<Read[]> {
  return new Promise((resolve) => {
    const keys = partitions.map((p) => ({
      topic: params.version >= 13 ? (broker.metadata.topicById(p.topicId)?.name ?? '') : p.topic,
      partition: p.partition,
    }));
    let scheduled = false;
    let done = false;
    const finish = (reads?: Read[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stop();
      try {
        resolve(reads ?? readAll(broker, partitions, params));
      } catch (e) {
        // Typically the broker shut down while this fetch waited (its logs are closed): nobody reads the answer.
        broker.log.debug(`fetch long poll: ${(e as Error).message}`);
        resolve(initial);
      }
    };
    // Unref'd: a waiting fetch must not keep a shutting-down process alive.
    const timer = setTimeout(() => finish(), maxWaitMs);
    timer.unref();
    const stop = broker.replicas.waitForAppend(keys, () => {
      if (scheduled || done) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        if (done) return;
        let reads: Read[];
        try {
          reads = readAll(broker, partitions, params);
        } catch {
          return finish(initial);
        }
        if (satisfied(reads, minBytes)) finish(reads);
      });
    });
  });
}

/** v0-v3 clients read magic 0/1 message sets: convert the stored batches at the edge. */
function convertForOldClient(read: Read, version: number): { errorCode: number; records: Buffer } {
  if (version > 3 || read.records.length === 0) return { errorCode: read.errorCode, records: read.records };
  try {
    return { errorCode: read.errorCode, records: recordBatchesToLegacy(read.records, version <= 1 ? 0 : 1, { firstOffset: read.p.fetchOffset }) };
  } catch (e) {
    if (e instanceof RecordsError) return { errorCode: e.code, records: EMPTY };
    throw e;
  }
}

function partitionData(broker: Broker, read: Read, ctx: RequestContext, endpoints: Map<number, unknown>): PartitionData {
  const v = ctx.version;
  let { errorCode, records } = convertForOldClient(read, v);
  // Clients before v10 can't read zstd: Kafka refuses partitions of topics configured for it.
  if (v < 10 && read.topic !== '' && errorCode === ErrorCode.NONE && topicSettings(ctx.broker.metadata, read.topic).compressionType === 'zstd') {
    errorCode = ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
    records = EMPTY;
  }
  const ok = errorCode === ErrorCode.NONE;
  const data: PartitionData = {
    partitionIndex: read.p.partition,
    errorCode,
    highWatermark: ok ? read.highWatermark : -1n,
    // Never null records: kafkajs (Fetch v0-v3) mis-reads a null set.
    records,
  };
  if (v >= 4) {
    data.lastStableOffset = ok ? read.lastStableOffset : -1n;
    data.abortedTransactions = ok && read.readCommitted ? [] : null;
  }
  if (v >= 5) data.logStartOffset = ok ? read.logStartOffset : -1n;
  if (v >= 11) data.preferredReadReplica = -1;
  if (v >= 16 && (errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || errorCode === ErrorCode.FENCED_LEADER_EPOCH) && read.topic !== '') {
    const leader = currentLeaderOf(ctx.broker, read.topic, read.p.partition, ctx.connection.listener);
    if (leader !== undefined) {
      data.currentLeader = leader.leader;
      if (leader.endpoint) endpoints.set(leader.endpoint.nodeId, leader.endpoint);
    }
  }
  return data;
}

/** Groups consecutive partitions of one topic, as Kafka's FetchResponse.of does. */
function group(reads: readonly Read[], ctx: RequestContext, endpoints: Map<number, unknown>): NonNullable<Response['responses']> {
  const out: NonNullable<Response['responses']> = [];
  let last: string | undefined;
  for (const r of reads) {
    const key = ctx.version >= 13 ? r.p.topicId : r.p.topic;
    if (key !== last) {
      out.push(ctx.version >= 13 ? { topic: '', topicId: r.p.topicId, partitions: [] } : { topic: r.p.topic, topicId: ZERO_UUID, partitions: [] });
      last = key;
    }
    out[out.length - 1]!.partitions!.push(partitionData(ctx.broker, r, ctx, endpoints));
  }
  return out;
}

/** Kafka's CachedPartition.maybeUpdateResponseData: whether an incremental response must include it. */
function mustRespond(cached: CachedPartition, read: Read): boolean {
  let must = read.records.length > 0;
  const hw = read.errorCode === ErrorCode.NONE ? read.highWatermark : -1n;
  const logStart = read.errorCode === ErrorCode.NONE ? read.logStartOffset : -1n;
  if (cached.highWatermark !== hw) {
    must = true;
    cached.highWatermark = hw;
  }
  if (cached.localLogStartOffset !== logStart) {
    must = true;
    cached.localLogStartOffset = logStart;
  }
  if (read.errorCode !== ErrorCode.NONE) {
    cached.highWatermark = -1n;
    must = true;
  }
  return must;
}

export default defineHandler({
  apiKey: 1,
  minVersion: 0,
  maxVersion: 18,
  async handle(request, ctx) {
    const { broker, version: v } = ctx;
    const usesIds = v >= 13;
    const replicaId = v >= 15 ? request.replicaState.replicaId : request.replicaId;
    const fetchMaxBytes = brokerInt(broker, 'fetch.max.bytes', FETCH_MAX_BYTES);
    const maxBytes = Math.min(request.maxBytes, fetchMaxBytes);
    const minBytes = Math.min(request.minBytes, maxBytes);
    const params: Params = { version: v, maxBytes, hardMaxBytesLimit: v <= 2, readCommitted: v >= 4 && request.isolationLevel === READ_COMMITTED };

    const requested: PartitionRequest[] = [];
    for (const t of request.topics) {
      for (const p of t.partitions) {
        requested.push({
          topic: usesIds ? '' : t.topic,
          topicId: usesIds ? t.topicId : ZERO_UUID,
          partition: p.partition,
          fetchOffset: p.fetchOffset,
          maxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
          lastFetchedEpoch: p.lastFetchedEpoch,
          logStartOffset: p.logStartOffset,
        });
      }
    }
    const forgotten = request.forgottenTopicsData.flatMap((f) =>
      f.partitions.map((partition) => ({ topic: usesIds ? '' : f.topic, topicId: usesIds ? f.topicId : ZERO_UUID, partition })),
    );

    const sessions = fetchSessions(broker);
    const context: FetchContext =
      v >= 7
        ? sessions.newContext(v, request.sessionId, request.sessionEpoch, replicaId >= 0, requested, forgotten)
        : { kind: 'sessionless', partitions: requested, usesTopicIds: false, privileged: false };
    if (context.kind === 'error') return { throttleTimeMs: 0, errorCode: context.errorCode, sessionId: 0, responses: [] };

    const partitions = context.kind === 'incremental' ? [...context.session.partitions.values()] : context.partitions;
    let reads = readAll(broker, partitions, params);
    if (request.maxWaitMs > 0 && partitions.length > 0 && !satisfied(reads, minBytes)) {
      reads = await longPoll(broker, partitions, params, minBytes, request.maxWaitMs, reads);
    }

    const endpoints = new Map<number, unknown>();
    let sessionId = 0;
    let answered = reads;
    if (context.kind === 'full') {
      const cached = new Map<string, CachedPartition>();
      for (const r of reads) {
        const ok = r.errorCode === ErrorCode.NONE;
        cached.set(partitionKey(context.usesTopicIds, r.p), {
          ...r.p,
          highWatermark: ok ? r.highWatermark : -1n,
          localLogStartOffset: ok ? r.logStartOffset : -1n,
        });
      }
      sessionId = sessions.maybeCreateSession(context.privileged, context.usesTopicIds, cached);
    } else if (context.kind === 'incremental') {
      const session = context.session;
      sessionId = session.id;
      answered = [];
      for (const r of reads) {
        const key = partitionKey(session.usesTopicIds, r.p);
        const cached = session.partitions.get(key);
        if (cached === undefined || !mustRespond(cached, r)) continue;
        answered.push(r);
        if (r.records.length > 0) {
          // Round robin: a partition that returned data goes to the back of the session.
          session.partitions.delete(key);
          session.partitions.set(key, cached);
        }
      }
    }
    const responses = group(answered, ctx, endpoints);
    const response: Response = { responses };
    if (v >= 1) response.throttleTimeMs = 0;
    if (v >= 7) {
      response.errorCode = ErrorCode.NONE;
      response.sessionId = sessionId;
    }
    if (v >= 16 && endpoints.size > 0) response.nodeEndpoints = [...endpoints.values()] as Response['nodeEndpoints'];
    return response;
  },
});

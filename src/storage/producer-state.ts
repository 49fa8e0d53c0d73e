/**
 * A partition's producer state: Kafka's ProducerStateManager, kept with the log as Kafka keeps it (one per
 * UnifiedLog), because it is a function of the log's contents and must change in the same step as an append.
 * LogManager.appendMany checks every batch that carries a producer id against it before writing (duplicate,
 * epoch, sequence) and applies the new entries only once the append has committed, so a failed append
 * leaves it untouched.
 *
 * Per producer id: the epoch, the metadata of its last 5 batches (first/last sequence, first/last offset,
 * max timestamp), the last timestamp, the first offset of its open transaction. Everything here comes
 * from batch headers: O(batches), no record is decoded.
 *
 * Survives a restart by being rebuilt from the SQLite batch index (which keeps producer id, epoch, base
 * sequence and offsets of every batch in the log) the first time the partition needs it. Kafka snapshots
 * the state instead; the difference: a producer whose batches all lie below the log start offset (deleted
 * by retention or DeleteRecords) is forgotten at the restart, which Kafka handles the same way as an expired
 * producer (any sequence accepted), so no client sees an error it would not see from Kafka.
 *
 * Producers expire `producer.id.expiration.ms` after their last batch's timestamp (unless a transaction is
 * open), checked at most every `producer.id.expiration.check.interval.ms` as Kafka's periodic task does.
 */

/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN: how many batches per producer a retry is recognised among. */
export const NUM_BATCHES_TO_RETAIN = 5;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
const INT32_MAX = 2147483647;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /** The batch's max timestamp as stored (LogAppendTime topics: the append time). */
  timestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  producerEpoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction, or -1. */
  currentTxnFirstOffset: number;
}

/** The header fields of one batch the producer state looks at. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** lastOffset - baseOffset. */
  offsetDelta: number;
  baseOffset: number;
  maxTimestamp: number;
  isTransactional: boolean;
  isControl: boolean;
}

export type ProducerCheck =
  | { kind: 'ok'; entry: ProducerEntry }
  | { kind: 'duplicate'; batch: BatchMetadata }
  | { kind: 'error'; error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH'; message: string };

/** DefaultRecordBatch.incrementSequence: sequences wrap from Integer.MAX_VALUE to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/** DefaultRecordBatch.decrementSequence. */
export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

/** RecordBatch.lastSequence: NO_SEQUENCE for a batch without one. */
export function lastSequenceOf(b: ProducerBatch): number {
  return b.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(b.baseSequence, b.offsetDelta);
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export function emptyEntry(producerId: number): ProducerEntry {
  return { producerId, producerEpoch: NO_PRODUCER_EPOCH, batches: [], lastTimestamp: -1, coordinatorEpoch: -1, currentTxnFirstOffset: -1 };
}

function copyEntry(e: ProducerEntry): ProducerEntry {
  return { ...e, batches: e.batches.slice() };
}

export function lastSeqOf(e: ProducerEntry): number {
  const last = e.batches[e.batches.length - 1];
  return last === undefined ? NO_SEQUENCE : last.lastSeq;
}

/** ProducerStateEntry.findDuplicateBatch: same epoch, exactly the sequence range of a retained batch. */
export function findDuplicate(e: ProducerEntry | undefined, b: ProducerBatch): BatchMetadata | undefined {
  if (e === undefined || b.producerEpoch !== e.producerEpoch) return undefined;
  const lastSeq = lastSequenceOf(b);
  return e.batches.find((m) => m.firstSeq === b.baseSequence && m.lastSeq === lastSeq);
}

/**
 * ProducerAppendInfo.appendDataBatch / appendEndTxnMarker applied to a copy of `current`: the checks Kafka makes
 * for a client append (`validate`), or none (the broker's own writes, and rebuilding from the log).
 */
export function appendBatch(current: ProducerEntry | undefined, b: ProducerBatch, topicPartition: string, validate: boolean): ProducerCheck {
  const cur = current ?? emptyEntry(b.producerId);
  if (validate) {
    const error = checkEpochAndSequence(cur, b, topicPartition);
    if (error !== null) return error;
  }
  const next = copyEntry(cur);
  if (next.producerEpoch !== b.producerEpoch) {
    next.batches = [];
    next.producerEpoch = b.producerEpoch;
  }
  if (b.isControl) {
    // An end-transaction marker: the transaction is over (its coordinator epoch is in the record value).
    next.currentTxnFirstOffset = -1;
    next.lastTimestamp = b.maxTimestamp;
    return { kind: 'ok', entry: next };
  }
  if (next.batches.length === NUM_BATCHES_TO_RETAIN) next.batches.shift();
  const lastSeq = lastSequenceOf(b);
  next.batches.push({
    firstSeq: lastSeq === NO_SEQUENCE ? NO_SEQUENCE : decrementSequence(lastSeq, b.offsetDelta),
    lastSeq,
    firstOffset: b.baseOffset,
    lastOffset: b.baseOffset + b.offsetDelta,
    timestamp: b.maxTimestamp,
  });
  next.lastTimestamp = b.maxTimestamp;
  if (b.isTransactional && next.currentTxnFirstOffset < 0) next.currentTxnFirstOffset = b.baseOffset;
  return { kind: 'ok', entry: next };
}

/** ProducerAppendInfo.checkProducerEpoch then checkSequence, for a client's data batch. */
function checkEpochAndSequence(cur: ProducerEntry, b: ProducerBatch, tp: string): ProducerCheck | null {
  const { producerId, producerEpoch, baseSequence: seq, baseOffset: offset } = b;
  if (producerEpoch < cur.producerEpoch) {
    return {
      kind: 'error',
      error: 'INVALID_PRODUCER_EPOCH',
      message: `Epoch of producer ${producerId} at offset ${offset} in ${tp} is ${producerEpoch}, which is < the last seen epoch ${cur.producerEpoch} (TV-1)`,
    };
  }
  if (producerEpoch !== cur.producerEpoch) {
    // A new epoch starts at sequence 0, unless the producer was unknown (expired, or its batches deleted).
    if (seq !== 0 && cur.producerEpoch !== NO_PRODUCER_EPOCH) {
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message:
          `Invalid sequence number for new epoch of producer ${producerId}at offset ${offset} in partition ${tp}: ` +
          `${producerEpoch} (request epoch), ${seq} (seq. number), ${cur.producerEpoch} (current producer epoch)`,
      };
    }
    return null;
  }
  const lastSeq = lastSeqOf(cur);
  if (!(cur.producerEpoch === NO_PRODUCER_EPOCH || inSequence(lastSeq, seq))) {
    return {
      kind: 'error',
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      message:
        `Out of order sequence number for producer ${producerId} at offset ${offset} in partition ${tp}: ` +
        `${seq} (incoming seq. number), ${lastSeq} (current end sequence number)`,
    };
  }
  return null;
}

export interface ProducerStateConfig {
  producerIdExpirationMs: number;
  expirationCheckIntervalMs: number;
}

export const DEFAULT_PRODUCER_STATE_CONFIG: ProducerStateConfig = {
  producerIdExpirationMs: 86_400_000,
  expirationCheckIntervalMs: 600_000,
};

/** One partition's producers (ProducerStateManager). */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  private lastExpiryCheck: number;

  constructor(
    readonly topicPartition: string,
    private readonly config: () => ProducerStateConfig,
    now: number,
  ) {
    this.lastExpiryCheck = now;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Installs entries built by appendBatch once their append has committed. */
  update(entry: ProducerEntry): void {
    this.producers.set(entry.producerId, entry);
  }

  /** Rebuilding from the log: every batch with a producer id, oldest first, unchecked. */
  load(batches: Iterable<ProducerBatch>, now: number): void {
    for (const b of batches) {
      const r = appendBatch(this.producers.get(b.producerId), b, this.topicPartition, false);
      if (r.kind === 'ok') this.producers.set(b.producerId, r.entry);
    }
    this.removeExpired(now);
  }

  /** Kafka's periodic expiration task, run lazily: at most once per check interval. */
  maybeExpire(now: number): void {
    if (now - this.lastExpiryCheck >= this.config().expirationCheckIntervalMs) this.removeExpired(now);
  }

  removeExpired(now: number): void {
    this.lastExpiryCheck = now;
    const expiration = this.config().producerIdExpirationMs;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && now - e.lastTimestamp >= expiration) this.producers.delete(id);
    }
  }

  active(): ProducerEntry[] {
    return [...this.producers.values()];
  }
}

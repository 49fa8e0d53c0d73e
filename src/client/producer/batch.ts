/**
 * One partition's queue of batches: the open batch that records are appended to, the sealed batches waiting to be
 * sent (in sequence order), and what is in flight. A batch is encoded once, when sealed, with its producer id and
 * base sequence in the header: a retry sends the very same bytes, so the broker can recognise a duplicate.
 */
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { readRecords } from '../../protocol/records/record-decoder.js';
import { RECORD_BATCH_OVERHEAD, type CompressionType } from '../../protocol/records/constants.js';

/** Upper bound of a record's framing in a magic-2 batch: length, attributes, timestamp and offset deltas, key and value lengths, header count. */
const RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
const HEADER_OVERHEAD = 10;

/**
 * A record as the producer takes it: bytes, not strings (the CLI hands over slices of its input buffers). The
 * object itself waits in its partition's open batch until that is sealed: it is not to be changed after send().
 */
export interface ProducerRecord {
  topic: string;
  /**
   * Unset: the default partitioner picks (murmur2 of the key, or sticky for keyless records), and `send` writes
   * its choice here, so a caller can tell where each record went without a callback per record.
   */
  partition?: number;
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  /** ms since the epoch; default: when the record was sent. */
  timestamp?: number;
}

/** The bytes a record takes in a batch, at most (exact enough to keep a batch below batch.size). */
export function estimateSize(r: ProducerRecord): number {
  let n = RECORD_OVERHEAD + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  if (r.headers !== undefined) for (const h of r.headers) n += HEADER_OVERHEAD + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return n;
}

export interface SealedBatch {
  queue: PartitionQueue;
  data: Buffer;
  count: number;
  baseSequence: number;
  /** Estimated bytes held for buffer.memory accounting. */
  bytes: number;
  /** When it was sealed: delivery.timeout.ms runs from here. */
  sealedAt: number;
  attempts: number;
}

export interface BatchEncoding {
  compression: CompressionType;
  producerId: bigint;
  producerEpoch: number;
  /** Whether batches carry sequences (idempotence). */
  sequenced: boolean;
}

export class PartitionQueue {
  records: ProducerRecord[] = [];
  openBytes = RECORD_BATCH_OVERHEAD;
  openedAt = 0;
  readonly ready: SealedBatch[] = [];
  inFlight = 0;
  /** A batch failed and will be resent: nothing more goes out until every batch in flight came back. */
  holding = false;
  readonly toRetry: SealedBatch[] = [];
  private nextSequence = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Whether appending `size` more bytes would overflow the open batch (an empty batch always takes a record). */
  wouldOverflow(size: number, batchSize: number): boolean {
    return this.records.length > 0 && this.openBytes + size > batchSize;
  }

  append(record: ProducerRecord, size: number, now: number): void {
    if (this.records.length === 0) this.openedAt = now;
    this.records.push(record);
    this.openBytes += size;
  }

  /** Encodes the open batch and queues it for sending. */
  seal(encoding: BatchEncoding, now: number): SealedBatch | undefined {
    const count = this.records.length;
    if (count === 0) return undefined;
    const baseSequence = encoding.sequenced ? this.nextSequence : -1;
    const data = buildRecordBatch(this.records, {
      compression: encoding.compression,
      producerId: encoding.producerId,
      producerEpoch: encoding.producerEpoch,
      baseSequence,
      now: this.openedAt,
    });
    // Sequences wrap to 0 after Int32 max, as the broker expects.
    if (encoding.sequenced) this.nextSequence = (this.nextSequence + count) % 0x80000000;
    const batch: SealedBatch = { queue: this, data, count, baseSequence, bytes: this.openBytes, sealedAt: now, attempts: 0 };
    this.records = [];
    this.openBytes = RECORD_BATCH_OVERHEAD;
    this.ready.push(batch);
    return batch;
  }

  /**
   * Splits a batch the broker found too large (MESSAGE_TOO_LARGE) in two, as Java's producer does: the records
   * are read back from the encoded batch (this path is rare) and the halves take the original's sequence range,
   * so the batches after it keep theirs.
   */
  split(batch: SealedBatch, encoding: BatchEncoding, now: number): [SealedBatch, SealedBatch] {
    const records = readRecords(batch.data);
    const half = Math.ceil(records.length / 2);
    const make = (part: typeof records, baseSequence: number, share: number): SealedBatch => ({
      queue: this,
      data: buildRecordBatch(
        part.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
        { compression: encoding.compression, producerId: encoding.producerId, producerEpoch: encoding.producerEpoch, baseSequence, now },
      ),
      count: part.length,
      baseSequence,
      bytes: share,
      sealedAt: batch.sealedAt,
      attempts: 0,
    });
    const firstBytes = Math.floor(batch.bytes / 2);
    const second = batch.baseSequence < 0 ? -1 : (batch.baseSequence + half) % 0x80000000;
    return [make(records.slice(0, half), batch.baseSequence, firstBytes), make(records.slice(half), second, batch.bytes - firstBytes)];
  }

  get isIdle(): boolean {
    return this.records.length === 0 && this.ready.length === 0 && this.inFlight === 0 && this.toRetry.length === 0;
  }

  /** After the last batch in flight came back: failed batches go first again, in sequence order. */
  requeueRetries(): void {
    this.toRetry.sort((a, b) => a.baseSequence - b.baseSequence);
    this.ready.unshift(...this.toRetry.splice(0));
  }
}

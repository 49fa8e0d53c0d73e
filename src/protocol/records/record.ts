/** Plain record shapes shared by the magic-2 decoder/builder and the legacy converters. */

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/**
 * A decoded record. `offset` is absolute (bigint: it must round-trip exactly). `timestamp` is ms since
 * the epoch as a number (exact within ±2^53 ms); -1 means "no timestamp" (records that came from
 * magic-0 messages). For LogAppendTime batches it is the batch's max timestamp, as in Kafka.
 *
 * key, value and header values are zero-copy slices of the buffer they were decoded from (the request
 * buffer for uncompressed batches, the decompressed payload otherwise): copy them if the source buffer
 * will be reused.
 */
export interface KafkaRecord {
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export type BytesInput = Uint8Array | string | null | undefined;

export interface RecordHeaderInput {
  key: string;
  value: BytesInput;
}

/** A record to encode. Strings are written as UTF-8; undefined key/value mean null. */
export interface RecordInput {
  key?: BytesInput;
  value?: BytesInput;
  headers?: readonly RecordHeaderInput[];
  /** ms since the epoch; defaults to the builder's `now`. */
  timestamp?: number;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
}

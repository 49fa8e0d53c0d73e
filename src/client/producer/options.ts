/**
 * The producer's settings, named and defaulted as Kafka's producer configs are (linger.ms, batch.size, acks,
 * enable.idempotence …), and the parsing of the CLI's spellings of them.
 */
import { CompressionType } from '../../protocol/records/constants.js';
import { UsageError } from '../errors.js';

export type Acks = -1 | 0 | 1;

export interface ProducerOptions {
  /** acks: -1 (all, the default), 1 (leader) or 0 (no response). */
  acks?: Acks;
  /**
   * enable.idempotence. Default: on, unless acks is 0 or 1, where Java silently turns it off when it was not
   * asked for explicitly. Asking for it with acks 0/1 is an error, as in Java.
   */
  idempotent?: boolean;
  compression?: CompressionType;
  /** linger.ms: how long a batch that is not full waits for more records (default 5, as in Kafka 4). */
  lingerMs?: number;
  /**
   * batch.size in bytes (default 1,000,000, librdkafka's and so kcat's). Java's 16 KiB suits many small
   * producers sharing a cluster; a CLI usually pushes one large input through one producer, where bigger batches
   * mean fewer requests and better compression, while staying under the broker's default message.max.bytes
   * (1,048,588).
   */
  batchSize?: number;
  /** max.request.size: batches are packed into one Produce request up to this many bytes (default 1 MiB). */
  maxRequestSize?: number;
  /** buffer.memory: bytes of records waiting or in flight before send() makes the caller wait (default 32 MiB). */
  bufferMemory?: number;
  /** max.in.flight.requests.per.connection (default 5, the most idempotence allows). */
  maxInFlight?: number;
  /** request.timeout.ms (default 30 s; also the Produce request's own timeout). */
  requestTimeoutMs?: number;
  /** delivery.timeout.ms: a batch not acknowledged this long after it was filled fails (default 120 s). */
  deliveryTimeoutMs?: number;
  /** retry.backoff.ms (default 100). */
  retryBackoffMs?: number;
  /**
   * allow.auto.create.topics: ask the broker to create a missing topic (it does when auto.create.topics.enable).
   * Default true, as in Kafka's producer.
   */
  allowAutoCreate?: boolean;
}

export const PRODUCER_DEFAULTS = {
  acks: -1 as Acks,
  compression: CompressionType.NONE as CompressionType,
  lingerMs: 5,
  batchSize: 1_000_000,
  maxRequestSize: 1 << 20,
  bufferMemory: 32 << 20,
  maxInFlight: 5,
  requestTimeoutMs: 30_000,
  deliveryTimeoutMs: 120_000,
  retryBackoffMs: 100,
  allowAutoCreate: true,
};

export type ResolvedProducerOptions = typeof PRODUCER_DEFAULTS & {
  idempotent: boolean;
  /** Asked for by name: a broker without idempotence is then an error, not a plain producer. */
  explicitIdempotence: boolean;
};

export function resolveProducerOptions(options: ProducerOptions): ResolvedProducerOptions {
  const merged = { ...PRODUCER_DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  if (options.idempotent === true && merged.acks !== -1) {
    throw new UsageError(`idempotence needs acks=all (-1), not acks=${merged.acks}`);
  }
  if (merged.maxInFlight > 5 && (options.idempotent ?? merged.acks === -1)) {
    throw new UsageError('idempotence allows at most 5 requests in flight per connection');
  }
  return { ...merged, idempotent: options.idempotent ?? merged.acks === -1, explicitIdempotence: options.idempotent === true };
}

const CODECS: Record<string, CompressionType> = {
  none: CompressionType.NONE,
  gzip: CompressionType.GZIP,
  snappy: CompressionType.SNAPPY,
  lz4: CompressionType.LZ4,
  zstd: CompressionType.ZSTD,
};

export function parseCompression(name: string): CompressionType {
  const codec = CODECS[name.toLowerCase()];
  if (codec === undefined) throw new UsageError(`unknown compression codec "${name}" (use none, gzip, snappy, lz4 or zstd)`);
  return codec;
}

export function parseAcks(text: string): Acks {
  switch (text.toLowerCase()) {
    case 'all':
    case '-1':
      return -1;
    case '1':
    case 'leader':
      return 1;
    case '0':
    case 'none':
      return 0;
    default:
      throw new UsageError(`bad --acks "${text}" (use all, -1, 1 or 0)`);
  }
}

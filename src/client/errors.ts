/**
 * Errors the client raises. A Kafka error code from a response becomes a KafkaError that keeps the code, so
 * callers can branch on it and the CLI can say what went wrong in Kafka's words.
 */
import { ErrorCode, describeError, errorName } from '../protocol/index.js';

/**
 * Codes Kafka's clients treat as retriable (their exception extends RetriableException): the request may
 * succeed if sent again, usually after refreshing metadata or the coordinator.
 */
const RETRIABLE = new Set<number>([
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  51, // CONCURRENT_TRANSACTIONS
  56, // KAFKA_STORAGE_ERROR
  70, // FETCH_SESSION_ID_NOT_FOUND
  71, // INVALID_FETCH_SESSION_EPOCH
  72, // LISTENER_NOT_FOUND
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  78, // OFFSET_NOT_AVAILABLE
  88, // UNSTABLE_OFFSET_COMMIT
  89, // THROTTLING_QUOTA_EXCEEDED
  100, // UNKNOWN_TOPIC_ID
  103, // INCONSISTENT_TOPIC_ID
]);

/** Codes answered when the request went to the wrong broker or a stale leader: refresh metadata first. */
const STALE_METADATA = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  56,
  72,
  74,
  75,
  100,
  103,
]);

/** Codes that mean "ask FindCoordinator again". */
const STALE_COORDINATOR = new Set<number>([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);

export function isRetriable(code: number): boolean {
  return RETRIABLE.has(code);
}

export function needsMetadataRefresh(code: number): boolean {
  return STALE_METADATA.has(code);
}

export function needsCoordinatorRefresh(code: number): boolean {
  return STALE_COORDINATOR.has(code);
}

/** An error code a broker answered with. */
export class KafkaError extends Error {
  override name = 'KafkaError';
  readonly errorName: string;
  /** Whether sending again may succeed; a subclass may narrow it (an absent topic is not worth retrying). */
  retriable: boolean;

  /** `context` says what failed (`topic "orders"`); `message` is the broker's own text when it sent one. */
  constructor(
    readonly code: number,
    context?: string,
    brokerMessage?: string | null,
  ) {
    const what = describeError(code);
    const detail = brokerMessage !== undefined && brokerMessage !== null && brokerMessage !== '' ? `: ${brokerMessage}` : '';
    super(context !== undefined ? `${context}: ${what}${detail}` : `${what}${detail}`);
    this.errorName = errorName(code);
    this.retriable = isRetriable(code);
  }
}

/** A broker could not be reached, the connection dropped, or a request timed out. Always retriable. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  readonly retriable = true;
  constructor(
    message: string,
    readonly address: string,
  ) {
    super(message);
  }
}

/** The broker speaks no version of an API this client can use. */
export class UnsupportedApiError extends Error {
  override name = 'UnsupportedApiError';
  readonly retriable = false;
}

/** A mistake in what the caller asked for (unknown topic, bad offset spec…): the CLI prints it as it is. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly retriable = false;
}

export function isRetriableError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

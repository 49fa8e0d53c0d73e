/** Errors the storage layer raises, each with the Kafka error code a request handler should answer with. */

export const StorageErrorCode = {
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  RECORD_LIST_TOO_LARGE: 18,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  KAFKA_STORAGE_ERROR: 56,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;

export type StorageErrorName = keyof typeof StorageErrorCode;

export class StorageError extends Error {
  readonly errorName: StorageErrorName;
  readonly code: number;

  constructor(errorName: StorageErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.errorName = errorName;
    this.code = StorageErrorCode[errorName];
  }
}

/** Thrown by read / deleteRecordsBefore for an offset outside [logStartOffset, logEndOffset] (or above the HW). */
export class OffsetOutOfRangeError extends StorageError {
  constructor(message: string) {
    super('OFFSET_OUT_OF_RANGE', message);
    this.name = 'OffsetOutOfRangeError';
  }
}

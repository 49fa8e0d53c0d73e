/** Errors the storage layer raises, each with the Kafka error code a request handler should answer with. */

import { ErrorCode } from '../protocol/errors.js';

/** The subset of Kafka's codes storage answers with (the numbers come from the one table). */
export const StorageErrorCode = {
  OFFSET_OUT_OF_RANGE: ErrorCode.OFFSET_OUT_OF_RANGE,
  CORRUPT_MESSAGE: ErrorCode.CORRUPT_MESSAGE,
  UNKNOWN_TOPIC_OR_PARTITION: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  MESSAGE_TOO_LARGE: ErrorCode.MESSAGE_TOO_LARGE,
  RECORD_LIST_TOO_LARGE: ErrorCode.RECORD_LIST_TOO_LARGE,
  INVALID_TIMESTAMP: ErrorCode.INVALID_TIMESTAMP,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  KAFKA_STORAGE_ERROR: ErrorCode.KAFKA_STORAGE_ERROR,
  UNSUPPORTED_COMPRESSION_TYPE: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  INVALID_RECORD: ErrorCode.INVALID_RECORD,
  OUT_OF_ORDER_SEQUENCE_NUMBER: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH: ErrorCode.INVALID_PRODUCER_EPOCH,
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

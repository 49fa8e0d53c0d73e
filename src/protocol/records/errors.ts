/**
 * Errors raised while reading, validating or converting records. Each carries the Kafka error code the
 * broker should answer with, so a Produce handler can map `err.code` straight into its response.
 */

import { ErrorCode } from '../errors.js';

/** The subset of Kafka's codes the records layer answers with (the numbers come from the one table). */
export const RecordsErrorCode = {
  CORRUPT_MESSAGE: ErrorCode.CORRUPT_MESSAGE,
  MESSAGE_TOO_LARGE: ErrorCode.MESSAGE_TOO_LARGE,
  INVALID_TIMESTAMP: ErrorCode.INVALID_TIMESTAMP,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  UNSUPPORTED_COMPRESSION_TYPE: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  INVALID_RECORD: ErrorCode.INVALID_RECORD,
} as const;

export type RecordsErrorName = keyof typeof RecordsErrorCode;

export class RecordsError extends Error {
  readonly errorName: RecordsErrorName;
  readonly code: number;

  constructor(errorName: RecordsErrorName, message: string) {
    super(message);
    this.name = 'RecordsError';
    this.errorName = errorName;
    this.code = RecordsErrorCode[errorName];
  }
}

/** Kafka's CorruptRecordException: bad CRC, impossible sizes, undecodable compressed payload. */
export class CorruptRecordError extends RecordsError {
  constructor(message: string) {
    super('CORRUPT_MESSAGE', message);
    this.name = 'CorruptRecordError';
  }
}

/** Kafka's InvalidRecordException: structurally readable but violates the format's rules. */
export class InvalidRecordError extends RecordsError {
  constructor(message: string) {
    super('INVALID_RECORD', message);
    this.name = 'InvalidRecordError';
  }
}

export class UnsupportedCompressionTypeError extends RecordsError {
  constructor(message: string) {
    super('UNSUPPORTED_COMPRESSION_TYPE', message);
    this.name = 'UnsupportedCompressionTypeError';
  }
}

export class UnsupportedForMessageFormatError extends RecordsError {
  constructor(message: string) {
    super('UNSUPPORTED_FOR_MESSAGE_FORMAT', message);
    this.name = 'UnsupportedForMessageFormatError';
  }
}

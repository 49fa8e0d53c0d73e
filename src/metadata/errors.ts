/**
 * Kafka error codes the metadata layer answers with (org.apache.kafka.common.protocol.Errors), and the
 * exceptions it throws when it cannot start or cannot write.
 */

import { ErrorCode, type ErrorName } from '../protocol/errors.js';

export { ErrorCode };
export type ErrorCodeName = ErrorName;

/** An error as Kafka's ApiError carries it: code and an optional message, both go into responses. */
export interface ApiError {
  errorCode: number;
  errorMessage: string | null;
}

export const NO_ERROR: ApiError = Object.freeze({ errorCode: ErrorCode.NONE, errorMessage: null });

export function apiError(name: ErrorCodeName, message: string | null = null): ApiError {
  return { errorCode: ErrorCode[name], errorMessage: message };
}

/** The data directory cannot be used: not formatted by us, formatted for another node, unreadable. */
export class DataDirError extends Error {
  constructor(
    message: string,
    readonly reason: 'UNFORMATTED_WITH_DATA' | 'NODE_ID_MISMATCH' | 'BAD_META_PROPERTIES' | 'NOT_A_DIRECTORY',
  ) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** The metadata log or a snapshot cannot be read back into an image: refuse to start rather than guess. */
export class MetadataLogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetadataLogError';
  }
}

/** Appending to the metadata log failed; nothing was applied to the image. */
export class MetadataWriteError extends Error {
  constructor(
    message: string,
    readonly errorCode: number,
  ) {
    super(message);
    this.name = 'MetadataWriteError';
  }
}

/** gzip via node:zlib — what Kafka's GZIPOutputStream/GZIPInputStream produce and accept. */
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { CorruptRecordError } from '../errors.js';

export function gzipCompress(data: Uint8Array, level: number = constants.Z_DEFAULT_COMPRESSION): Buffer {
  return gzipSync(data, { level });
}

export function gzipDecompress(data: Uint8Array, maxBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (cause) {
    throw zlibFailure('gzip', cause, maxBytes);
  }
}

export function zlibFailure(codec: string, cause: unknown, maxBytes: number): CorruptRecordError {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return new CorruptRecordError(`${codec} payload decompresses to more than ${maxBytes} bytes`);
  }
  return new CorruptRecordError(`Invalid ${codec} payload: ${cause instanceof Error ? cause.message : String(cause)}`);
}

/**
 * zstd. Choice: Node's own zlib zstd when the runtime has it (Node ≥ 22.15 / 23.8), otherwise the
 * zstd-napi addon.
 *
 * - Built-in zlib needs no addon at all, so a single-executable build on Node 22+ carries nothing
 *   extra for zstd, and it supports `maxOutputLength` for the decompression ceiling.
 * - zstd-napi (N-API, libzstd compiled from source by node-gyp because its prebuilt download cannot be
 *   fetched here: ~40 s on 2 cores during `npm install`) is the fallback for Node 20. It has a sync API
 *   and a streaming decompressor, which handles frames without a declared content size — the Java
 *   client writes those — and lets us stop at the ceiling.
 * - Rejected: @bokuweb/zstd-wasm (async init that reads a .wasm file next to the module, and its
 *   one-shot decompress gives up on frames without a content size once they pass 1 MiB);
 *   @mongodb-js/zstd (async-only API, prebuilt binary downloaded at install time).
 */
import * as zlib from 'node:zlib';
import { CorruptRecordError } from '../errors.js';
import { zlibFailure } from './gzip.js';
import { loadCompressionBinding } from './native-bindings.js';

interface BuiltinZstd {
  zstdCompressSync(data: Uint8Array, options?: { params?: Record<number, number> }): Buffer;
  zstdDecompressSync(data: Uint8Array, options?: { maxOutputLength?: number }): Buffer;
}

const builtin: BuiltinZstd | null =
  typeof (zlib as unknown as Partial<BuiltinZstd>).zstdCompressSync === 'function' ? (zlib as unknown as BuiltinZstd) : null;

/** ZSTD_c_compressionLevel in zlib's params map. */
const ZSTD_C_COMPRESSION_LEVEL = 100;
/** Kafka's default (ZSTD_CLEVEL_DEFAULT). */
export const ZSTD_DEFAULT_LEVEL = 3;

export function zstdImplementation(): 'node:zlib' | 'zstd-napi' {
  return builtin ? 'node:zlib' : 'zstd-napi';
}

export function zstdCompress(data: Uint8Array, level: number = ZSTD_DEFAULT_LEVEL): Buffer {
  if (builtin) return builtin.zstdCompressSync(data, { params: { [ZSTD_C_COMPRESSION_LEVEL]: level } });
  return loadCompressionBinding('zstd-napi').compress(data, { compressionLevel: level });
}

export function zstdDecompress(data: Uint8Array, maxBytes: number): Buffer {
  if (builtin) {
    try {
      return builtin.zstdDecompressSync(data, { maxOutputLength: maxBytes });
    } catch (cause) {
      throw zlibFailure('zstd', cause, maxBytes);
    }
  }
  return streamingDecompress(data, maxBytes);
}

function streamingDecompress(data: Uint8Array, maxBytes: number): Buffer {
  const binding = loadCompressionBinding('zstd-napi/binding');
  const dctx = new binding.DCtx();
  const chunkSize = binding.dStreamOutSize();
  const chunks: Buffer[] = [];
  let total = 0;
  let input = data;
  let frameDone = false;
  try {
    for (;;) {
      // Sized from the input as zstd-napi does, but never more than one byte past the ceiling.
      const room = maxBytes - total + 1;
      const out = Buffer.allocUnsafe(Math.min(Math.max(chunkSize, input.length * 2), room));
      const [hint, produced, consumed] = dctx.decompressStream(out, input);
      total += produced;
      if (total > maxBytes) throw new CorruptRecordError(`zstd payload decompresses to more than ${maxBytes} bytes`);
      if (produced > 0) chunks.push(out.subarray(0, produced));
      input = input.subarray(consumed);
      frameDone = hint === 0;
      if (frameDone && input.length === 0) break;
      if (produced === 0 && consumed === 0) {
        throw new CorruptRecordError('Invalid zstd payload: truncated frame');
      }
    }
  } catch (cause) {
    if (cause instanceof CorruptRecordError) throw cause;
    throw new CorruptRecordError(`Invalid zstd payload: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

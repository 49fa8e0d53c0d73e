/**
 * One entry point per direction for Kafka's codecs, all synchronous: the broker only compresses when
 * down-converting or rebuilding a batch, and the client when producing, so a sync call is simpler
 * than threading promises through batch builders.
 */
import { CompressionType, MAGIC_V0 } from '../constants.js';
import { UnsupportedCompressionTypeError } from '../errors.js';
import { gzipCompress, gzipDecompress } from './gzip.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from './limits.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { isCompressionBindingLoadable } from './native-bindings.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress, zstdImplementation } from './zstd.js';

export interface CompressOptions {
  /** Codec-specific level (gzip 0–9, zstd 1–22); the codec's default otherwise. */
  level?: number;
  /** Message format the payload is for; magic 0 LZ4 gets Kafka's legacy header checksum. Default 2. */
  magic?: number;
}

export interface DecompressOptions {
  /** Refuse payloads that expand beyond this many bytes. Default DEFAULT_MAX_DECOMPRESSED_BYTES. */
  maxBytes?: number;
  /** Message format the payload came from; magic 0 LZ4 skips the header checksum check. Default 2. */
  magic?: number;
}

export function compress(codec: CompressionType, data: Uint8Array, options: CompressOptions = {}): Buffer {
  switch (codec) {
    case CompressionType.NONE:
      return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    case CompressionType.GZIP:
      return gzipCompress(data, options.level);
    case CompressionType.SNAPPY:
      return snappyCompress(data);
    case CompressionType.LZ4:
      return lz4Compress(data, { brokenHeaderChecksum: options.magic === MAGIC_V0 });
    case CompressionType.ZSTD:
      return zstdCompress(data, options.level);
    default:
      throw new UnsupportedCompressionTypeError(`Unknown compression type id ${codec as number}`);
  }
}

export function decompress(codec: CompressionType, data: Uint8Array, options: DecompressOptions = {}): Buffer {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  switch (codec) {
    case CompressionType.NONE:
      return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    case CompressionType.GZIP:
      return gzipDecompress(data, maxBytes);
    case CompressionType.SNAPPY:
      return snappyDecompress(data, maxBytes);
    case CompressionType.LZ4:
      return lz4Decompress(data, maxBytes, { ignoreHeaderChecksum: options.magic === MAGIC_V0 });
    case CompressionType.ZSTD:
      return zstdDecompress(data, maxBytes);
    default:
      throw new UnsupportedCompressionTypeError(`Unknown compression type id ${codec as number}`);
  }
}

/** Whether this process can (de)compress with `codec` — i.e. its library loads. */
export function isCompressionAvailable(codec: CompressionType): boolean {
  switch (codec) {
    case CompressionType.NONE:
    case CompressionType.GZIP:
      return true;
    case CompressionType.SNAPPY:
      return isCompressionBindingLoadable('snappy');
    case CompressionType.LZ4:
      return isCompressionBindingLoadable('lz4-napi');
    case CompressionType.ZSTD:
      return zstdImplementation() === 'node:zlib' || isCompressionBindingLoadable('zstd-napi');
    default:
      return false;
  }
}

export { DEFAULT_MAX_DECOMPRESSED_BYTES } from './limits.js';
export { provideCompressionBinding, type CompressionBindingName } from './native-bindings.js';
export { zstdImplementation, ZSTD_DEFAULT_LEVEL } from './zstd.js';
export { gzipCompress, gzipDecompress } from './gzip.js';
export { snappyCompress, snappyDecompress } from './snappy.js';
export { lz4Compress, lz4Decompress, type Lz4CompressOptions, type Lz4DecompressOptions } from './lz4.js';
export { zstdCompress, zstdDecompress } from './zstd.js';
export { xxhash32 } from './xxhash32.js';

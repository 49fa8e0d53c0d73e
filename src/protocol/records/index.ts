/** Kafka record formats: magic-2 record batches, legacy magic-0/1 message sets, and their codecs. */
export * from './constants.js';
export * from './errors.js';
export * from './varint.js';
export { readInt64AsNumber, writeInt64FromNumber } from './int64.js';
export * from './batch-header.js';
export * from './batch-scan.js';
export * from './batch-verify.js';
export * from './batch-rewrite.js';
export * from './record.js';
export * from './record-decoder.js';
export * from './batch-builder.js';
export * from './control-records.js';
export * from './record-set.js';
export {
  compress,
  decompress,
  isCompressionAvailable,
  provideCompressionBinding,
  zstdImplementation,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  ZSTD_DEFAULT_LEVEL,
  type CompressOptions,
  type DecompressOptions,
  type CompressionBindingName,
} from './compression/index.js';
export * from './legacy/legacy-message.js';
export * from './legacy/legacy-reader.js';
export * from './legacy/legacy-builder.js';
export * from './legacy/legacy-to-batch.js';
export * from './legacy/batch-to-legacy.js';

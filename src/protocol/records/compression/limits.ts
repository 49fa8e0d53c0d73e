/**
 * Ceiling on the bytes one decompression may produce. Kafka bounds compressed batch sizes but not what
 * they expand to; without a ceiling a few kilobytes of crafted gzip or zstd from a client could make
 * the broker allocate gigabytes. 256 MiB is far above any batch a real producer builds (Kafka's default
 * max message size is 1 MiB compressed) and is overridable per call.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

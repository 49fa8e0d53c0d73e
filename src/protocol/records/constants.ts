/** Wire constants shared by record batches (magic 2) and legacy message sets (magic 0 and 1). */

export const MAGIC_V0 = 0;
export const MAGIC_V1 = 1;
export const MAGIC_V2 = 2;

export const CompressionType = {
  NONE: 0,
  GZIP: 1,
  SNAPPY: 2,
  LZ4: 3,
  ZSTD: 4,
} as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

export const COMPRESSION_NAMES: Readonly<Record<CompressionType, string>> = {
  0: 'none',
  1: 'gzip',
  2: 'snappy',
  3: 'lz4',
  4: 'zstd',
};

export const TimestampType = {
  CREATE_TIME: 0,
  LOG_APPEND_TIME: 1,
} as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

// Sentinels Kafka writes when a field does not apply.
export const NO_TIMESTAMP = -1;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

/**
 * Every entry in a record set, whatever its magic, starts with offset int64 + size int32; the magic byte
 * sits at byte 16 in both layouts, which is what lets one scanner walk mixed sets.
 */
export const LOG_OVERHEAD = 12;
export const MAGIC_OFFSET = 16;
export const HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1;

// Magic 2 batch header layout (offsets from the batch start).
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;
export const RECORD_BATCH_OVERHEAD = RECORDS_OFFSET;

// Magic 2 batch attribute bits.
export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

/**
 * The smallest possible magic-2 record: length, attributes, timestampDelta, offsetDelta, key length,
 * value length and header count, one byte each. Lets us reject absurd record counts before looping.
 */
export const MIN_RECORD_SIZE = 7;

// Legacy (magic 0/1) message layout, offsets from the entry start (i.e. including the 12-byte log overhead).
export const LEGACY_CRC_OFFSET = 12;
export const LEGACY_MAGIC_OFFSET = 16;
export const LEGACY_ATTRIBUTES_OFFSET = 17;
export const LEGACY_TIMESTAMP_OFFSET = 18;
export const LEGACY_KEY_OFFSET_V0 = 18;
export const LEGACY_KEY_OFFSET_V1 = 26;
/** crc + magic + attributes + key length + value length. */
export const LEGACY_RECORD_OVERHEAD_V0 = 14;
/** As v0 plus the int64 timestamp. */
export const LEGACY_RECORD_OVERHEAD_V1 = 22;
export const LEGACY_COMPRESSION_CODEC_MASK = 0x07;
export const LEGACY_TIMESTAMP_TYPE_MASK = 0x08;

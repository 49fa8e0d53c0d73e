/**
 * gregor's storage: partition logs in Kafka's on-disk layout, indexed by one SQLite database.
 *
 *   <dataDir>/gregor.db                          the index (batches, partitions, leader epochs)
 *   <dataDir>/<topic>-<partition>/partition.metadata
 *   <dataDir>/<topic>-<partition>/<20-digit base offset>.log   record batches, as Kafka writes them
 *
 * See log-manager.ts for the append path and its crash-safety ordering, recovery.ts for what happens
 * at open, config.ts for the topic configs and the durability (flush.*) policy.
 */
export { DEFAULT_LOG_CONFIG, LONG_MAX, LOG_CONFIG_NAMES, logConfigFromKafka, logConfigToKafka, type LogConfig } from './config.js';
export { LogManager, DB_FILE, type AppendEntry, type LogManagerOptions } from './log-manager.js';
export type { AppendOptions, AppendResult, BatchInfo, PartitionLog, ReadOptions, ReadResult } from './partition-log.js';
export { OffsetOutOfRangeError, StorageError, StorageErrorCode, type StorageErrorName } from './errors.js';
export { segmentFileName, partitionDirName } from './segment.js';
export { lastSeqOf, NUM_BATCHES_TO_RETAIN, type ProducerEntry, type ProducerStateConfig } from './producer-state.js';

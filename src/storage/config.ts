/**
 * Per-topic log settings, named and defaulted as Kafka's topic configs are.
 *
 * Durability (flush.messages / flush.ms): like Kafka, gregor does not fsync per request by default. A
 * written segment survives a crash of the process (kill -9, an exception) because the bytes are in the
 * OS page cache; only a crash of the machine itself (power loss) can lose the most recent writes, and
 * recovery at the next open then cuts the log back to its last intact batch. Setting `flush.messages=N`
 * fsyncs a partition's segment after every N records, `flush.ms=T` once T ms have passed since its last
 * fsync (checked on append and by runRetention). `flush.messages=1` makes every acknowledged batch
 * durable against power loss, at the price of one fsync per partition per produce request.
 */

/** Kafka's Long.MAX_VALUE, as the nearest double (2^63): "never". */
export const LONG_MAX = 9223372036854775807;

export interface LogConfig {
  /** segment.bytes: roll a new segment when the active one would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll when the active segment's first timestamp is this old (Kafka's rule). */
  segmentMs: number;
  /** retention.ms: delete whole segments whose newest record is older than this; -1 = keep forever. */
  retentionMs: number;
  /** retention.bytes: delete the oldest segments while the partition is bigger than this; -1 = no limit. */
  retentionBytes: number;
  /** max.message.bytes: largest record batch accepted (bytes, including its 12-byte log overhead). */
  maxMessageBytes: number;
  /** message.timestamp.type: LogAppendTime stamps the broker's time into every appended batch. */
  timestampType: 'CreateTime' | 'LogAppendTime';
  /** flush.messages: fsync after this many records (LONG_MAX = never, Kafka's default). */
  flushMessages: number;
  /** flush.ms: fsync when this many ms have passed since the last one (LONG_MAX = never). */
  flushMs: number;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1073741824,
  segmentMs: 604800000,
  retentionMs: 604800000,
  retentionBytes: -1,
  maxMessageBytes: 1048588,
  timestampType: 'CreateTime',
  flushMessages: LONG_MAX,
  flushMs: LONG_MAX,
});

/** Kafka topic config name → LogConfig field. */
export const LOG_CONFIG_NAMES = {
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'max.message.bytes': 'maxMessageBytes',
  'message.timestamp.type': 'timestampType',
  'flush.messages': 'flushMessages',
  'flush.ms': 'flushMs',
} as const satisfies Record<string, keyof LogConfig>;

function parseLong(name: string, value: string, min: number): number {
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed)) throw new Error(`Invalid value ${JSON.stringify(value)} for configuration ${name}: not a number`);
  const n = Number(trimmed);
  if (n < min) throw new Error(`Invalid value ${value} for configuration ${name}: Value must be at least ${min}`);
  return n;
}

/**
 * Kafka topic configs (strings, as in CreateTopics / IncrementalAlterConfigs) → LogConfig. Names this
 * module does not use are ignored; missing ones take Kafka's defaults. Throws on an unparsable value.
 */
export function logConfigFromKafka(configs: Record<string, string>): LogConfig {
  const config: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const [name, value] of Object.entries(configs)) {
    if (value === undefined || value === null) continue;
    switch (name) {
      case 'segment.bytes':
        config.segmentBytes = parseLong(name, value, 14);
        break;
      case 'segment.ms':
        config.segmentMs = parseLong(name, value, 1);
        break;
      case 'retention.ms':
        config.retentionMs = parseLong(name, value, -1);
        break;
      case 'retention.bytes':
        config.retentionBytes = parseLong(name, value, -1);
        break;
      case 'max.message.bytes':
        config.maxMessageBytes = parseLong(name, value, 0);
        break;
      case 'flush.messages':
        config.flushMessages = parseLong(name, value, 1);
        break;
      case 'flush.ms':
        config.flushMs = parseLong(name, value, 0);
        break;
      case 'message.timestamp.type':
        if (value !== 'CreateTime' && value !== 'LogAppendTime') {
          throw new Error(`Invalid value ${value} for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime`);
        }
        config.timestampType = value;
        break;
      default:
        break;
    }
  }
  return config;
}

function longString(n: number): string {
  return n >= LONG_MAX ? '9223372036854775807' : String(n);
}

/** LogConfig → Kafka topic config strings (for DescribeConfigs). */
export function logConfigToKafka(config: LogConfig): Record<keyof typeof LOG_CONFIG_NAMES, string> {
  return {
    'segment.bytes': longString(config.segmentBytes),
    'segment.ms': longString(config.segmentMs),
    'retention.ms': longString(config.retentionMs),
    'retention.bytes': longString(config.retentionBytes),
    'max.message.bytes': longString(config.maxMessageBytes),
    'message.timestamp.type': config.timestampType,
    'flush.messages': longString(config.flushMessages),
    'flush.ms': longString(config.flushMs),
  };
}

/** Fills fields missing from a stored config (e.g. one written by an older version) with defaults. */
export function normalizeLogConfig(config: Partial<LogConfig> | null | undefined): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...(config ?? {}) };
}

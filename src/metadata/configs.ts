/**
 * Dynamic configuration: the topic configs Kafka 4.2 defines (LogConfig), their broker synonyms
 * (ServerTopicConfigSynonyms), the group configs (GroupConfig), and the broker configs that may or may not be
 * changed at runtime. Parsing and validation follow ConfigDef: values are stored as the strings clients sent,
 * numbers are trimmed and range-checked, booleans are case-insensitive, lists are comma-separated.
 */

/** ConfigResource.Type codes, as ConfigRecord.resourceType and the Describe/AlterConfigs APIs carry them. */
export const ConfigResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

/** DescribeConfigsResponse ConfigSource ids. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;

/** IncrementalAlterConfigs operation types. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

type Parsed = boolean | string | number | bigint | string[];

export interface ConfigDef {
  name: string;
  type: ConfigType;
  /** The default as Kafka prints it in DescribeConfigs; null when there is none. */
  defaultValue: string | null;
  /** Returns the reason a parsed value is invalid, or null. */
  validator?: (value: Parsed) => string | null;
  /** Broker configs whose value becomes this config's default, highest priority first, with a unit factor. */
  synonyms?: readonly { name: string; factor?: number }[];
  sensitive?: boolean;
}

const LONG_MAX = '9223372036854775807';
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const atLeast = (min: number) => (v: Parsed): string | null => (Number(v) < min ? `Value must be at least ${min}` : null);
const between = (min: number, max: number) => (v: Parsed): string | null =>
  Number(v) < min ? `Value must be at least ${min}` : Number(v) > max ? `Value must be no more than ${max}` : null;
const oneOf = (...allowed: string[]) => (v: Parsed): string | null =>
  allowed.includes(v as string) ? null : `String must be one of: ${allowed.join(', ')}`;
const listOf = (...allowed: string[]) => (v: Parsed): string | null => {
  for (const item of v as string[]) if (!allowed.includes(item)) return `String must be one of: ${allowed.join(', ')}`;
  return null;
};
const gzipLevel = (v: Parsed): string | null =>
  (Number(v) >= 1 && Number(v) <= 9) || Number(v) === -1 ? null : 'Value must be between 1 and 9, or -1';

/** Kafka 4.2's topic configs, sorted by name. */
export const TOPIC_CONFIGS: readonly ConfigDef[] = [
  { name: 'cleanup.policy', type: 'LIST', defaultValue: 'delete', validator: listOf('compact', 'delete'), synonyms: [{ name: 'log.cleanup.policy' }] },
  { name: 'compression.gzip.level', type: 'INT', defaultValue: '-1', validator: gzipLevel, synonyms: [{ name: 'compression.gzip.level' }] },
  { name: 'compression.lz4.level', type: 'INT', defaultValue: '9', validator: between(1, 17), synonyms: [{ name: 'compression.lz4.level' }] },
  {
    name: 'compression.type',
    type: 'STRING',
    defaultValue: 'producer',
    validator: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    synonyms: [{ name: 'compression.type' }],
  },
  { name: 'compression.zstd.level', type: 'INT', defaultValue: '3', validator: between(-131072, 22), synonyms: [{ name: 'compression.zstd.level' }] },
  { name: 'delete.retention.ms', type: 'LONG', defaultValue: '86400000', validator: atLeast(0), synonyms: [{ name: 'log.cleaner.delete.retention.ms' }] },
  { name: 'file.delete.delay.ms', type: 'LONG', defaultValue: '60000', validator: atLeast(0), synonyms: [{ name: 'log.segment.delete.delay.ms' }] },
  { name: 'flush.messages', type: 'LONG', defaultValue: LONG_MAX, validator: atLeast(1), synonyms: [{ name: 'log.flush.interval.messages' }] },
  {
    name: 'flush.ms',
    type: 'LONG',
    defaultValue: LONG_MAX,
    validator: atLeast(0),
    synonyms: [{ name: 'log.flush.interval.ms' }, { name: 'log.flush.scheduler.interval.ms' }],
  },
  { name: 'follower.replication.throttled.replicas', type: 'LIST', defaultValue: '' },
  { name: 'index.interval.bytes', type: 'INT', defaultValue: '4096', validator: atLeast(0), synonyms: [{ name: 'log.index.interval.bytes' }] },
  { name: 'leader.replication.throttled.replicas', type: 'LIST', defaultValue: '' },
  { name: 'local.retention.bytes', type: 'LONG', defaultValue: '-2', validator: atLeast(-2), synonyms: [{ name: 'log.local.retention.bytes' }] },
  { name: 'local.retention.ms', type: 'LONG', defaultValue: '-2', validator: atLeast(-2), synonyms: [{ name: 'log.local.retention.ms' }] },
  { name: 'max.compaction.lag.ms', type: 'LONG', defaultValue: LONG_MAX, validator: atLeast(1), synonyms: [{ name: 'log.cleaner.max.compaction.lag.ms' }] },
  { name: 'max.message.bytes', type: 'INT', defaultValue: '1048588', validator: atLeast(0), synonyms: [{ name: 'message.max.bytes' }] },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'LONG',
    defaultValue: '3600000',
    validator: atLeast(0),
    synonyms: [{ name: 'log.message.timestamp.after.max.ms' }],
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'LONG',
    defaultValue: LONG_MAX,
    validator: atLeast(0),
    synonyms: [{ name: 'log.message.timestamp.before.max.ms' }],
  },
  {
    name: 'message.timestamp.type',
    type: 'STRING',
    defaultValue: 'CreateTime',
    validator: oneOf('CreateTime', 'LogAppendTime'),
    synonyms: [{ name: 'log.message.timestamp.type' }],
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'DOUBLE',
    defaultValue: '0.5',
    validator: between(0, 1),
    synonyms: [{ name: 'log.cleaner.min.cleanable.ratio' }],
  },
  { name: 'min.compaction.lag.ms', type: 'LONG', defaultValue: '0', validator: atLeast(0), synonyms: [{ name: 'log.cleaner.min.compaction.lag.ms' }] },
  { name: 'min.insync.replicas', type: 'INT', defaultValue: '1', validator: atLeast(1), synonyms: [{ name: 'min.insync.replicas' }] },
  { name: 'preallocate', type: 'BOOLEAN', defaultValue: 'false', synonyms: [{ name: 'log.preallocate' }] },
  { name: 'remote.log.copy.disable', type: 'BOOLEAN', defaultValue: 'false' },
  { name: 'remote.log.delete.on.disable', type: 'BOOLEAN', defaultValue: 'false' },
  { name: 'remote.storage.enable', type: 'BOOLEAN', defaultValue: 'false' },
  { name: 'retention.bytes', type: 'LONG', defaultValue: '-1', synonyms: [{ name: 'log.retention.bytes' }] },
  {
    name: 'retention.ms',
    type: 'LONG',
    defaultValue: '604800000',
    validator: atLeast(-1),
    synonyms: [{ name: 'log.retention.ms' }, { name: 'log.retention.minutes', factor: 60_000 }, { name: 'log.retention.hours', factor: 3_600_000 }],
  },
  { name: 'segment.bytes', type: 'INT', defaultValue: '1073741824', validator: atLeast(1024 * 1024), synonyms: [{ name: 'log.segment.bytes' }] },
  { name: 'segment.index.bytes', type: 'INT', defaultValue: '10485760', validator: atLeast(4), synonyms: [{ name: 'log.index.size.max.bytes' }] },
  {
    name: 'segment.jitter.ms',
    type: 'LONG',
    defaultValue: '0',
    validator: atLeast(0),
    synonyms: [{ name: 'log.roll.jitter.ms' }, { name: 'log.roll.jitter.hours', factor: 3_600_000 }],
  },
  {
    name: 'segment.ms',
    type: 'LONG',
    defaultValue: '604800000',
    validator: atLeast(1),
    synonyms: [{ name: 'log.roll.ms' }, { name: 'log.roll.hours', factor: 3_600_000 }],
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'BOOLEAN',
    defaultValue: 'false',
    synonyms: [{ name: 'unclean.leader.election.enable' }],
  },
];

/** GroupConfig (KIP-848, KIP-932, KIP-1071) with the broker's default bounds. */
export const GROUP_CONFIGS: readonly ConfigDef[] = [
  { name: 'consumer.heartbeat.interval.ms', type: 'INT', defaultValue: '5000', validator: between(5000, 15000), synonyms: [{ name: 'group.consumer.heartbeat.interval.ms' }] },
  { name: 'consumer.session.timeout.ms', type: 'INT', defaultValue: '45000', validator: between(45000, 60000), synonyms: [{ name: 'group.consumer.session.timeout.ms' }] },
  {
    name: 'share.auto.offset.reset',
    type: 'STRING',
    defaultValue: 'latest',
    validator: (v) =>
      v === 'latest' || v === 'earliest' || /^by_duration:P/.test(v as string) ? null : 'String must be one of: latest, earliest, by_duration:<ISO8601 duration>',
  },
  { name: 'share.heartbeat.interval.ms', type: 'INT', defaultValue: '5000', validator: between(5000, 15000), synonyms: [{ name: 'group.share.heartbeat.interval.ms' }] },
  { name: 'share.isolation.level', type: 'STRING', defaultValue: 'read_uncommitted', validator: oneOf('read_committed', 'read_uncommitted') },
  { name: 'share.record.lock.duration.ms', type: 'INT', defaultValue: '30000', validator: between(15000, 3600000), synonyms: [{ name: 'group.share.record.lock.duration.ms' }] },
  { name: 'share.session.timeout.ms', type: 'INT', defaultValue: '45000', validator: between(45000, 60000), synonyms: [{ name: 'group.share.session.timeout.ms' }] },
  { name: 'streams.heartbeat.interval.ms', type: 'INT', defaultValue: '5000', validator: between(5000, 15000), synonyms: [{ name: 'group.streams.heartbeat.interval.ms' }] },
  { name: 'streams.num.standby.replicas', type: 'INT', defaultValue: '0', validator: between(0, 2), synonyms: [{ name: 'group.streams.num.standby.replicas' }] },
  { name: 'streams.session.timeout.ms', type: 'INT', defaultValue: '45000', validator: between(45000, 60000), synonyms: [{ name: 'group.streams.session.timeout.ms' }] },
];

/** Broker configs that exist but cannot change while the broker runs (DynamicBrokerConfig's complement). */
export const STATIC_ONLY_BROKER_CONFIGS: ReadonlySet<string> = new Set([
  'advertised.listeners.static',
  'auto.create.topics.enable',
  'broker.id',
  'broker.rack',
  'controller.listener.names',
  'controller.quorum.voters',
  'default.replication.factor',
  'delete.topic.enable',
  'log.dir',
  'log.dirs',
  'metadata.log.dir',
  'node.id',
  'num.partitions',
  'offsets.topic.num.partitions',
  'offsets.topic.replication.factor',
  'process.roles',
  'transaction.state.log.num.partitions',
  'transaction.state.log.replication.factor',
]);

const TOPIC_BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));
const GROUP_BY_NAME = new Map(GROUP_CONFIGS.map((d) => [d.name, d]));

/** Broker config name → its type, for the synonyms of topic configs (all dynamically updatable). */
const BROKER_SYNONYM_TYPES: Map<string, { type: ConfigType; validator?: ConfigDef['validator'] }> = new Map();
for (const def of [...TOPIC_CONFIGS, ...GROUP_CONFIGS]) {
  for (const s of def.synonyms ?? []) {
    BROKER_SYNONYM_TYPES.set(s.name, {
      type: s.factor ? 'INT' : def.type,
      validator: s.factor ? undefined : def.validator,
    });
  }
}
// Broker-only typing differences: log.retention.minutes/hours and log.roll.hours are INT, the rest follow the topic config.

export function topicConfigDef(name: string): ConfigDef | undefined {
  return TOPIC_BY_NAME.get(name);
}

export function groupConfigDef(name: string): ConfigDef | undefined {
  return GROUP_BY_NAME.get(name);
}

/** ConfigDef.parseType: the parsed value, or the reason the string is not of the type. */
export function parseConfigValue(type: ConfigType, value: string): { ok: true; value: Parsed } | { ok: false; reason: string } {
  const trimmed = value.trim();
  switch (type) {
    case 'BOOLEAN': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return { ok: true, value: true };
      if (lower === 'false') return { ok: true, value: false };
      return { ok: false, reason: 'Expected value to be either true or false' };
    }
    case 'INT':
    case 'SHORT': {
      if (!/^[+-]?\d+$/.test(trimmed)) return { ok: false, reason: `Not a number of type ${type}` };
      const n = Number(trimmed);
      const [lo, hi] = type === 'INT' ? [INT_MIN, INT_MAX] : [-32768, 32767];
      if (n < lo || n > hi) return { ok: false, reason: `Not a number of type ${type}` };
      return { ok: true, value: n };
    }
    case 'LONG': {
      if (!/^[+-]?\d+$/.test(trimmed)) return { ok: false, reason: 'Not a number of type LONG' };
      const n = BigInt(trimmed);
      if (n < -(2n ** 63n) || n > 2n ** 63n - 1n) return { ok: false, reason: 'Not a number of type LONG' };
      return { ok: true, value: n };
    }
    case 'DOUBLE': {
      const n = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(n) && !/^[+-]?(Infinity|NaN)$/.test(trimmed)) return { ok: false, reason: 'Not a number of type DOUBLE' };
      return { ok: true, value: n };
    }
    case 'LIST':
      return { ok: true, value: trimmed === '' ? [] : trimmed.split(/\s*,\s*/) };
    default:
      return { ok: true, value };
  }
}

/** The ConfigException message for one value, or null when it is valid. */
export function validateConfigValue(def: Pick<ConfigDef, 'name' | 'type' | 'validator'>, value: string): string | null {
  const parsed = parseConfigValue(def.type, value);
  if (!parsed.ok) return `Invalid value ${value} for configuration ${def.name}: ${parsed.reason}`;
  const why = def.validator?.(parsed.value) ?? null;
  return why === null ? null : `Invalid value ${value} for configuration ${def.name}: ${why}`;
}

export function isListConfig(resourceType: number, name: string): boolean {
  const def = resourceType === ConfigResourceType.TOPIC ? TOPIC_BY_NAME.get(name) : resourceType === ConfigResourceType.GROUP ? GROUP_BY_NAME.get(name) : undefined;
  if (def) return def.type === 'LIST';
  return resourceType === ConfigResourceType.BROKER && BROKER_SYNONYM_TYPES.get(name)?.type === 'LIST';
}

/** The default a LIST config starts from for APPEND/SUBTRACT when it has no override. */
export function configDefault(resourceType: number, name: string): string | null {
  if (resourceType === ConfigResourceType.TOPIC) return TOPIC_BY_NAME.get(name)?.defaultValue ?? null;
  if (resourceType === ConfigResourceType.GROUP) return GROUP_BY_NAME.get(name)?.defaultValue ?? null;
  return null;
}

export interface ConfigValidationError {
  errorCode: 'INVALID_CONFIG' | 'INVALID_REQUEST';
  message: string;
}

/**
 * Validates a resource's complete new set of dynamic configs (what ControllerConfigurationValidator and
 * ConfigAdminManager check): unknown topic/group config names, values of the wrong type or out of range,
 * min.compaction.lag.ms above max.compaction.lag.ms, broker configs that cannot change dynamically.
 */
export function validateResourceConfigs(resourceType: number, resourceName: string, configs: ReadonlyMap<string, string>): ConfigValidationError | null {
  if (resourceType === ConfigResourceType.TOPIC) {
    for (const [name, value] of configs) {
      const def = TOPIC_BY_NAME.get(name);
      if (!def) return { errorCode: 'INVALID_CONFIG', message: `Unknown topic config name: ${name}` };
      const why = validateConfigValue(def, value);
      if (why) return { errorCode: 'INVALID_CONFIG', message: why };
    }
    const min = BigInt(configs.get('min.compaction.lag.ms')?.trim() ?? '0');
    const max = BigInt(configs.get('max.compaction.lag.ms')?.trim() ?? LONG_MAX);
    if (min > max) {
      return {
        errorCode: 'INVALID_CONFIG',
        message: `conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${max})`,
      };
    }
    return null;
  }
  if (resourceType === ConfigResourceType.GROUP) {
    for (const [name, value] of configs) {
      const def = GROUP_BY_NAME.get(name);
      if (!def) return { errorCode: 'INVALID_CONFIG', message: `Unknown group config name: ${name}` };
      const why = validateConfigValue(def, value);
      if (why) return { errorCode: 'INVALID_CONFIG', message: why };
    }
    return null;
  }
  if (resourceType === ConfigResourceType.BROKER) {
    const resource = `ConfigResource(type=BROKER, name='${resourceName}')`;
    const fixed = [...configs.keys()].filter((name) => STATIC_ONLY_BROKER_CONFIGS.has(name)).sort();
    if (fixed.length > 0) {
      return {
        errorCode: 'INVALID_REQUEST',
        message: `Invalid config value for resource ${resource}: Cannot update these configs dynamically: Set(${fixed.join(', ')})`,
      };
    }
    for (const [name, value] of configs) {
      const known = BROKER_SYNONYM_TYPES.get(name);
      if (!known) continue; // Kafka keeps unknown (custom) broker configs
      const why = validateConfigValue({ name, ...known }, value);
      if (why) return { errorCode: 'INVALID_REQUEST', message: `Invalid config value for resource ${resource}: ${why}` };
    }
    return null;
  }
  return { errorCode: 'INVALID_REQUEST', message: `Unexpected resource type ${resourceType}` };
}

export function opName(op: number): string {
  return OP_NAMES[op] ?? String(op);
}

/** One entry of a resource's effective configuration, as DescribeConfigs and CreateTopics (v5+) report it. */
export interface ConfigEntry {
  name: string;
  value: string | null;
  source: number;
  readOnly: boolean;
  isSensitive: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
}

/** Where the defaults of topic and group configs come from besides the built-in defaults. */
export interface ConfigLayers {
  /** Dynamic configs of this broker (resource BROKER, name = node id). */
  perBroker: ReadonlyMap<string, string> | undefined;
  /** Dynamic cluster-wide broker defaults (resource BROKER, name ''). */
  clusterDefault: ReadonlyMap<string, string> | undefined;
  /** The broker's static configuration (its config file / command line). */
  staticConfig: Readonly<Record<string, string>>;
}

function synonymChain(def: ConfigDef, overrides: ReadonlyMap<string, string> | undefined, overrideSource: number, layers: ConfigLayers): ConfigEntry['synonyms'] {
  const chain: ConfigEntry['synonyms'] = [];
  const own = overrides?.get(def.name);
  if (own !== undefined) chain.push({ name: def.name, value: own, source: overrideSource });
  const scaled = (value: string, factor: number | undefined): string => {
    if (!factor) return value;
    const parsed = parseConfigValue('LONG', value);
    return parsed.ok ? String((parsed.value as bigint) * BigInt(factor)) : value;
  };
  for (const [map, source] of [
    [layers.perBroker, ConfigSource.DYNAMIC_BROKER_CONFIG],
    [layers.clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
  ] as const) {
    for (const s of def.synonyms ?? []) {
      const v = map?.get(s.name);
      if (v !== undefined) chain.push({ name: s.name, value: scaled(v, s.factor), source });
    }
  }
  for (const s of def.synonyms ?? []) {
    const v = layers.staticConfig[s.name];
    if (v !== undefined) chain.push({ name: s.name, value: scaled(v, s.factor), source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  if (def.defaultValue !== null) chain.push({ name: def.synonyms?.[0]?.name ?? def.name, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
  return chain;
}

/** Every topic config with its value and where it comes from (sorted by name). */
export function effectiveTopicConfigs(overrides: ReadonlyMap<string, string> | undefined, layers: ConfigLayers): ConfigEntry[] {
  return TOPIC_CONFIGS.map((def) => {
    const synonyms = synonymChain(def, overrides, ConfigSource.TOPIC_CONFIG, layers);
    const top = synonyms[0];
    return {
      name: def.name,
      value: top?.value ?? null,
      source: top?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: false,
      isSensitive: def.sensitive ?? false,
      synonyms,
    };
  });
}

/** Every group config with its value and where it comes from (sorted by name). */
export function effectiveGroupConfigs(overrides: ReadonlyMap<string, string> | undefined, layers: ConfigLayers): ConfigEntry[] {
  return GROUP_CONFIGS.map((def) => {
    const synonyms = synonymChain(def, overrides, ConfigSource.GROUP_CONFIG, layers);
    const top = synonyms[0];
    return {
      name: def.name,
      value: top?.value ?? null,
      source: top?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: false,
      isSensitive: false,
      synonyms,
    };
  });
}

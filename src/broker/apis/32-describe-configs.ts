import { ConfigResourceType, ConfigSource, MetadataController, TOPIC_CONFIGS, type ConfigEntry } from '../../metadata/index.js';
import { ErrorCode, type Input } from '../../protocol/index.js';
import type { DescribeConfigsResourceResult, DescribeConfigsResult, DescribeConfigsSynonym } from '../../protocol/messages/describe-configs-response.js';
import { defineHandler, type RequestContext } from '../api.js';
import { formatEndpoint } from '../config-listeners.js';
import {
  BROKER_CONFIG_BY_NAME,
  BROKER_CONFIGS,
  CONFIG_TYPE_IDS,
  brokerConfigSynonyms,
  groupConfigDoc,
  groupConfigType,
  topicConfigDoc,
  topicConfigType,
} from '../config-docs.js';

// DescribeConfigs (32), v0-4, as KafkaApis / ConfigHelper answer it on a broker.
// v0: is_default per config. v1: config source and synonyms (when include_synonyms) instead of is_default.
// v2: same as v1. v3: config type and documentation (when include_documentation). v4: flexible.
//
// Resources: TOPIC (every topic config with its value and source: TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG,
// DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG or DEFAULT_CONFIG), BROKER (this broker's id: its configs
// with read_only = not changeable at runtime; "": the cluster-wide dynamic defaults), BROKER_LOGGER, GROUP and
// CLIENT_METRICS. A null or empty key list means every config; unknown keys are left out. Errors per resource:
// UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, INVALID_REQUEST (another broker's id, an empty group
// name); an unknown resource type fails the whole request with INVALID_REQUEST.

type Entry = Input<DescribeConfigsResourceResult> & { name: string };
type Synonym = Input<DescribeConfigsSynonym> & { name: string; value: string | null; source: number };

class RequestError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

const CLIENT_METRICS_CONFIGS = [
  { name: 'interval.ms', type: 'INT', defaultValue: '300000', doc: 'The frequency in milliseconds at which clients push metrics of the subscription.' },
  { name: 'match', type: 'LIST', defaultValue: '', doc: 'Client matching patterns (client_id, client_software_name, …) the subscription applies to.' },
  { name: 'metrics', type: 'LIST', defaultValue: '', doc: 'The metric name prefixes the subscription asks clients to push.' },
] as const;

function brokerId(name: string): number {
  if (!/^[+-]?\d+$/.test(name.trim())) throw new RequestError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  return Number(name);
}

/** The broker's static configuration: what it was started with, plus what Kafka would have in server.properties. */
function staticBrokerConfig(ctx: RequestContext): Map<string, string> {
  const { config, logs } = ctx.broker;
  const out = new Map<string, string>([
    ['node.id', String(ctx.connection.nodeId)],
    ['broker.id', String(ctx.connection.nodeId)],
    ['process.roles', 'broker,controller'],
    // Port 0 binds a free port: the listener shows the port it got.
    ['listeners', config.listeners.map((l) => formatEndpoint(l.name, l.host, ctx.broker.boundPort(l.name) ?? l.port)).join(',')],
    ['advertised.listeners', config.listeners.map((l) => formatEndpoint(l.name, l.advertisedHost, l.advertisedPort)).join(',')],
    ['log.dirs', logs.dataDir],
  ]);
  for (const [k, v] of config.raw) out.set(k, v);
  return out;
}

function describeBroker(ctx: RequestContext, resourceName: string, keys: Set<string> | null, includeSynonyms: boolean, includeDocs: boolean): Entry[] {
  const metadata = ctx.broker.metadata;
  const perBrokerConfig = resourceName !== '';
  if (perBrokerConfig && brokerId(resourceName) !== ctx.connection.nodeId) {
    throw new RequestError(
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${ctx.connection.nodeId} or empty string, but received ${resourceName}`,
    );
  }
  const perBroker = metadata.resourceConfigs(ConfigResourceType.BROKER, String(ctx.connection.nodeId));
  const clusterDefault = metadata.resourceConfigs(ConfigResourceType.BROKER, '');
  const statics = staticBrokerConfig(ctx);
  const defaults = new Map(BROKER_CONFIGS.filter((c) => c.defaultValue !== null).map((c) => [c.name, c.defaultValue!]));
  // Per broker: every config Kafka defines plus whatever was set; the cluster default: only what was set there.
  const names = perBrokerConfig
    ? new Set([...BROKER_CONFIGS.map((c) => c.name), ...statics.keys(), ...perBroker.keys(), ...clusterDefault.keys()])
    : new Set(clusterDefault.keys());
  const entries: Entry[] = [];
  for (const name of [...names].sort()) {
    if (keys !== null && !keys.has(name)) continue;
    const def = BROKER_CONFIG_BY_NAME.get(name);
    const sensitive = def?.type === 'PASSWORD';
    const synonymNames = brokerConfigSynonyms(name);
    let all: Synonym[] = [];
    for (const [map, source] of [
      [perBroker, ConfigSource.DYNAMIC_BROKER_CONFIG],
      [clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
      [statics, ConfigSource.STATIC_BROKER_CONFIG],
      [defaults, ConfigSource.DEFAULT_CONFIG],
    ] as const) {
      for (const s of synonymNames) {
        const v = map.get(s);
        if (v !== undefined) all.push({ name: s, value: sensitive ? null : v, source });
      }
    }
    // ConfigHelper.configSynonyms: drop entries before the config's own name (e.g. listener overrides).
    const own = all.findIndex((s) => s.name === name);
    all = own < 0 ? [] : all.slice(own);
    if (!perBrokerConfig) all = all.filter((s) => s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    const head = all[0];
    entries.push({
      name,
      value: sensitive ? null : head !== undefined && head.name === name ? head.value : (def?.defaultValue ?? null),
      readOnly: !(def?.dynamic ?? false),
      configSource: head?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive: sensitive,
      synonyms: includeSynonyms ? all : [],
      configType: def !== undefined ? CONFIG_TYPE_IDS[def.type]! : 0,
      documentation: includeDocs ? (def?.doc ?? null) : null,
    });
  }
  return entries;
}

const PRIMARY_BROKER_SYNONYM = new Map(TOPIC_CONFIGS.flatMap((c) => (c.synonyms?.[0] ? [[c.name, c.synonyms[0].name] as const] : [])));

/**
 * ConfigHelper.createTopicConfigEntry's synonyms: the topic override, then the names of the config's broker synonym
 * (log.retention.ms, .minutes, .hours) in the dynamic per-broker, dynamic cluster-default, static and default
 * layers — but only from the broker synonym's own name on (configSynonyms drops what comes before it, so a topic's
 * retention.ms never lists log.retention.hours). The source is the first synonym's, DEFAULT_CONFIG when none.
 */
function topicSynonyms(ctx: RequestContext, topic: string): (entry: ConfigEntry) => { source: number; synonyms: Synonym[] } {
  const metadata = ctx.broker.metadata;
  const overrides = metadata.resourceConfigs(ConfigResourceType.TOPIC, topic);
  const layers = [
    [metadata.resourceConfigs(ConfigResourceType.BROKER, String(ctx.connection.nodeId)), ConfigSource.DYNAMIC_BROKER_CONFIG],
    [metadata.resourceConfigs(ConfigResourceType.BROKER, ''), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [ctx.broker.config.raw, ConfigSource.STATIC_BROKER_CONFIG],
    [new Map(BROKER_CONFIGS.filter((c) => c.defaultValue !== null).map((c) => [c.name, c.defaultValue!])), ConfigSource.DEFAULT_CONFIG],
  ] as const;
  return (entry) => {
    const list: Synonym[] = [];
    const primary = PRIMARY_BROKER_SYNONYM.get(entry.name);
    if (primary !== undefined) {
      const names = brokerConfigSynonyms(primary);
      for (const [map, source] of layers) {
        for (const n of names) {
          const v = map.get(n);
          if (v !== undefined) list.push({ name: n, value: v, source });
        }
      }
      const own = list.findIndex((s) => s.name === primary);
      list.splice(0, own < 0 ? list.length : own);
    }
    const override = overrides.get(entry.name);
    if (override !== undefined) list.unshift({ name: entry.name, value: override, source: ConfigSource.TOPIC_CONFIG });
    return { source: list[0]?.source ?? ConfigSource.DEFAULT_CONFIG, synonyms: list };
  };
}

function fromEntries(
  list: readonly ConfigEntry[],
  keys: Set<string> | null,
  includeSynonyms: boolean,
  includeDocs: boolean,
  type: (name: string) => number,
  doc: (name: string) => string | null,
  kafkaSynonyms?: (entry: ConfigEntry) => { source: number; synonyms: Synonym[] },
): Entry[] {
  return list
    .filter((e) => keys === null || keys.has(e.name))
    .map((e) => {
      const { source, synonyms } = kafkaSynonyms?.(e) ?? { source: e.source, synonyms: e.synonyms };
      return {
        name: e.name,
        value: e.isSensitive ? null : e.value,
        readOnly: e.readOnly,
        configSource: source,
        isSensitive: e.isSensitive,
        synonyms: includeSynonyms ? synonyms.map((s) => ({ name: s.name, value: e.isSensitive ? null : s.value, source: s.source })) : [],
        configType: type(e.name),
        documentation: includeDocs ? doc(e.name) : null,
      };
    });
}

function describe(ctx: RequestContext, resourceType: number, resourceName: string, keys: Set<string> | null, includeSynonyms: boolean, includeDocs: boolean): Input<DescribeConfigsResult> {
  const metadata = ctx.broker.metadata;
  switch (resourceType) {
    case ConfigResourceType.TOPIC: {
      const invalid = MetadataController.validateTopicName(resourceName);
      if (invalid !== null) throw new RequestError(ErrorCode.INVALID_TOPIC_EXCEPTION, invalid);
      const entries = metadata.describeTopicConfigs(resourceName, ctx.connection.nodeId);
      if (entries === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, configs: [] };
      return { errorCode: ErrorCode.NONE, configs: fromEntries(entries, keys, includeSynonyms, includeDocs, topicConfigType, topicConfigDoc, topicSynonyms(ctx, resourceName)) };
    }
    case ConfigResourceType.BROKER:
      return { errorCode: ErrorCode.NONE, configs: describeBroker(ctx, resourceName, keys, includeSynonyms, includeDocs) };
    case ConfigResourceType.BROKER_LOGGER: {
      if (resourceName === '') throw new RequestError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
      if (brokerId(resourceName) !== ctx.connection.nodeId)
        throw new RequestError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.connection.nodeId} but received ${resourceName}`);
      const log = ctx.broker.log;
      const level = (['debug', 'info', 'warn', 'error'] as const).find((l) => log.enabled(l)) ?? 'info';
      const loggers = [{ name: 'root', value: level === 'warn' ? 'WARN' : level.toUpperCase() }];
      return {
        errorCode: ErrorCode.NONE,
        configs: loggers
          .filter((l) => keys === null || keys.has(l.name))
          .map((l) => ({ ...l, configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, isSensitive: false, readOnly: false, synonyms: [] })),
      };
    }
    case ConfigResourceType.GROUP: {
      if (resourceName === '') throw new RequestError(ErrorCode.INVALID_REQUEST, 'Group name must not be empty');
      const entries = metadata.describeGroupConfigs(resourceName, ctx.connection.nodeId);
      return { errorCode: ErrorCode.NONE, configs: fromEntries(entries, keys, includeSynonyms, includeDocs, groupConfigType, groupConfigDoc) };
    }
    case ConfigResourceType.CLIENT_METRICS: {
      if (resourceName === '') throw new RequestError(ErrorCode.INVALID_REQUEST, 'Client metrics subscription name must not be empty');
      const set = metadata.resourceConfigs(ConfigResourceType.CLIENT_METRICS, resourceName);
      return {
        errorCode: ErrorCode.NONE,
        configs: CLIENT_METRICS_CONFIGS.filter((c) => keys === null || keys.has(c.name)).map((c) => {
          const v = set.get(c.name);
          const synonyms = v === undefined ? [] : [{ name: c.name, value: v, source: ConfigSource.CLIENT_METRICS_CONFIG }];
          return {
            name: c.name,
            value: v ?? c.defaultValue,
            readOnly: false,
            configSource: v === undefined ? ConfigSource.DEFAULT_CONFIG : ConfigSource.CLIENT_METRICS_CONFIG,
            isSensitive: false,
            synonyms: includeSynonyms ? synonyms : [],
            configType: CONFIG_TYPE_IDS[c.type]!,
            documentation: includeDocs ? c.doc : null,
          };
        }),
      };
    }
    default:
      throw new RequestError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceType}`);
  }
}

const KNOWN_TYPES: ReadonlySet<number> = new Set([
  ConfigResourceType.TOPIC,
  ConfigResourceType.BROKER,
  ConfigResourceType.BROKER_LOGGER,
  ConfigResourceType.CLIENT_METRICS,
  ConfigResourceType.GROUP,
]);

export default defineHandler({
  apiKey: 32,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const { version } = ctx;
    // An unknown resource type fails the whole request (ConfigHelper's authorization step throws).
    const unknown = request.resources.find((r) => !KNOWN_TYPES.has(r.resourceType));
    if (unknown !== undefined) {
      const message = `Unexpected resource type ${unknown.resourceType} for resource ${unknown.resourceName}`;
      return {
        throttleTimeMs: 0,
        results: request.resources.map((r) => ({
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: message,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          configs: [],
        })),
      };
    }
    const includeSynonyms = version >= 1 && request.includeSynonyms;
    const includeDocs = version >= 3 && request.includeDocumentation;
    const results = request.resources.map((r): Input<DescribeConfigsResult> => {
      const keys = r.configurationKeys === null || r.configurationKeys.length === 0 ? null : new Set(r.configurationKeys);
      let result: Input<DescribeConfigsResult>;
      try {
        result = describe(ctx, r.resourceType, r.resourceName, keys, includeSynonyms, includeDocs);
      } catch (e) {
        if (!(e instanceof RequestError)) throw e;
        result = { errorCode: e.errorCode, errorMessage: e.message, configs: [] };
      }
      if (version === 0) {
        // v0 has no source: it says whether the value is the default.
        for (const c of result.configs ?? []) {
          c.isDefault = c.configSource === ConfigSource.DEFAULT_CONFIG;
          c.synonyms = [];
        }
      }
      return { ...result, resourceType: r.resourceType, resourceName: r.resourceName };
    });
    return { throttleTimeMs: 0, results };
  },
});

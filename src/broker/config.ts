import { BROKER_CONFIG_BY_NAME } from './config-docs.js';
import { defaultAdvertisedHost, type ListenerSpec } from './config-listeners.js';

/** A listener as the broker runs it: bound address and advertised endpoint, ports as bound once it listens. */
export interface BrokerListener {
  name: string;
  /** As configured ('' = every interface, which binds 0.0.0.0). */
  host: string;
  port: number;
  advertisedHost: string;
  advertisedPort: number;
}

/**
 * The broker's static configuration, in Kafka's `server.properties` names. `serve` flags, GREGOR_* environment
 * variables and an optional properties file all end up here; what the broker reads is typed below, and the raw
 * map is kept for DescribeConfigs (source STATIC_BROKER_CONFIG).
 */
export interface BrokerConfig {
  /** Every key given, as given. */
  readonly raw: ReadonlyMap<string, string>;
  nodeId: number;
  /** In `listeners` order; the first is the one `--host`/`--port` set. */
  listeners: BrokerListener[];
  socketRequestMaxBytes: number;
  messageMaxBytes: number;
  autoCreateTopicsEnable: boolean;
  numPartitions: number;
  defaultReplicationFactor: number;
}

/** A broker config's default as gregor runs it (config-docs.ts: Kafka's, except GREGOR_DEFAULTS); throws for an unknown name. */
export function configDefault(key: string): string {
  return defaultOf(key);
}

function defaultOf(key: string): string {
  const d = BROKER_CONFIG_BY_NAME.get(key)?.defaultValue;
  if (d === undefined || d === null) throw new Error(`no default for broker config ${key}`);
  return d;
}

function int(raw: ReadonlyMap<string, string>, key: string): number {
  const text = raw.get(key) ?? defaultOf(key);
  const n = Number(text.trim());
  if (!Number.isInteger(n)) throw new Error(`config ${key}: "${text}" is not an integer`);
  return n;
}

/**
 * A numeric broker config read when it is needed (the group coordinator's, retention's, producer state's): the
 * configured value, else its default from the broker config table (an unknown name is a bug: it throws).
 */
export function numberConfig(config: BrokerConfig, key: string): number {
  const set = config.raw.get(key);
  const n = set === undefined ? NaN : Number(set);
  return Number.isFinite(n) ? n : Number(defaultOf(key));
}

function bool(raw: ReadonlyMap<string, string>, key: string): boolean {
  const text = (raw.get(key) ?? defaultOf(key)).trim().toLowerCase();
  if (text !== 'true' && text !== 'false') throw new Error(`config ${key}: "${text}" is not true or false`);
  return text === 'true';
}

export function brokerConfig(listeners: readonly ListenerSpec[], configs: Record<string, string> = {}): BrokerConfig {
  const raw = new Map(Object.entries(configs));
  return {
    raw,
    nodeId: int(raw, 'node.id'),
    listeners: listeners.map((l, i) => ({
      name: l.name,
      host: l.host,
      port: l.port,
      advertisedHost: l.advertisedHost ?? defaultAdvertisedHost(l.host, i === 0, l.name),
      // 0 until the listener is bound (serve then writes the port it got).
      advertisedPort: l.advertisedPort || l.port,
    })),
    socketRequestMaxBytes: int(raw, 'socket.request.max.bytes'),
    messageMaxBytes: int(raw, 'message.max.bytes'),
    autoCreateTopicsEnable: bool(raw, 'auto.create.topics.enable'),
    numPartitions: int(raw, 'num.partitions'),
    defaultReplicationFactor: int(raw, 'default.replication.factor'),
  };
}

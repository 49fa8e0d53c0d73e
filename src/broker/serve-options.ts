import { readFileSync } from 'node:fs';
import { parseProperties } from '../metadata/meta-properties.js';
import type { LogLevel } from './logger.js';

/** Everything `gregor serve` needs, resolved from flags, then GREGOR_* variables, then a properties file. */
export interface ServeOptions {
  host: string;
  port: number;
  advertisedHost?: string;
  advertisedPort?: number;
  /** Undefined with `ephemeral`: a temp folder removed at exit. */
  dataDir?: string;
  ephemeral: boolean;
  logLevel: LogLevel;
  /** Broker configs in Kafka's names (`auto.create.topics.enable`, `num.partitions`, …). */
  configs: Record<string, string>;
}

export interface ServeFlags {
  host?: string;
  port?: number;
  'advertised-host'?: string;
  'data-dir'?: string;
  ephemeral?: boolean;
  'log-level'?: string;
  config?: string[];
  'config-file'?: string;
}

/** `PLAINTEXT://host:port` (first entry of a listener list) → host and port. */
export function parseListener(value: string): { host: string; port: number } {
  const first = value.split(',')[0]!.trim();
  const m = /^(?:[A-Za-z0-9_]+:\/\/)?(\[[^\]]*\]|[^:]*):(\d+)$/.exec(first);
  if (m === null) throw new Error(`listener "${value}" is not of the form PLAINTEXT://host:port`);
  return { host: m[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]) };
}

function parseConfigPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--config expects key=value, got "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

const LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export function resolveServeOptions(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const file = flags['config-file'] ?? env.GREGOR_CONFIG_FILE;
  const props = file === undefined ? {} : Object.fromEntries(parseProperties(readFileSync(file, 'utf8')));
  const configs: Record<string, string> = { ...props, ...parseConfigPairs(flags.config ?? []) };

  // Listener keys of server.properties set the address; they are not broker configs of ours.
  const listener = configs.listeners !== undefined ? parseListener(configs.listeners) : undefined;
  const advertised = configs['advertised.listeners'] !== undefined ? parseListener(configs['advertised.listeners']) : undefined;
  const logDirs = configs['log.dirs'] ?? configs['log.dir'];
  for (const k of ['listeners', 'advertised.listeners', 'log.dirs', 'log.dir', 'listener.security.protocol.map', 'process.roles', 'controller.quorum.voters', 'controller.listener.names', 'inter.broker.listener.name'])
    delete configs[k];

  const portText = flags.port ?? env.GREGOR_PORT ?? listener?.port ?? 9092;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port "${portText}" is not a TCP port`);
  const logLevel = (flags['log-level'] ?? env.GREGOR_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LEVELS.includes(logLevel)) throw new Error(`log level "${logLevel}" is not one of ${LEVELS.join(', ')}`);
  const ephemeral = flags.ephemeral ?? ['1', 'true', 'yes'].includes((env.GREGOR_EPHEMERAL ?? '').toLowerCase());
  const advertisedHost = flags['advertised-host'] ?? env.GREGOR_ADVERTISED_HOST ?? advertised?.host;
  return {
    host: flags.host ?? env.GREGOR_HOST ?? listener?.host ?? '127.0.0.1',
    port,
    ...(advertisedHost !== undefined ? { advertisedHost } : {}),
    ...(advertised !== undefined ? { advertisedPort: advertised.port } : {}),
    ...(ephemeral ? {} : { dataDir: flags['data-dir'] ?? env.GREGOR_DATA_DIR ?? logDirs?.split(',')[0] }),
    ephemeral,
    logLevel,
    configs,
  };
}

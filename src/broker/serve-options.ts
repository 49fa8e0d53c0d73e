import { readFileSync } from 'node:fs';
import { parseProperties } from '../metadata/meta-properties.js';
import { defaultAdvertisedHost, resolveListeners, type ListenerSpec } from './config-listeners.js';
import type { LogLevel } from './logger.js';

/** Everything `gregor serve` needs, resolved from flags, then GREGOR_* variables, then a properties file. */
export interface ServeOptions {
  /** The first listener's address (`--host`, `--port`, `--advertised-host`). */
  host: string;
  port: number;
  advertisedHost?: string;
  advertisedPort?: number;
  /**
   * Every listener, the first being host/port above (resolveServeOptions fills both). Unset: one PLAINTEXT
   * listener on host:port.
   */
  listeners?: ListenerSpec[];
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
  listeners?: string;
  'advertised-listeners'?: string;
  'data-dir'?: string;
  ephemeral?: boolean;
  'log-level'?: string;
  config?: string[];
  'config-file'?: string;
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

  // Listener keys of server.properties set the addresses; they are not broker configs of ours (the protocol map
  // stays, for DescribeConfigs).
  const listenerText = flags.listeners ?? env.GREGOR_LISTENERS ?? configs.listeners ?? 'PLAINTEXT://127.0.0.1:9092';
  const advertisedText = flags['advertised-listeners'] ?? env.GREGOR_ADVERTISED_LISTENERS ?? configs['advertised.listeners'];
  const listeners = resolveListeners(configs, listenerText, advertisedText);
  const logDirs = configs['log.dirs'] ?? configs['log.dir'];
  for (const k of ['listeners', 'advertised.listeners', 'log.dirs', 'log.dir', 'process.roles', 'controller.quorum.voters', 'controller.listener.names', 'inter.broker.listener.name'])
    delete configs[k];

  // --host/--port/--advertised-host (or their variables) address the first listener, whichever list it came from.
  const first = listeners[0]!;
  const portText = flags.port ?? env.GREGOR_PORT ?? first.port;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port "${portText}" is not a TCP port`);
  const host = flags.host ?? env.GREGOR_HOST ?? (first.host || '0.0.0.0');
  const advertisedHost = flags['advertised-host'] ?? env.GREGOR_ADVERTISED_HOST ?? first.advertisedHost;
  listeners[0] = { ...first, host, port, ...(advertisedHost !== undefined ? { advertisedHost } : {}) };
  listeners.forEach((l, i) => (l.advertisedHost ??= defaultAdvertisedHost(l.host, i === 0, l.name)));
  const logLevel = (flags['log-level'] ?? env.GREGOR_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LEVELS.includes(logLevel)) throw new Error(`log level "${logLevel}" is not one of ${LEVELS.join(', ')}`);
  const ephemeral = flags.ephemeral ?? ['1', 'true', 'yes'].includes((env.GREGOR_EPHEMERAL ?? '').toLowerCase());
  return {
    host,
    port,
    ...(advertisedHost !== undefined ? { advertisedHost } : {}),
    ...(first.advertisedPort !== undefined ? { advertisedPort: first.advertisedPort } : {}),
    listeners,
    ...(ephemeral ? {} : { dataDir: flags['data-dir'] ?? env.GREGOR_DATA_DIR ?? logDirs?.split(',')[0] }),
    ephemeral,
    logLevel,
    configs,
  };
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { openDataDir } from '../metadata/meta-properties.js';
import { LogManager } from '../storage/index.js';
import { Broker } from './broker.js';
import { brokerConfig } from './config.js';
import { createLogger } from './logger.js';
import type { ServeOptions } from './serve-options.js';

export interface RunningServer {
  broker: Broker;
  /** The one line `serve` prints: address, data folder, cluster id. */
  banner: string;
  address: { host: string; port: number };
  dataDir: string;
  close(): Promise<void>;
  /** Settles when the server has shut down (close() or a signal). */
  closed: Promise<void>;
}

export function defaultDataDir(): string {
  return envPaths('gregor', { suffix: '' }).data;
}

/** Starts a broker: data folder, storage, metadata, listeners. With `handleSignals`, SIGINT/SIGTERM shut it down. */
export async function serve(options: ServeOptions, { handleSignals = true } = {}): Promise<RunningServer> {
  const log = createLogger(options.logLevel);
  const dataDir = options.ephemeral ? mkdtempSync(join(tmpdir(), 'gregor-')) : (options.dataDir ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const config = brokerConfig(
    { host: options.host, port: options.port, advertisedHost: options.advertisedHost, advertisedPort: options.advertisedPort },
    options.configs,
  );
  const dir = openDataDir(dataDir, { nodeId: config.nodeId });
  const logs = LogManager.open({ dataDir, log: (line) => log.info(line) });
  const broker = new Broker(config, log, dir.clusterId);
  let address: { host: string; port: number };
  try {
    address = await broker.listen();
  } catch (e) {
    logs.close();
    throw e;
  }
  // Port 0 picks a free port: advertise the one actually bound.
  if (config.advertisedPort === 0) config.advertisedPort = address.port;

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await broker.close();
      logs.close();
      if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
      resolveClosed();
    })());
  if (handleSignals) {
    const onSignal = (signal: string) => {
      log.info(`${signal}: shutting down`);
      void close().then(() => process.exit(0));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const banner =
    `gregor listening on ${address.host}:${address.port} (advertised ${config.advertisedHost}:${config.advertisedPort}), ` +
    `data ${options.ephemeral ? `${dataDir} (ephemeral)` : dataDir}, cluster id ${dir.clusterId}`;
  return { broker, banner, address, dataDir, close, closed };
}

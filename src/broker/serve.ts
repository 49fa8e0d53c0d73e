import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { MetadataController, openDataDir } from '../metadata/index.js';
import { LogManager } from '../storage/index.js';
import { Broker } from './broker.js';
import { brokerConfig, numberConfig } from './config.js';
import { createLogger } from './logger.js';
import type { ServeOptions } from './serve-options.js';

export interface RunningServer {
  broker: Broker;
  /**
   * What `serve` prints: first the line for the first listener (address, data folder, cluster id), then one line
   * per further listener.
   */
  banner: string;
  /** The first listener's bound address. */
  address: { host: string; port: number };
  /** Every listener's bound address, in `listeners` order. */
  addresses: { name: string; host: string; port: number }[];
  dataDir: string;
  close(): Promise<void>;
  /** Settles when the server has shut down (close() or a signal). */
  closed: Promise<void>;
}

export function defaultDataDir(): string {
  return envPaths('gregor', { suffix: '' }).data;
}

/** Starts a broker: data folder, storage, metadata, listeners. With `handleSignals`, SIGINT/SIGTERM shut it down. */
export async function serve(
  options: ServeOptions,
  { handleSignals = true, logWrite }: { handleSignals?: boolean; logWrite?: (line: string) => void } = {},
): Promise<RunningServer> {
  const log = createLogger(options.logLevel, logWrite);
  const dataDir = options.ephemeral ? mkdtempSync(join(tmpdir(), 'gregor-')) : (options.dataDir ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const listeners = options.listeners ?? [
    {
      name: 'PLAINTEXT',
      host: options.host,
      port: options.port,
      ...(options.advertisedHost !== undefined ? { advertisedHost: options.advertisedHost } : {}),
      ...(options.advertisedPort !== undefined ? { advertisedPort: options.advertisedPort } : {}),
    },
  ];
  const config = brokerConfig(listeners, options.configs);
  const dir = openDataDir(dataDir, { nodeId: config.nodeId });
  const logs = LogManager.open({
    dataDir,
    log: (line) => log.info(line),
    // Broker configs for the logs' producer state (Kafka's defaults: 1 day, checked every 10 minutes).
    producerState: {
      producerIdExpirationMs: numberConfig(config, 'producer.id.expiration.ms'),
      expirationCheckIntervalMs: numberConfig(config, 'producer.id.expiration.check.interval.ms'),
    },
  });
  let metadata: MetadataController | undefined;
  let broker: Broker | undefined;
  let addresses: { name: string; host: string; port: number }[];
  try {
    metadata = MetadataController.open({
      logManager: logs,
      dataDir: dir,
      log: (line) => log.info(line),
      numPartitions: config.numPartitions,
      defaultReplicationFactor: config.defaultReplicationFactor,
      staticConfig: options.configs,
    });
    broker = new Broker(config, log, metadata, logs);
    addresses = await broker.listen();
    broker.register();
  } catch (e) {
    await broker?.close();
    metadata?.close();
    logs.close();
    throw e;
  }
  const running = broker;
  const controller = metadata;

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await running.close();
      controller.close();
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
  // Scripts and tests read the first line's address: it keeps its form, further listeners follow it.
  const [first, ...more] = config.listeners.map((l, i) => ({ ...l, bound: addresses[i]! }));
  const banner = [
    `gregor listening on ${first!.bound.host}:${first!.bound.port} (advertised ${first!.advertisedHost}:${first!.advertisedPort}), ` +
      `data ${options.ephemeral ? `${dataDir} (ephemeral)` : dataDir}, cluster id ${dir.clusterId}`,
    ...more.map((l) => `gregor listening on ${l.bound.host}:${l.bound.port} (listener ${l.name}, advertised ${l.advertisedHost}:${l.advertisedPort})`),
  ].join('\n');
  const address = { host: addresses[0]!.host, port: addresses[0]!.port };
  return { broker: running, banner, address, addresses, dataDir, close, closed };
}

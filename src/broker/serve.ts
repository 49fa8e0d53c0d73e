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
export async function serve(
  options: ServeOptions,
  { handleSignals = true, logWrite }: { handleSignals?: boolean; logWrite?: (line: string) => void } = {},
): Promise<RunningServer> {
  const log = createLogger(options.logLevel, logWrite);
  const dataDir = options.ephemeral ? mkdtempSync(join(tmpdir(), 'gregor-')) : (options.dataDir ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const config = brokerConfig(
    { host: options.host, port: options.port, advertisedHost: options.advertisedHost, advertisedPort: options.advertisedPort },
    options.configs,
  );
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
  let address: { host: string; port: number };
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
    address = await broker.listen();
    // Port 0 picks a free port: advertise the one actually bound.
    if (config.advertisedPort === 0) config.advertisedPort = address.port;
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
  const banner =
    `gregor listening on ${address.host}:${address.port} (advertised ${config.advertisedHost}:${config.advertisedPort}), ` +
    `data ${options.ephemeral ? `${dataDir} (ephemeral)` : dataDir}, cluster id ${dir.clusterId}`;
  return { broker: running, banner, address, dataDir, close, closed };
}

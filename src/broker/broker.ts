import { createServer, type Server, type Socket } from 'node:net';
import type { ApiHandler } from './api.js';
import { handlers as allHandlers } from './apis/index.js';
import { numberConfig, type BrokerConfig } from './config.js';
import { Connection } from './connection.js';
import type { Logger } from './logger.js';
import { SUPPORTED_FEATURES, type MetadataController } from '../metadata/index.js';
import type { LogManager } from '../storage/index.js';
import { ReplicaManager } from './replica-manager.js';
import { GroupCoordinator } from './groups/group-coordinator.js';
import { scheduleRetention } from './retention-task.js';
import { ProducerIdManager } from './producer-ids.js';

export interface FeatureLevels {
  supported: { name: string; minVersion: number; maxVersion: number }[];
  finalized: { name: string; minVersionLevel: number; maxVersionLevel: number }[];
  epoch: bigint;
}

/**
 * The broker: its listeners and connections, and the components that own the state (metadata, logs, groups).
 * Handlers reach the components through it.
 */
export class Broker {
  readonly handlers = new Map<number, ApiHandler<any>>();
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;

  readonly replicas: ReplicaManager;
  readonly groups: GroupCoordinator;
  private readonly stopRetention: () => void;
  readonly producerIds: ProducerIdManager;

  constructor(
    readonly config: BrokerConfig,
    readonly log: Logger,
    readonly metadata: MetadataController,
    readonly logs: LogManager,
  ) {
    for (const h of allHandlers) this.handlers.set(h.apiKey, h);
    this.replicas = new ReplicaManager(config.nodeId, metadata, logs, log);
    this.groups = new GroupCoordinator(this);
    this.stopRetention = scheduleRetention(logs, numberConfig(config, 'log.retention.check.interval.ms'), log);
    this.producerIds = new ProducerIdManager(metadata, config.nodeId);
  }

  get clusterId(): string {
    return this.metadata.clusterId;
  }

  /** Registers this node with the controller, advertising its listener (a RegisterBrokerRecord). */
  register(): void {
    const result = this.metadata.registerBroker({
      brokerId: this.config.nodeId,
      endpoints: [{ name: 'PLAINTEXT', host: this.config.advertisedHost, port: this.config.advertisedPort, securityProtocol: 0 }],
    });
    if (result.errorCode !== 0) throw new Error(`broker registration failed: ${result.errorMessage ?? result.errorCode}`);
  }

  /** What ApiVersions advertises: every served API with the versions its handler serves. */
  apiVersionsList(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.handlers.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }

  features(): FeatureLevels {
    const finalized = this.metadata.finalizedFeatures();
    return {
      supported: Object.entries(SUPPORTED_FEATURES).map(([name, r]) => ({ name, minVersion: r.minVersion, maxVersion: r.maxVersion })),
      finalized: Object.entries(finalized).map(([name, level]) => ({ name, minVersionLevel: level, maxVersionLevel: level })),
      epoch: BigInt(this.metadata.finalizedFeaturesEpoch),
    };
  }

  async listen(): Promise<{ host: string; port: number }> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as { address: string; port: number };
    return { host: address.address, port: address.port };
  }

  private accept(socket: Socket): void {
    const info = {
      id: this.nextConnectionId++,
      remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
      listener: 'PLAINTEXT',
      nodeId: this.config.nodeId,
    };
    this.connections.add(new Connection(socket, this, info));
  }

  connectionClosed(c: Connection): void {
    this.connections.delete(c);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const c of this.connections) c.close();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.stopRetention();
    this.groups.close();
    this.replicas.close();
  }
}

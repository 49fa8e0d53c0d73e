import { createServer, type Server, type Socket } from 'node:net';
import type { ApiHandler } from './api.js';
import { handlers as allHandlers } from './apis/index.js';
import { numberConfig, type BrokerConfig } from './config.js';
import { bindHost } from './config-listeners.js';
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
  private servers: Server[] = [];
  private readonly boundPorts = new Map<string, number>();
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

  /** Registers this node with the controller, one endpoint per listener (a RegisterBrokerRecord). */
  register(): void {
    const result = this.metadata.registerBroker({
      brokerId: this.config.nodeId,
      // Security protocol 0: PLAINTEXT, the only one served (serve-options refuses the others).
      endpoints: this.config.listeners.map((l) => ({ name: l.name, host: l.advertisedHost, port: l.advertisedPort, securityProtocol: 0 })),
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

  /**
   * Binds every listener, in order; a listener on port 0 gets a free port, which it then advertises unless
   * another port was given. Resolves with each listener's bound address.
   */
  async listen(): Promise<{ name: string; host: string; port: number }[]> {
    const bound: { name: string; host: string; port: number }[] = [];
    for (const l of this.config.listeners) {
      const server = createServer((socket) => this.accept(socket, l.name));
      this.servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(l.port, bindHost(l.host), () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as { address: string; port: number };
      if (l.advertisedPort === 0) l.advertisedPort = address.port;
      this.boundPorts.set(l.name, address.port);
      bound.push({ name: l.name, host: address.address, port: address.port });
    }
    return bound;
  }

  /** The port a listener got (its configured one, or a free one for port 0); undefined before it listens. */
  boundPort(listener: string): number | undefined {
    return this.boundPorts.get(listener);
  }

  private accept(socket: Socket, listener: string): void {
    const info = {
      id: this.nextConnectionId++,
      remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
      listener,
      nodeId: this.config.nodeId,
    };
    this.connections.add(new Connection(socket, this, info));
  }

  connectionClosed(c: Connection): void {
    this.connections.delete(c);
  }

  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    for (const c of this.connections) c.close();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.stopRetention();
    this.groups.close();
    this.replicas.close();
  }
}

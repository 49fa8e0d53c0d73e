import { createServer, type Server, type Socket } from 'node:net';
import type { ApiHandler } from './api.js';
import { handlers as allHandlers } from './apis/index.js';
import type { BrokerConfig } from './config.js';
import { Connection } from './connection.js';
import type { Logger } from './logger.js';

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

  constructor(
    readonly config: BrokerConfig,
    readonly log: Logger,
    readonly clusterId: string,
  ) {
    for (const h of allHandlers) this.handlers.set(h.apiKey, h);
  }

  /** What ApiVersions advertises: every served API with the versions its handler serves. */
  apiVersionsList(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.handlers.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }

  features(): FeatureLevels {
    return { supported: [], finalized: [], epoch: -1n };
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
  }
}

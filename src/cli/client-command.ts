/**
 * The base of every command that talks to a cluster (produce, consume, topic …, group …): `--brokers` (or
 * GREGOR_BROKERS, or localhost:9092), `--client-id`, and a Cluster that is closed when the command ends,
 * however it ends.
 *
 * The client is imported inside `cluster()`, not at the top: commands/index.ts loads every command on start.
 */
import { Flags, type Command } from '@oclif/core';
import type { Cluster } from '../client/cluster.js';
import { BaseCommand } from './base-command.js';

export const clientFlags = {
  brokers: Flags.string({
    char: 'b',
    description: 'Bootstrap brokers, host:port[,host:port] [env: GREGOR_BROKERS] (default localhost:9092)',
    helpGroup: 'CONNECTION',
  }),
  'client-id': Flags.string({ description: 'Client id sent to the brokers (default gregor)', helpGroup: 'CONNECTION' }),
  timeout: Flags.integer({ description: 'Give up on a request after this many ms (default 30000)', helpGroup: 'CONNECTION' }),
};

export const jsonFlag = {
  json: Flags.boolean({ description: 'Print JSON (one document, or one object per line for streams) instead of text' }),
};

export abstract class ClientCommand<T extends typeof Command> extends BaseCommand<T> {
  private openCluster: Cluster | undefined;

  /** The cluster named by --brokers; opened on first call, closed in finally(). */
  protected async cluster(): Promise<Cluster> {
    if (this.openCluster !== undefined) return this.openCluster;
    const { Cluster } = await import('../client/cluster.js');
    const { resolveBootstrap } = await import('../client/addresses.js');
    const flags = this.flags as { brokers?: string; 'client-id'?: string; timeout?: number };
    this.openCluster = new Cluster({
      brokers: resolveBootstrap(flags.brokers),
      clientId: flags['client-id'] ?? 'gregor',
      requestTimeoutMs: flags.timeout ?? 30_000,
      // A CLI user wants an answer, not a minute of retries against a broker that is down.
      retryDeadlineMs: Math.min(flags.timeout ?? 30_000, 15_000),
    });
    return this.openCluster;
  }

  public override async finally(err: Error | undefined): Promise<void> {
    const c = this.openCluster;
    this.openCluster = undefined;
    await c?.close();
    return super.finally(err);
  }
}

/** Broker addresses as users write them: `host:port,host:port`, `[::1]:9092`, a bare host taking port 9092. */
import { UsageError } from './errors.js';

export const DEFAULT_PORT = 9092;
export const DEFAULT_BOOTSTRAP = `localhost:${DEFAULT_PORT}`;

export interface BrokerAddress {
  host: string;
  port: number;
}

export function parseAddress(text: string): BrokerAddress {
  const s = text.trim().replace(/^[a-z]+:\/\//i, '');
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed !== null) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0 && s.indexOf(':') === colon) {
      host = s.slice(0, colon);
      portText = s.slice(colon + 1);
    } else {
      host = s;
    }
  }
  if (host === '') throw new UsageError(`bad broker address "${text}": no host`);
  const port = portText === undefined || portText === '' ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad broker address "${text}": port must be 1-65535`);
  return { host, port };
}

/** Parses a comma- or space-separated list; an empty list is an error. */
export function parseBootstrap(text: string): BrokerAddress[] {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError('no broker addresses given');
  return parts.map(parseAddress);
}

export function formatAddress({ host, port }: BrokerAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `--brokers`, else GREGOR_BROKERS, else localhost:9092. */
export function resolveBootstrap(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): BrokerAddress[] {
  return parseBootstrap(flag ?? (env.GREGOR_BROKERS !== undefined && env.GREGOR_BROKERS !== '' ? env.GREGOR_BROKERS : DEFAULT_BOOTSTRAP));
}

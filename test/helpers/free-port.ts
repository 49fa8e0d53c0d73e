/**
 * Free TCP ports on 127.0.0.1, for brokers started by tests.
 *
 * The port is found by listening on port 0 and closing again, so another process could take it
 * before the test binds it; that is rare, and far better than fixed ports when test files run in
 * parallel.
 */
import { createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected address ${String(address)}`);
  return address.port;
}

/** A TCP port on 127.0.0.1 that nothing listens on at the time of the call. */
export async function getFreePort(host: string = LOOPBACK): Promise<number> {
  const server = await listen(host);
  const port = portOf(server);
  await close(server);
  return port;
}

/** `count` distinct free ports (all held open together while choosing them). */
export async function getFreePorts(count: number, host: string = LOOPBACK): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(host));
    return servers.map(portOf);
  } finally {
    await Promise.all(servers.map(close));
  }
}

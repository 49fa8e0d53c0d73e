// A loopback TCP "broker" for frame-level interop: a client library connects with its real Connection class,
// the test receives each request frame (payload after the int32 size) and answers with bytes it chooses
// (normally our encodeResponseFrame output).
import { createServer, type Server, type Socket } from 'node:net';

export type Responder = (payload: Buffer) => Buffer | null | Promise<Buffer | null>;

export class LoopbackBroker {
  private server: Server;
  private sockets = new Set<Socket>();
  /** every request payload received (without size prefix), in order */
  readonly received: Buffer[] = [];
  /** answers the next request; null = no answer (e.g. acks=0) */
  responder: Responder = () => null;
  port = 0;

  private constructor() {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      let buf = Buffer.alloc(0);
      socket.on('data', async (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          const size = buf.readInt32BE(0);
          const payload = buf.subarray(4, 4 + size);
          buf = buf.subarray(4 + size);
          this.received.push(payload);
          try {
            const out = await this.responder(payload);
            if (out) socket.write(out);
          } catch (e) {
            this.errors.push(e);
            socket.destroy();
          }
        }
      });
    });
  }

  /** errors thrown by the responder (e.g. our decodeRequestFrame failing) */
  readonly errors: unknown[] = [];

  static async start(): Promise<LoopbackBroker> {
    const b = new LoopbackBroker();
    await new Promise<void>((resolve) => b.server.listen(0, '127.0.0.1', resolve));
    const addr = b.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    b.port = addr.port;
    return b;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

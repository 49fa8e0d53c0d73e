import { connect, type Socket } from 'node:net';
import { FrameSplitter, decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/index.js';

/** A bare Kafka connection for tests: sends frames as given and reads responses, or notices the close. */
export class RawClient {
  private frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private splitter = new FrameSplitter(1 << 30);
  closed = false;
  private correlationId = 1;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.frames.push(...this.splitter.push(chunk));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request and returns its correlation id. */
  send(apiKey: number, apiVersion: number, body: unknown, clientId = 'raw-test'): number {
    const correlationId = this.correlationId++;
    this.sendRaw(encodeRequestFrame({ apiKey, apiVersion, correlationId, clientId }, body));
    return correlationId;
  }

  /** The next response frame's payload, or null when the broker closed the connection first. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) return null;
      if (Date.now() > deadline) throw new Error('no response in time');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.frames.shift()!;
  }

  async request<T = any>(apiKey: number, apiVersion: number, body: unknown): Promise<T> {
    const id = this.send(apiKey, apiVersion, body);
    const frame = await this.nextFrame();
    if (frame === null) throw new Error('connection closed');
    const { correlationId, body: response } = decodeResponseFrame(apiKey, apiVersion, frame);
    if (correlationId !== id) throw new Error(`correlation id ${correlationId}, expected ${id}`);
    return response as T;
  }

  close(): void {
    this.socket.destroy();
  }
}

import type { Socket } from 'node:net';
import {
  ApiKey,
  DecodeError,
  ErrorCode,
  FrameSizeError,
  FrameSplitter,
  Reader,
  apis,
  encodeResponseFrameChunks,
  readRequestHeader,
  type MessageCodec,
} from '../protocol/index.js';
import type { ConnectionInfo, RequestContext } from './api.js';
import type { Broker } from './broker.js';

/** Requests read ahead of the one being handled before the socket stops reading (clients pipeline up to ~5). */
const MAX_QUEUED = 32;

/**
 * One client connection. Requests are handled one at a time and answered in order, as Kafka does (it mutes a
 * channel while a request is in flight). A frame that can't be trusted (too large, undecodable, an API or
 * version not served) closes the connection with one log line; nothing else is affected.
 */
export class Connection {
  private readonly splitter: FrameSplitter;
  private queue: Buffer[] = [];
  private busy = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
    readonly info: ConnectionInfo,
  ) {
    this.splitter = new FrameSplitter(broker.config.socketRequestMaxBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (e) => broker.log.debug(`connection ${info.id} ${info.remoteAddress}: ${e.message}`));
    socket.on('close', () => {
      this.closed = true;
      broker.connectionClosed(this);
    });
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (e) {
      if (e instanceof FrameSizeError) return this.abort(`${e.message} (socket.request.max.bytes)`);
      throw e;
    }
    if (frames.length === 0) return;
    this.queue.push(...frames);
    if (this.queue.length > MAX_QUEUED) this.socket.pause();
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0 && !this.closed) {
      const frame = this.queue.shift()!;
      if (this.queue.length <= MAX_QUEUED / 2 && this.socket.isPaused()) this.socket.resume();
      try {
        await this.handle(frame);
      } catch (e) {
        this.broker.log.error(`connection ${this.info.id}: handler failed: ${(e as Error).stack ?? e}`);
        this.abort('internal error');
      }
    }
    this.busy = false;
  }

  private async handle(frame: Buffer): Promise<void> {
    let parsed;
    try {
      parsed = readRequestHeader(frame);
    } catch {
      return this.abort('unreadable request header');
    }
    const { header, bodyOffset } = parsed;
    const key = header.requestApiKey;
    const version = header.requestApiVersion;
    const handler = this.broker.handlers.get(key);
    if (handler === undefined || version < handler.minVersion || version > handler.maxVersion) {
      // KIP-511: a client newer than the broker learns what it speaks from a v0 answer.
      if (key === ApiKey.ApiVersions) {
        return this.send(key, 0, header.correlationId, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: this.broker.apiVersionsList(),
        });
      }
      const what = handler === undefined ? `unknown API key ${key}` : `unsupported ${apis[key as 0].name} version ${version}`;
      return this.abort(`${what} from client ${JSON.stringify(header.clientId)}`);
    }
    let request: unknown;
    try {
      const codec = (apis as Record<number, { request: MessageCodec<unknown> }>)[key]!.request;
      request = codec.read(new Reader(frame, bodyOffset), version);
    } catch (e) {
      if (e instanceof DecodeError)
        return this.abort(`malformed ${apis[key as 0].name} v${version} request: ${e.message}`);
      throw e;
    }
    const ctx: RequestContext = {
      header,
      version,
      broker: this.broker,
      connection: this.info,
      closeConnection: (reason) => this.abort(reason),
    };
    const response = await handler.handle(request as never, ctx);
    if (response !== null && !this.closed) this.send(key, version, header.correlationId, response);
  }

  private send(key: number, version: number, correlationId: number, body: unknown): void {
    const chunks = encodeResponseFrameChunks(key, version, correlationId, body);
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  /** Closes the connection because of what the client sent: one log line, no response. */
  private abort(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.broker.log.warn(`closing connection ${this.info.id} from ${this.info.remoteAddress}: ${reason}`);
    this.queue = [];
    this.socket.destroy();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

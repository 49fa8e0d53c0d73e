/**
 * One TCP connection to one broker: frames out, frames in, requests matched to responses by correlation id
 * (several may be in flight; Kafka answers them in order). On open it asks ApiVersions and from then on picks,
 * per API, the highest version both sides speak.
 *
 * A request that times out closes the connection, as Kafka's NetworkClient does: the broker may still answer
 * it, and a late answer must not be taken for the next request's.
 */
import { connect, type Socket } from 'node:net';
import {
  ApiKey,
  decodeResponseFrame,
  encodeRequestFrame,
  ErrorCode,
  FrameSplitter,
  type ApiKeyNumber,
} from '../protocol/index.js';
import type { apis } from '../protocol/index.js';
import type { Input, MessageCodec } from '../protocol/index.js';
import { ApiVersionsResponse } from '../protocol/messages/api-versions-response.js';
import { Reader } from '../protocol/index.js';
import { formatAddress, type BrokerAddress } from './addresses.js';
import { ConnectionError, KafkaError, UnsupportedApiError } from './errors.js';
import { clientRange, highestCommon, type VersionRange } from './versions.js';

type Apis = typeof apis;
type CodecType<C> = C extends MessageCodec<infer T> ? T : never;
export type RequestOf<K extends ApiKeyNumber> = CodecType<Apis[K]['request']>;
export type ResponseOf<K extends ApiKeyNumber> = CodecType<Apis[K]['response']>;

export const CLIENT_SOFTWARE_NAME = 'gregor';
export const CLIENT_SOFTWARE_VERSION = '0.1.0';

export interface ConnectionOptions extends BrokerAddress {
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Largest response accepted (default 1 GiB). */
  maxFrameBytes?: number;
  /** The node id, when known (not for bootstrap connections). */
  nodeId?: number;
}

export interface RequestOptions {
  /** Use exactly this version (it must be one both sides speak). */
  version?: number;
  /** Use no version above this one. */
  maxVersion?: number;
  /** Use no version below this one (a feature the caller needs). */
  minVersion?: number;
  timeoutMs?: number;
  /** Produce with acks=0: the broker sends no response. */
  noResponse?: boolean;
}

interface Pending {
  apiKey: number;
  version: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class BrokerConnection {
  readonly address: string;
  /** The broker's version range of each API it serves. */
  readonly brokerVersions = new Map<number, VersionRange>();
  private readonly pending = new Map<number, Pending>();
  private readonly splitter: FrameSplitter;
  private nextCorrelationId = 1;
  private closeError: Error | undefined;
  private readonly closeListeners: ((err: Error) => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly options: ConnectionOptions,
  ) {
    this.address = formatAddress(options);
    this.splitter = new FrameSplitter(options.maxFrameBytes ?? 1 << 30);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new ConnectionError(`connection to ${this.address} failed: ${err.message}`, this.address)));
    socket.on('close', () => this.fail(new ConnectionError(`connection to ${this.address} closed`, this.address)));
  }

  /** Connects and negotiates versions. Rejects with ConnectionError when the broker cannot be reached. */
  static async open(options: ConnectionOptions): Promise<BrokerConnection> {
    const address = formatAddress(options);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: options.host, port: options.port });
      s.setNoDelay(true);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ConnectionError(`could not connect to ${address}: timed out`, address));
      }, options.connectTimeoutMs ?? 10_000);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        s.destroy();
        const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'unknown host' : err.message;
        reject(new ConnectionError(`could not connect to ${address}: ${why}`, address));
      });
    });
    const conn = new BrokerConnection(socket, options);
    try {
      await conn.negotiate();
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  get nodeId(): number | undefined {
    return this.options.nodeId;
  }

  get isClosed(): boolean {
    return this.closeError !== undefined;
  }

  /** Called once when the connection closes, for whatever reason. */
  onClose(listener: (err: Error) => void): void {
    if (this.closeError !== undefined) listener(this.closeError);
    else this.closeListeners.push(listener);
  }

  /** The version of an API this connection would use, or undefined when the two sides share none. */
  versionFor(apiKey: number, options: Pick<RequestOptions, 'minVersion' | 'maxVersion'> = {}): number | undefined {
    const broker = this.brokerVersions.get(apiKey);
    const client = clientRange(apiKey);
    if (broker === undefined || client === undefined) return undefined;
    const mine = { min: Math.max(client.min, options.minVersion ?? 0), max: Math.min(client.max, options.maxVersion ?? Infinity) };
    return highestCommon(mine, broker);
  }

  /**
   * Sends a request and resolves with the decoded response. `body` may be a function of the chosen version,
   * for requests whose fields differ between versions.
   */
  async request<K extends ApiKeyNumber>(
    apiKey: K,
    body: Input<RequestOf<K>> | ((version: number) => Input<RequestOf<K>>),
    options: RequestOptions = {},
  ): Promise<ResponseOf<K>> {
    const version = options.version ?? this.versionFor(apiKey, options);
    if (version === undefined) {
      const name = (ApiKeyName as Record<number, string>)[apiKey] ?? `API ${apiKey}`;
      const broker = this.brokerVersions.get(apiKey);
      throw new UnsupportedApiError(
        broker === undefined
          ? `broker ${this.address} does not support ${name}`
          : `broker ${this.address} supports ${name} v${broker.min}-${broker.max}, none of which this client can use here`,
      );
    }
    const payload = typeof body === 'function' ? body(version) : body;
    return (await this.send(apiKey, version, payload, options)) as ResponseOf<K>;
  }

  /** Sends at an explicit version, without negotiation (ApiVersions itself, tests). */
  send(apiKey: number, version: number, body: unknown, options: Pick<RequestOptions, 'timeoutMs' | 'noResponse'> = {}): Promise<unknown> {
    if (this.closeError !== undefined) return Promise.reject(this.closeError);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    const frame = encodeRequestFrame({ apiKey, apiVersion: version, correlationId, clientId: this.options.clientId ?? 'gregor' }, body);
    if (options.noResponse === true) {
      return new Promise((resolve, reject) => this.socket.write(frame, (err) => (err ? reject(this.closeError ?? err) : resolve(undefined))));
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        this.fail(new ConnectionError(`request to ${this.address} timed out after ${timeoutMs} ms`, this.address));
      }, timeoutMs);
      this.pending.set(correlationId, { apiKey, version, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  /** Whether the socket's write buffer is full: a producer should wait for `drain()` before sending more. */
  get congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  drain(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  close(): void {
    this.fail(new ConnectionError(`connection to ${this.address} closed by the client`, this.address));
  }

  private async negotiate(): Promise<void> {
    const ours = clientRange(ApiKey.ApiVersions)!;
    let version = ours.max;
    for (;;) {
      const response = (await this.send(ApiKey.ApiVersions, version, {
        clientSoftwareName: CLIENT_SOFTWARE_NAME,
        clientSoftwareVersion: CLIENT_SOFTWARE_VERSION,
      })) as ApiVersionsResponse;
      if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        // The broker answered in v0 with what it supports (KIP-511); ask again at its highest version.
        const theirs = response.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
        const next = theirs === undefined ? 0 : Math.min(theirs.maxVersion, ours.max);
        if (next >= version) throw new UnsupportedApiError(`broker ${this.address} rejected ApiVersions v${version}`);
        version = next;
        continue;
      }
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode, `ApiVersions from ${this.address}`);
      for (const k of response.apiKeys) this.brokerVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      return;
    }
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.fail(new ConnectionError(`bad response from ${this.address}: ${(err as Error).message}`, this.address));
      return;
    }
    for (const payload of frames) {
      if (payload.length < 4) {
        this.fail(new ConnectionError(`bad response from ${this.address}: frame of ${payload.length} bytes`, this.address));
        return;
      }
      const correlationId = payload.readInt32BE(0);
      const pending = this.pending.get(correlationId);
      if (pending === undefined) {
        this.fail(new ConnectionError(`response from ${this.address} answers no request (correlation id ${correlationId})`, this.address));
        return;
      }
      this.pending.delete(correlationId);
      clearTimeout(pending.timer);
      try {
        pending.resolve(decodeResponse(pending.apiKey, pending.version, payload));
      } catch (err) {
        pending.reject(new ConnectionError(`undecodable response from ${this.address}: ${(err as Error).message}`, this.address));
        this.fail(new ConnectionError(`undecodable response from ${this.address}`, this.address));
        return;
      }
    }
  }

  private fail(err: Error): void {
    if (this.closeError !== undefined) return;
    this.closeError = err;
    this.socket.destroy();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    for (const l of this.closeListeners.splice(0)) l(err);
  }
}

/** ApiVersions with UNSUPPORTED_VERSION comes back in v0 whatever version was asked (KIP-511). */
function decodeResponse(apiKey: number, version: number, payload: Buffer): unknown {
  if (apiKey === ApiKey.ApiVersions && version > 0 && payload.length >= 6 && payload.readInt16BE(4) === ErrorCode.UNSUPPORTED_VERSION) {
    return ApiVersionsResponse.read(new Reader(payload, 4), 0);
  }
  return decodeResponseFrame(apiKey, version, payload).body;
}

const ApiKeyName: Record<number, string> = Object.fromEntries(Object.entries(ApiKey).map(([name, key]) => [key, name]));

import type { ApiKeyNumber, Input, RequestHeaderFields, apis } from '../protocol/index.js';
import type { Broker } from './broker.js';

type Api<K extends ApiKeyNumber> = (typeof apis)[K];
export type RequestOf<K extends ApiKeyNumber> = ReturnType<Api<K>['request']['decode']>;
export type ResponseOf<K extends ApiKeyNumber> = ReturnType<Api<K>['response']['decode']>;
export type ResponseInput<K extends ApiKeyNumber> = Input<ResponseOf<K>>;

/** What a handler knows of the request beyond its body. */
export interface RequestContext {
  header: RequestHeaderFields;
  version: number;
  broker: Broker;
  connection: ConnectionInfo;
  /** Closes this connection after the request, without a response (Kafka does so for a failed acks=0 produce). */
  closeConnection?(reason: string): void;
}

export interface ConnectionInfo {
  id: number;
  remoteAddress: string;
  /** The listener the request came in on, by name (several listeners, several simulated brokers). */
  listener: string;
  /** The node this connection talks to (a simulated cluster serves several node ids in one process). */
  nodeId: number;
  /** Filled by ApiVersions v3+ (KIP-511). */
  clientSoftwareName?: string;
  clientSoftwareVersion?: string;
}

/**
 * One API key's handler: the versions it serves (what ApiVersions advertises) and the work, which it hands to the
 * component that owns the state. Returning null sends no response (Produce with acks=0).
 */
export interface ApiHandler<K extends ApiKeyNumber = ApiKeyNumber> {
  apiKey: K;
  minVersion: number;
  maxVersion: number;
  handle(request: RequestOf<K>, ctx: RequestContext): ResponseInput<K> | null | Promise<ResponseInput<K> | null>;
}

export function defineHandler<K extends ApiKeyNumber>(h: ApiHandler<K>): ApiHandler<K> {
  return h;
}

import { apis } from './messages/apis.js';
import { RequestHeader } from './messages/request-header.js';
import { ResponseHeader } from './messages/response-header.js';
import { DecodeError, Reader, UnsupportedVersionError, Writer, type Input, type MessageCodec } from './wire/index.js';

type Api = (typeof apis)[keyof typeof apis];

export function apiFor(apiKey: number): Api | undefined {
  return (apis as Record<number, Api>)[apiKey];
}

function isFlexible(api: Api, version: number): boolean {
  return api.flexibleMinVersion !== null && version >= api.flexibleMinVersion;
}

/** Request header v2 for flexible versions, v1 otherwise (v0 only served the long-gone ControlledShutdown v0). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  const api = apiFor(apiKey);
  return api !== undefined && isFlexible(api, apiVersion) ? 2 : 1;
}

/**
 * Response header v1 for flexible versions, v0 otherwise; ApiVersions always answers with v0 so that a client
 * that does not yet know what the broker speaks can read the answer (KIP-511).
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === 18) return 0;
  const api = apiFor(apiKey);
  return api !== undefined && isFlexible(api, apiVersion) ? 1 : 0;
}

export interface RequestHeaderFields {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** A request whose API key or version this side does not speak: the header is still known, to answer it. */
export class UnsupportedRequestError extends UnsupportedVersionError {
  constructor(
    message: string,
    readonly header: RequestHeaderFields,
  ) {
    super(message);
  }
}

export interface ParsedRequestHeader {
  header: RequestHeaderFields;
  /** Where the body starts in the payload. */
  bodyOffset: number;
  /** Whether gregor knows this API key and version. */
  supported: boolean;
}

/**
 * Reads a request header from a frame's payload (the bytes after the size prefix). The fields up to the client
 * id are laid out alike in every header version (ClientId is never compact), so they can be read even for a
 * version this side does not know; the tagged fields of header v2 only when the version is known.
 */
export function readRequestHeader(payload: Buffer): ParsedRequestHeader {
  const r = new Reader(payload);
  const requestApiKey = r.int16();
  const requestApiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString(false);
  const header = { requestApiKey, requestApiVersion, correlationId, clientId };
  const api = apiFor(requestApiKey);
  const supported = api !== undefined && requestApiVersion >= api.minVersion && requestApiVersion <= api.maxVersion;
  if (supported && isFlexible(api, requestApiVersion)) r.taggedFields({});
  return { header, bodyOffset: r.pos, supported };
}

/** Decodes a whole request from a frame's payload (without the size prefix). */
export function decodeRequestFrame(payload: Buffer): { header: RequestHeaderFields; body: unknown } {
  const { header, bodyOffset, supported } = readRequestHeader(payload);
  if (!supported)
    throw new UnsupportedRequestError(
      `unsupported request: API key ${header.requestApiKey} version ${header.requestApiVersion}`,
      header,
    );
  const api = apiFor(header.requestApiKey)!;
  const codec = api.request as MessageCodec<unknown>;
  const body = codec.read(new Reader(payload, bodyOffset), header.requestApiVersion);
  return { header, body };
}

/** Encodes a request with its header and 4-byte size prefix. */
export function encodeRequestFrame(
  header: { apiKey: number; apiVersion: number; correlationId: number; clientId?: string | null },
  body: unknown,
): Buffer {
  const api = apiFor(header.apiKey);
  if (api === undefined) throw new UnsupportedVersionError(`unknown API key ${header.apiKey}`);
  const w = new Writer(512);
  w.int32(0);
  RequestHeader.write(w, requestHeaderVersion(header.apiKey, header.apiVersion), {
    requestApiKey: header.apiKey,
    requestApiVersion: header.apiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
  });
  (api.request as MessageCodec<unknown>).write(w, header.apiVersion, body as Input<unknown>);
  return withSize(w.finish());
}

/** Encodes a response with its header and 4-byte size prefix, as chunks (records referenced, not copied). */
export function encodeResponseFrameChunks(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer[] {
  const api = apiFor(apiKey);
  if (api === undefined) throw new UnsupportedVersionError(`unknown API key ${apiKey}`);
  const w = new Writer(512);
  w.int32(0);
  ResponseHeader.write(w, responseHeaderVersion(apiKey, apiVersion), { correlationId });
  (api.response as MessageCodec<unknown>).write(w, apiVersion, body as Input<unknown>);
  const chunks = w.finish();
  let size = -4;
  for (const c of chunks) size += c.length;
  chunks[0]!.writeInt32BE(size, 0);
  return chunks;
}

export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer {
  const chunks = encodeResponseFrameChunks(apiKey, apiVersion, correlationId, body);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function withSize(chunks: Buffer[]): Buffer {
  let size = -4;
  for (const c of chunks) size += c.length;
  chunks[0]!.writeInt32BE(size, 0);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Decodes a response from a frame's payload (without the size prefix), given the request it answers. */
export function decodeResponseFrame(apiKey: number, apiVersion: number, payload: Buffer): { correlationId: number; body: unknown } {
  const api = apiFor(apiKey);
  if (api === undefined) throw new UnsupportedVersionError(`unknown API key ${apiKey}`);
  const r = new Reader(payload);
  const { correlationId } = ResponseHeader.read(r, responseHeaderVersion(apiKey, apiVersion));
  const body = (api.response as MessageCodec<unknown>).read(r, apiVersion);
  return { correlationId, body };
}

export { DecodeError };

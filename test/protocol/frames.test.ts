import { describe, expect, it } from 'vitest';
import {
  ApiKey,
  DecodeError,
  FrameSizeError,
  FrameSplitter,
  apis,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeResponseFrameChunks,
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  UnsupportedRequestError,
} from '../../src/protocol/index.js';
import type { MessageCodec } from '../../src/protocol/index.js';

const all = Object.values(apis) as { apiKey: number; name: string; minVersion: number; maxVersion: number; request: MessageCodec<unknown>; response: MessageCodec<unknown> }[];

describe('frames', () => {
  it('serves every API key 0-94 Kafka still defines', () => {
    const keys = all.map((a) => a.apiKey);
    for (const gone of [4, 5, 6, 7]) expect(keys).not.toContain(gone);
    expect(keys.length).toBe(91);
    expect(apis[ApiKey.Produce].minVersion).toBe(0);
    expect(apis[ApiKey.Fetch].maxVersion).toBe(18);
    expect(apis[ApiKey.Produce].flexibleVersions).toBe('9+');
    expect(apis[ApiKey.SaslHandshake].flexibleVersions).toBe('none');
  });

  it.each(all.map((a) => [a.name, a] as const))('%s: request and response frames round-trip at every version', (_, api) => {
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      const frame = encodeRequestFrame({ apiKey: api.apiKey, apiVersion: v, correlationId: 7 + v, clientId: 'gregör' }, {});
      expect(frame.readInt32BE(0)).toBe(frame.length - 4);
      const { header, body } = decodeRequestFrame(frame.subarray(4));
      expect(header).toEqual({ requestApiKey: api.apiKey, requestApiVersion: v, correlationId: 7 + v, clientId: 'gregör' });
      expect(body).toEqual(api.request.make());

      const response = encodeResponseFrame(api.apiKey, v, 99, {});
      expect(response.readInt32BE(0)).toBe(response.length - 4);
      const decoded = decodeResponseFrame(api.apiKey, v, response.subarray(4));
      expect(decoded.correlationId).toBe(99);
      expect(decoded.body).toEqual(api.response.make());
    }
  });

  it('chooses header versions as Kafka does', () => {
    expect(requestHeaderVersion(ApiKey.Produce, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Produce, 9)).toBe(2);
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1);
    // ApiVersions answers with header v0 even at flexible versions (KIP-511).
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    // A flexible response header carries a tagged-field byte after the correlation id.
    expect(encodeResponseFrame(ApiKey.Metadata, 9, 1, {})[8]).toBe(0);
  });

  it('reads the header of an API or version it does not know, so the request can be answered', () => {
    const known = encodeRequestFrame({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 5, clientId: 'c' }, {});
    const future = Buffer.from(known);
    future.writeInt16BE(99, 6); // version 99
    expect(readRequestHeader(future.subarray(4))).toMatchObject({ supported: false, header: { requestApiKey: 18, requestApiVersion: 99, correlationId: 5, clientId: 'c' } });
    expect(() => decodeRequestFrame(future.subarray(4))).toThrow(UnsupportedRequestError);
    const unknownKey = Buffer.from(known);
    unknownKey.writeInt16BE(4242, 4);
    try {
      decodeRequestFrame(unknownKey.subarray(4));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedRequestError);
      expect((e as UnsupportedRequestError).header.correlationId).toBe(5);
    }
  });

  it('carries large record data by reference until the frame is written', () => {
    const records = Buffer.alloc(1 << 20, 1);
    const chunks = encodeResponseFrameChunks(ApiKey.Fetch, 12, 3, {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records }, { partitionIndex: 1, records }] }],
    });
    expect(chunks.filter((c) => c === records).length).toBe(2);
    const whole = Buffer.concat(chunks);
    const { body } = decodeResponseFrame(ApiKey.Fetch, 12, whole.subarray(4)) as { body: { responses: { partitions: { records: Buffer }[] }[] } };
    expect(body.responses[0]!.partitions[1]!.records.equals(records)).toBe(true);
  });

  it('rejects a truncated request body with a DecodeError', () => {
    const frame = encodeRequestFrame({ apiKey: ApiKey.Metadata, apiVersion: 12, correlationId: 1, clientId: null }, { topics: [{ name: 'x', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] });
    for (let cut = 4; cut < frame.length; cut++) expect(() => decodeRequestFrame(frame.subarray(4, cut))).toThrow(DecodeError);
  });
});

describe('FrameSplitter', () => {
  const frame = (n: number, fill: number): Buffer => {
    const b = Buffer.alloc(4 + n, fill);
    b.writeInt32BE(n, 0);
    return b;
  };

  it('splits frames however the bytes arrive', () => {
    const stream = Buffer.concat([frame(3, 1), frame(0, 0), frame(70000, 2), frame(5, 3)]);
    for (const step of [1, 3, 4, 7, 1000, stream.length]) {
      const s = new FrameSplitter(1 << 20);
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += step) out.push(...s.push(stream.subarray(i, i + step)));
      expect(out.map((f) => f.length)).toEqual([3, 0, 70000, 5]);
      expect(out[2]!.every((b) => b === 2)).toBe(true);
    }
  });

  it('refuses a size past the limit or negative from the prefix alone', () => {
    const s = new FrameSplitter(100);
    const big = Buffer.alloc(4);
    big.writeInt32BE(101, 0);
    expect(() => s.push(big)).toThrow(FrameSizeError);
    const neg = Buffer.alloc(4);
    neg.writeInt32BE(-5, 0);
    expect(() => new FrameSplitter(100).push(neg)).toThrow(FrameSizeError);
  });
});

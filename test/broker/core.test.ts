import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ApiKey, ErrorCode, decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/index.js';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { RawClient } from './raw-client.js';

const lines: string[] = [];
let server: RunningServer;
let port: number;

beforeAll(async () => {
  server = await serve(
    { host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: { 'socket.request.max.bytes': '1000000' } },
    { handleSignals: false, logWrite: (l) => lines.push(l) },
  );
  port = server.address.port;
  server.broker.metadata.createTopics([{ name: TOPIC, numPartitions: 1, replicationFactor: 1 }]);
  acknowledged = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('acknowledged') }]);
  const c = await RawClient.connect(port);
  const r = await c.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: acknowledged }] }] });
  expect(r.responses[0].partitionResponses[0].errorCode).toBe(0);
  c.close();
});
afterAll(() => server.close());

const TOPIC = 'acknowledged-before-bad-input';
let acknowledged: Buffer;

/** The broker answers, and what it acknowledged before the bad input is still there byte for byte. */
async function stillServes(): Promise<void> {
  const c = await RawClient.connect(port);
  const r = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
  expect(r.errorCode).toBe(0);
  const f = await c.request(ApiKey.Fetch, 12, {
    maxWaitMs: 0,
    maxBytes: 1 << 20,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
  });
  const p = f.responses[0].partitions[0];
  expect(p.errorCode).toBe(0);
  expect(p.highWatermark).toBe(1n);
  // Byte for byte from the magic byte on: the broker rewrites only base offset and partition leader epoch.
  expect(p.records.subarray(16).equals(acknowledged.subarray(16))).toBe(true);
  c.close();
}

describe('ApiVersions', () => {
  it.each([0, 1, 2, 3, 4, 5])('answers v%i with the served APIs', async (v) => {
    const c = await RawClient.connect(port);
    const r = await c.request(ApiKey.ApiVersions, v, v >= 3 ? { clientSoftwareName: 'raw', clientSoftwareVersion: '0' } : {});
    expect(r.errorCode).toBe(0);
    expect(r.apiKeys).toContainEqual(expect.objectContaining({ apiKey: 18, minVersion: 0, maxVersion: 5 }));
    c.close();
  });

  it('answers a version it does not know in v0 with UNSUPPORTED_VERSION and its list (KIP-511)', async () => {
    const c = await RawClient.connect(port);
    const frame = encodeRequestFrame({ apiKey: 18, apiVersion: 3, correlationId: 42, clientId: 'future' }, { clientSoftwareName: 'x', clientSoftwareVersion: 'y' });
    frame.writeInt16BE(77, 6);
    c.sendRaw(frame);
    const response = await c.nextFrame();
    const { correlationId, body } = decodeResponseFrame(18, 0, response!) as { correlationId: number; body: { errorCode: number; apiKeys: { apiKey: number }[] } };
    expect(correlationId).toBe(42);
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys.map((k) => k.apiKey)).toContain(18);
    c.close();
  });

  it('answers REBOOTSTRAP_REQUIRED when a v5 client meant another cluster (KIP-1242)', async () => {
    const c = await RawClient.connect(port);
    const r = await c.request(ApiKey.ApiVersions, 5, { clientSoftwareName: 'a', clientSoftwareVersion: 'b', clusterId: 'other', nodeId: 1 });
    expect(r.errorCode).toBe(ErrorCode.REBOOTSTRAP_REQUIRED);
    c.close();
  });
});

describe('bad input closes that connection, logs one line, and the broker keeps serving', () => {
  const cases: [string, (c: RawClient) => void][] = [
    ['an unknown API key', (c) => c.sendRaw(Object.assign(encodeRequestFrame({ apiKey: 18, apiVersion: 0, correlationId: 1 }, {}), {}).fill(0x10, 4, 6))],
    ['an API key Kafka removed (LeaderAndIsr)', (c) => {
      const f = encodeRequestFrame({ apiKey: 18, apiVersion: 0, correlationId: 1 }, {});
      f.writeInt16BE(4, 4);
      c.sendRaw(f);
    }],
    ['a frame larger than socket.request.max.bytes', (c) => {
      const f = Buffer.alloc(8);
      f.writeInt32BE(2_000_000, 0);
      c.sendRaw(f);
    }],
    ['a negative frame size', (c) => c.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0]))],
    ['a truncated request body', (c) => {
      const f = encodeRequestFrame({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'c' }, { clientSoftwareName: 'abc', clientSoftwareVersion: 'def' });
      const cut = f.subarray(0, f.length - 3);
      cut.writeInt32BE(cut.length - 4, 0);
      c.sendRaw(cut);
    }],
    ['garbage', (c) => {
      const g = Buffer.alloc(64, 0xab);
      g.writeInt32BE(60, 0);
      c.sendRaw(g);
    }],
  ];

  it.each(cases)('%s', async (_, send) => {
    const before = lines.length;
    const c = await RawClient.connect(port);
    send(c);
    expect(await c.nextFrame()).toBeNull();
    expect(c.closed).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.length - before).toBe(1);
    expect(lines.at(-1)).toMatch(/WARN .*closing connection/);
    await stillServes();
  });
});

describe('pipelining', () => {
  it('answers requests on one connection in order', async () => {
    const c = await RawClient.connect(port);
    const ids = Array.from({ length: 20 }, (_, i) => c.send(ApiKey.ApiVersions, i % 4, {}));
    for (let i = 0; i < ids.length; i++) {
      const { correlationId } = decodeResponseFrame(18, i % 4, (await c.nextFrame())!);
      expect(correlationId).toBe(ids[i]);
    }
    c.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorPartition, javaStringHash } from '../../src/broker/coordinators.js';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ApiKey, ErrorCode } from '../../src/protocol/index.js';
import { RawClient } from './raw-client.js';

let server: RunningServer;
beforeAll(async () => {
  server = await serve({ host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: {} }, { handleSignals: false });
});
afterAll(() => server.close());

describe('FindCoordinator', () => {
  it('hashes keys as Java String.hashCode does', () => {
    // Known values of java.lang.String#hashCode.
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('my-group-with-a-long-name-for-overflow')).toBe(
      [...'my-group-with-a-long-name-for-overflow'].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0),
    );
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
    expect(coordinatorPartition('polygenelubricants', 50)).toBe(0);
  });

  it.each([0, 1, 2, 3])('v%i answers this broker for a group and creates __consumer_offsets', async (v) => {
    const c = await RawClient.connect(server.address.port);
    const r = await c.request(ApiKey.FindCoordinator, v, { key: 'g1', keyType: 0 });
    expect(r.errorCode).toBe(0);
    expect(r.nodeId).toBe(1);
    expect(r.port).toBe(server.address.port);
    expect(server.broker.metadata.topic('__consumer_offsets')!.partitions.size).toBe(50);
    c.close();
  });

  it('v4+ batches keys, and a transaction key finds __transaction_state', async () => {
    const c = await RawClient.connect(server.address.port);
    const r = await c.request(ApiKey.FindCoordinator, 5, { keyType: 1, coordinatorKeys: ['tx-a', 'tx-b', ''] });
    expect(r.coordinators.map((x: any) => [x.key, x.errorCode, x.nodeId])).toEqual([
      ['tx-a', 0, 1],
      ['tx-b', 0, 1],
      ['', ErrorCode.INVALID_REQUEST, -1],
    ]);
    expect(server.broker.metadata.topic('__transaction_state')).toBeDefined();
    c.close();
  });

  it('v6 finds share coordinators by "group:topicId:partition" and refuses malformed keys', async () => {
    const c = await RawClient.connect(server.address.port);
    const r = await c.request(ApiKey.FindCoordinator, 6, { keyType: 2, coordinatorKeys: ['sg:AAAAAAAAAAAAAAAAAAAAAQ:0', 'nonsense'] });
    expect(r.coordinators.map((x: any) => x.errorCode)).toEqual([0, ErrorCode.INVALID_REQUEST]);
    c.close();
  });
});

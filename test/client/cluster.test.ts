import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, CoordinatorType, TopicNotFoundError } from '../../src/client/cluster.js';
import { BrokerConnection } from '../../src/client/connection.js';
import { ConnectionError } from '../../src/client/errors.js';
import { parseAddress, parseBootstrap, resolveBootstrap } from '../../src/client/addresses.js';
import { ApiKey } from '../../src/protocol/index.js';
import { getFreePort as freePort } from '../helpers/free-port.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';

describe('broker addresses', () => {
  it('parses host:port lists, IPv6 and bare hosts', () => {
    expect(parseAddress('kafka:9093')).toEqual({ host: 'kafka', port: 9093 });
    expect(parseAddress('kafka')).toEqual({ host: 'kafka', port: 9092 });
    expect(parseAddress('[::1]:19092')).toEqual({ host: '::1', port: 19092 });
    expect(parseAddress('::1')).toEqual({ host: '::1', port: 9092 });
    expect(parseBootstrap('a:1, b:2')).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 2 }]);
    expect(() => parseAddress('a:99999')).toThrow(/port/);
    expect(resolveBootstrap(undefined, { GREGOR_BROKERS: 'x:5' })).toEqual([{ host: 'x', port: 5 }]);
    expect(resolveBootstrap(undefined, {})).toEqual([{ host: 'localhost', port: 9092 }]);
    expect(resolveBootstrap('y:6', { GREGOR_BROKERS: 'x:5' })).toEqual([{ host: 'y', port: 6 }]);
  });
});

describe('cluster', () => {
  let gregor: GregorProcess;
  beforeAll(async () => {
    gregor = await startGregor(['--config', 'auto.create.topics.enable=false']);
  });
  afterAll(async () => {
    await gregor?.stop();
  });

  it('negotiates the highest common version of each API', async () => {
    const conn = await BrokerConnection.open({ host: gregor.host, port: gregor.port });
    expect(conn.brokerVersions.get(ApiKey.Metadata)!.max).toBeGreaterThanOrEqual(12);
    expect(conn.versionFor(ApiKey.Metadata)).toBe(Math.min(13, conn.brokerVersions.get(ApiKey.Metadata)!.max));
    expect(conn.versionFor(ApiKey.Fetch)).toBe(12);
    expect(conn.versionFor(ApiKey.Metadata, { maxVersion: 4 })).toBe(4);
    const md = await conn.request(ApiKey.Metadata, { topics: [] }, { version: 1 });
    expect(md.brokers.length).toBe(1);
    conn.close();
  });

  it('reads metadata, finds leaders and coordinators, and reports a missing topic', async () => {
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      const topic = uniqueName('cl');
      const created = await cluster.requestController(ApiKey.CreateTopics, {
        topics: [{ name: topic, numPartitions: 3, replicationFactor: 1 }],
        timeoutMs: 5000,
      });
      expect(created.topics[0]!.errorCode).toBe(0);
      const info = await cluster.topic(topic);
      expect(info.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      const leader = await cluster.leaderFor(topic, 2);
      expect(cluster.brokers.has(leader)).toBe(true);
      await expect(cluster.leaderFor(topic, 3)).rejects.toThrow(/has no partition 3/);
      await expect(cluster.topic(uniqueName('missing'))).rejects.toBeInstanceOf(TopicNotFoundError);
      const coordinator = await cluster.coordinator(CoordinatorType.Group, uniqueName('g'));
      expect(cluster.brokers.has(coordinator)).toBe(true);
      expect(cluster.clusterId).toMatch(/.+/);
    } finally {
      await cluster.close();
    }
  });

  it('fails with one clear line when no broker answers', async () => {
    const port = await freePort();
    const cluster = new Cluster({ brokers: `127.0.0.1:${port}`, retryDeadlineMs: 300 });
    try {
      const err = await cluster.refreshMetadata([]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as Error).message).toBe(`could not connect to 127.0.0.1:${port}: connection refused`);
    } finally {
      await cluster.close();
    }
  });

  it('gives up with the class and code of the error, without changing an error other requests share', async () => {
    const cluster = new Cluster({ brokers: gregor.bootstrap, retryDeadlineMs: 250, retryBackoffMs: 50 });
    try {
      const shared = new ConnectionError('connection to x closed', 'x');
      const first = await cluster.retry('fetching', () => Promise.reject(shared)).catch((e: unknown) => e as Error);
      const second = await cluster.retry('fetching', () => Promise.reject(shared)).catch((e: unknown) => e as Error);
      expect(shared.message).toBe('connection to x closed');
      for (const err of [first, second]) {
        expect(err).toBeInstanceOf(ConnectionError);
        expect(err.message).toMatch(/^fetching: connection to x closed \(gave up after \d+ attempts\)$/);
        expect(err.cause).toBe(shared);
      }
    } finally {
      await cluster.close();
    }
  });

  it('reconnects after the broker restarts on the same port', async () => {
    const port = await freePort();
    let g = await startGregor(['--port', String(port)]);
    const cluster = new Cluster({ brokers: `127.0.0.1:${port}` });
    try {
      await cluster.refreshMetadata([]);
      await g.stop();
      g = await startGregor(['--port', String(port)]);
      const md = await cluster.retry('metadata', () => cluster.refreshMetadata([]));
      expect(md.brokers.length).toBe(1);
    } finally {
      await cluster.close();
      await g.stop();
    }
  });
});

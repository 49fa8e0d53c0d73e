/**
 * Produce, Fetch and ListOffsets proven with a client gregor didn't write: kafkajs 2.2.4's producer sends
 * 1,000 records (keys, values, headers, timestamps, two codecs); kafkajs's admin lists offsets (latest,
 * earliest, by timestamp); kafkajs's own broker API fetches them back (kafkajs's consumer needs groups).
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { startGregor } from '../helpers/gregor-server.js';
import { createTopic, startBroker, uniqueName } from './data-helpers.js';

const require = createRequire(import.meta.url);
const { Kafka, CompressionTypes, logLevel } = require('kafkajs');

let server: RunningServer;

beforeAll(async () => {
  server = await startBroker();
});
afterAll(() => server.close());

function client() {
  return new Kafka({ clientId: 'gregor-data-test', brokers: [`127.0.0.1:${server.address.port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
}

describe('kafkajs 2.2.4 end to end', () => {
  it('produces 1,000 records, lists their offsets and fetches them back intact', async () => {
    const { name: topic } = createTopic(server, 'kjs-e2e', { partitions: 3 });
    const kafka = client();
    const T0 = Date.now() - 60_000;
    const sent = Array.from({ length: 1000 }, (_, i) => ({
      partition: i % 3,
      key: i % 10 === 0 ? null : `key-${i}`,
      value: `value ${i} `.repeat(1 + (i % 5)),
      timestamp: String(T0 + i),
      headers: i % 4 === 0 ? { h1: `h-${i}`, trace: Buffer.from([i & 0xff, 1, 2]) } : {},
    }));

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let b = 0; b < 10; b++) {
      const acks = b % 3 === 0 ? 1 : -1;
      const compression = b % 2 === 0 ? CompressionTypes.None : CompressionTypes.GZIP;
      const meta = await producer.send({ topic, acks, compression, messages: sent.slice(b * 100, (b + 1) * 100) });
      for (const m of meta) expect(m.errorCode).toBe(0);
    }
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    const byPartition = Object.fromEntries(offsets.map((o: any) => [o.partition, o]));
    expect([0, 1, 2].map((p) => [byPartition[p].low, byPartition[p].high])).toEqual([
      ['0', '334'],
      ['0', '333'],
      ['0', '333'],
    ]);
    // Record i sits in partition i % 3 at offset floor(i / 3); its timestamp is T0 + i.
    const byTs = await admin.fetchTopicOffsetsByTimestamp(topic, T0 + 500);
    const tsOffsets = Object.fromEntries(byTs.map((o: any) => [o.partition, o.offset]));
    // First record with timestamp ≥ T0+500 in partition p: the smallest i ≥ 500 with i % 3 = p.
    expect([0, 1, 2].map((p) => tsOffsets[p])).toEqual([0, 1, 2].map((p) => String(Math.floor((500 + ((p - (500 % 3) + 3) % 3)) / 3))));
    await admin.disconnect();

    // kafkajs's broker API (what its consumer uses under the hood): Fetch until the high watermark.
    const createCluster = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')!;
    const cluster = (kafka as any)[createCluster]({ metadataMaxAge: 60_000 });
    await cluster.connect();
    await cluster.addTargetTopic(topic);
    const broker = await cluster.findBroker({ nodeId: String(server.broker.config.nodeId) });
    const received: any[] = [];
    const next = [0, 0, 0];
    for (let round = 0; round < 50 && received.length < 1000; round++) {
      const r = await broker.fetch({
        replicaId: -1,
        isolationLevel: 1,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 20_000,
        topics: [{ topic, partitions: [0, 1, 2].map((p) => ({ partition: p, fetchOffset: String(next[p]), maxBytes: 8000 })) }],
      });
      for (const t of r.responses) {
        for (const p of t.partitions) {
          expect(p.errorCode).toBe(0);
          for (const m of p.messages) {
            if (Number(m.offset) < next[p.partition]!) continue;
            received.push({ partition: p.partition, ...m });
            next[p.partition] = Number(m.offset) + 1;
          }
        }
      }
    }
    await cluster.disconnect();
    expect(next).toEqual([334, 333, 333]);
    expect(received).toHaveLength(1000);
    for (const m of received) {
      const i = Number(m.offset) * 3 + m.partition;
      const s = sent[i]!;
      expect(m.key === null ? null : m.key.toString()).toBe(s.key);
      expect(m.value.toString()).toBe(s.value);
      expect(m.timestamp).toBe(s.timestamp);
      const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, (v as Buffer).toString('hex')]));
      const want = Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, Buffer.from(v as string | Buffer).toString('hex')]));
      expect(headers).toEqual(want);
    }
  });

  it('the real `gregor serve` binary: kafkajs creates a topic, produces, lists offsets, reads a timestamp back', async () => {
    const gregor = await startGregor();
    try {
      const kafka = new Kafka({ clientId: 'gregor-data-bin', brokers: [gregor.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
      const admin = kafka.admin();
      await admin.connect();
      const topic = uniqueName('kjs-bin');
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      const producer = kafka.producer();
      await producer.connect();
      const T0 = Date.now() - 10_000;
      await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: String(T0 + i * 10) })) });
      await producer.disconnect();
      expect(await admin.fetchTopicOffsets(topic)).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '20' })]);
      expect(await admin.fetchTopicOffsetsByTimestamp(topic, T0 + 55)).toEqual([{ partition: 0, offset: '6' }]);
      await admin.disconnect();
    } finally {
      await gregor.stop();
    }
  });
});

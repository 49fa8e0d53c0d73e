// The broker runs retention on its own, every log.retention.check.interval.ms, as Kafka's log manager does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { RawClient, batch, createTopic, produce, startBroker } from './data-helpers.js';

let server: RunningServer;
let client: RawClient;

beforeAll(async () => {
  server = await startBroker({ 'log.retention.check.interval.ms': '50' });
  client = await RawClient.connect(server.address.port);
});
afterAll(async () => {
  client.close();
  await server.close();
});

async function earliest(topic: string): Promise<bigint> {
  const r = await client.request(2, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -2n }] }],
  });
  return r.topics[0].partitions[0].offset;
}

it('deletes segments past retention.ms without being asked', async () => {
  const { name } = createTopic(server, 'retention-task', { configs: { 'retention.ms': '300', 'segment.ms': '1' } });
  const old = Date.now() - 10_000;
  expect((await produce(client, name, 0, batch([{ key: 'a', value: 'old', timestamp: old }]))).errorCode).toBe(0);
  await new Promise((r) => setTimeout(r, 20));
  // The second batch rolls the segment (segment.ms elapsed): the first segment is now closed and past retention.
  expect((await produce(client, name, 0, batch([{ key: 'b', value: 'new' }]))).errorCode).toBe(0);
  const deadline = Date.now() + 5_000;
  while ((await earliest(name)) === 0n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(await earliest(name)).toBe(1n);
});

/**
 * The classic group protocol driven by a client gregor didn't write: three kafkajs 2.2.4 consumers in one group
 * on a 6-partition topic each get 2 partitions (JoinGroup, SyncGroup with kafkajs's own assignor, Heartbeat,
 * OffsetCommit/OffsetFetch), consume what was produced, and a leaving consumer's partitions move to the others.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { createTopic, startBroker, uniqueName } from './data-helpers.js';
import { eventually } from './groups-classic-helpers.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

let server: RunningServer;
beforeAll(async () => {
  server = await startBroker();
});
afterAll(() => server.close());

describe('kafkajs consumer group', () => {
  it('3 consumers share 6 partitions 2 each, consume everything, and rebalance when one leaves', async () => {
    const { name: topic } = createTopic(server, 'kjs-group', { partitions: 6 });
    const groupId = uniqueName('kjs-group');
    const kafka = new Kafka({ clientId: 'gregor-group-test', brokers: [`127.0.0.1:${server.address.port}`], logLevel: logLevel.NOTHING });

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ partition: i % 6, value: `v${i}` })) });
    await producer.disconnect();

    const assigned = new Map<number, number[]>();
    const seen = new Set<string>();
    const consumers = [0, 1, 2].map((i) => {
      // Short fetch waits: kafkajs notices a rebalance (a heartbeat error) only between fetches.
      const c = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 200, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
      c.on(c.events.GROUP_JOIN, (e: any) => assigned.set(i, (e.payload.memberAssignment[topic] ?? []).slice().sort()));
      return c;
    });
    try {
      for (const c of consumers) {
        await c.connect();
        await c.subscribe({ topic, fromBeginning: true });
      }
      await Promise.all(consumers.map((c) => c.run({ eachMessage: async ({ message }: any) => void seen.add(message.value.toString()) })));

      await eventually(() => {
        const all = [...assigned.values()];
        return all.length === 3 && all.every((p) => p.length === 2) && new Set(all.flat()).size === 6;
      }, 30_000);
      await eventually(() => seen.size === 60, 20_000);

      const group = server.broker.groups.group(groupId)!;
      expect(group.stateName()).toBe('Stable');
      expect(group.describe().members).toHaveLength(3);

      // One consumer leaves (LeaveGroup): the other two take over its partitions, 3 each.
      await consumers[2]!.disconnect();
      assigned.delete(2);
      await eventually(() => {
        const all = [assigned.get(0) ?? [], assigned.get(1) ?? []];
        return all.every((p) => p.length === 3) && new Set(all.flat()).size === 6;
      }, 30_000);
      expect(group.describe().members).toHaveLength(2);
    } finally {
      for (const c of consumers) await c.disconnect().catch(() => {});
    }
    expect(server.broker.groups.group(groupId)!.stateName()).toBe('Empty');
  }, 90_000);
});

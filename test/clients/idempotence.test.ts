/**
 * Idempotent producers of every client here that has one, against a real `gregor serve`: kafkajs
 * (`idempotent: true`), @platformatic/kafka (`idempotent: true`, Node 22), confluent-kafka and kcat
 * (librdkafka 2.0.2, `enable.idempotence`). kafka-python 2.0.2 has no idempotent producer.
 *
 * Each sends 500 records to one partition; the log must hold exactly those, in order, every batch carrying the
 * producer id InitProducerId handed out (epoch 0) with sequences that run 0..499 without a gap, and
 * DescribeProducers must show that producer with last sequence 499. Reads are raw Fetches (RawClient), so the
 * check does not depend on any client's consumer.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, debianPythonEnv } from '../helpers/debian-clients.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { runWithNode22 } from '../helpers/node22.js';
import { RawClient } from '../broker/raw-client.js';
import { require } from './drivers.js';
import { createTopics, need } from './suite.js';
import { HERE, run } from './support.js';

const COUNT = 500;

let gregor: GregorProcess;
let raw: RawClient;

beforeAll(async () => {
  gregor = await startGregor();
  raw = await RawClient.connect(gregor.port);
});
afterAll(async () => {
  raw?.close();
  await gregor?.stop();
});

/** Everything in partition 0 of `topic`, batch by batch (header fields) and record by record. */
async function readLog(topic: string) {
  const log = await raw.readPartition(topic, 0);
  return {
    batches: log.map(({ header: h, records }) => ({ producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, count: records.length })),
    values: log.flatMap(({ records }) => records.map((x) => x.value!.toString())),
  };
}

/** The checks every client's run must pass. */
async function expectIdempotentLog(topic: string) {
  const { batches, values } = await readLog(topic);
  expect(values).toEqual(Array.from({ length: COUNT }, (_, i) => `v${i}`));
  const producerId = batches[0]!.producerId;
  expect(producerId).toBeGreaterThanOrEqual(0n);
  let seq = 0;
  for (const b of batches) {
    expect(b).toMatchObject({ producerId, producerEpoch: 0, baseSequence: seq });
    seq += b.count;
  }
  const d = await raw.request(61, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
  expect(d.topics[0].partitions[0].activeProducers).toEqual([
    expect.objectContaining({ producerId, producerEpoch: 0, lastSequence: COUNT - 1, currentTxnStartOffset: -1n }),
  ]);
}

describe('idempotent producers', () => {
  it('[idempotent] kafkajs (idempotent: true)', async () => {
    const topic = uniqueName('idem-kafkajs');
    await createTopics(gregor.bootstrap, [topic]);
    const kafkajs = require('kafkajs');
    const kafka = new kafkajs.Kafka({ clientId: 'gregor-idempotence', brokers: [gregor.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let sent = 0; sent < COUNT; sent += 50) {
        const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${sent + i}`, value: `v${sent + i}`, partition: 0 }));
        await producer.send({ topic, acks: -1, messages });
      }
    } finally {
      await producer.disconnect();
    }
    await expectIdempotentLog(topic);
  });

  it('[idempotent] @platformatic/kafka (idempotent: true)', async () => {
    const topic = uniqueName('idem-platformatic');
    await createTopics(gregor.bootstrap, [topic]);
    const res = await runWithNode22(join(HERE, 'idempotent-platformatic.mjs'), [], {
      input: JSON.stringify({ bootstrap: gregor.bootstrap, topic, count: COUNT, perSend: 40 }),
      timeoutMs: 90_000,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim().split('\n').pop()!)).toEqual({ sent: COUNT });
    await expectIdempotentLog(topic);
  });

  describe('librdkafka', () => {
    it('[idempotent] confluent-kafka (enable.idempotence)', async (ctx) => {
      need('confluent-kafka', ctx);
      const topic = uniqueName('idem-confluent');
      await createTopics(gregor.bootstrap, [topic]);
      const res = await run(DEBIAN_PYTHON, [join(HERE, 'py', 'idempotent_confluent.py')], {
        input: JSON.stringify({ bootstrap: gregor.bootstrap, topic, count: COUNT }),
        timeoutMs: 60_000,
        env: debianPythonEnv(),
      });
      expect(res.code, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
      expect(out).toMatchObject({ sent: COUNT, errors: [], left: 0 });
      expect(out.offsets).toEqual(Array.from({ length: COUNT }, (_, i) => i));
      await expectIdempotentLog(topic);
    });

    it('[idempotent] kcat (-X enable.idempotence=true)', async (ctx) => {
      need('kcat', ctx);
      const topic = uniqueName('idem-kcat');
      await createTopics(gregor.bootstrap, [topic]);
      const lines = Array.from({ length: COUNT }, (_, i) => `k${i}\tv${i}`);
      const res = await run('kcat', ['-b', gregor.bootstrap, '-P', '-t', topic, '-p', '0', '-K', '\t', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'], {
        input: `${lines.join('\n')}\n`,
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).not.toMatch(/ERROR|fatal/i);
      await expectIdempotentLog(topic);
    });
  });
});

// @platformatic/kafka consumers with groupProtocol 'consumer' (KIP-848) against gregor, run under Node 22 by
// runWithNode22. One JSON command on stdin ({ bootstrap, topic, groupId, batches }), one JSON report on stdout:
// the assignments seen, and every record each consumer received.
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

const { bootstrap, topic, groupId, batch } = JSON.parse(await readStdin());
const CLIENT = { bootstrapBrokers: [bootstrap], retries: 5, retryDelay: 200, timeout: 20_000 };
const seen = []; // [consumer, key, partition, offset]
const events = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

const producer = new Producer({ ...CLIENT, clientId: 'kip848-producer', serializers: stringSerializers });
let produced = 0;
async function produce(n) {
  const messages = [];
  for (let i = 0; i < n; i++, produced++) messages.push({ topic, key: `r${produced}`, value: `v${produced}`, partition: produced % 6 });
  await producer.send({ messages });
}

const consumers = new Map();
async function start(name) {
  const consumer = new Consumer({
    ...CLIENT,
    clientId: name,
    groupId,
    groupProtocol: 'consumer',
    deserializers: stringDeserializers,
    maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: 100 });
  stream.on('data', (m) => seen.push([name, m.key, m.partition, Number(m.offset)]));
  stream.on('error', (e) => events.push(`${name} stream error: ${e.message}`));
  consumers.set(name, { consumer, stream });
  return consumer;
}

async function stop(name) {
  const { consumer } = consumers.get(name);
  consumers.delete(name);
  await consumer.close(true);
}

const partitionsOf = (c) => (c.assignments ?? []).filter((a) => a.topic === topic).flatMap((a) => a.partitions).sort((x, y) => x - y);

/** Waits until the running consumers hold `each` partitions each (null: at least one), disjoint, covering all 6. */
async function settled(each, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = [...consumers].map(([name, { consumer }]) => [name, partitionsOf(consumer)]);
    const all = now.flatMap(([, ps]) => ps);
    if (now.every(([, ps]) => (each === null ? ps.length > 0 : ps.length === each)) && all.length === 6 && new Set(all).size === 6) {
      // A fetch a member sent before it gave a partition up may still be in flight (long poll, maxWaitTime):
      // the client does not wait for it before acknowledging the revocation, so let it finish before producing.
      await sleep(1000);
      return Object.fromEntries(now);
    }
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(now)}`);
    await sleep(100);
  }
}

async function consumedAll(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (new Set(seen.map((s) => s[1])).size < produced) {
    if (Date.now() > deadline) throw new Error(`consumed ${new Set(seen.map((s) => s[1])).size} of ${produced}`);
    await sleep(100);
  }
}

const report = { steps: {} };
try {
  await produce(batch);
  await start('c1');
  await start('c2');
  await start('c3');
  report.steps.threeMembers = await settled(2);
  await consumedAll();
  await produce(batch);
  // A fourth member joins mid-stream, then leaves again.
  await start('c4');
  report.steps.fourMembers = await settled(null);
  await produce(batch);
  await consumedAll();
  await sleep(500); // autocommit (every 100 ms) commits what c4 consumed; close does not commit
  await stop('c4');
  report.steps.afterLeave = await settled(2);
  await produce(batch);
  await consumedAll();
  await sleep(300); // a late duplicate would show up here
} catch (e) {
  report.error = String(e?.stack ?? e);
} finally {
  for (const name of [...consumers.keys()]) await stop(name).catch((e) => events.push(`close ${name}: ${e.message}`));
  await producer.close();
}
report.produced = produced;
report.seen = seen;
report.events = events;
process.stdout.write(JSON.stringify(report));

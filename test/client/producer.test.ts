/**
 * The producer against a real gregor: what it writes is read back raw (batch headers: producer id, sequences,
 * codec) and by kcat; delivery reports give the offsets the log has; a connection dropped mid-stream is retried
 * with the same sequences and leaves each record in the log exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, TopicNotFoundError } from '../../src/client/cluster.js';
import { KafkaError } from '../../src/client/errors.js';
import { partitionForKey } from '../../src/client/partitioner.js';
import { Producer, type DeliveryReport, type ProducerOptions } from '../../src/client/producer.js';
import { ApiKey, ErrorCode } from '../../src/protocol/index.js';
import { COMPRESSION_NAMES, CompressionType } from '../../src/protocol/records/index.js';
import { RawClient } from '../broker/raw-client.js';
import { requireClient } from '../helpers/debian-clients.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { createTopics } from '../clients/suite.js';
import { run } from '../clients/support.js';

let gregor: GregorProcess;
let raw: RawClient;
const clusters: Cluster[] = [];

beforeAll(async () => {
  gregor = await startGregor(['--config', 'auto.create.topics.enable=false']);
  raw = await RawClient.connect(gregor.port);
});
afterAll(async () => {
  raw?.close();
  await Promise.all(clusters.map((c) => c.close()));
  await gregor?.stop();
});

function cluster(): Cluster {
  const c = new Cluster({ brokers: gregor.bootstrap, retryDeadlineMs: 10_000 });
  clusters.push(c);
  return c;
}

function producer(options: ProducerOptions = {}): { p: Producer; reports: DeliveryReport[]; c: Cluster } {
  const reports: DeliveryReport[] = [];
  const c = cluster();
  return { p: new Producer(c, options, (r) => reports.push(r)), reports, c };
}

interface LoggedBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  baseOffset: bigint;
  codec: number;
  records: { offset: bigint; key: string | null; value: string | null; headers: [string, string | null][] }[];
}

/** Every batch of one partition, read with raw Fetches. */
async function readLog(topic: string, partition: number): Promise<LoggedBatch[]> {
  return (await raw.readPartition(topic, partition)).map(({ header: h, records }) => ({
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    baseOffset: h.baseOffset,
    codec: h.attributes & 7,
    records: records.map((x) => ({
      offset: x.offset,
      key: x.key?.toString() ?? null,
      value: x.value?.toString() ?? null,
      headers: x.headers.map((hd) => [hd.key, hd.value?.toString() ?? null] as [string, string | null]),
    })),
  }));
}

const enc = (s: string) => Buffer.from(s);

describe('producer', () => {
  it('sends keyed records to murmur2 partitions and reports the offsets the log has', async () => {
    const topic = uniqueName('prod-keys');
    await createTopics(gregor.bootstrap, [topic], 3);
    const { p, reports } = producer();
    for (let i = 0; i < 300; i++) {
      const w = p.send({ topic, key: enc(`k${i % 30}`), value: enc(`v${i}`), headers: [{ key: 'i', value: enc(String(i)) }] });
      if (w) await w;
    }
    await p.close();
    expect(reports.every((r) => r.error === undefined)).toBe(true);
    expect(reports.reduce((n, r) => n + r.count, 0)).toBe(300);
    const seen = new Map<string, { partition: number; offset: bigint }>();
    for (let partition = 0; partition < 3; partition++) {
      for (const b of await readLog(topic, partition)) {
        for (const r of b.records) {
          expect(partitionForKey(enc(r.key!), 3)).toBe(partition);
          expect(r.headers).toEqual([['i', r.value!.slice(1)]]);
          seen.set(r.value!, { partition, offset: r.offset });
        }
      }
    }
    expect(seen.size).toBe(300);
    // Per partition, records keep the order they were sent in.
    for (let partition = 0; partition < 3; partition++) {
      const values = [...seen].filter(([, v]) => v.partition === partition).sort((a, b) => Number(a[1].offset - b[1].offset)).map(([k]) => Number(k.slice(1)));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    // The reports' base offsets and counts cover exactly the log's offsets.
    const reported = new Set<string>();
    for (const r of reports) for (let i = 0; i < r.count; i++) reported.add(`${r.partition}@${r.baseOffset + BigInt(i)}`);
    expect(reported).toEqual(new Set([...seen.values()].map((v) => `${v.partition}@${v.offset}`)));
  });

  it('is idempotent by default: producer id, epoch and gap-free sequences per partition, as DescribeProducers shows', async () => {
    const topic = uniqueName('prod-idem');
    await createTopics(gregor.bootstrap, [topic], 1);
    const { p } = producer({ batchSize: 2000, lingerMs: 0 });
    for (let i = 0; i < 2000; i++) {
      const w = p.send({ topic, partition: 0, key: null, value: enc(`value-${i}`) });
      if (w) await w;
    }
    await p.close();
    const log = await readLog(topic, 0);
    expect(log.length).toBeGreaterThan(5);
    const producerId = log[0]!.producerId;
    expect(producerId).toBeGreaterThanOrEqual(0n);
    let seq = 0;
    for (const b of log) {
      expect(b).toMatchObject({ producerId, producerEpoch: 0, baseSequence: seq });
      seq += b.records.length;
    }
    expect(seq).toBe(2000);
    const d = await raw.request(61, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
    expect(d.topics[0].partitions[0].activeProducers).toEqual([expect.objectContaining({ producerId, producerEpoch: 0, lastSequence: 1999 })]);
  });

  it('retries batches whose connection dropped with the same sequences: each record once, in order', async () => {
    const topic = uniqueName('prod-retry');
    await createTopics(gregor.bootstrap, [topic], 1);
    const { p, c } = producer({ batchSize: 4000, lingerMs: 0, retryBackoffMs: 20 });
    const count = 30_000;
    for (let i = 0; i < count; i++) {
      const w = p.send({ topic, partition: 0, value: enc(`r${i}`) });
      if (w) await w;
      if (i % 7000 === 3500) (await c.connectionTo(c.topics.get(topic)!.partitions[0]!.leader)).close();
    }
    await p.close();
    expect(p.retries).toBeGreaterThan(0);
    const log = await readLog(topic, 0);
    const values = log.flatMap((b) => b.records.map((r) => r.value));
    expect(values).toEqual(Array.from({ length: count }, (_, i) => `r${i}`));
    let seq = 0;
    for (const b of log) {
      expect(b.baseSequence).toBe(seq);
      seq += b.records.length;
    }
  });

  it('acks=1 and acks=0 turn idempotence off, as Java does when it was not asked for', async () => {
    const topic = uniqueName('prod-acks');
    await createTopics(gregor.bootstrap, [topic], 1);
    for (const acks of [1, 0] as const) {
      const { p, reports } = producer({ acks });
      for (let i = 0; i < 10; i++) p.send({ topic, partition: 0, value: enc(`a${acks}-${i}`) });
      await p.close();
      expect(reports.reduce((n, r) => n + r.count, 0)).toBe(10);
      if (acks === 0) expect(reports.every((r) => r.baseOffset === -1n)).toBe(true);
      else expect(reports[0]!.baseOffset).toBe(0n);
    }
    const log = await readLog(topic, 0);
    expect(log.flatMap((b) => b.records.map((r) => r.value))).toEqual([...Array.from({ length: 10 }, (_, i) => `a1-${i}`), ...Array.from({ length: 10 }, (_, i) => `a0-${i}`)]);
    expect(log.every((b) => b.producerId === -1n && b.baseSequence === -1)).toBe(true);
    expect(() => new Producer(cluster(), { acks: 1, idempotent: true })).toThrow(/acks=all/);
  });

  it('compresses with every codec; kcat reads each back', async (ctx) => {
    requireClient('kcat', ctx);
    const topic = uniqueName('prod-codecs');
    await createTopics(gregor.bootstrap, [topic], 5);
    const codecs = [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD];
    for (const compression of codecs) {
      const { p } = producer({ compression });
      for (let i = 0; i < 200; i++) p.send({ topic, partition: compression, key: enc(`k${i}`), value: enc(`${COMPRESSION_NAMES[compression]}-${i}-${'abc'.repeat(i % 20)}`) });
      await p.close();
      const log = await readLog(topic, compression);
      expect(log.every((b) => b.codec === compression)).toBe(true);
    }
    const res = await run('kcat', ['-C', '-e', '-q', '-b', gregor.bootstrap, '-t', topic, '-f', '%p|%k|%s\n']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1000);
    for (const compression of codecs) {
      const mine = lines.filter((l) => l.startsWith(`${compression}|`));
      expect(mine).toEqual(Array.from({ length: 200 }, (_, i) => `${compression}|k${i}|${COMPRESSION_NAMES[compression]}-${i}-${'abc'.repeat(i % 20)}`));
    }
  });

  it('splits a batch the topic finds too large (max.message.bytes), keeping order and sequences', async () => {
    const topic = uniqueName('prod-split');
    await createTopics(gregor.bootstrap, [topic], 1, { 'max.message.bytes': '3000' });
    const { p, reports } = producer({ lingerMs: 50 });
    for (let i = 0; i < 200; i++) p.send({ topic, partition: 0, value: enc(`${i}`.padStart(100, '.')) });
    await p.close();
    expect(reports.every((r) => r.error === undefined)).toBe(true);
    const log = await readLog(topic, 0);
    expect(log.length).toBeGreaterThan(5);
    expect(log.flatMap((b) => b.records.map((r) => Number(r.value!.replace(/^\.+/, ''))))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    let seq = 0;
    for (const b of log) {
      expect(b.baseSequence).toBe(seq);
      seq += b.records.length;
    }
  });

  it('waits for memory (buffer.memory) instead of queuing without bound', async () => {
    const topic = uniqueName('prod-memory');
    await createTopics(gregor.bootstrap, [topic], 1);
    const { p, reports } = producer({ bufferMemory: 64 * 1024, batchSize: 16 * 1024 });
    let waits = 0;
    const value = Buffer.alloc(1000, 'm');
    for (let i = 0; i < 3000; i++) {
      const w = p.send({ topic, value });
      if (w) {
        waits++;
        await w;
      }
    }
    await p.close();
    expect(waits).toBeGreaterThan(10);
    expect(reports.reduce((n, r) => n + r.count, 0)).toBe(3000);
  });

  it('fails cleanly: unknown topic, partition out of range, a record larger than the topic allows', async () => {
    const { p } = producer();
    await expect(p.prepare(uniqueName('nope'))).rejects.toThrow(TopicNotFoundError);
    const topic = uniqueName('prod-small');
    await createTopics(gregor.bootstrap, [topic], 2, { 'max.message.bytes': '2000' });
    await p.prepare(topic);
    expect(() => p.send({ topic, partition: 2, value: enc('x') })).toThrow('partition 2 is out of range: topic "' + topic + '" has 2 partitions');
    p.send({ topic, partition: 0, value: Buffer.alloc(5000, 'x') });
    const err = await p.flush().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaError);
    expect((err as KafkaError).code).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect((err as Error).message).toMatch(new RegExp(`^producing to topic "${topic}" partition 0: `));
    expect(() => p.send({ topic, partition: 1, value: enc('later') })).toThrow(KafkaError);
  });

  it('gives up with the connection error once delivery.timeout.ms is over when the broker goes away', async () => {
    const other = await startGregor();
    const c = new Cluster({ brokers: other.bootstrap, retryDeadlineMs: 1000 });
    clusters.push(c);
    const p = new Producer(c, { deliveryTimeoutMs: 1500, requestTimeoutMs: 1000 });
    const topic = uniqueName('prod-gone');
    await p.prepare(topic);
    await other.stop();
    p.send({ topic, value: enc('lost') });
    const started = Date.now();
    const err = await p.flush().then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^could not connect to .*: connection refused \(gave up after \d+ attempts?\)$/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('says "gave up" once when one dropped connection fails batches of several partitions, keeping the cause', async () => {
    const other = await startGregor(['--config', 'num.partitions=3']);
    const c = new Cluster({ brokers: other.bootstrap, retryDeadlineMs: 1000 });
    clusters.push(c);
    const reports: DeliveryReport[] = [];
    const p = new Producer(c, { deliveryTimeoutMs: 1500, requestTimeoutMs: 1000 }, (r) => reports.push(r));
    const topic = uniqueName('prod-gone-many');
    await p.prepare(topic);
    await other.stop();
    for (let partition = 0; partition < 3; partition++) for (let i = 0; i < 3; i++) p.send({ topic, partition, value: enc(`v${i}`) });
    const err = await p.flush().then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^could not connect to .*: connection refused \(gave up after \d+ attempts?\)$/);
    expect((err?.cause as Error | undefined)?.message).toMatch(/^could not connect to .*: connection refused$/);
    // A second look finds the same text: nothing appended to a shared error.
    expect(await p.flush().then(() => undefined, (e: unknown) => (e as Error).message)).toBe(err?.message);
    for (const r of reports) expect(r.error?.message.match(/gave up/g)?.length ?? 0, r.error?.message).toBeLessThanOrEqual(1);
    expect(reports.reduce((n, r) => n + r.count, 0)).toBe(9);
  });

  it('takes the record object into its batch, stamping the send time on a record without one', async () => {
    const topic = uniqueName('prod-stamp');
    await createTopics(gregor.bootstrap, [topic], 1);
    const { p } = producer();
    await p.prepare(topic);
    const before = Date.now();
    const record = { topic, value: enc('x') } as { topic: string; value: Buffer; timestamp?: number; partition?: number };
    p.send(record);
    expect(record.partition).toBe(0);
    expect(record.timestamp).toBeGreaterThanOrEqual(before);
    await p.close();
    const [batch] = await readLog(topic, 0);
    expect(batch?.records.map((r) => r.value)).toEqual(['x']);
  });

  it('sends only Produce v3+ (magic 2) and lets the connection pick the version', async () => {
    const c = cluster();
    const conn = await c.anyConnection();
    expect(conn.versionFor(ApiKey.Produce, { minVersion: 3 })).toBeGreaterThanOrEqual(3);
  });
});

/**
 * Compression across clients: each codec written by one client and read by another, against a real `gregor
 * serve` with a data dir, so the test also checks the stored batches carry the writer's codec (gregor stores
 * batches as sent). kafkajs has no zstd; kcat's -H headers are the same on every record and it cannot set
 * timestamps, so its records carry one header and CreateTime stamps.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientName } from '../helpers/debian-clients.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { kafkajsDriver, kcatDriver } from './drivers.js';
import { createTopics, need } from './suite.js';
import { confluentDriver, firstMismatch, kafkaPythonDriver, makeRecords, platformaticDriver, reportOffsets, type Driver, type Rec } from './support.js';

type Codec = 'gzip' | 'snappy' | 'lz4' | 'zstd';
const CODEC_ID: Record<Codec, number> = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
type Client = 'kafkajs' | 'platformatic' | 'kcat' | 'confluent-kafka' | 'kafka-python';

const NEEDS: Record<Client, ClientName[]> = {
  kafkajs: [],
  platformatic: [],
  kcat: ['kcat'],
  'confluent-kafka': ['confluent-kafka'],
  'kafka-python': ['kafka-python', 'python-snappy', 'python-lz4', 'python-zstandard'],
};

function driverFor(c: Client, bootstrap: string): Driver {
  switch (c) {
    case 'kafkajs':
      return kafkajsDriver(bootstrap);
    case 'platformatic':
      return platformaticDriver(bootstrap);
    case 'kcat':
      return kcatDriver(bootstrap);
    case 'confluent-kafka':
      return confluentDriver(bootstrap);
    case 'kafka-python':
      return kafkaPythonDriver(bootstrap);
  }
}

const CASES: [Client, Codec, Client][] = [
  ['kcat', 'gzip', 'confluent-kafka'],
  ['kcat', 'snappy', 'kafka-python'],
  ['kcat', 'lz4', 'kafka-python'],
  ['kcat', 'zstd', 'platformatic'],
  ['kafkajs', 'gzip', 'kcat'],
  ['kafkajs', 'snappy', 'kcat'],
  ['kafkajs', 'lz4', 'kcat'],
  ['platformatic', 'zstd', 'confluent-kafka'],
  ['platformatic', 'snappy', 'kafkajs'],
  ['platformatic', 'lz4', 'kafka-python'],
  ['platformatic', 'gzip', 'kafka-python'],
  ['confluent-kafka', 'zstd', 'kafka-python'],
  ['confluent-kafka', 'lz4', 'kafkajs'],
  ['confluent-kafka', 'snappy', 'platformatic'],
  ['kafka-python', 'gzip', 'platformatic'],
  ['kafka-python', 'zstd', 'kcat'],
  ['kafka-python', 'lz4', 'confluent-kafka'],
  ['kafka-python', 'snappy', 'kafkajs'],
];

/** The compression codec of every record batch in a stored segment (attributes & 7, at byte 21 of each batch). */
function storedCodecs(file: string): number[] {
  const buf = readFileSync(file);
  const codecs: number[] = [];
  for (let pos = 0; pos + 61 <= buf.length; ) {
    const length = buf.readInt32BE(pos + 8);
    codecs.push(buf.readInt16BE(pos + 21) & 7);
    pos += 12 + length;
  }
  return codecs;
}

describe('compression across clients', () => {
  let gregor: GregorProcess | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-codecs-'));
    gregor = await startGregor(['--data-dir', dir]);
  });
  afterAll(async () => {
    await gregor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // A topic's compression.type other than "producer" is the codec Kafka stores (it recompresses what the producer
  // sent); "uncompressed" stores plain batches.
  const TOPIC_CASES: [string, Client, 'none' | Codec, Client, number][] = [
    ['gzip', 'kcat', 'none', 'confluent-kafka', 1],
    // Not kafka-python: its Fetch v4 gets UNSUPPORTED_COMPRESSION_TYPE for a zstd topic (Kafka's rule, kept by gregor).
    ['zstd', 'kafkajs', 'gzip', 'confluent-kafka', 4],
    ['uncompressed', 'confluent-kafka', 'snappy', 'kcat', 0],
  ];
  for (const [topicCodec, writer, codec, reader, stored] of TOPIC_CASES) {
    it(`[codec-topic] compression.type=${topicCodec}: ${writer} writes ${codec}, stored as ${topicCodec}, ${reader} reads`, async (ctx) => {
      for (const c of new Set([...NEEDS[writer], ...NEEDS[reader]])) need(c, ctx);
      const t = uniqueName(`codec-topic-${topicCodec}`);
      await createTopics(gregor!.bootstrap, [t], 1, { 'compression.type': topicCodec });
      let want: Rec[] = makeRecords(200, `topic-${topicCodec}`);
      if (writer === 'kcat') want = want.map((r) => ({ ...r, headers: [['h-codec', topicCodec]], timestamp: undefined }));
      reportOffsets(await driverFor(writer, gregor!.bootstrap).produce(t, want, { acks: 'all', compression: codec }));
      const got = await driverFor(reader, gregor!.bootstrap).consume(t, { count: 200 });
      expect(firstMismatch(want, got.records, 0)).toBeNull();
      const codecs = storedCodecs(join(dir, `${t}-0`, '00000000000000000000.log'));
      expect(new Set(codecs), `codec of the stored batches (topic compression.type=${topicCodec}, producer sent ${codec})`).toEqual(new Set([stored]));
    });
  }

  for (const [writer, codec, reader] of CASES) {
    it(`[codec-${codec}] ${writer} writes ${codec}, ${reader} reads`, async (ctx) => {
      for (const c of new Set([...NEEDS[writer], ...NEEDS[reader]])) need(c, ctx);
      const t = uniqueName(`codec-${codec}-${writer}`);
      await createTopics(gregor!.bootstrap, [t]);
      let want: Rec[] = makeRecords(200, `${writer}-${codec}`);
      if (writer === 'kcat') want = want.map((r) => ({ ...r, headers: [['h-codec', codec]], timestamp: undefined }));
      reportOffsets(await driverFor(writer, gregor!.bootstrap).produce(t, want, { acks: 'all', compression: codec }));
      const codecs = storedCodecs(join(dir, `${t}-0`, '00000000000000000000.log'));
      expect(codecs.length, 'stored batches').toBeGreaterThan(0);
      // librdkafka (kcat, confluent-kafka) silently sends LZ4 uncompressed unless the broker advertises
      // FindCoordinator (its "LZ4" feature test, from before Kafka 0.10): codec 0 here for them means that.
      expect(new Set(codecs), `codec of the stored batches (${codec} = ${CODEC_ID[codec]})`).toEqual(new Set([CODEC_ID[codec]]));
      const got = await driverFor(reader, gregor!.bootstrap).consume(t, { count: 200 });
      expect(got.errors, 'reader errors').toEqual([]);
      expect(firstMismatch(want, got.records, 0)).toBeNull();
    });
  }
});

/**
 * kafka-python 2.0.2 (Debian's /usr/bin/python3) against a real `gregor serve`: the common checks with the
 * protocol versions it negotiates, then `api_version=(0, 10, 1)` — Produce v2 / Fetch v3 with magic-1 message
 * sets, no headers — produced and read back (by itself and by librdkafka).
 * Reads: KafkaConsumer(group_id=None) + assign() + seek_to_beginning().
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { confluentDriver, firstMismatch, kafkaPythonDriver, makeRecords, reportOffsets } from './support.js';
import { createTopics, defineClientSuite, need, skip } from './suite.js';

defineClientSuite('kafka-python', {
  needs: ['kafka-python'],
  driver: (b) => kafkaPythonDriver(b),
  perRecordHeadersAndTimestamps: true,
  tooLarge: /"type":"MessageSizeTooLargeError","errno":10/,
  alreadyExists: /TopicAlreadyExistsError/,
  resetsOffsets: true,
  afterLastTimestamp: 'minus1', // offsets_for_times answers None; the driver prints -1
});

describe('kafka-python api_version=(0, 10, 1)', () => {
  let gregor: GregorProcess | undefined;
  let dir: string;
  beforeEach((ctx) => need('kafka-python', ctx));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gregor-legacy-'));
    gregor = await startGregor(['--data-dir', dir]);
  });
  afterAll(async () => {
    await gregor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  /** The magic byte of every stored batch (byte 16 of each, in every format). */
  const storedMagics = (t: string): number[] => {
    const buf = readFileSync(join(dir, `${t}-0`, '00000000000000000000.log'));
    const magics: number[] = [];
    for (let pos = 0; pos + 17 <= buf.length; pos += 12 + buf.readInt32BE(pos + 8)) magics.push(buf[pos + 16]!);
    return magics;
  };
  /** The codec of every stored magic-2 batch (attributes & 7). */
  const storedCodecs = (t: string): number[] => {
    const buf = readFileSync(join(dir, `${t}-0`, '00000000000000000000.log'));
    const codecs: number[] = [];
    for (let pos = 0; pos + 23 <= buf.length; pos += 12 + buf.readInt32BE(pos + 8)) codecs.push(buf.readInt16BE(pos + 21) & 7);
    return codecs;
  };

  for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
    it(`[legacy-${compression}] 300 records in magic-1 message sets (${compression}) produced and read back, also by librdkafka`, async (ctx) => {
      if (compression === 'snappy') need('python-snappy', ctx);
      if (compression === 'lz4') need('python-lz4', ctx);
      const old = kafkaPythonDriver(gregor!.bootstrap, [0, 10, 1]);
      const t = uniqueName(`kp-legacy-${compression}`);
      await createTopics(gregor!.bootstrap, [t]);
      // Message sets before magic 2 have no headers.
      const want = makeRecords(300, 'legacy').map((r) => ({ ...r, headers: [] as [string, string][] }));
      const offsets = reportOffsets(await old.produce(t, want, { acks: 'all', compression }));
      expect(offsets).toEqual(want.map((_, i) => i));
      // gregor turns v0–v2 message sets into magic-2 batches on the way in, as Kafka 3+ does (LogValidator).
      expect(new Set(storedMagics(t)), 'magic of the stored batches').toEqual(new Set([2]));
      // …keeping the producer's codec (Kafka's compression.type=producer).
      const codecId = { none: 0, gzip: 1, snappy: 2, lz4: 3 }[compression];
      expect(new Set(storedCodecs(t)), `codec of the stored batches (${compression} = ${codecId})`).toEqual(new Set([codecId]));
      const got = await old.consume(t, { count: 300 });
      expect(firstMismatch(want, got.records, 0)).toBeNull();
      const off = await old.offsets(t, 0, [want[150]!.timestamp!]);
      expect(off).toMatchObject({ earliest: 0, latest: 300 });
      expect(off.byTimestamp[0]!.offset).toBe(150);
      // A current client reads what the old one wrote.
      need('confluent-kafka', ctx);
      const modern = await confluentDriver(gregor!.bootstrap).consume(t, { count: 300 });
      expect(firstMismatch(want, modern.records, 0)).toBeNull();
    });
  }

  it('[legacy-read] kafka-python api_version=(0, 10, 1) reads what a current client wrote (record batches, magic 2)', async (ctx) => {
    need('confluent-kafka', ctx);
    const t = uniqueName('kp-legacy-read');
    await createTopics(gregor!.bootstrap, [t]);
    const want = makeRecords(300, 'modern');
    reportOffsets(await confluentDriver(gregor!.bootstrap).produce(t, want, { acks: 'all' }));
    const got = await kafkaPythonDriver(gregor!.bootstrap, [0, 10, 1]).consume(t, { count: 300 });
    // Fetch v3 gets magic-1 message sets, converted from the stored batches as Kafka does: keys, values,
    // timestamps and offsets come through, headers cannot.
    expect(firstMismatch(want, got.records, 0, { headers: false })).toBeNull();
    expect(got.records.filter((r) => r.headers.length > 0).length, 'records with headers (magic 1 has none)').toBe(0);
  });

  for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
    it(`[legacy-0.9-${compression}] api_version=(0, 9): magic-0 message sets (${compression}, no timestamps) produced and read back, also by librdkafka`, async (ctx) => {
      if (compression === 'snappy') need('python-snappy', ctx);
      if (compression === 'lz4') {
        need('python-lz4', ctx);
        // kafka-python writes magic-0 LZ4 with the old framing only with the xxhash module: without it its sender
        // thread dies and the produce times out.
        need('python-xxhash', ctx);
      }
      const old = kafkaPythonDriver(gregor!.bootstrap, [0, 9]);
      const t = uniqueName(`kp-legacy-09-${compression}`);
      await createTopics(gregor!.bootstrap, [t]);
      const want = makeRecords(200, 'v0').map((r) => ({ ...r, headers: [] as [string, string][], timestamp: undefined }));
      const offsets = reportOffsets(await old.produce(t, want, { acks: 'all', compression }));
      expect(offsets).toEqual(want.map((_, i) => i));
      expect(new Set(storedMagics(t)), 'magic of the stored batches (converted on the way in)').toEqual(new Set([2]));
      const got = await old.consume(t, { count: 200 });
      expect(firstMismatch(want, got.records, 0, { timestamps: false })).toBeNull();
      // Magic-0 LZ4 frames carry a wrong header checksum (KAFKA-3160): what is stored must be readable by others.
      need('confluent-kafka', ctx);
      const modern = await confluentDriver(gregor!.bootstrap).consume(t, { count: 200 });
      expect(firstMismatch(want, modern.records, 0, { timestamps: false }), 'read by librdkafka').toBeNull();
    });
  }
});

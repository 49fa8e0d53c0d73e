/**
 * kcat 1.7.1 (librdkafka 2.0.2, Debian) against a real `gregor serve`. kcat has no admin API (its topics are
 * created with kafkajs's admin), sets one list of headers per run (-H) and cannot choose record timestamps.
 * Reads: `kcat -C -o beginning -e -J` (librdkafka's simple consumer, no group).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { kafkajsDriver, kcatDriver } from './drivers.js';
import { createTopics, defineClientSuite, need } from './suite.js';
import { run } from './support.js';

defineClientSuite('kcat', {
  needs: ['kcat'],
  driver: kcatDriver,
  perRecordHeadersAndTimestamps: false,
  tooLarge: /Broker: Message size too large/,
  alreadyExists: false, // no admin API
  afterLastTimestamp: 'minus1',
  resetsOffsets: true,
  skip: { admin: 'kcat has no admin API (metadata only, -L -J)' },
});

/**
 * librdkafka without ApiVersions (`api.version.request=false`): the protocol versions of the broker version it
 * is told (Metadata v0, Produce v1/v2, Fetch v1/v2, ListOffsets v0 for 0.9.0; magic 0 / 1 message sets).
 */
describe('kcat with api.version.request=false', () => {
  let gregor: GregorProcess | undefined;
  beforeEach((ctx) => need('kcat', ctx));
  beforeAll(async () => {
    gregor = await startGregor();
  });
  afterAll(async () => {
    await gregor?.stop();
  });

  for (const fallback of ['0.9.0', '0.10.0'] as const) {
    for (const codec of ['gzip', 'lz4'] as const) {
      it(`[legacy-kcat-${fallback}-${codec}] broker.version.fallback=${fallback}: 100 ${codec} records produced and read back, also by kafkajs`, async () => {
        const t = uniqueName(`kcat-fallback-${fallback.replace(/\./g, '')}-${codec}`);
        await createTopics(gregor!.bootstrap, [t]);
        const old = ['-b', gregor!.bootstrap, '-m', '15', '-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`];
        const lines = Array.from({ length: 100 }, (_, i) => `key-${i}\tvalue-${i}-${'v'.repeat(i % 13)}`);
        const produced = await run('kcat', [...old, '-P', '-t', t, '-p', '0', '-K', '\\t', '-z', codec], { input: `${lines.join('\n')}\n` });
        expect(produced.code, produced.stderr).toBe(0);
        expect(produced.stderr).not.toMatch(/ERROR|failed/i);
        const read = await run('kcat', [...old, '-C', '-t', t, '-p', '0', '-o', 'beginning', '-e', '-J']);
        expect(read.code, read.stderr).toBe(0);
        const got = read.stdout.trim().split('\n').map((l) => JSON.parse(l) as { offset: number; key: string; payload: string });
        const want = lines.map((l, i) => [i, ...l.split('\t')]);
        expect(got.map((m) => [m.offset, m.key, m.payload])).toEqual(want);
        // Magic-0 LZ4 frames carry a wrong header checksum (KAFKA-3160); kafkajs-lz4 checks it, so this reads
        // what the broker stored after converting to a record batch.
        const modern = await kafkajsDriver(gregor!.bootstrap).consume(t, { count: 100 });
        expect(modern.errors, 'kafkajs errors').toEqual([]);
        expect(modern.records.map((m) => [m.offset, m.key, m.value])).toEqual(want);
      });
    }
  }
});

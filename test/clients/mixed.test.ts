/**
 * All the clients on one broker at once: five producers appending to one partition concurrently, and every
 * client reading a 3-partition topic of ~3 MB through 64 KiB fetch limits (many fetches; sessions for
 * @platformatic/kafka; partitions running dry at different times).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { kafkajsDriver, kcatDriver } from './drivers.js';
import { createTopics, need } from './suite.js';
import { confluentDriver, firstMismatch, kafkaPythonDriver, makeRecords, platformaticDriver, reportOffsets, type Driver, type Rec } from './support.js';

const CLIENTS = ['kafkajs', 'platformatic', 'kcat', 'confluent-kafka', 'kafka-python'] as const;
type Client = (typeof CLIENTS)[number];

function driverFor(c: Client, bootstrap: string): Driver {
  return { kafkajs: kafkajsDriver, platformatic: platformaticDriver, kcat: kcatDriver, 'confluent-kafka': confluentDriver, 'kafka-python': (b: string) => kafkaPythonDriver(b) }[c](bootstrap);
}

describe('all clients on one broker', () => {
  let gregor: GregorProcess | undefined;
  beforeEach((ctx) => {
    need('kcat', ctx);
    need('confluent-kafka', ctx);
    need('kafka-python', ctx);
  });
  beforeAll(async () => {
    gregor = await startGregor();
  });
  afterAll(async () => {
    await gregor?.stop();
  });

  it('[concurrent] five clients produce 3,000 records each to one partition at once: contiguous offsets, each in order', async () => {
    const t = uniqueName('concurrent');
    await createTopics(gregor!.bootstrap, [t]);
    const sets = new Map<Client, Rec[]>(
      CLIENTS.map((c) => [c, makeRecords(3000, c).map((r) => (c === 'kcat' ? { ...r, headers: [['h-run', 'kcat']] as [string, string][], timestamp: undefined } : r))]),
    );
    await Promise.all(
      CLIENTS.map(async (c) => {
        const d = driverFor(c, gregor!.bootstrap);
        for (let i = 0; i < 3000; i += 500) reportOffsets(await d.produce(t, sets.get(c)!.slice(i, i + 500), { acks: 'all' }));
      }),
    );
    const got = await confluentDriver(gregor!.bootstrap).consume(t, { count: 15_000, timeoutMs: 60_000 });
    expect(got.records.length, 'records read').toBe(15_000);
    expect(got.records.findIndex((r, i) => r.offset !== i), 'first non-contiguous offset').toBe(-1);
    for (const c of CLIENTS) {
      const mine = got.records.filter((r) => r.key!.startsWith(`key-${c}-`));
      expect(firstMismatch(sets.get(c)!, mine.map((r, i) => ({ ...r, offset: i })), 0), `${c}'s records`).toBeNull();
    }
    expect((await kafkaPythonDriver(gregor!.bootstrap).offsets(t, 0, [])).latest).toBe(15_000);
  });

  it('[restart] what kcat and kafka-python wrote survives a restart on the same data dir: confluent-kafka and kafkajs read it, offsets go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gregor-restart-'));
    try {
      const first = await startGregor(['--data-dir', dir]);
      const t = uniqueName('restart');
      const a = makeRecords(100, 'before-a').map((r) => ({ ...r, headers: [['h-run', 'kcat']] as [string, string][], timestamp: undefined }));
      const b = makeRecords(100, 'before-b');
      try {
        await createTopics(first.bootstrap, [t], 1, { 'retention.ms': '86400000' });
        reportOffsets(await kcatDriver(first.bootstrap).produce(t, a, { acks: 'all', compression: 'gzip' }));
        reportOffsets(await kafkaPythonDriver(first.bootstrap).produce(t, b, { acks: 'all' }));
      } finally {
        expect(await first.stop(), 'exit code of the first broker').toBe(0);
      }
      const second = await startGregor(['--data-dir', dir]);
      try {
        const c = makeRecords(50, 'after');
        const offsets = reportOffsets(await kafkajsDriver(second.bootstrap).produce(t, c, { acks: 'all' }));
        expect(offsets[0], 'first offset after the restart').toBe(200);
        const got = await confluentDriver(second.bootstrap).consume(t, { count: 250 });
        expect(firstMismatch([...a, ...b, ...c], got.records, 0)).toBeNull();
        const md = await kafkajsDriver(second.bootstrap).metadata([t]);
        expect(md.topics.find((x) => x.name === t)?.partitions.length).toBe(1);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('9,000 records (~3 MB) over 3 partitions, read with 64 KiB fetch limits', () => {
    let t: string;
    const want = makeRecords(9000, 'limits').map((r, i) => ({ ...r, value: `${r.value}-${'p'.repeat(300)}`, partition: i % 3 }));
    beforeAll(async () => {
      t = uniqueName('limits');
      await createTopics(gregor!.bootstrap, [t], 3);
      const kjs = kafkajsDriver(gregor!.bootstrap);
      for (let i = 0; i < want.length; i += 900) reportOffsets(await kjs.produce(t, want.slice(i, i + 900), { acks: 'all' }));
    });
    for (const c of CLIENTS) {
      it(`[fetch-limits] ${c} reads all 3 partitions`, async () => {
        const got = await driverFor(c, gregor!.bootstrap).consume(t, { partitions: [0, 1, 2], count: 9000, maxBytes: 64 * 1024, timeoutMs: 60_000 });
        expect(got.errors, 'reader errors').toEqual([]);
        for (const p of [0, 1, 2]) {
          const mine = got.records.filter((r) => r.partition === p);
          expect(firstMismatch(want.filter((r) => r.partition === p), mine, 0), `partition ${p}`).toBeNull();
        }
      });
    }
  });
});

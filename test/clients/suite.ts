/**
 * The checks every client runs against a real `gregor serve` (see support.ts for the drivers). Test names carry
 * the check in brackets (`[metadata]`, `[admin]`, …): make-matrix.mjs turns a vitest JSON report into MATRIX.md.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { requireClient, type ClientName } from '../helpers/debian-clients.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { kafkajsDriver } from './drivers.js';
import { firstMismatch, makeRecords, reportOffsets, sleep, type Driver, type Rec } from './support.js';

export interface SuiteOptions {
  /** Debian clients the suite needs (skipped without them, failing under CI=true). */
  needs?: ClientName[];
  driver: (bootstrap: string) => Driver;
  /** The client can give each record its own headers and timestamp (kcat cannot). */
  perRecordHeadersAndTimestamps: boolean;
  /** What the client's error for a 2 MiB record must contain. */
  tooLarge: RegExp;
  /** What the client reports for a timestamp after the last record: -1 (Kafka's answer) or the latest offset (kafkajs). */
  afterLastTimestamp: 'minus1' | 'latest';
  /** The client's alter-configs is IncrementalAlterConfigs (keeps other configs) rather than AlterConfigs (replaces them all). */
  incrementalAlter?: boolean;
  /** What creating an existing topic gives: the client's error (matched as JSON) or, for kafkajs, the value false. */
  alreadyExists: RegExp | false;
  /** The reader has its own out-of-range policy (auto.offset.reset); the others report the Fetch error. */
  resetsOffsets?: boolean;
  /** Per-check reasons to skip, shown in the matrix. */
  skip?: Partial<Record<'admin' | 'read', string>>;
}

type Ctx = TestContext;

/** Skip with a reason that make-matrix.mjs can show (vitest's JSON report carries task.meta, not skip notes). */
export function skip(ctx: Ctx, reason: string): never {
  (ctx.task.meta as Record<string, unknown>).skipReason = reason;
  return ctx.skip(reason);
}

/** requireClient, with the reason kept for the matrix. */
export function need(client: ClientName, ctx: Ctx): void {
  try {
    requireClient(client, { skip: (note?: string) => skip(ctx, note ?? `${client} missing`) });
  } catch (e) {
    (ctx.task.meta as Record<string, unknown>).skipReason = undefined;
    throw e;
  }
}

/** Topics for data-path checks are created with kafkajs's admin, so that they do not depend on the client under test. */
export async function createTopics(bootstrap: string, topics: string[], numPartitions = 1, configs: Record<string, string> = {}): Promise<void> {
  const { kafka } = kafkajsDriver(bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1, configEntries })) });
  } catch (e) {
    throw new Error(`setup: kafkajs admin.createTopics(${topics.join(', ')}) failed: ${(e as Error).message}`);
  } finally {
    await admin.disconnect();
  }
}

/** Setup, with kafkajs: records before `offset` deleted (DeleteRecords). */
export async function deleteRecordsBefore(bootstrap: string, topic: string, partition: number, offset: number): Promise<void> {
  const { kafka } = kafkajsDriver(bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs: "Topic metadata not loaded" otherwise
    await admin.deleteTopicRecords({ topic, partitions: [{ partition, offset: String(offset) }] });
  } catch (e) {
    throw new Error(`setup: kafkajs admin.deleteTopicRecords(${topic}) failed: ${(e as Error).message}`);
  } finally {
    await admin.disconnect();
  }
}

/** Records kcat can send: the same headers on all, no timestamps. */
function forClient(records: Rec[], perRecord: boolean): Rec[] {
  if (perRecord) return records;
  return records.map((r) => ({ ...r, headers: [['h-run', 'kcat']], timestamp: undefined }));
}

function expectSequentialOffsets(offsets: number[], first: number): void {
  const known = offsets.filter((o) => o >= 0);
  if (known.length === 0) return; // the client does not report offsets (kcat)
  expect(offsets, 'reported offsets').toEqual(offsets.map((_, i) => first + i));
}

export function defineClientSuite(name: string, o: SuiteOptions): void {
  describe(name, () => {
    let gregor: GregorProcess | undefined;
    let driver: Driver;
    const topic = (check: string) => uniqueName(`${name.replace(/[^a-z0-9]+/gi, '-')}-${check}`);

    beforeEach((ctx) => {
      for (const c of o.needs ?? []) need(c, ctx);
    });
    beforeAll(async () => {
      gregor = await startGregor();
      driver = o.driver(gregor.bootstrap);
    });
    afterAll(async () => {
      await gregor?.stop();
    });

    it('[metadata] lists the broker, and a topic with its partitions and leader', async () => {
      const t = topic('md');
      await createTopics(gregor!.bootstrap, [t], 2);
      const md = await driver.metadata([t]);
      expect(md.brokers).toEqual([{ id: 1, host: 'localhost', port: gregor!.port }]);
      const clusterId = /cluster id (\S+)/.exec(gregor!.banner)![1];
      if (md.clusterId !== undefined) expect(md.clusterId, 'cluster id').toBe(clusterId);
      if (md.controllerId !== undefined) expect(md.controllerId, 'controller id').toBe(1);
      const found = md.topics.find((x) => x.name === t);
      expect(found, `topic ${t} in ${JSON.stringify(md.topics)}`).toBeDefined();
      for (const p of found!.partitions as { replicas?: unknown; isr?: unknown }[]) {
        if (p.replicas !== undefined) expect(p.replicas, 'replicas').toEqual([1]);
        if (p.isr !== undefined) expect(p.isr, 'isr').toEqual([1]);
      }
      expect(found!.partitions.map((p) => ({ id: p.id, leader: p.leader }))).toEqual([
        { id: 0, leader: 1 },
        { id: 1, leader: 1 },
      ]);
    });

    it('[admin] creates, describes, alters, grows and deletes a topic', async (ctx) => {
      if (o.skip?.admin || !driver.admin) skip(ctx, o.skip?.admin ?? 'no admin API');
      const t = topic('admin');
      const { steps } = await driver.admin!(t);
      // Every step at once, so that one run shows all that fails: a failed step shows as "failed: <client error>".
      const expected: Record<string, unknown> = {
        create: 'ok',
        'create-again': o.alreadyExists === false ? false : 'TOPIC_ALREADY_EXISTS',
        'partitions-after-create': 2,
        'describe-configs': { 'retention.ms': '3600000', 'segment.ms': '86400000', 'max.message.bytes': '1048588' },
        'alter-configs': 'ok',
        // AlterConfigs sets the whole config: segment.ms, not in the request, goes back to its default (7 days).
        'describe-after-alter': { 'retention.ms': '7200000', 'segment.ms': o.incrementalAlter ? '86400000' : '604800000' },
        grow: 'ok',
        'partitions-after-grow': 4,
        delete: 'ok',
        'exists-after-delete': false,
      };
      const actual = Object.fromEntries(
        steps.map((s) => {
          if (!s.ok && s.step === 'create-again' && o.alreadyExists && o.alreadyExists.test(JSON.stringify(s.error))) return [s.step, 'TOPIC_ALREADY_EXISTS'];
          if (!s.ok) return [s.step, `failed: ${JSON.stringify(s.error).slice(0, 400)}`];
          const want = expected[s.step];
          if (want === 'ok') return [s.step, 'ok'];
          if (want && typeof want === 'object' && s.value && typeof s.value === 'object') {
            const v = s.value as Record<string, unknown>;
            return [s.step, Object.fromEntries(Object.keys(want).map((k) => [k, v[k]]))];
          }
          return [s.step, s.value];
        }),
      );
      expect(actual).toEqual(expected);
    });

    it('[admin-errors] invalid name, invalid config, shrinking, unknown topics: Kafka\'s errors; broker configs', async (ctx) => {
      if (o.skip?.admin || !driver.adminErrors) skip(ctx, o.skip?.admin ?? 'no admin API');
      const t = topic('adminerr');
      await createTopics(gregor!.bootstrap, [t], 3);
      const { steps } = await driver.adminErrors!(t);
      // Each client names Kafka's errors its own way (kafkajs/platformatic: Kafka's names; librdkafka: its short
      // names; kafka-python: classes).
      const expected: Record<string, RegExp | Record<string, string>> = {
        'create-invalid-name': /INVALID_TOPIC_EXCEPTION|code=TOPIC_EXCEPTION|InvalidTopicError/,
        'create-invalid-config': /INVALID_CONFIG|InvalidConfigurationError/,
        'shrink-partitions': /INVALID_PARTITIONS|InvalidPartitionsError/,
        'delete-unknown': /UNKNOWN_TOPIC_OR_PART|UnknownTopicOrPartitionError/,
        'describe-unknown': /UNKNOWN_TOPIC_OR_PART|UnknownTopicOrPartitionError|"code":3\b/,
        'describe-broker': { 'message.max.bytes': '1048588', 'num.partitions': '1' },
      };
      const actual: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      for (const s of steps) {
        const e = expected[s.step]!;
        if (e instanceof RegExp) {
          want[s.step] = `error matching ${e}`;
          actual[s.step] = !s.ok && e.test(JSON.stringify(s.error)) ? want[s.step] : s.ok ? `succeeded: ${JSON.stringify(s.value)}` : `failed: ${JSON.stringify(s.error).slice(0, 400)}`;
        } else {
          want[s.step] = e;
          actual[s.step] = s.ok ? s.value : `failed: ${JSON.stringify(s.error).slice(0, 400)}`;
        }
      }
      expect(actual).toEqual(want);
    });

    it('[roundtrip] 1,000 records with keys, values, headers and timestamps read back in order, contiguous offsets', async (ctx) => {
      if (o.skip?.read) skip(ctx, o.skip.read);
      const t = topic('rt');
      await createTopics(gregor!.bootstrap, [t]);
      // Null key, empty value, null value and an empty header value among them (not for kcat: one line per record).
      const want = forClient(makeRecords(1000, 'rt', undefined, o.perRecordHeadersAndTimestamps), o.perRecordHeadersAndTimestamps);
      const before = Date.now();
      const res = await driver.produce(t, want, { acks: 'all' });
      expectSequentialOffsets(reportOffsets(res), 0);
      const got = await driver.consume(t, { count: 1000, timeoutMs: 30_000 });
      expect(got.errors, 'consumer errors').toEqual([]);
      expect(firstMismatch(want, got.records, 0)).toBeNull();
      // From the middle of a batch: the broker serves whole batches, the client drops what comes before.
      const tail = await driver.consume(t, { offset: 500, count: 500 });
      expect(firstMismatch(want.slice(500), tail.records, 500), 'read from offset 500').toBeNull();
      if (!o.perRecordHeadersAndTimestamps) {
        for (const r of got.records) {
          expect(r.timestamp).toBeGreaterThanOrEqual(before - 1000);
          expect(r.timestamp).toBeLessThanOrEqual(Date.now());
        }
      }
    });

    for (const acks of [0, 1, 'all'] as const) {
      it(`[acks=${acks}] 50 records produced with acks=${acks} are all stored`, async (ctx) => {
        const t = topic(`acks${acks}`);
        await createTopics(gregor!.bootstrap, [t]);
        const want = forClient(makeRecords(50, `a${acks}`), o.perRecordHeadersAndTimestamps);
        const res = await driver.produce(t, want, { acks });
        const offsets = reportOffsets(res);
        if (acks !== 0) expectSequentialOffsets(offsets, 0);
        // acks=0: no response; wait for the records to show up.
        let latest = -1;
        for (let i = 0; i < 20 && latest !== 50; i++) {
          latest = (await driver.offsets(t, 0, [])).latest;
          if (latest !== 50) await sleep(250);
        }
        expect(latest, 'latest offset').toBe(50);
        if (o.skip?.read) return;
        const got = await driver.consume(t, { count: 50 });
        expect(firstMismatch(want, got.records, 0)).toBeNull();
      });
    }

    it('[offsets] earliest, latest and by timestamp', async () => {
      const t = topic('offs');
      await createTopics(gregor!.bootstrap, [t]);
      const base = Date.now() - 7_200_000;
      const want = forClient(makeRecords(100, 'off', base), o.perRecordHeadersAndTimestamps);
      reportOffsets(await driver.produce(t, want, { acks: 'all' }));
      let stamps: number[];
      if (o.perRecordHeadersAndTimestamps) {
        stamps = want.map((r) => r.timestamp!);
      } else {
        // The client stamps CreateTime itself: take the record timestamps from what was stored.
        const got = await driver.consume(t, { count: 100 });
        expect(got.records.length).toBe(100);
        stamps = got.records.map((r) => r.timestamp);
      }
      const firstAtOrAfter = (ts: number) => stamps.findIndex((s) => s >= ts);
      const queries = [stamps[0]! - 1000, stamps[0]!, stamps[37]!, stamps[37]! - 5, stamps[99]!, stamps[99]! + 1000];
      const res = await driver.offsets(t, 0, queries);
      expect(res.earliest, 'earliest').toBe(0);
      expect(res.latest, 'latest').toBe(100);
      const expected = queries.map((ts) => {
        const i = firstAtOrAfter(ts);
        return { timestamp: ts, offset: i >= 0 ? i : o.afterLastTimestamp === 'latest' ? 100 : -1 };
      });
      expect(res.byTimestamp.map(({ timestamp, offset }) => ({ timestamp, offset }))).toEqual(expected);
    });

    it('[partitions] 300 records over 3 partitions in one produce, read back from all 3 in one fetch', async () => {
      const t = topic('parts');
      await createTopics(gregor!.bootstrap, [t], 3);
      const want = makeRecords(300, 'parts').map((r, i) => ({ ...r, partition: i % 3 }));
      const perPartition = [0, 1, 2].map((p) => forClient(want.filter((r) => r.partition === p), o.perRecordHeadersAndTimestamps));
      if (o.perRecordHeadersAndTimestamps) {
        const res = await driver.produce(t, want, { acks: 'all' });
        const offsets = reportOffsets(res);
        for (const p of [0, 1, 2]) expectSequentialOffsets(offsets.filter((_, i) => i % 3 === p), 0);
      } else {
        // kcat: one partition per run (-p).
        for (const p of [0, 1, 2]) reportOffsets(await driver.produce(t, perPartition[p]!, { acks: 'all' }));
      }
      for (const p of [0, 1, 2]) expect((await driver.offsets(t, p, [])).latest, `latest offset of partition ${p}`).toBe(100);
      if (o.skip?.read) return;
      const got = await driver.consume(t, { partitions: [0, 1, 2], count: 300 });
      expect(got.errors, 'consumer errors').toEqual([]);
      for (const p of [0, 1, 2]) {
        const mine = got.records.filter((r) => r.partition === p);
        expect(firstMismatch(perPartition[p]!, mine, 0), `partition ${p}`).toBeNull();
      }
    });

    it('[tail] a reader started at the end gets only the records produced after it started, as they arrive', async () => {
      const t = topic('tail');
      await createTopics(gregor!.bootstrap, [t]);
      const before = forClient(makeRecords(50, 'old'), o.perRecordHeadersAndTimestamps);
      reportOffsets(await driver.produce(t, before, { acks: 'all' }));
      if (o.skip?.read) return;
      // The reader starts at the end (latest) and long-polls. Records keep coming, 20 every half second, until it
      // has 100: whenever it resolved "the end", it must get records produced after that, contiguous, none older.
      const reading = driver.consume(t, { offset: -1, count: 100, timeoutMs: 40_000 });
      let done = false;
      void reading.finally(() => (done = true)).catch(() => {});
      await sleep(1500);
      const kjs = kafkajsDriver(gregor!.bootstrap);
      const produced: Rec[] = [];
      for (let round = 0; !done && round < 60; round++) {
        const batch = forClient(makeRecords(20, `new${round}`), o.perRecordHeadersAndTimestamps);
        reportOffsets(await kjs.produce(t, batch, { acks: 'all' }));
        produced.push(...batch);
        await sleep(500);
      }
      const got = await reading;
      expect(got.records.length, 'records read').toBe(100);
      const first = got.records[0]!.offset;
      expect(first, 'first offset read (50 were there before the reader started)').toBeGreaterThanOrEqual(50);
      expect(firstMismatch(produced.slice(first - 50, first - 50 + 100), got.records, first)).toBeNull();
    });

    it('[out-of-range] a start offset past the end: the client resets to earliest, or reports OFFSET_OUT_OF_RANGE', async () => {
      const t = topic('oor');
      await createTopics(gregor!.bootstrap, [t]);
      const want = forClient(makeRecords(50, 'oor'), o.perRecordHeadersAndTimestamps);
      reportOffsets(await driver.produce(t, want, { acks: 'all' }));
      const got = await driver.consume(t, { offset: 5000, count: 50, reset: 'earliest', timeoutMs: 15_000 });
      if (o.resetsOffsets) {
        expect(firstMismatch(want, got.records, 0), 'read after the reset to earliest').toBeNull();
      } else {
        // kafkajs and platformatic read with a plain Fetch here (no consumer, no reset policy): the error itself.
        expect(got.records).toEqual([]);
        expect(JSON.stringify(got.errors)).toMatch(/OFFSET_OUT_OF_RANGE|"errorCode":1\b/);
      }
    });

    it('[delete-records] after DeleteRecords (done by kafkajs) earliest is the new log start, and reads begin there', async () => {
      const t = topic('delrec');
      await createTopics(gregor!.bootstrap, [t]);
      const want = makeRecords(100, 'del');
      reportOffsets(await kafkajsDriver(gregor!.bootstrap).produce(t, want, { acks: 'all' }));
      // Offset 40 is inside the one batch: the broker still serves that batch whole, the client drops 0–39.
      await deleteRecordsBefore(gregor!.bootstrap, t, 0, 40);
      const off = await driver.offsets(t, 0, []);
      expect({ earliest: off.earliest, latest: off.latest }).toEqual({ earliest: 40, latest: 100 });
      if (o.skip?.read) return;
      const got = await driver.consume(t, { count: 60 });
      expect(firstMismatch(want.slice(40), got.records, 40), 'read from the beginning').toBeNull();
    });

    it('[log-append-time] a LogAppendTime topic stamps records with the broker clock (plain and gzip batches)', async () => {
      const t = topic('lat');
      await createTopics(gregor!.bootstrap, [t], 1, { 'message.timestamp.type': 'LogAppendTime' });
      const want = forClient(makeRecords(20, 'lat', Date.now() - 7_200_000), o.perRecordHeadersAndTimestamps);
      const before = Date.now();
      reportOffsets(await driver.produce(t, want.slice(0, 10), { acks: 'all' }));
      reportOffsets(await driver.produce(t, want.slice(10), { acks: 'all', compression: 'gzip' }));
      const after = Date.now();
      if (o.skip?.read) return;
      const got = await driver.consume(t, { count: 20 });
      expect(firstMismatch(want, got.records, 0, { timestamps: false })).toBeNull();
      for (const r of got.records) {
        expect(r.timestamp, `timestamp of offset ${r.offset} (produced between ${before} and ${after})`).toBeGreaterThanOrEqual(before - 1000);
        expect(r.timestamp, `timestamp of offset ${r.offset}`).toBeLessThanOrEqual(after + 1000);
        if (r.timestampType !== undefined && r.timestampType !== null) expect(r.timestampType, `timestamp type of offset ${r.offset}`).toBe('logappend');
      }
    });

    it('[offsets-unordered] by timestamp when timestamps are out of order, over 4 batches: the first offset at or after', async (ctx) => {
      if (!o.perRecordHeadersAndTimestamps) skip(ctx, 'the client cannot choose record timestamps');
      const t = topic('offsu');
      await createTopics(gregor!.bootstrap, [t]);
      const base = Date.now() - 7_200_000;
      // A permutation of 0..99: timestamps jump back and forth within and across batches.
      const want = makeRecords(100, 'unord').map((r, i) => ({ ...r, timestamp: base + 10 * ((i * 37) % 100) }));
      for (let b = 0; b < 4; b++) reportOffsets(await driver.produce(t, want.slice(25 * b, 25 * b + 25), { acks: 'all' }));
      const stamps = want.map((r) => r.timestamp);
      const queries = [base - 1, base, base + 5, base + 10 * 50, base + 10 * 97 + 3, base + 10 * 99, base + 10 * 99 + 1];
      const res = await driver.offsets(t, 0, queries);
      const expected = queries.map((ts) => {
        const i = stamps.findIndex((s) => s >= ts);
        return { timestamp: ts, offset: i >= 0 ? i : o.afterLastTimestamp === 'latest' ? 100 : -1 };
      });
      expect(res.byTimestamp.map(({ timestamp, offset }) => ({ timestamp, offset }))).toEqual(expected);
    });

    it('[900KiB] a 900 KiB record is accepted and read back', async () => {
      const t = topic('big');
      await createTopics(gregor!.bootstrap, [t]);
      const rec: Rec = { key: 'big', valueSize: 900 * 1024, headers: [['h-run', o.perRecordHeadersAndTimestamps ? 'big' : 'kcat']] };
      const res = await driver.produce(t, [rec], { acks: 'all' });
      expectSequentialOffsets(reportOffsets(res), 0);
      if (o.skip?.read) return;
      const got = await driver.consume(t, { count: 1, maxBytes: 4 * 1024 * 1024 });
      expect(firstMismatch([rec], got.records, 0, { timestamps: false }), 'read with 4 MiB fetch limits').toBeNull();
      // KIP-74: a first batch larger than the fetch limits still comes whole.
      const small = await driver.consume(t, { count: 1, maxBytes: 64 * 1024 });
      expect(firstMismatch([rec], small.records, 0, { timestamps: false }), 'read with 64 KiB fetch limits (KIP-74)').toBeNull();
    });

    it('[2MiB] a 2 MiB record is rejected with MESSAGE_TOO_LARGE, and nothing is stored', async () => {
      const t = topic('huge');
      await createTopics(gregor!.bootstrap, [t]);
      const res = await driver.produce(t, [{ key: 'huge', valueSize: 2 * 1024 * 1024, headers: [['h-run', 'kcat']] }], { acks: 'all' });
      expect(res.local, 'the client must send the record, not refuse it itself').toEqual([]);
      const r = res.reports[0];
      expect(r && 'error' in r, `the produce must fail; got ${JSON.stringify(r)}`).toBe(true);
      expect(JSON.stringify((r as { error: unknown }).error)).toMatch(o.tooLarge);
      expect((await driver.offsets(t, 0, [])).latest, 'latest offset after the rejected record').toBe(0);
    });
  });
}

/**
 * The in-process drivers: kafkajs (npm, runs in this Node) and kcat (a command). See support.ts.
 */
import { createRequire } from 'node:module';
import {
  run,
  type ClientError,
  type ConsumeResult,
  type Driver,
  type GotRec,
  type MetadataResult,
  type ProduceResult,
  type Rec,
} from './support.js';

export const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------------------------
// kafkajs

const kafkajs = require('kafkajs');
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = require('kafkajs-snappy');
const LZ4Codec = require('kafkajs-lz4');
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = new LZ4Codec().codec;

const KJS_CODEC: Record<string, number> = {
  none: kafkajs.CompressionTypes.None,
  gzip: kafkajs.CompressionTypes.GZIP,
  snappy: kafkajs.CompressionTypes.Snappy,
  lz4: kafkajs.CompressionTypes.LZ4,
  zstd: kafkajs.CompressionTypes.ZSTD,
};

function kjsError(e: any): ClientError {
  if (e === null || typeof e !== 'object') return { message: String(e) };
  const out: ClientError = { name: e.name, type: e.type, code: e.code, message: e.message };
  if (e.cause) out.cause = kjsError(e.cause);
  if (Array.isArray(e.errors)) out.errors = e.errors.map(kjsError);
  if (Array.isArray(e.originalError?.errors)) out.errors = e.originalError.errors.map(kjsError);
  return out;
}

const text = (b: Buffer | null | undefined): string | null => (b === null || b === undefined ? null : b.toString('utf8'));

function gotRecord(partition: number, m: any): GotRec {
  const value: Buffer | null = m.value;
  const headers: [string, string][] = [];
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) headers.push([k, text(one as Buffer)!]);
  }
  const r: GotRec = { partition, offset: Number(m.offset), key: text(m.key), value: null, headers, timestamp: Number(m.timestamp) };
  if (value && value.length > 4096) {
    r.valueLen = value.length;
    r.valueAllX = value.equals(Buffer.alloc(value.length, 'x'));
  } else {
    r.value = text(value);
    r.valueLen = value ? value.length : null;
  }
  return r;
}

export function kafkajsDriver(bootstrap: string): Driver & { kafka: any } {
  const kafka = new kafkajs.Kafka({
    clientId: 'gregor-client-matrix',
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
    connectionTimeout: 5000,
    requestTimeout: 20_000,
  });
  const withAdmin = async <T>(fn: (admin: any) => Promise<T>): Promise<T> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  };
  /** kafkajs has no consumer without a group: a plain Fetch through its cluster and broker objects. */
  const withCluster = async <T>(fn: (cluster: any) => Promise<T>): Promise<T> => {
    const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
    if (sym === undefined) throw new Error('kafkajs driver: no private:Kafka:createCluster in this kafkajs (written for 2.2.4)');
    const cluster = kafka[sym]({ metadataMaxAge: 300_000, allowAutoTopicCreation: false });
    await cluster.connect();
    try {
      return await fn(cluster);
    } finally {
      await cluster.disconnect();
    }
  };

  return {
    name: 'kafkajs',
    kafka,
    metadata: (topics) =>
      withAdmin(async (admin): Promise<MetadataResult> => {
        const cluster = await admin.describeCluster();
        const md = await admin.fetchTopicMetadata(topics ? { topics } : undefined);
        return {
          clusterId: cluster.clusterId,
          controllerId: cluster.controller,
          brokers: cluster.brokers.map((b: any) => ({ id: b.nodeId, host: b.host, port: b.port })),
          topics: md.topics.map((t: any) => ({
            name: t.name,
            partitions: t.partitions
              .map((p: any) => ({ id: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
              .sort((a: any, b: any) => a.id - b.id),
          })),
        };
      }),

    admin: (topic) =>
      withAdmin(async (admin) => {
        const steps: { step: string; ok: boolean; value?: unknown; error?: ClientError }[] = [];
        const step = async (name: string, fn: () => Promise<unknown>) => {
          try {
            steps.push({ step: name, ok: true, value: (await fn()) ?? null });
          } catch (e) {
            steps.push({ step: name, ok: false, error: kjsError(e) });
          }
        };
        const partitions = async () => {
          const md = await admin.fetchTopicMetadata({ topics: [topic] });
          return md.topics.find((t: any) => t.name === topic)?.partitions.length ?? null;
        };
        const configs = async () => {
          const res = await admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
          });
          const r = res.resources[0];
          if (r.errorCode) throw new Error(`errorCode ${r.errorCode}: ${r.errorMessage}`);
          return Object.fromEntries(
            r.configEntries
              .filter((c: any) => ['retention.ms', 'max.message.bytes', 'segment.ms'].includes(c.configName))
              .map((c: any) => [c.configName, c.configValue]),
          );
        };
        await step('create', () =>
          admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic,
                numPartitions: 2,
                replicationFactor: 1,
                configEntries: [
                  { name: 'retention.ms', value: '3600000' },
                  { name: 'segment.ms', value: '86400000' },
                ],
              },
            ],
          }),
        );
        // kafkajs answers false (no error) for a topic that exists.
        await step('create-again', () => admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] }));
        await step('partitions-after-create', partitions);
        await step('describe-configs', configs);
        await step('alter-configs', async () => {
          const res = await admin.alterConfigs({
            validateOnly: false,
            resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '7200000' }] }],
          });
          const bad = res.resources.filter((r: any) => r.errorCode !== 0);
          if (bad.length) throw new Error(`errors ${JSON.stringify(bad)}`);
        });
        await step('describe-after-alter', configs);
        await step('grow', () => admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] }));
        await step('partitions-after-grow', partitions);
        await step('delete', () => admin.deleteTopics({ topics: [topic] }));
        await step('exists-after-delete', async () => (await admin.listTopics()).includes(topic));
        return { steps };
      }),

    adminErrors: (topic) =>
      withAdmin(async (admin) => {
        const steps: { step: string; ok: boolean; value?: unknown; error?: ClientError }[] = [];
        const step = async (name: string, fn: () => Promise<unknown>) => {
          try {
            steps.push({ step: name, ok: true, value: (await fn()) ?? null });
          } catch (e) {
            steps.push({ step: name, ok: false, error: kjsError(e) });
          }
        };
        const missing = `${topic}-missing`;
        const describe = async (type: number, name: string) => {
          const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type, name }] });
          const r = res.resources[0];
          if (r.errorCode) throw Object.assign(new Error(r.errorMessage ?? ''), { type: r.errorCode, code: r.errorCode });
          return Object.fromEntries(
            r.configEntries.filter((c: any) => ['message.max.bytes', 'num.partitions'].includes(c.configName)).map((c: any) => [c.configName, c.configValue]),
          );
        };
        await step('create-invalid-name', () => admin.createTopics({ topics: [{ topic: 'bad/name', numPartitions: 1, replicationFactor: 1 }] }));
        await step('create-invalid-config', () =>
          admin.createTopics({ topics: [{ topic: `${topic}-badcfg`, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: 'abc' }] }] }),
        );
        await step('shrink-partitions', () => admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] }));
        await step('delete-unknown', () => admin.deleteTopics({ topics: [missing] }));
        await step('describe-unknown', () => describe(kafkajs.ConfigResourceTypes.TOPIC, missing));
        await step('describe-broker', () => describe(kafkajs.ConfigResourceTypes.BROKER, '1'));
        return { steps };
      }),

    produce: async (topic, records, opts = {}): Promise<ProduceResult> => {
      const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 1 } });
      await producer.connect();
      const messages = records.map((r) => ({
        key: r.key,
        value: r.valueSize !== undefined ? Buffer.alloc(r.valueSize, 'x') : r.value,
        headers: Object.fromEntries(r.headers),
        partition: r.partition ?? 0,
        ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
      }));
      try {
        const acks = opts.acks === 'all' || opts.acks === undefined ? -1 : opts.acks;
        const res = await producer.send({ topic, acks, compression: KJS_CODEC[opts.compression ?? 'none'], messages });
        if (acks === 0) return { reports: messages.map(() => ({ partition: 0, offset: -1 })), local: [] };
        const base = new Map<number, number>((res as any[]).map((m) => [m.partition, Number(m.baseOffset)]));
        const seen = new Map<number, number>();
        return {
          reports: messages.map((m) => {
            const i = seen.get(m.partition) ?? 0;
            seen.set(m.partition, i + 1);
            return base.has(m.partition) ? { partition: m.partition, offset: base.get(m.partition)! + i } : null;
          }),
          local: [],
        };
      } catch (e) {
        return { reports: messages.map(() => ({ error: kjsError(e) })), local: [] };
      } finally {
        await producer.disconnect();
      }
    },

    consume: (topic, o) =>
      withCluster(async (cluster): Promise<ConsumeResult> => {
        const partitions = o.partitions ?? [o.partition ?? 0];
        await cluster.addTargetTopic(topic);
        await cluster.refreshMetadata();
        const leaders = cluster.findLeaderForPartitions(topic, partitions);
        const leaderIds = Object.keys(leaders);
        if (leaderIds.length !== 1) throw new Error(`kafkajs driver: partitions ${partitions} have leaders ${leaderIds}, expected one`);
        const broker = await cluster.findBroker({ nodeId: leaderIds[0] });
        const out: GotRec[] = [];
        const errors: ClientError[] = [];
        const next = new Map<number, number>();
        if (o.offset === -1) {
          const [latest] = await cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions: partitions.map((partition) => ({ partition })) }]);
          for (const p of latest.partitions) next.set(p.partition, Number(p.offset));
        } else if (o.offset !== undefined && o.partitions === undefined) next.set(partitions[0]!, o.offset);
        else {
          // The beginning: the log start offsets, from ListOffsets (earliest).
          const [earliest] = await cluster.fetchTopicsOffset([{ topic, fromBeginning: true, partitions: partitions.map((partition) => ({ partition })) }]);
          for (const p of earliest.partitions) next.set(p.partition, Number(p.offset));
        }
        const deadline = Date.now() + (o.timeoutMs ?? 20_000);
        while (out.length < o.count && Date.now() < deadline && errors.length === 0) {
          let res;
          try {
            res = await broker.fetch({
              replicaId: -1,
              isolationLevel: 1,
              maxWaitTime: 200,
              minBytes: 1,
              maxBytes: o.maxBytes ?? 10_485_760,
              topics: [{ topic, partitions: partitions.map((partition) => ({ partition, fetchOffset: String(next.get(partition)), maxBytes: o.maxBytes ?? 1_048_576 })) }],
            });
          } catch (e) {
            // kafkajs's Fetch decoder throws a partition's error (e.g. OFFSET_OUT_OF_RANGE).
            errors.push(kjsError(e));
            break;
          }
          for (const p of res.responses[0]?.partitions ?? []) {
            if (p.errorCode) {
              errors.push({ partition: p.partition, errorCode: p.errorCode });
              continue;
            }
            for (const m of p.messages) {
              if (Number(m.offset) < next.get(p.partition)!) continue;
              out.push(gotRecord(p.partition, m));
              next.set(p.partition, Number(m.offset) + 1);
            }
          }
        }
        return { records: out, errors };
      }),

    offsets: (topic, partition, timestamps) =>
      withAdmin(async (admin) => {
        const all = await admin.fetchTopicOffsets(topic);
        const p = all.find((x: any) => x.partition === partition);
        const byTimestamp = [];
        for (const ts of timestamps) {
          const r = await admin.fetchTopicOffsetsByTimestamp(topic, ts);
          byTimestamp.push({ timestamp: ts, offset: Number(r.find((x: any) => x.partition === partition).offset) });
        }
        return { earliest: Number(p.low), latest: Number(p.high), byTimestamp };
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// kcat

const KCAT_COMMON = ['-m', '15', '-X', 'api.version.request=true'];

export function kcatDriver(bootstrap: string): Driver {
  const kcat = (args: string[], input = '', timeoutMs = 60_000) => run('kcat', ['-b', bootstrap, ...KCAT_COMMON, ...args], { input, timeoutMs });
  return {
    name: 'kcat',

    async metadata(topics) {
      const res = await kcat(['-L', '-J', ...(topics?.length === 1 ? ['-t', topics[0]!] : [])]);
      if (res.code !== 0) throw new Error(`kcat -L -J exited ${res.code}: ${res.stderr}`);
      const md = JSON.parse(res.stdout);
      return {
        controllerId: md.controllerid,
        brokers: md.brokers.map((b: any) => {
          const i = b.name.lastIndexOf(':');
          return { id: b.id, host: b.name.slice(0, i), port: Number(b.name.slice(i + 1)) };
        }),
        topics: md.topics
          .filter((t: any) => !topics || topics.includes(t.topic))
          .map((t: any) => ({
            name: t.topic,
            error: t.error ?? null,
            partitions: t.partitions.map((p: any) => ({ id: p.partition, leader: p.leader, error: p.error ?? null })),
          })),
      };
    },

    /**
     * kcat sends stdin lines `key<TAB>value`; -H headers apply to every record (so all records must have the
     * same headers) and it has no way to set a record's timestamp (librdkafka stamps CreateTime itself).
     * It prints no offsets: reports carry offset -1 unless delivery failed.
     */
    async produce(topic, records, opts = {}) {
      const headers = JSON.stringify(records[0]?.headers ?? []);
      if (records.some((r) => JSON.stringify(r.headers) !== headers)) throw new Error('kcat: -H headers are per run, not per record');
      const partition = records[0]?.partition ?? 0;
      const lines = records.map((r) => {
        const value = r.valueSize !== undefined ? 'x'.repeat(r.valueSize) : (r.value ?? '');
        if (/[\t\n]/.test(`${r.key ?? ''}${value}`)) throw new Error('kcat: keys and values must not contain tabs or newlines');
        return `${r.key ?? ''}\t${value}`;
      });
      const args = ['-P', '-t', topic, '-p', String(partition), '-K', '\\t', '-z', opts.compression ?? 'none'];
      args.push('-X', `acks=${opts.acks === undefined ? 'all' : String(opts.acks)}`, '-X', 'message.max.bytes=10000000', '-X', 'linger.ms=5');
      for (const [k, v] of records[0]?.headers ?? []) args.push('-H', `${k}=${v}`);
      const res = await kcat(args, `${lines.join('\n')}\n`);
      const failed = /Message delivery failed|Delivery failed|ERROR/i.test(res.stderr) || res.code !== 0;
      const error = { exitCode: res.code, stderr: res.stderr.trim() };
      return { reports: records.map(() => (failed ? { error } : { partition, offset: -1 })), local: [], log: res.stderr };
    },

    async consume(topic, o) {
      // Without -p kcat reads every partition of the topic (one fetch for all).
      const partition = o.partitions ? [] : ['-p', String(o.partition ?? 0)];
      const args = ['-C', '-t', topic, ...partition, '-o', o.offset === undefined ? 'beginning' : o.offset === -1 ? 'end' : String(o.offset), ...(o.offset === -1 ? [] : ['-e']), '-J'];
      args.push('-c', String(o.count));
      if (o.reset) args.push('-X', `auto.offset.reset=${o.reset}`);
      if (o.maxBytes) {
        for (const k of ['fetch.max.bytes', 'fetch.message.max.bytes', 'message.max.bytes']) args.push('-X', `${k}=${o.maxBytes}`);
        args.push('-X', `receive.message.max.bytes=${o.maxBytes + 1_000_000}`);
      }
      const res = await kcat(args, '', o.timeoutMs ?? 30_000);
      const records: GotRec[] = [];
      for (const line of res.stdout.split('\n')) {
        if (!line.trim()) continue;
        const m = JSON.parse(line);
        const hs: string[] = m.headers ?? [];
        const headers: [string, string][] = [];
        for (let i = 0; i < hs.length; i += 2) headers.push([hs[i]!, hs[i + 1]!]);
        const payload: string | null = m.payload;
        const r: GotRec = { partition: m.partition, offset: m.offset, key: m.key, value: null, headers, timestamp: m.ts };
        if (m.tstype === 'create' || m.tstype === 'logappend') r.timestampType = m.tstype;
        if (payload !== null && payload.length > 4096) {
          r.valueLen = payload.length;
          r.valueAllX = /^x*$/.test(payload);
        } else {
          r.value = payload;
          r.valueLen = payload === null ? null : payload.length;
        }
        records.push(r);
      }
      const errors = res.code === 0 && !/% ERROR/.test(res.stderr) ? [] : [{ exitCode: res.code, stderr: res.stderr.trim() }];
      return { records, errors };
    },

    /** kcat -Q -t topic:partition:timestamp (-2 earliest, -1 latest). */
    async offsets(topic, partition, timestamps) {
      const at = async (ts: number) => {
        const res = await kcat(['-Q', '-t', `${topic}:${partition}:${ts}`]);
        const m = /offset\s+(-?\d+)/i.exec(res.stdout);
        if (res.code !== 0 || !m) throw new Error(`kcat -Q -t ${topic}:${partition}:${ts} exited ${res.code}: ${res.stdout}${res.stderr}`);
        return Number(m[1]);
      };
      const byTimestamp = [];
      for (const ts of timestamps) byTimestamp.push({ timestamp: ts, offset: await at(ts) });
      return { earliest: await at(-2), latest: await at(-1), byTimestamp };
    },
  };
}

export type { Rec };

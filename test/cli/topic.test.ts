/**
 * `gregor topic …` as a person runs it (the built CLI against a real `gregor serve`), each result cross-checked
 * with clients we did not write: kafkajs's admin client and kcat -L.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, ConfigResourceTypes, type Admin, type Producer } from 'kafkajs';
import { runCli, type CliResult } from '../helpers/cli.js';
import { requireClient } from '../helpers/debian-clients.js';
import { getFreePort } from '../helpers/free-port.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { run } from '../clients/support.js';

let gregor: GregorProcess;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  // num.partitions=3 tells the broker's defaults apart from a topic's 1; few __consumer_offsets partitions.
  gregor = await startGregor(['--config', 'num.partitions=3', '--config', 'offsets.topic.num.partitions=2']);
  const kafka = new Kafka({ clientId: 'topic-cli-test', brokers: [gregor.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  await gregor?.stop();
});

const name = (prefix: string) => uniqueName(prefix).slice(0, 60);
const topicCli = (args: string[]) => runCli(['topic', ...args, '-b', gregor.bootstrap]);

/** A table as rows of cells: columns are at least two spaces apart, cells have at most single spaces. */
const cells = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));

function expectOk(res: CliResult): void {
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
}

/** Exactly one line on stderr, nothing on stdout, exit code 1. */
function expectOneLineError(res: CliResult, line: string): void {
  expect({ code: res.code, stdout: res.stdout, stderr: res.stderr }).toEqual({ code: 1, stdout: '', stderr: `error: ${line}\n` });
}

async function kcatPartitions(topic: string): Promise<number[]> {
  const res = await run('kcat', ['-b', gregor.bootstrap, '-m', '15', '-L', '-J', '-t', topic]);
  expect(res.code).toBe(0);
  const md = JSON.parse(res.stdout) as { topics: { topic: string; partitions: { partition: number }[] }[] };
  const t = md.topics.find((x) => x.topic === topic)!;
  return t.partitions.map((p) => p.partition).sort((a, b) => a - b);
}

async function kafkajsConfig(topic: string, key: string) {
  const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [key] }] });
  return res.resources[0]!.configEntries.find((c) => c.configName === key)!;
}

describe('gregor topic create', () => {
  it('creates a topic with partitions, replicas and configs that kafkajs and kcat then see', async (ctx) => {
    const topic = name('create');
    const res = await topicCli(['create', topic, '-p', '4', '-r', '1', '-c', 'cleanup.policy=compact', '-c', 'retention.ms=3600000']);
    expectOk(res);
    expect(cells(res.stdout)).toEqual([
      ['TOPIC', 'PARTITIONS', 'REPLICAS', 'STATUS'],
      [topic, '4', '1', 'OK'],
    ]);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    expect(md.topics[0]!.partitions.every((p) => p.replicas.length === 1)).toBe(true);
    expect((await kafkajsConfig(topic, 'cleanup.policy')).configValue).toBe('compact');
    expect((await kafkajsConfig(topic, 'retention.ms')).configValue).toBe('3600000');
    requireClient('kcat', ctx);
    expect(await kcatPartitions(topic)).toEqual([0, 1, 2, 3]);
  });

  it("uses the broker's num.partitions without -p, and prints JSON with the topic id", async () => {
    const topic = name('defaults');
    const res = await topicCli(['create', topic, '--json']);
    expectOk(res);
    const out = JSON.parse(res.stdout) as { topic: string; status: string; id: string; partitions: number; replicationFactor: number }[];
    expect(out).toEqual([{ topic, status: 'created', id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), partitions: 3, replicationFactor: 1 }]);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics[0]!.partitions).toHaveLength(3);
  });

  it('--dry-run validates without creating; --if-not-exists accepts a topic that is there', async () => {
    const topic = name('dry');
    const dry = await topicCli(['create', topic, '-p', '2', '--dry-run']);
    expectOk(dry);
    expect(cells(dry.stdout)[1]).toEqual([topic, '2', '1', 'OK (dry run, not created)']);
    expect(await admin.listTopics()).not.toContain(topic);

    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const again = await topicCli(['create', topic, '--if-not-exists']);
    expectOk(again);
    expect(cells(again.stdout)[1]).toEqual([topic, '-', '-', 'OK (already exists)']);
  });

  it('several topics: one row each, and exit 1 when any failed (the others are created)', async () => {
    const existing = name('exists');
    const fresh = name('fresh');
    await admin.createTopics({ topics: [{ topic: existing, numPartitions: 1 }] });
    const res = await topicCli(['create', existing, fresh, '-p', '2']);
    expect(res.code).toBe(1);
    expect(cells(res.stdout)).toEqual([
      ['TOPIC', 'PARTITIONS', 'REPLICAS', 'STATUS'],
      [existing, '-', '-', `topic "${existing}" already exists`],
      [fresh, '2', '1', 'OK'],
    ]);
    expect(res.stderr).toBe(`error: topic "${existing}" already exists (1 of 2 topics failed)\n`);
    expect(await admin.listTopics()).toContain(fresh);

    const json = await topicCli(['create', existing, name('fresh2'), '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { topic: string; error?: { code: string; message: string } }[];
    expect(out[0]).toEqual({ topic: existing, error: { code: 'TOPIC_ALREADY_EXISTS', message: `topic "${existing}" already exists` } });
    expect(out[1]!.error).toBeUndefined();
  });
});

describe('gregor topic list', () => {
  it('lists a topic kafkajs created, with its partitions; internal topics only with -i', async () => {
    const topic = name('listed');
    await admin.createTopics({ topics: [{ topic, numPartitions: 5 }] });
    // A group lookup makes the broker create __consumer_offsets.
    await admin.describeGroups([name('g')]);

    const json = await topicCli(['list', '--json']);
    expectOk(json);
    const topics = JSON.parse(json.stdout) as { name: string; id: string; internal: boolean; partitions: number; replicationFactor: number }[];
    expect(topics.find((t) => t.name === topic)).toEqual({ name: topic, id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), internal: false, partitions: 5, replicationFactor: 1 });
    expect(topics.some((t) => t.internal)).toBe(false);
    expect(topics.map((t) => t.name)).toEqual([...topics.map((t) => t.name)].sort());
    expect(topics.map((t) => t.name).sort()).toEqual((await admin.listTopics()).filter((t) => !t.startsWith('__')).sort());

    const table = await topicCli(['list']);
    expectOk(table);
    const rows = cells(table.stdout);
    expect(rows[0]).toEqual(['NAME', 'PARTITIONS', 'REPLICAS']);
    expect(rows).toContainEqual([topic, '5', '1']);

    const internal = await topicCli(['list', '-i', '--json']);
    expectOk(internal);
    expect((JSON.parse(internal.stdout) as { name: string; internal: boolean; partitions: number }[]).find((t) => t.name === '__consumer_offsets')).toMatchObject({
      internal: true,
      partitions: 2,
    });
  });
});

describe('gregor topic describe', () => {
  it('shows the summary, configs that are set with their source, and each partition with its offsets', async () => {
    const topic = name('desc');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '7200000' }] }] });
    await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ partition: 1, value: `v${i}` })) });
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const leader = md.topics[0]!.partitions.find((p) => p.partitionId === 1)!.leader;

    const res = await topicCli(['describe', topic]);
    expectOk(res);
    const sections = res.stdout.trimEnd().split('\n\n');
    expect(sections).toHaveLength(3);
    const summary = cells(sections[0]!);
    expect(summary.slice(0, 2)).toEqual([['SUMMARY'], ['=======']]);
    expect(summary).toContainEqual(['NAME', topic]);
    expect(summary).toContainEqual(['PARTITIONS', '2']);
    expect(summary).toContainEqual(['REPLICATION-FACTOR', '1']);
    expect(summary).toContainEqual(['INTERNAL', 'false']);
    expect(cells(sections[1]!)).toEqual([['CONFIGS'], ['======='], ['KEY', 'VALUE', 'SOURCE'], ['retention.ms', '7200000', 'DYNAMIC_TOPIC_CONFIG']]);
    expect(cells(sections[2]!)).toEqual([
      ['PARTITIONS'],
      ['=========='],
      ['PARTITION', 'LEADER', 'EPOCH', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK'],
      ['0', String(leader), '0', `[${leader}]`, `[${leader}]`, '0', '0'],
      ['1', String(leader), '0', `[${leader}]`, `[${leader}]`, '0', '3'],
    ]);

    const json = await topicCli(['describe', topic, '--json']);
    expectOk(json);
    const [d] = JSON.parse(json.stdout) as any[];
    const kjsOffsets = await admin.fetchTopicOffsets(topic);
    expect(d).toMatchObject({ name: topic, internal: false, partitionCount: 2, replicationFactor: 1 });
    expect(d.id).toBe((JSON.parse((await topicCli(['list', '--json'])).stdout) as { name: string; id: string }[]).find((t) => t.name === topic)!.id);
    expect(d.partitions.map((p: any) => [p.partition, String(p.logStartOffset), String(p.highWatermark)])).toEqual(
      kjsOffsets.sort((a, b) => a.partition - b.partition).map((o) => [o.partition, o.low, o.high]),
    );
    // JSON carries every config, with its source; defaults are marked.
    expect(d.configs.find((c: any) => c.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '7200000', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false, readOnly: false, sensitive: false });
    expect(d.configs.find((c: any) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', source: 'DEFAULT_CONFIG', isDefault: true });
  });

  it('describes several topics; a missing one fails the command after the others are shown', async () => {
    const a = name('da');
    const missing = name('nope');
    await admin.createTopics({ topics: [{ topic: a, numPartitions: 1 }] });
    const res = await topicCli(['describe', a, missing, '--json']);
    expect(res.code).toBe(1);
    expect((JSON.parse(res.stdout) as { name: string }[]).map((d) => d.name)).toEqual([a]);
    expect(res.stderr).toBe(`error: topic "${missing}" does not exist (1 of 2 topics failed)\n`);
  });
});

describe('gregor topic add-partitions', () => {
  it('--num adds partitions (kcat sees them), --total grows to a count (kafkajs sees it)', async (ctx) => {
    const topic = name('grow');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const res = await topicCli(['add-partitions', topic, '--num', '3']);
    expectOk(res);
    expect(cells(res.stdout)).toEqual([
      ['TOPIC', 'BEFORE', 'AFTER', 'STATUS'],
      [topic, '2', '5', 'OK'],
    ]);
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(5);

    const total = await topicCli(['add-partitions', topic, '--total', '7', '--json']);
    expectOk(total);
    expect(JSON.parse(total.stdout)).toEqual([{ topic, before: 5, partitions: 7, dryRun: false }]);
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(7);
    requireClient('kcat', ctx);
    expect(await kcatPartitions(topic)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('refuses a count that is not an increase, in Kafka words', async () => {
    const topic = name('shrink');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    expectOneLineError(await topicCli(['add-partitions', topic, '--total', '2']), `topic "${topic}": invalid partitions: The topic ${topic} currently has 3 partition(s); 2 would not be an increase.`);
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(3);
  });
});

describe('gregor topic alter-config', () => {
  it('sets and deletes keys; kafkajs and gregor topic describe see the result', async () => {
    const topic = name('alter');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const res = await topicCli(['alter-config', topic, '--set', 'retention.ms=60000', '--set', 'max.message.bytes=2000000', '--delete', 'cleanup.policy']);
    expectOk(res);
    expect(cells(res.stdout)).toEqual([
      ['TOPIC', 'STATUS'],
      [topic, 'OK'],
    ]);
    expect((await kafkajsConfig(topic, 'retention.ms')).configValue).toBe('60000');
    expect((await kafkajsConfig(topic, 'max.message.bytes')).configValue).toBe('2000000');
    expect(await kafkajsConfig(topic, 'cleanup.policy')).toMatchObject({ configValue: 'delete', isDefault: true });

    const described = await topicCli(['describe', topic]);
    expectOk(described);
    expect(cells(described.stdout.split('\n\n')[1]!).slice(2)).toEqual([
      ['KEY', 'VALUE', 'SOURCE'],
      ['max.message.bytes', '2000000', 'DYNAMIC_TOPIC_CONFIG'],
      ['retention.ms', '60000', 'DYNAMIC_TOPIC_CONFIG'],
    ]);

    const dry = await topicCli(['alter-config', topic, '--set', 'retention.ms=1', '--dry-run', '--json']);
    expectOk(dry);
    expect(JSON.parse(dry.stdout)).toEqual([{ topic, set: { 'retention.ms': '1' }, deleted: [], dryRun: true }]);
    expect((await kafkajsConfig(topic, 'retention.ms')).configValue).toBe('60000');
  });
});

describe('gregor topic delete', () => {
  it('deletes topics: kafkajs no longer lists them', async () => {
    const a = name('del-a');
    const b = name('del-b');
    await admin.createTopics({ topics: [a, b].map((topic) => ({ topic, numPartitions: 1 })) });
    const res = await topicCli(['delete', a, b]);
    expectOk(res);
    expect(cells(res.stdout)).toEqual([
      ['TOPIC', 'STATUS'],
      [a, 'OK'],
      [b, 'OK'],
    ]);
    const left = await admin.listTopics();
    expect(left).not.toContain(a);
    expect(left).not.toContain(b);
  });
});

describe('bad input: one line on stderr, exit 1', () => {
  it('describe or delete a missing topic', async () => {
    const missing = name('missing');
    const results = await Promise.all([
      topicCli(['describe', missing]),
      topicCli(['delete', missing]),
      topicCli(['add-partitions', missing, '-n', '1']),
      topicCli(['alter-config', missing, '--set', 'retention.ms=1']),
    ]);
    for (const res of results) expectOneLineError(res, `topic "${missing}" does not exist`);
  });

  it('create an existing topic, -p 0, a config without "=", an unknown config key, nothing to change', async () => {
    const topic = name('bad');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const other = name('bad2');
    const cases: [string[], string][] = [
      [['create', topic], `topic "${topic}" already exists`],
      [['create', other, '-p', '0'], `topic "${other}": invalid partitions: Number of partitions was set to an invalid non-positive value.`],
      [['create', other, '-r', '0'], `topic "${other}": invalid replication factor: Replication factor must be larger than 0, or -1 to use the default value.`],
      [['create', other, '-c', 'retention.ms'], '--config "retention.ms": expected key=value'],
      [['create', other, '-c', 'no.such.key=1'], `topic "${other}": invalid config: Unknown topic config name: no.such.key`],
      [['alter-config', topic, '--set', 'no.such.key=1'], `topic "${topic}": invalid config: Unknown topic config name: no.such.key`],
      [['alter-config', topic, '--set', 'retention.ms'], '--set "retention.ms": expected key=value'],
      [['alter-config', topic], 'nothing to change: give --set key=value or --delete key'],
      [['add-partitions', topic], 'give either --num N (partitions to add) or --total N (the partition count to reach)'],
      [['add-partitions', topic, '-n', '1', '--total', '3'], 'give either --num N (partitions to add) or --total N (the partition count to reach)'],
    ];
    const results = await Promise.all(cases.map(([args]) => topicCli(args)));
    results.forEach((res, i) => expectOneLineError(res, cases[i]![1]));
    expect(await admin.listTopics()).not.toContain(other);
    expect((await kafkajsConfig(topic, 'retention.ms')).isDefault).toBe(true);
  });

  it('no broker at the address: the connection error, at once', async () => {
    const port = await getFreePort();
    const started = Date.now();
    const commands = [['list'], ['create', 'x'], ['describe', 'x'], ['delete', 'x'], ['alter-config', 'x', '-s', 'a=b'], ['add-partitions', 'x', '-n', '1']];
    const results = await Promise.all(commands.map((args) => runCli(['topic', ...args, '-b', `127.0.0.1:${port}`])));
    for (const res of results) expectOneLineError(res, `could not connect to 127.0.0.1:${port}: connection refused`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('offsets of a topic with a partition that has no leader', () => {
  it('asks each leader once and leaves the leaderless partition without offsets; describe shows "none" and "-"', async () => {
    const { Cluster } = await import('../../src/client/cluster.js');
    const { offsetRanges } = await import('../../src/client/admin/topics.js');
    const { renderTopicDescription } = await import('../../src/cli/presenters/topics.js');
    const topic = name('leaderless');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await producer.send({ topic, messages: [{ partition: 0, value: 'a' }, { partition: 0, value: 'b' }] });
    const cluster = new Cluster({ brokers: gregor.bootstrap, retryDeadlineMs: 60_000 });
    try {
      const info = await cluster.topic(topic);
      // What a cluster with a broker down answers: partition 1 lost its leader.
      const partitions = info.partitions.map((p) => (p.partition === 1 ? { ...p, leader: -1, isr: [], offline: p.replicas } : p));
      const started = Date.now();
      const ranges = await offsetRanges(cluster, [{ name: topic, id: info.id, isInternal: false, partitions }]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect([...ranges.values()]).toEqual([{ start: 0n, end: 2n }]);

      const text = renderTopicDescription({
        name: topic,
        id: info.id,
        internal: false,
        replicationFactor: 1,
        configs: [],
        partitions: partitions.map((p) => ({ ...p, logStartOffset: p.partition === 0 ? 0n : null, highWatermark: p.partition === 0 ? 2n : null })),
      });
      const rows = cells(text.split('\n\n')[2]!);
      expect(rows.slice(2)).toEqual([
        ['PARTITION', 'LEADER', 'EPOCH', 'REPLICAS', 'ISR', 'OFFLINE', 'LOG-START', 'HIGH-WATERMARK'],
        ['0', String(partitions[0]!.leader), '0', `[${partitions[0]!.leader}]`, `[${partitions[0]!.leader}]`, '[]', '0', '2'],
        ['1', 'none', '0', `[${partitions[1]!.replicas[0]}]`, '[]', `[${partitions[1]!.replicas[0]}]`, '-', '-'],
      ]);
    } finally {
      await cluster.close();
    }
  });
});

describe('help and colour', () => {
  it('every topic command has examples in its help', async () => {
    const commands = ['list', 'describe', 'create', 'delete', 'add-partitions', 'alter-config'];
    const results = await Promise.all(commands.map((command) => runCli(['help', 'topic', command])));
    results.forEach((res, i) => {
      expectOk(res);
      expect(res.stdout).toContain('EXAMPLES');
      expect(res.stdout).toContain(`$ gregor topic ${commands[i]}`);
    });
  });

  it('plain text when piped, colour when forced', async () => {
    const topic = name('colour');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const piped = await runCli(['topic', 'describe', topic, '-b', gregor.bootstrap], { env: { NO_COLOR: '' } });
    expectOk(piped);
    expect(piped.stdout).not.toMatch(/\u001B\[/);
    const forced = await runCli(['topic', 'describe', topic, '-b', gregor.bootstrap], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expectOk(forced);
    expect(forced.stdout).toMatch(/\u001B\[1mSUMMARY/);
  });
});

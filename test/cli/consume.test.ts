/**
 * `gregor consume` as a shell user runs it, against a real `gregor serve`, cross-checked with kcat (which
 * produces the records and reads them back with the same -f format) and kafkajs (group offsets, group state,
 * a kafkajs member sharing a classic group with gregor).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, CoordinatorType } from '../../src/client/cluster.js';
import { ApiKey } from '../../src/protocol/index.js';
import { runCli } from '../helpers/cli.js';
import { hasKcat, requireClient } from '../helpers/debian-clients.js';
import { getFreePort } from '../helpers/free-port.js';
import { BIN, startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel, PartitionAssigners, AssignerProtocol } = require('kafkajs');

const FORMAT = '%t|%p|%o|%T|%k|%s|%h|%S|%K\\n';

let gregor: GregorProcess;
let kafka: any;

beforeAll(async () => {
  gregor = await startGregor(['--config', 'num.partitions=3', '--config', 'group.consumer.heartbeat.interval.ms=500']);
  kafka = new Kafka({ brokers: [gregor.bootstrap], logLevel: logLevel.NOTHING, clientId: 'consume-test' });
});
afterAll(async () => {
  await gregor?.stop();
});

function kcat(args: string[], input = ''): string {
  const res = spawnSync('kcat', ['-b', gregor.bootstrap, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  if (res.status !== 0) throw new Error(`kcat ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return res.stdout;
}

const sorted = (text: string): string[] => text.split('\n').filter((l) => l !== '').sort();

/** kcat -P: keyed records with headers into chosen partitions, one codec per call. */
function fillWithKcat(topic: string): void {
  kcat(['-P', '-t', topic, '-p', '0', '-K', ':', '-H', 'trace=abc', '-H', 'n=1', '-z', 'gzip'], 'k1:v1\nk2:v2\nk3:v3\n');
  kcat(['-P', '-t', topic, '-p', '1', '-K', ':', '-z', 'lz4'], 'k4:v4\n:empty-key\n');
  kcat(['-P', '-t', topic, '-p', '2', '-z', 'snappy'], 'no-key-1\nno-key-2\n');
  kcat(['-P', '-t', topic, '-p', '2', '-K', ':', '-H', 'x=y', '-z', 'zstd'], 'k5:v5\n');
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startConsume(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, 'consume', '-b', gregor.bootstrap, ...args], {
    env: { ...process.env, NO_COLOR: '1', GREGOR_BROKERS: '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The partitions a running member's last "assigned" line names. */
function assignedNow(m: Running): string[] {
  const last = /assigned (.*)$/.exec(m.stderr().trim().split('\n').pop() ?? '')?.[1] ?? 'nothing';
  return last === 'nothing' ? [] : last.split(', ');
}

async function until(cond: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('gregor consume: what it prints', () => {
  const topic = uniqueName('consume-kcat');
  beforeAll(() => {
    if (hasKcat()) fillWithKcat(topic);
  });

  it('prints kcat-produced records exactly as kcat -C -f does (keys, headers, partitions, codecs)', async (ctx) => {
    requireClient('kcat', ctx);
    const ours = await runCli(['consume', '-b', gregor.bootstrap, topic, '-e', '-f', FORMAT]);
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    const theirs = kcat(['-C', '-t', topic, '-e', '-q', '-f', FORMAT]);
    expect(sorted(ours.stdout)).toEqual(sorted(theirs));
    expect(sorted(ours.stdout)).toHaveLength(8);
    expect(ours.stdout).toContain(`${topic}|0|0|`);
    expect(ours.stdout).toMatch(/\|k1\|v1\|trace=abc,n=1\|2\|2\n/);
    // Default output: the value and a newline, as kcat's.
    const plain = await runCli(['consume', '-b', gregor.bootstrap, topic, '-e']);
    expect(sorted(plain.stdout)).toEqual(sorted(kcat(['-C', '-t', topic, '-e', '-q'])));
  });

  it('--json prints one object per record with the same fields', async (ctx) => {
    requireClient('kcat', ctx);
    const res = await runCli(['consume', '-b', gregor.bootstrap, topic, '-e', '--json', '-p', '0']);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ topic, partition: 0, offset: 0, key: 'k1', value: 'v1', headers: [{ key: 'trace', value: 'abc' }, { key: 'n', value: '1' }] });
    expect(typeof lines[0].timestamp).toBe('number');
    const kcatJson = kcat(['-C', '-t', topic, '-e', '-q', '-p', '0', '-J']).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.offset, l.timestamp, l.key, l.value])).toEqual(kcatJson.map((k: any) => [k.offset, k.ts, k.key, k.payload]));
  });

  it('starts where -o says and stops after -c records', async (ctx) => {
    requireClient('kcat', ctx);
    const on0 = async (...args: string[]): Promise<string[]> => {
      const res = await runCli(['consume', '-b', gregor.bootstrap, topic, '-p', '0', '-e', '-f', '%o:%s\\n', ...args]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      return res.stdout.split('\n').filter((l) => l !== '');
    };
    expect(await on0('-o', 'beginning')).toEqual(['0:v1', '1:v2', '2:v3']);
    expect(await on0('-o', 'end')).toEqual([]);
    expect(await on0('-o', '1')).toEqual(['1:v2', '2:v3']);
    expect(await on0('-o', '-1')).toEqual(['2:v3']);
    expect(await on0('-o', '-10')).toEqual(['0:v1', '1:v2', '2:v3']);
    expect(await on0('-c', '2')).toEqual(['0:v1', '1:v2']);
    const two = await runCli(['consume', '-b', gregor.bootstrap, topic, '-n', '2', '-f', '%s\\n']);
    expect(two.code).toBe(0);
    expect(two.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    const p12 = await runCli(['consume', '-b', gregor.bootstrap, '-t', topic, '-p', '1,2', '-e', '-f', '%p\\n']);
    expect(new Set(p12.stdout.split('\n').filter(Boolean))).toEqual(new Set(['1', '2']));
  });

  it('starts at a timestamp given in ms or as an ISO date; a partition with nothing after it starts at the end', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-ts');
    kcat(['-P', '-t', t, '-p', '0'], 'old1\nold2\n');
    await new Promise((r) => setTimeout(r, 30));
    const cut = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    kcat(['-P', '-t', t, '-p', '0'], 'new1\n');
    kcat(['-P', '-t', t, '-p', '1'], 'old-but-later-partition\n');
    for (const spec of [`@${cut}`, `@${new Date(cut).toISOString()}`]) {
      const res = await runCli(['consume', '-b', gregor.bootstrap, t, '-o', spec, '-e', '-f', '%p:%s\\n']);
      expect(res.code).toBe(0);
      expect(sorted(res.stdout)).toEqual(['0:new1', '1:old-but-later-partition']);
    }
    const future = await runCli(['consume', '-b', gregor.bootstrap, t, '-o', `@${Date.now() + 3_600_000}`, '-e']);
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
  });

  it('exits quietly when the reader of stdout goes away (| head)', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-pipe');
    kcat(['-P', '-t', t, '-p', '0'], Array.from({ length: 20_000 }, (_, i) => `line-${i}`).join('\n') + '\n');
    const res = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" consume -b ${gregor.bootstrap} ${t} | head -n 2`], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(res.stdout).toBe('line-0\nline-1\n');
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('gregor consume: errors', () => {
  it('says what is wrong in one line and exits non-zero', async () => {
    const missing = uniqueName('nope');
    const cases: [string[], RegExp][] = [
      [['consume', '-b', gregor.bootstrap, missing, '-e'], new RegExp(`^error: topic "${missing}" does not exist\\n$`)],
      [['consume', '-b', gregor.bootstrap, 'x', '-f', '%s %q'], /^error: bad format string "%s %q": unknown token "%q"/],
      [['consume', '-b', gregor.bootstrap, 'x', '-o', 'yesterday'], /^error: bad offset "yesterday": expected beginning, end/],
      [['consume', '-b', gregor.bootstrap, 'x', '-p', '0,a'], /^error: bad partition list "0,a"/],
      [['consume', '-b', gregor.bootstrap], /^error: no topic given/],
    ];
    for (const [args, pattern] of cases) {
      const res = await runCli(args);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toMatch(pattern);
      expect(res.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(res.stdout).toBe('');
    }
  });

  it('reports a partition the topic does not have, and a broker that is down', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-p');
    kcat(['-P', '-t', t, '-p', '0'], 'a\n');
    const res = await runCli(['consume', '-b', gregor.bootstrap, t, '-p', '7', '-e']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`error: topic "${t}" has no partition 7 (it has 3)\n`);
    const port = await getFreePort();
    const down = await runCli(['consume', '-b', `127.0.0.1:${port}`, t, '-e', '--timeout', '2000']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/^error: .*(ECONNREFUSED|connect|refused)/i);
  });
});

describe('gregor consume -g', () => {
  it('commits where it stopped (kafkajs fetchOffsets sees it) and resumes from there', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-g');
    const group = uniqueName('g');
    kcat(['-P', '-t', t, '-p', '0'], 'a\nb\nc\n');
    kcat(['-P', '-t', t, '-p', '2'], 'd\n');
    const first = await runCli(['consume', '-b', gregor.bootstrap, t, '-g', group, '-o', 'beginning', '-e', '-f', '%s\\n']);
    expect(first.code).toBe(0);
    expect(sorted(first.stdout)).toEqual(['a', 'b', 'c', 'd']);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [t] });
      const byPartition = Object.fromEntries(offsets.partitions.map((p: any) => [p.partition, p.offset]));
      expect(byPartition).toEqual({ 0: '3', 1: '0', 2: '1' });
    } finally {
      await admin.disconnect();
    }
    kcat(['-P', '-t', t, '-p', '1'], 'e\n');
    const second = await runCli(['consume', '-b', gregor.bootstrap, t, '-g', group, '-o', 'beginning', '-e', '-f', '%s\\n']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('e\n');
  });

  for (const protocol of ['classic', 'consumer'] as const) {
    it(`two gregor consumers split the partitions (${protocol} protocol), every record read once`, async (ctx) => {
      requireClient('kcat', ctx);
      const t = uniqueName(`consume-split-${protocol}`);
      const group = uniqueName('g');
      kcat(['-P', '-t', t, '-p', '0'], 'seed\n');
      const args = [t, '-g', group, '--group-protocol', protocol, '-f', '%p:%s\\n'];
      const a = startConsume(args);
      await until(() => /assigned .*-/.test(a.stderr()), () => `first member's assignment: ${a.stderr()}`);
      const b = startConsume(args);
      try {
        // Both hold partitions: the first gave some up when the second joined.
        await until(
          () => assignedNow(a).length > 0 && assignedNow(b).length > 0 && assignedNow(a).length + assignedNow(b).length === 3,
          () => `a split: a=${a.stderr()} b=${b.stderr()}`,
        );
        const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
        for (let p = 0; p < 3; p++) kcat(['-P', '-t', t, '-p', String(p)], values.filter((_, i) => i % 3 === p).join('\n') + '\n');
        const lines = (): string[] => [...a.stdout().split('\n'), ...b.stdout().split('\n')].filter((l) => l !== '');
        await until(() => lines().length >= 30, () => `30 records, got ${lines().length}`);
        await new Promise((r) => setTimeout(r, 300));
        expect(lines().sort()).toEqual(values.map((v, i) => `${i % 3}:${v}`).sort());
        expect(a.stdout()).not.toBe('');
        expect(b.stdout()).not.toBe('');
        // Two gregor members agree on the incremental protocol.
        if (protocol === 'classic') expect(a.stderr()).toMatch(/\(cooperative-sticky\), assigned/);
      } finally {
        a.child.kill('SIGINT');
        b.child.kill('SIGINT');
      }
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);
    });
  }

  it('shares a classic group with a kafkajs consumer', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-mixed');
    const group = uniqueName('g');
    kcat(['-P', '-t', t, '-p', '0'], 'seed\n');
    const ours = startConsume([t, '-g', group, '--group-protocol', 'classic', '-f', '%p:%s\\n']);
    await until(() => /assigned/.test(ours.stderr()), () => `gregor's assignment: ${ours.stderr()}`);
    // kafkajs names its round-robin assignor "RoundRobinAssigner"; offered as "roundrobin" it shares a protocol with gregor.
    const roundrobin = (config: any) => {
      const inner = PartitionAssigners.roundRobin(config);
      return {
        ...inner,
        name: 'roundrobin',
        protocol: ({ topics }: { topics: string[] }) => ({ name: 'roundrobin', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }),
      };
    };
    const consumer = kafka.consumer({ groupId: group, partitionAssigners: [roundrobin], heartbeatInterval: 500, sessionTimeout: 10_000 });
    const theirs: string[] = [];
    let kafkajsAssigned = 0;
    consumer.on(consumer.events.GROUP_JOIN, (e: any) => (kafkajsAssigned = (e.payload.memberAssignment[t] ?? []).length));
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: t, fromBeginning: false });
      await consumer.run({ eachMessage: async ({ partition, message }: any) => void theirs.push(`${partition}:${message.value.toString()}`) });
      await until(
        () => kafkajsAssigned > 0 && assignedNow(ours).length > 0 && assignedNow(ours).length + kafkajsAssigned === 3,
        () => `split: gregor=${ours.stderr()} kafkajs=${kafkajsAssigned}`,
      );
      const values = Array.from({ length: 30 }, (_, i) => `m${i}`);
      for (let p = 0; p < 3; p++) kcat(['-P', '-t', t, '-p', String(p)], values.filter((_, i) => i % 3 === p).join('\n') + '\n');
      const ourLines = (): string[] => ours.stdout().split('\n').filter((l) => l !== '');
      await until(() => ourLines().length + theirs.length >= 30, () => `30 records, got ${ourLines().length}+${theirs.length}`);
      await new Promise((r) => setTimeout(r, 300));
      expect([...ourLines(), ...theirs].sort()).toEqual(values.map((v, i) => `${i % 3}:${v}`).sort());
      expect(ourLines().length).toBeGreaterThan(0);
      expect(theirs.length).toBeGreaterThan(0);
    } finally {
      ours.child.kill('SIGINT');
      await consumer.disconnect();
    }
    expect(await ours.exited).toBe(0);
  });

  it('shares a classic group with kcat -G (librdkafka)', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-kcatg');
    const group = uniqueName('g');
    kcat(['-P', '-t', t, '-p', '0'], 'seed\n');
    const ours = startConsume([t, '-g', group, '--group-protocol', 'classic', '-f', '%p:%s\n']);
    await until(() => assignedNow(ours).length === 3, () => `gregor's assignment: ${ours.stderr()}`);
    const theirs = spawn('kcat', ['-b', gregor.bootstrap, '-u', '-G', group, '-f', '%p:%s\n', '-X', 'heartbeat.interval.ms=500', t]);
    let theirOut = '';
    let theirErr = '';
    theirs.stdout.on('data', (d) => (theirOut += d));
    theirs.stderr.on('data', (d) => (theirErr += d));
    const theirExit = new Promise((resolve) => theirs.on('close', resolve));
    try {
      await until(
        () => /rebalanced .*assigned: /.test(theirErr) && assignedNow(ours).length > 0 && assignedNow(ours).length < 3,
        () => `split: gregor=${ours.stderr()} kcat=${theirErr}`,
      );
      const values = Array.from({ length: 30 }, (_, i) => `q${i}`);
      for (let p = 0; p < 3; p++) kcat(['-P', '-t', t, '-p', String(p)], values.filter((_, i) => i % 3 === p).join('\n') + '\n');
      const all = (): string[] => [...ours.stdout().split('\n'), ...theirOut.split('\n')].filter((l) => l !== '');
      await until(() => all().length >= 30, () => `30 records, got ${all().length}: gregor=${ours.stdout()} ${ours.stderr()} kcat=${theirOut} ${theirErr}`);
      await new Promise((r) => setTimeout(r, 300));
      expect(all().sort()).toEqual(values.map((v, i) => `${i % 3}:${v}`).sort());
      expect(ours.stdout()).not.toBe('');
      expect(theirOut).not.toBe('');
    } finally {
      ours.child.kill('SIGINT');
      theirs.kill('SIGINT');
    }
    expect(await ours.exited).toBe(0);
    await theirExit;
  });

  it('SIGINT: exits 0, commits, and the group is Empty right after', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-sig');
    const group = uniqueName('g');
    kcat(['-P', '-t', t, '-p', '1'], 'x\ny\n');
    const c = startConsume([t, '-g', group, '--group-protocol', 'classic', '-o', 'beginning']);
    await until(() => c.stdout() === 'x\ny\n', () => `two records, got ${JSON.stringify(c.stdout())}`);
    c.child.kill('SIGINT');
    expect(await c.exited).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([group]);
      expect(groups[0].state).toBe('Empty');
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [t] });
      expect(offsets.partitions.find((p: any) => p.partition === 1).offset).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('SIGINT with the consumer protocol: exits 0, commits, and the member has left (ConsumerGroupDescribe)', async (ctx) => {
    requireClient('kcat', ctx);
    const t = uniqueName('consume-sig848');
    const group = uniqueName('g');
    kcat(['-P', '-t', t, '-p', '2'], 'x\ny\nz\n');
    const c = startConsume([t, '-g', group, '--group-protocol', 'consumer', '-o', 'beginning']);
    await until(() => c.stdout() === 'x\ny\nz\n', () => `three records, got ${JSON.stringify(c.stdout())}`);
    c.child.kill('SIGINT');
    expect(await c.exited).toBe(0);
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await cluster.requestCoordinator(CoordinatorType.Group, group, ApiKey.ConsumerGroupDescribe, { groupIds: [group], includeAuthorizedOperations: false }, (r) => r.groups[0]?.errorCode ?? 0);
      expect(described.groups[0]!.members).toEqual([]);
      expect(described.groups[0]!.groupState).toMatch(/^empty$/i);
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [t] });
      expect(offsets.partitions.find((p: any) => p.partition === 2).offset).toBe('3');
    } finally {
      await admin.disconnect();
      await cluster.close();
    }
  });
});

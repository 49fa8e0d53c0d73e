/**
 * `gregor produce` as a shell user runs it (runCli: the built CLI, stdin in, stdout/stderr/exit code out), read
 * back with kcat, and its key placement compared with kafkajs's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/client/partitioner.js';
import { RawClient } from '../broker/raw-client.js';
import { runCli } from '../helpers/cli.js';
import { requireClient } from '../helpers/debian-clients.js';
import { getFreePort } from '../helpers/free-port.js';
import { BIN, startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { createTopics } from '../clients/suite.js';
import { run } from '../clients/support.js';

const require = createRequire(import.meta.url);
let gregor: GregorProcess;
let b: string[];

beforeAll(async () => {
  gregor = await startGregor(['--config', 'auto.create.topics.enable=false']);
  b = ['-b', gregor.bootstrap];
});
afterAll(async () => {
  await gregor?.stop();
});

async function topic(prefix: string, partitions = 3): Promise<string> {
  const t = uniqueName(prefix);
  await createTopics(gregor.bootstrap, [t], partitions);
  return t;
}

/** kcat's view of a topic, one line per record in `format`. */
async function kcat(t: string, format: string, extra: string[] = []): Promise<string[]> {
  const res = await run('kcat', ['-C', '-e', '-q', '-b', gregor.bootstrap, '-t', t, '-f', format, ...extra]);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout.split('\n').filter((l) => l !== '');
}

const sorted = (a: string[]) => [...a].sort();

describe('gregor produce', () => {
  it('seq 1 100 | gregor produce T: one record per line, null keys, nothing printed', async (ctx) => {
    requireClient('kcat', ctx);
    const t = await topic('cli-seq');
    const input = Array.from({ length: 100 }, (_, i) => `${i + 1}`).join('\n') + '\n';
    const res = await runCli(['produce', t, ...b], { input });
    expect(res).toEqual({ code: 0, stdout: '', stderr: '' });
    const lines = await kcat(t, '%k|%s\n', ['-Z']);
    expect(sorted(lines)).toEqual(sorted(Array.from({ length: 100 }, (_, i) => `NULL|${i + 1}`)));
  });

  it('-K: splits keys (kcat style); keys land where murmur2 and kafkajs put them; -v prints what kcat reads', async (ctx) => {
    requireClient('kcat', ctx);
    const t = await topic('cli-keys', 4);
    const lines = Array.from({ length: 60 }, (_, i) => `key-${i % 20}:value:${i}`);
    lines.push('no delimiter here');
    const res = await runCli(['produce', t, ...b, '-K:', '-v'], { input: lines.join('\n') });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    const got = await kcat(t, '%k|%s|%o|%p\n');
    expect(got).toHaveLength(61);
    for (const l of got) {
      const [key, value, , partition] = l.split('|');
      if (key === '') expect(value).toBe('no delimiter here');
      else {
        expect(value).toMatch(/^value:\d+$/); // the key ends at the FIRST delimiter
        expect(Number(partition)).toBe(partitionForKey(Buffer.from(key!), 4));
      }
    }
    // -v: "topic partition offset" per record, in input order: line i of the output is where input line i went.
    const where = new Map(got.map((l) => [`${l.split('|')[0]}|${l.split('|')[1]}`, `${t} ${l.split('|')[3]} ${l.split('|')[2]}`]));
    expect(res.stdout.trim().split('\n')).toEqual(
      lines.map((line) => {
        const at = line.indexOf(':');
        return where.get(at < 0 ? `|${line}` : `${line.slice(0, at)}|${line.slice(at + 1)}`);
      }),
    );

    // kafkajs (its default partitioner is Java's) sends the same keys to the same partitions.
    const t2 = await topic('cli-keys-kafkajs', 4);
    const kafkajs = require('kafkajs');
    const kafka = new kafkajs.Kafka({ brokers: [gregor.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    const meta = await producer.send({ topic: t2, messages: Array.from({ length: 20 }, (_, i) => ({ key: `key-${i}`, value: 'x' })) });
    await producer.disconnect();
    expect(meta.length).toBeGreaterThan(0);
    const theirs = await kcat(t2, '%k|%p\n');
    const mine = new Map(got.filter((l) => !l.startsWith('|')).map((l) => [l.split('|')[0]!, l.split('|')[3]!]));
    for (const l of theirs) expect(mine.get(l.split('|')[0]!), l).toBe(l.split('|')[1]);
  });

  it('-H adds headers to every record, -p picks the partition, -k gives keyless lines a key', async (ctx) => {
    requireClient('kcat', ctx);
    const t = await topic('cli-headers');
    const res = await runCli(['produce', t, ...b, '-H', 'source=cli', '-H', 'env=a=b', '-p', '2', '-k', 'fixed'], { input: 'one\ntwo\n' });
    expect(res).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await kcat(t, '%p|%k|%s|%h\n')).toEqual(['2|fixed|one|source=cli,env=a=b', '2|fixed|two|source=cli,env=a=b']);
  });

  it('-z: every codec is read back by kcat', async (ctx) => {
    requireClient('kcat', ctx);
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd', 'none']) {
      const t = await topic(`cli-${codec}`, 1);
      const input = Array.from({ length: 500 }, (_, i) => `${codec} ${i} ${'z'.repeat(i % 50)}`).join('\n');
      const res = await runCli(['produce', t, ...b, '-z', codec], { input });
      expect(res.code, res.stderr).toBe(0);
      expect(await kcat(t, '%s\n')).toEqual(input.split('\n'));
    }
  });

  it('--json: key, value, headers (object or pairs), partition, timestamp, null key and value; -v --json reports', async (ctx) => {
    requireClient('kcat', ctx);
    const t = await topic('cli-json');
    const input = [
      '{"key":"k1","value":"v1","headers":{"h1":"x","h2":"y"},"partition":1,"timestamp":1700000000000}',
      '{"key":null,"value":"v2","headers":[["a","1"],["a","2"]],"partition":1}',
      '',
      '{"key":"k3","value":null,"partition":1,"timestamp":"2024-01-02T03:04:05.006Z"}',
      '{"value":{"nested":true},"partition":1}',
    ].join('\n');
    const res = await runCli(['produce', t, ...b, '--json', '-v'], { input });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([0, 1, 2, 3].map((offset) => ({ topic: t, partition: 1, offset })));
    const got = await kcat(t, '%k|%s|%h|%T\n', ['-Z']);
    expect(got[0]).toBe('k1|v1|h1=x,h2=y|1700000000000');
    expect(got[1]).toMatch(/^NULL\|v2\|a=1,a=2\|\d+$/);
    expect(got[2]).toBe(`k3|NULL||${Date.parse('2024-01-02T03:04:05.006Z')}`);
    expect(got[3]).toMatch(/^NULL\|\{"nested":true\}\|\|\d+$/);

    const bad = await runCli(['produce', t, ...b, '--json'], { input: '{"key":"a","value":"b"}\n{nope\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: line 2 is not JSON: /);
    const unknown = await runCli(['produce', t, ...b, '--json'], { input: '{"kee":"a"}\n' });
    expect(unknown.stderr).toBe('error: line 1: unknown field "kee" (use key, value, headers, partition, timestamp)\n');
  });

  it("--format reads rpk's input format: %k %v, %p, %H %h{…}, sizes, escapes", async (ctx) => {
    requireClient('kcat', ctx);
    const plain = await topic('cli-format-plain', 1);
    let res = await runCli(['produce', plain, ...b, '-f', '%k %v\\n'], { input: 'a 1\nb two words\nc 3' });
    expect(res.code, res.stderr).toBe(0);
    expect(await kcat(plain, '%k|%s\n')).toEqual(['a|1', 'b|two words', 'c|3']);
    const t = await topic('cli-format');
    res = await runCli(['produce', t, ...b, '-f', '%p\\t%K %k%v{x}%H:%h{%k=%v;}\\n'.replace('{x}', '|')], {
      input: '2\t3 abcval1|2:h1=x;h2=y;\n2\t1 zval2|0:\n',
    });
    expect(res.code, res.stderr).toBe(0);
    expect(await kcat(t, '%p|%k|%s|%h\n')).toEqual(['2|abc|val1|h1=x,h2=y', '2|z|val2|']);

    const noMatch = await runCli(['produce', t, ...b, '-f', '%k=%v\\n'], { input: 'a=1\nb\n' });
    expect(noMatch.code).toBe(1);
    expect(noMatch.stderr).toBe('error: record 2: the input ended inside it (format "%k=%v\\n")\n');
  });

  it('--acks 0, 1 and all; -v shows offset -1 with acks 0', async () => {
    const t = await topic('cli-acks', 1);
    const zero = await runCli(['produce', t, ...b, '--acks', '0', '-v'], { input: 'a\nb\n' });
    expect(zero).toMatchObject({ code: 0, stdout: `${t} 0 -1\n${t} 0 -1\n` });
    const one = await runCli(['produce', t, ...b, '--acks', '1', '-v'], { input: 'c\n' });
    expect(one).toMatchObject({ code: 0, stdout: `${t} 0 2\n` });
    const all = await runCli(['produce', t, ...b, '--acks', 'all', '-v'], { input: 'd\n' });
    expect(all).toMatchObject({ code: 0, stdout: `${t} 0 3\n` });
    const bad = await runCli(['produce', t, ...b, '--acks', '2'], { input: 'e\n' });
    expect(bad).toMatchObject({ code: 1, stderr: 'error: bad --acks "2" (use all, -1, 1 or 0)\n' });
    const conflict = await runCli(['produce', t, ...b, '--acks', '1', '--idempotence'], { input: 'e\n' });
    expect(conflict).toMatchObject({ code: 1, stderr: 'error: idempotence needs acks=all (-1), not acks=1\n' });
  });

  it('is idempotent by default (DescribeProducers shows its producer id and last sequence); --acks 1 is not', async () => {
    const t = await topic('cli-idem', 1);
    expect((await runCli(['produce', t, ...b], { input: 'a\nb\nc\n' })).code).toBe(0);
    expect((await runCli(['produce', t, ...b, '--acks', '1'], { input: 'd\n' })).code).toBe(0);
    const raw = await RawClient.connect(gregor.port);
    try {
      const d = await raw.request(61, 0, { topics: [{ name: t, partitionIndexes: [0] }] });
      const producers = d.topics[0].partitions[0].activeProducers;
      expect(producers).toEqual([expect.objectContaining({ producerEpoch: 0, lastSequence: 2 })]);
      expect(producers[0].producerId).toBeGreaterThanOrEqual(0n);
    } finally {
      raw.close();
    }
  });

  it('--file reads a file', async (ctx) => {
    requireClient('kcat', ctx);
    const t = await topic('cli-file', 1);
    const dir = mkdtempSync(join(tmpdir(), 'gregor-produce-'));
    const file = join(dir, 'in.txt');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const res = await runCli(['produce', t, ...b, '--file', file]);
    expect(res).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await kcat(t, '%s\n')).toEqual(Array.from({ length: 5000 }, (_, i) => `line ${i}`));
  });

  it('fails with one line and exit 1: unknown topic, broker down, bad format, bad codec, partition out of range', async () => {
    const t = await topic('cli-errors', 3);
    const missing = uniqueName('missing');
    expect(await runCli(['produce', missing, ...b], { input: 'x\n' })).toEqual({ code: 1, stdout: '', stderr: `error: topic "${missing}" does not exist\n` });
    expect(await runCli(['produce', ...b, '-f', '%t %v\\n'], { input: `${missing} x\n` })).toEqual({ code: 1, stdout: '', stderr: `error: topic "${missing}" does not exist\n` });
    const port = await getFreePort();
    expect(await runCli(['produce', t, '-b', `127.0.0.1:${port}`], { input: 'x\n' })).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: could not connect to 127.0.0.1:${port}: connection refused\n`,
    });
    expect(await runCli(['produce', t, ...b, '-f', '%k %x\\n'], { input: 'x\n' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: bad format "%k %x\\n": unknown field %x (use %t %k %v %p %h{…} %T %K %V %H %% %{ %})\n',
    });
    expect((await runCli(['produce', t, ...b, '-f', '%k%v'], { input: 'x\n' })).stderr).toBe(
      'error: bad format "%k%v": %k must be followed by literal text or have its size (%K) before it\n',
    );
    expect(await runCli(['produce', t, ...b, '-z', 'brotli'], { input: 'x\n' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unknown compression codec "brotli" (use none, gzip, snappy, lz4 or zstd)\n',
    });
    expect(await runCli(['produce', t, ...b, '-p', '3'], { input: 'x\n' })).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: partition 3 is out of range: topic "${t}" has 3 partitions\n`,
    });
    expect((await runCli(['produce', t, ...b, '--json'], { input: '{"value":"x","partition":9}\n' })).stderr).toBe(
      `error: partition 9 is out of range: topic "${t}" has 3 partitions\n`,
    );
    expect((await runCli(['produce', ...b], { input: 'x\n' })).stderr).toMatch(/^error: name the topic: gregor produce TOPIC/);
    expect((await runCli(['produce', t, ...b, '-H', 'novalue'], { input: 'x\n' })).stderr).toBe('error: bad header "novalue": use -H key=value\n');
  });

  it('a missing topic is created when the broker allows it, unless --no-auto-create', async () => {
    const other = await startGregor(['--config', 'num.partitions=2']);
    try {
      const t = uniqueName('cli-auto');
      expect(await runCli(['produce', t, '-b', other.bootstrap, '--no-auto-create'], { input: 'x\n' })).toEqual({
        code: 1,
        stdout: '',
        stderr: `error: topic "${t}" does not exist\n`,
      });
      const res = await runCli(['produce', t, '-b', other.bootstrap, '-v', '-p', '1'], { input: 'x\n' });
      expect(res).toEqual({ code: 0, stdout: `${t} 1 0\n`, stderr: '' });
      // --format '%t …' names topics per record; those are created (or refused) the same way.
      const t2 = uniqueName('cli-auto-t');
      const viaFormat = await runCli(['produce', '-b', other.bootstrap, '-f', '%t %v\\n', '-v'], { input: `${t2} a\n${t2} b\n` });
      expect(viaFormat.code, viaFormat.stderr).toBe(0);
      expect(viaFormat.stdout.trim().split('\n').map((l) => l.split(' ')[0])).toEqual([t2, t2]);
    } finally {
      await other.stop();
    }
  });

  it('Ctrl-C stops reading, delivers what was read, and exits 130', async () => {
    const t = await topic('cli-sigint', 1);
    const child = spawn(process.execPath, [BIN, 'produce', t, ...b, '-v'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin.write('one\ntwo\n');
    while (!stdout.includes(`${t} 0 1\n`)) await new Promise((r) => setTimeout(r, 20));
    child.stdin.write('three\n');
    while (!stdout.includes(`${t} 0 2\n`)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toBe(`${t} 0 0\n${t} 0 1\n${t} 0 2\n`);
  });

  it('-v | head -1: the reader going away ends the run quietly (exit 0, no error line), what was read is delivered', async () => {
    const t = await topic('cli-epipe', 1);
    // A real pipe, as a shell makes: the reports after the first line meet a closed pipe (EPIPE).
    const res = spawnSync('bash', ['-c', `set -o pipefail; (echo one; sleep 1; seq 1 1000) | "${process.execPath}" "${BIN}" produce ${t} -b ${gregor.bootstrap} -v | head -n 1`], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(res.stdout).toBe(`${t} 0 0\n`);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect((await kcat(t, '%s\n'))[0]).toBe('one');
  });

  it('-v prints a report for every record, the last ones included, with --format %t over two topics', async () => {
    const t1 = await topic('cli-last-a', 1);
    const t2 = await topic('cli-last-b', 2);
    const input = Array.from({ length: 300 }, (_, i) => `${i % 2 === 0 ? t1 : t2} v${i}`).join('\n') + '\n';
    const res = await runCli(['produce', ...b, '-f', '%t %v\\n', '-v'], { input });
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(300);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? t1 : t2)));
    expect(lines.filter((l) => l.startsWith(`${t1} `)).map((l) => l.split(' ').slice(1).join(' '))).toEqual(Array.from({ length: 150 }, (_, i) => `0 ${i}`));
  });

  it('gregor help produce shows examples', async () => {
    const res = await runCli(['help', 'produce']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('seq 1 100 | gregor produce numbers');
    expect(res.stdout).toContain("gregor produce orders -K: -v");
    expect(res.stdout).toContain('--format');
  });
});

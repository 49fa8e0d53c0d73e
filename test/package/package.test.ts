/**
 * The single executable (`npm run package`) against `node bin/run.js`: the same CLI smoke test (serve, topic
 * create, produce with each native codec, consume in a group, group describe) must give the same results.
 * The binary runs from an empty temp folder with `env -i` (only HOME, so that its addon cache has a home).
 * Builds the package when dist-package/ lacks it (test/helpers/packaged.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, uniqueName } from '../helpers/gregor-server.js';
import { ensurePackage, EXE, ROOT as root, TARBALL, VERSION as version } from '../helpers/packaged.js';

interface Runner {
  name: string;
  command: string;
  prefix: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

let home: string;
let emptyDir: string;
const runners: Runner[] = [];

beforeAll(() => {
  ensurePackage();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-pkg-home-'));
  emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-pkg-cwd-'));
  runners.push(
    { name: 'packaged binary', command: EXE, prefix: [], cwd: emptyDir, env: { HOME: home, NO_COLOR: '1' } },
    { name: 'node bin/run.js', command: process.execPath, prefix: [BIN], cwd: root, env: { ...process.env, GREGOR_BROKERS: '', NO_COLOR: '1' } },
  );
}, 600_000);

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(emptyDir, { recursive: true, force: true });
});

function run(r: Runner, args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // env -i: nothing from this process's environment reaches the binary beyond what r.env lists.
    const child = spawn(r.command, [...r.prefix, ...args], { cwd: r.cwd, env: r.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

async function serve(r: Runner): Promise<{ child: ChildProcess; bootstrap: string }> {
  const child = spawn(r.command, [...r.prefix, 'serve', '--ephemeral', '--port', '0'], { cwd: r.cwd, env: r.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${r.name}: serve printed no banner; stderr:\n${err}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /gregor listening on [^ ]+:(\d+) /.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`${r.name}: serve exited (${code}); stderr:\n${err}`)));
  });
  return { child, bootstrap: `127.0.0.1:${port}` };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

async function smoke(r: Runner): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  const broker = await serve(r);
  try {
    const b = ['-b', broker.bootstrap];
    const topic = uniqueName('pkg');
    const group = uniqueName('pkg-group');
    const created = await run(r, ['topic', 'create', ...b, topic, '-p', '1']);
    expect(created.code, created.stderr).toBe(0);
    const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
    for (const codec of codecs) {
      const produced = await run(r, ['produce', ...b, topic, '-z', codec], `${codec}-1\n${codec}-2\n`);
      expect(produced.code, `${codec}: ${produced.stderr}`).toBe(0);
    }
    const consumed = await run(r, ['consume', ...b, topic, '-g', group, '-o', 'beginning', '-e', '-f', '%o %s\\n']);
    expect(consumed.code, consumed.stderr).toBe(0);
    results['consume'] = consumed.stdout;
    const described = await run(r, ['group', 'describe', ...b, group, '--json']);
    expect(described.code, described.stderr).toBe(0);
    const parsed = JSON.parse(described.stdout) as unknown;
    // Names and ports differ between the two runs; the committed positions must not.
    const port = broker.bootstrap.split(':')[1]!;
    results['group'] = JSON.stringify(parsed).replaceAll(group, 'GROUP').replaceAll(topic, 'TOPIC').replaceAll(`"port":${port}`, '"port":PORT');
    const missing = await run(r, ['topic', 'describe', ...b, 'no-such-topic']);
    results['missing'] = `${missing.code} ${missing.stderr}`;
    // oclif's help comes from the command manifest the build makes (src/package/write-manifest.ts, on oclif
    // internals): an oclif upgrade that changes them shows here.
    for (const args of [['help'], ['help', 'topic'], ['produce', '--help'], ['serve', '--help']]) {
      const help = await run(r, args);
      results[args.join(' ')] = `${help.code} ${help.stdout.replace(/node-v[\d.]+/g, 'node-VERSION')}${help.stderr}`;
    }
    const ver = await run(r, ['--version']);
    results['version'] = ver.stdout.split(' ')[0] ?? '';
  } finally {
    await stop(broker.child);
  }
  return results;
}

describe('the packaged binary', () => {
  it('is one file that runs from an empty folder with env -i', async () => {
    expect(fs.statSync(EXE).mode & 0o111).not.toBe(0);
    const r = runners[0]!;
    const res = await run(r, ['--version']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^gregor/${version.replaceAll('.', '\\.')} `));
    expect(res.stderr).toBe('');
    const tarball = TARBALL;
    const sum = fs.readFileSync(`${tarball}.sha256`, 'utf8');
    const check = spawnSync('sha256sum', ['-c', path.basename(`${tarball}.sha256`)], { cwd: path.dirname(tarball), encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(sum).toMatch(/^[0-9a-f]{64} {2}gregor-/);
  });

  it('writes its addons once to a per-version cache, also when first runs start together', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-pkg-fresh-'));
    try {
      const r: Runner = { ...runners[0]!, env: { HOME: fresh } };
      // serve loads better-sqlite3's addon at start (--version loads none: commands import lazily).
      const brokers = await Promise.all([1, 2, 3].map(() => serve(r)));
      await Promise.all(brokers.map((b) => stop(b.child)));
      const base = path.join(fresh, '.cache', 'gregor');
      const folders = fs.readdirSync(base);
      expect(folders).toHaveLength(1);
      expect(folders[0]).toMatch(new RegExp(`^${version.replaceAll('.', '\\.')}-${process.platform}-${process.arch}-[0-9a-f]{12}$`));
      const files = fs.readdirSync(path.join(base, folders[0]!));
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(files).toContain('better_sqlite3.node');
      const again = await serve(r);
      await stop(again.child);
      expect(fs.readdirSync(path.join(base, folders[0]!)).sort()).toEqual(files.sort());
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('passes the same CLI smoke test as node bin/run.js', async () => {
    const packaged = await smoke(runners[0]!);
    const node = await smoke(runners[1]!);
    expect(packaged['consume']).toBe(
      ['none', 'gzip', 'snappy', 'lz4', 'zstd'].flatMap((c, i) => [`${2 * i} ${c}-1`, `${2 * i + 1} ${c}-2`]).join('\n') + '\n',
    );
    expect(packaged['missing']).toMatch(/^1 error: topic "no-such-topic" does not exist/);
    expect(packaged).toEqual(node);
  }, 120_000);
});

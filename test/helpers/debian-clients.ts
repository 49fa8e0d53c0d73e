/**
 * Which Kafka clients (and other tools, such as buildah) from Debian are installed, for tests that check gregor against them.
 *
 * Debian's python3-* packages are only visible to Debian's own interpreter, /usr/bin/python3.
 * A `python3` found on PATH may be another one (on the dev machines it is pyenv's shim), so the
 * helpers here always run DEBIAN_PYTHON, with an environment that keeps pyenv and the user's
 * site-packages out (debianPythonEnv()).
 *
 * In a test, or in a beforeEach for a whole describe block:
 *
 *   it('round-trips with kcat', async (ctx) => {
 *     requireClient('kcat', ctx);   // skipped here if kcat is missing; fails under CI=true
 *     ...
 *   });
 *
 *   describe('kafka-python', () => {
 *     beforeEach((ctx) => requireClient('kafka-python', ctx));
 *     ...
 *   });
 */
import { spawnSync } from 'node:child_process';

export const DEBIAN_PYTHON = '/usr/bin/python3';

export type ClientName =
  | 'kcat'
  | 'confluent-kafka'
  | 'kafka-python'
  | 'python-snappy'
  | 'python-lz4'
  | 'python-zstandard'
  | 'python-xxhash'
  | 'ruby'
  | 'buildah';

interface ClientSpec {
  /** The Debian package that provides it. */
  debianPackage: string;
  /** What it is, for messages. */
  description: string;
  probe: () => ProbeResult;
}

interface ProbeResult {
  ok: boolean;
  version?: string;
  detail: string;
}

export interface ClientStatus {
  name: ClientName;
  available: boolean;
  debianPackage: string;
  /** The client's version when available (for kcat and confluent-kafka also librdkafka's). */
  version?: string;
  /** Why it is not available, or what was found. */
  detail: string;
}

/** Environment for running DEBIAN_PYTHON: no pyenv, PYTHONPATH, PYTHONHOME or user site-packages. */
export function debianPythonEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONNOUSERSITE: '1', PYTHONDONTWRITEBYTECODE: '1' };
  for (const key of ['PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'PYENV_VERSION', 'VIRTUAL_ENV']) delete env[key];
  return env;
}

function probePython(module: string, versionExpr: string): ProbeResult {
  const script = `import ${module} as m\nprint(${versionExpr})`;
  const res = spawnSync(DEBIAN_PYTHON, ['-c', script], { encoding: 'utf8', timeout: 20_000, env: debianPythonEnv() });
  if (res.error) return { ok: false, detail: `${DEBIAN_PYTHON} cannot run: ${res.error.message}` };
  if (res.status !== 0) {
    const last = res.stderr.trim().split('\n').pop() ?? '';
    return { ok: false, detail: `${DEBIAN_PYTHON} cannot import ${module}: ${last}` };
  }
  const version = res.stdout.trim();
  return { ok: true, version, detail: `${DEBIAN_PYTHON}: ${module} ${version}` };
}

function probeKcat(): ProbeResult {
  const res = spawnSync('kcat', ['-V'], { encoding: 'utf8', timeout: 20_000 });
  if (res.error) return { ok: false, detail: `kcat cannot run: ${res.error.message}` };
  const text = `${res.stdout}\n${res.stderr}`;
  const version = /Version (\S+)/.exec(text)?.[1];
  const librdkafka = /librdkafka (\S+)/.exec(text)?.[1];
  if (res.status !== 0 || !version) return { ok: false, detail: `kcat -V exited ${res.status}: ${text.trim()}` };
  const full = librdkafka ? `${version} (librdkafka ${librdkafka})` : version;
  return { ok: true, version: full, detail: `kcat ${full}` };
}

/** A Debian tool the tests run that is not a Kafka client: present when `<command> --version` prints a version. */
function probeTool(command: string, versionPattern: RegExp): ProbeResult {
  const res = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (res.error) return { ok: false, detail: `${command} cannot run: ${res.error.message}` };
  const version = versionPattern.exec(res.stdout)?.[1];
  if (res.status !== 0 || !version) return { ok: false, detail: `${command} --version exited ${res.status}: ${res.stderr.trim()}` };
  return { ok: true, version, detail: `${command} ${version}` };
}

const CLIENTS: Record<ClientName, ClientSpec> = {
  kcat: { debianPackage: 'kcat', description: 'kcat (librdkafka command line client)', probe: probeKcat },
  'confluent-kafka': {
    debianPackage: 'python3-confluent-kafka',
    description: "Debian's python3 with confluent_kafka",
    probe: () => probePython('confluent_kafka', 'm.version()[0] + " (librdkafka " + m.libversion()[0] + ")"'),
  },
  'kafka-python': {
    debianPackage: 'python3-kafka',
    description: "Debian's python3 with kafka (kafka-python)",
    probe: () => probePython('kafka', 'm.__version__'),
  },
  'python-snappy': {
    debianPackage: 'python3-snappy',
    description: "Debian's python3 with snappy",
    probe: () => probePython('snappy', 'getattr(m, "__version__", "installed")'),
  },
  'python-lz4': {
    debianPackage: 'python3-lz4',
    description: "Debian's python3 with lz4",
    probe: () => probePython('lz4', 'm.__version__'),
  },
  'python-zstandard': {
    debianPackage: 'python3-zstandard',
    description: "Debian's python3 with zstandard",
    probe: () => probePython('zstandard', 'm.__version__'),
  },
  'python-xxhash': {
    debianPackage: 'python3-xxhash',
    description: "Debian's python3 with xxhash (kafka-python's magic-0 LZ4 framing)",
    probe: () => probePython('xxhash', 'm.VERSION'),
  },
  // Not Kafka clients: the Homebrew formula's checks (brew-shim.rb) and the container image (image.test.ts).
  ruby: { debianPackage: 'ruby', description: "Debian's ruby (for the Homebrew formula)", probe: () => probeTool('ruby', /^ruby (\S+)/) },
  buildah: { debianPackage: 'buildah', description: 'buildah (builds and runs container images without a daemon)', probe: () => probeTool('buildah', /buildah version (\S+)/) },
};

export const CLIENT_NAMES = Object.keys(CLIENTS) as ClientName[];

const cache = new Map<ClientName, ClientStatus>();

/** Probe a client once per test process (the result is cached). */
export function clientStatus(name: ClientName): ClientStatus {
  let status = cache.get(name);
  if (!status) {
    const spec = CLIENTS[name];
    if (!spec) throw new Error(`unknown client "${String(name)}"; known: ${CLIENT_NAMES.join(', ')}`);
    const probe = spec.probe();
    status = {
      name,
      available: probe.ok,
      debianPackage: spec.debianPackage,
      ...(probe.version === undefined ? {} : { version: probe.version }),
      detail: probe.detail,
    };
    cache.set(name, status);
  }
  return status;
}

export function hasKcat(): boolean {
  return clientStatus('kcat').available;
}

/** Debian's python3 (/usr/bin/python3) can import confluent_kafka. */
export function hasConfluentKafka(): boolean {
  return clientStatus('confluent-kafka').available;
}

/** Debian's python3 (/usr/bin/python3) can import kafka (kafka-python). */
export function hasKafkaPython(): boolean {
  return clientStatus('kafka-python').available;
}

/** True when tests run under CI (CI=true), where a missing client is a failure, not a skip. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true';
}

/** The part of vitest's test context requireClient needs. */
export interface SkipContext {
  skip: (note?: string) => never;
}

export type Requirement =
  | { outcome: 'run' }
  | { outcome: 'skip'; message: string }
  | { outcome: 'fail'; message: string };

/** What requireClient does for a client in a given state and environment. */
export function requirementFor(status: ClientStatus, env: NodeJS.ProcessEnv = process.env): Requirement {
  if (status.available) return { outcome: 'run' };
  const spec = CLIENTS[status.name];
  const install = `apt-get install -y --no-install-recommends ${status.debianPackage}`;
  if (isCI(env)) {
    return {
      outcome: 'fail',
      message:
        `${spec.description} is missing under CI=true: Debian package ${status.debianPackage} is not installed ` +
        `(${install}; .ci/run installs it). ${status.detail}`,
    };
  }
  return {
    outcome: 'skip',
    message: `${spec.description} not available (Debian package ${status.debianPackage}: ${install}). ${status.detail}`,
  };
}

/**
 * Make the current test depend on a client. When the client is missing the test is skipped with a
 * message naming the Debian package, except under CI=true, where it fails instead.
 */
export function requireClient(name: ClientName, ctx: SkipContext, env: NodeJS.ProcessEnv = process.env): void {
  const requirement = requirementFor(clientStatus(name), env);
  if (requirement.outcome === 'fail') throw new Error(requirement.message);
  if (requirement.outcome === 'skip') ctx.skip(requirement.message);
}

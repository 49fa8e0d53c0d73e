import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_NAMES,
  DEBIAN_PYTHON,
  clientStatus,
  debianPythonEnv,
  hasConfluentKafka,
  hasKafkaPython,
  hasKcat,
  requireClient,
  requirementFor,
  type ClientStatus,
} from './debian-clients.js';
import { getFreePort, getFreePorts, LOOPBACK } from './free-port.js';
import { createTmpDir, tmpDir } from './tmp-dir.js';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

describe('free-port', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await getFreePort();
    expect(Number.isInteger(port)).toBe(true);
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
    expect(await canListen(port)).toBe(true);
  });

  it('returns distinct ports, all bindable', async () => {
    const ports = await getFreePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) expect(await canListen(port)).toBe(true);
  });
});

describe('tmp-dir', () => {
  let previous: string | undefined;

  it('creates an empty, writable directory under the OS temp dir', () => {
    const dir = tmpDir();
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(dir.startsWith(tmpdir())).toBe(true);
    writeFileSync(`${dir}/file`, 'x');
    expect(tmpDir()).not.toBe(dir);
    previous = dir;
  });

  it('removed the previous test\'s directory when that test finished', () => {
    expect(previous).toBeDefined();
    expect(existsSync(previous!)).toBe(false);
  });

  it('createTmpDir leaves removal to the caller', () => {
    const dir = createTmpDir();
    writeFileSync(`${dir.path}/file`, 'x');
    expect(existsSync(dir.path)).toBe(true);
    dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    dir.remove(); // removing twice is harmless
  });
});

/** dpkg's own view of a package, to check the probes independently (undefined without dpkg). */
function dpkgInstalled(pkg: string): boolean | undefined {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  if (res.error) return undefined;
  return res.status === 0 && res.stdout.trim() === 'install ok installed';
}

describe('debian-clients', () => {
  it('probes every client and names its Debian package', () => {
    for (const name of CLIENT_NAMES) {
      const status = clientStatus(name);
      expect(status.name).toBe(name);
      expect(status.debianPackage).toMatch(/^(kcat|ruby|buildah|python3-[a-z0-9-]+)$/);
      expect(status.detail.length).toBeGreaterThan(0);
      if (status.available) expect(status.version).toBeTruthy();
    }
    expect(hasKcat()).toBe(clientStatus('kcat').available);
    expect(hasConfluentKafka()).toBe(clientStatus('confluent-kafka').available);
    expect(hasKafkaPython()).toBe(clientStatus('kafka-python').available);
  });

  it('agrees with dpkg about what is installed', (ctx) => {
    if (dpkgInstalled('dpkg') === undefined) ctx.skip('dpkg-query is not available on this machine');
    for (const name of CLIENT_NAMES) {
      const status = clientStatus(name);
      expect({ name, available: status.available }).toEqual({ name, available: dpkgInstalled(status.debianPackage) });
    }
  });

  it("runs Debian's interpreter without pyenv or PYTHONPATH", () => {
    const env = debianPythonEnv({ PATH: '/usr/bin', PYTHONPATH: '/elsewhere', PYENV_VERSION: '3.13', HOME: '/root' });
    expect(env.PYTHONPATH).toBeUndefined();
    expect(env.PYENV_VERSION).toBeUndefined();
    expect(env.PYTHONNOUSERSITE).toBe('1');
    expect(env.PATH).toBe('/usr/bin');
    const res = spawnSync(DEBIAN_PYTHON, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', env: debianPythonEnv() });
    if (res.error) return; // no Debian python3 here: clientStatus already reports every python client missing
    expect(res.stdout.trim()).toMatch(/^\/usr\/bin\/python3(\.\d+)?$/);
  });

  const missing: ClientStatus = {
    name: 'kafka-python',
    available: false,
    debianPackage: 'python3-kafka',
    detail: '/usr/bin/python3 cannot import kafka: ModuleNotFoundError',
  };

  it('skips a test whose client is missing, naming the package', () => {
    const req = requirementFor(missing, { CI: undefined });
    expect(req.outcome).toBe('skip');
    expect(req.outcome !== 'run' && req.message).toContain('python3-kafka');
  });

  it('fails instead under CI=true, naming the package', () => {
    const req = requirementFor(missing, { CI: 'true' });
    expect(req.outcome).toBe('fail');
    expect(req.outcome !== 'run' && req.message).toMatch(/CI=true.*python3-kafka/);
    // only the exact value "true" counts
    expect(requirementFor(missing, { CI: '1' }).outcome).toBe('skip');
  });

  it('runs a test whose client is present', () => {
    expect(requirementFor({ ...missing, available: true, version: '2.0.2' }, { CI: 'true' })).toEqual({ outcome: 'run' });
  });

  it('requireClient skips through the test context, or throws under CI', () => {
    const skipped: string[] = [];
    const ctx = {
      skip: (note?: string): never => {
        skipped.push(note ?? '');
        throw new Error('skipped');
      },
    };
    for (const name of CLIENT_NAMES) {
      const status = clientStatus(name);
      if (status.available) {
        expect(() => requireClient(name, ctx, { CI: 'true' })).not.toThrow();
      } else {
        expect(() => requireClient(name, ctx, {})).toThrow('skipped');
        expect(skipped.pop()).toContain(status.debianPackage);
        expect(() => requireClient(name, ctx, { CI: 'true' })).toThrow(status.debianPackage);
      }
    }
  });

  it('kcat prints its version and librdkafka version', (ctx) => {
    requireClient('kcat', ctx);
    expect(clientStatus('kcat').version).toMatch(/^\d+\.\d+\.\d+ \(librdkafka \d+\.\d+\.\d+\)$/);
  });

  it("Debian's python3 imports confluent_kafka", (ctx) => {
    requireClient('confluent-kafka', ctx);
    expect(clientStatus('confluent-kafka').version).toMatch(/^\d+\.\d+\.\d+ \(librdkafka \d+\.\d+\.\d+\)$/);
  });

  it("Debian's python3 imports kafka-python and its codecs", (ctx) => {
    requireClient('kafka-python', ctx);
    requireClient('python-snappy', ctx);
    requireClient('python-lz4', ctx);
    requireClient('python-zstandard', ctx);
    const script = [
      'import kafka, snappy, lz4.frame, zstandard',
      'from kafka.codec import has_snappy, has_lz4, has_zstd',
      'data = b"gregor" * 100',
      'assert snappy.decompress(snappy.compress(data)) == data',
      'assert lz4.frame.decompress(lz4.frame.compress(data)) == data',
      'assert zstandard.ZstdDecompressor().decompress(zstandard.ZstdCompressor().compress(data)) == data',
      'print(has_snappy(), has_lz4(), has_zstd())',
    ].join('\n');
    const res = spawnSync(DEBIAN_PYTHON, ['-c', script], { encoding: 'utf8', env: debianPythonEnv() });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('True True True');
  });
});

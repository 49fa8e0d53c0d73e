/**
 * The container image (`npm run image`): its config, and the broker it runs, reached from the host by our CLI and
 * kcat, with the HEALTHCHECK run inside the container. No Docker engine here: the archive is loaded into a buildah
 * storage of the test's own (in build/image/, removed at the end) and run with `buildah run --isolation chroot`,
 * which shares the host's network, so the broker listens on a free port instead of 9092.
 * Builds the image when the archive is missing or older than the binary, the Containerfile or scripts/image.mjs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { clientStatus, requireClient } from '../helpers/debian-clients.js';
import { uniqueName } from '../helpers/gregor-server.js';
import { DIST_PACKAGE, EXE, ROOT as root, VERSION as version } from '../helpers/packaged.js';

const ARCHIVE = path.join(DIST_PACKAGE, `gregor-${version}-image.tar`);
const IMAGE_UID = 65532;

interface DockerConfig {
  User: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number };
}

let storage: string;
let ctr: string;
let config: DockerConfig;

function buildah(args: string[]): string {
  const res = spawnSync('buildah', [...storageArgs(), ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (res.status !== 0) throw new Error(`buildah ${args.join(' ')} exited ${res.status}:\n${res.stderr}`);
  return res.stdout;
}

function storageArgs(): string[] {
  return ['--storage-driver', 'vfs', '--root', path.join(storage, 'root'), '--runroot', path.join(storage, 'run')];
}

/** `buildah run` in the working container: the image's user, env and mounts (its /data volume included). */
function runIn(args: string[], env: Record<string, string> = {}): ChildProcess {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  return spawn('buildah', [...storageArgs(), 'run', '--isolation', 'chroot', ...envArgs, ctr, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function upToDate(): boolean {
  if (!fs.existsSync(ARCHIVE)) return false;
  const built = fs.statSync(ARCHIVE).mtimeMs;
  const inputs = [EXE, path.join(root, 'Containerfile'), path.join(root, 'scripts', 'image.mjs')];
  return inputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs <= built);
}

beforeAll(() => {
  if (!clientStatus('buildah').available) return; // every test then skips (or fails under CI) in beforeEach
  if (!upToDate()) {
    const started = performance.now();
    const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'image.mjs')], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (res.status !== 0) throw new Error(`npm run image failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
    process.stderr.write(`image test: built ${path.relative(root, ARCHIVE)} in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  }
  fs.mkdirSync(path.join(root, 'build', 'image'), { recursive: true });
  storage = fs.mkdtempSync(path.join(root, 'build', 'image', 'test-storage-'));
  ctr = buildah(['from', '--quiet', '--name', uniqueName('gregor-image-test'), `docker-archive:${ARCHIVE}`]).trim();
  const image = JSON.parse(buildah(['inspect', '--type', 'container', ctr])) as { Docker: { config: DockerConfig } };
  config = image.Docker.config;
}, 600_000);

afterAll(() => {
  if (storage === undefined) return;
  spawnSync('buildah', [...storageArgs(), 'rm', '--all']);
  spawnSync('buildah', [...storageArgs(), 'rmi', '--all', '--force']);
  // Rootless buildah stores files under sub-uids the user cannot remove outside buildah's user namespace.
  if (process.getuid?.() === 0) fs.rmSync(storage, { recursive: true, force: true });
  else spawnSync('buildah', ['unshare', 'rm', '-rf', storage]);
});

describe('the container image', () => {
  beforeEach((ctx) => requireClient('buildah', ctx));

  it('runs gregor serve as a non-root user, with /data as a volume, port 9092 and a HEALTHCHECK through gregor', () => {
    expect(config.User).toBe(`${IMAGE_UID}:${IMAGE_UID}`);
    expect(Object.keys(config.ExposedPorts ?? {})).toContain('9092/tcp');
    expect(Object.keys(config.Volumes ?? {})).toEqual(['/data']);
    expect(config.Entrypoint).toEqual(['gregor']);
    expect(config.Cmd).toEqual(['serve']);
    expect(config.Env).toEqual(expect.arrayContaining(['GREGOR_DATA_DIR=/data']));
    // Two listeners on all interfaces, so that a published port reaches them: the host's and other containers'.
    expect(envOf('GREGOR_LISTENERS')).toBe('PLAINTEXT://0.0.0.0:9092,DOCKER://0.0.0.0:29092');
    expect(envOf('GREGOR_ADVERTISED_LISTENERS')).toBe('PLAINTEXT://localhost:9092,DOCKER://gregor:29092');
    expect(config.Healthcheck?.Test.slice(0, 2)).toEqual(['CMD', 'gregor']);
    expect(config.Labels).toMatchObject({ 'org.opencontainers.image.title': 'gregor', 'org.opencontainers.image.version': version });
    // The user's entry exists: oclif and os.userInfo() look it up.
    const passwd = fs.readFileSync(path.join(buildah(['mount', ctr]).trim(), 'etc', 'passwd'), 'utf8');
    expect(passwd).toContain(`gregor:x:${IMAGE_UID}:${IMAGE_UID}:`);
    buildah(['umount', ctr]);
  });

  describe('running gregor serve (buildah run)', () => {
    let serve: ChildProcess;
    let served: Promise<{ code: number | null; out: string }>;
    let banner: string;
    let env: Record<string, string>;
    let port: number;
    let dockerPort: number;
    let bootstrap: string;
    let healthcheck: string[];

    beforeAll(async () => {
      if (!clientStatus('buildah').available) return;
      // The image's own GREGOR_* settings with its ports (9092, 29092) moved to free ones (buildah run shares the
      // host's network). GREGOR_BROKERS, what the HEALTHCHECK connects to, moves with them.
      port = await freePort();
      dockerPort = await freePort();
      env = Object.fromEntries(
        (config.Env ?? [])
          .filter((e) => e.startsWith('GREGOR_'))
          .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1).replace(/\b29092\b/g, String(dockerPort)).replace(/\b9092\b/g, String(port))]),
      );
      bootstrap = `127.0.0.1:${port}`;
      healthcheck = config.Healthcheck!.Test.slice(1);
      const started = performance.now();
      serve = runIn(['gregor', 'serve'], env);
      served = exitOf(serve);
      banner = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no banner in 30 s:\n${out}`)), 30_000);
        serve.stdout!.on('data', (d) => {
          out += d;
          // One line per listener, the first one first.
          const lines = out.split('\n').filter((l) => l.startsWith('gregor listening on'));
          if (lines.length === 2) {
            clearTimeout(timer);
            resolve(lines.join('\n'));
          }
        });
        serve.stderr!.on('data', (d) => (out += d));
      });
      process.stderr.write(`image test: broker up in the container in ${(performance.now() - started).toFixed(0)} ms\n`);
    }, 40_000);

    afterAll(async () => {
      if (serve === undefined) return;
      serve.kill('SIGTERM');
      await served;
    });

    it('listens on all interfaces with its data in /data', () => {
      expect(env.GREGOR_BROKERS).toBe(bootstrap);
      expect(banner).toContain(`listening on 0.0.0.0:${port} `);
      expect(banner).toContain(`listening on 0.0.0.0:${dockerPort} (listener DOCKER, advertised gregor:${dockerPort})`);
      expect(banner).toContain('data /data');
    });

    it('passes its HEALTHCHECK', async () => {
      const health = await exitOf(runIn(healthcheck, env));
      expect(health.code, health.out).toBe(0);
    });

    it('serves our CLI on the host: create, produce, consume', async () => {
      const topic = uniqueName('image');
      const b = ['-b', bootstrap];
      const created = await runCli(['topic', 'create', ...b, topic, '-p', '1']);
      expect(created.code, created.stderr).toBe(0);
      const produced = await runCli(['produce', ...b, topic, '-z', 'zstd'], { input: 'from-the-host\n' });
      expect(produced.code, produced.stderr).toBe(0);
      const consumed = await runCli(['consume', ...b, topic, '-o', 'beginning', '-e', '-f', '%o %s\\n']);
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(consumed.stdout).toBe('0 from-the-host\n');
    });

    it('tells host clients localhost, and clients on the container network the container name (kcat -L)', (ctx) => {
      requireClient('kcat', ctx);
      const listed = spawnSync('kcat', ['-L', '-b', bootstrap], { encoding: 'utf8', timeout: 20_000 });
      expect(listed.status, listed.stderr).toBe(0);
      expect(listed.stdout).toContain(`broker 1 at localhost:${port}`);
      const docker = spawnSync('kcat', ['-L', '-b', `127.0.0.1:${dockerPort}`], { encoding: 'utf8', timeout: 20_000 });
      expect(docker.status, docker.stderr).toBe(0);
      expect(docker.stdout).toContain(`broker 1 at gregor:${dockerPort}`);
    });

    it("keeps its data in the image's /data volume, written by the user gregor", () => {
      const volumes = findVolumeData();
      expect(volumes.map((f) => path.basename(f))).toContain('meta.properties');
      for (const file of volumes) expect({ file, uid: fs.statSync(file).uid }).toEqual({ file, uid: IMAGE_UID });
    });

    it('fails its HEALTHCHECK once the broker has stopped', async () => {
      serve.kill('SIGTERM');
      await served;
      const down = await exitOf(runIn(healthcheck, env));
      expect(down.code, down.out).not.toBe(0);
      expect(down.out).toContain(`could not connect to ${bootstrap}`);
    });
  });
});

function envOf(name: string): string | undefined {
  const entry = (config.Env ?? []).find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/**
 * Everything in the container's volumes, their folders included. buildah 1.28 keeps a VOLUME of the image in
 * <root>/vfs-containers/<id>/userdata/buildah-volumes/<hash>/ (and mounts it over any --volume given for that path).
 */
function findVolumeData(): string[] {
  const dir = path.join(storage, 'root', 'vfs-containers', containerId(), 'userdata', 'buildah-volumes');
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f));
}

function containerId(): string {
  return (JSON.parse(buildah(['inspect', '--type', 'container', ctr])) as { ContainerID: string }).ContainerID;
}

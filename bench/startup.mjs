// Start-up and memory of the packaged binary beside `node bin/run.js`, in the same run:
//   - `gregor --version`
//   - `gregor serve` until its first accepted TCP connection (polling connect every 2 ms), and RSS then
//   - RSS idle: the broker started, one client connected and gone, read after 2 s of quiet, and once after 15 s
//     (settled: V8's memory reducer has shrunk the heap; the goal is for that one)
//   - RSS and peak RSS (VmHWM) after producing 2 M records of 100-byte values into one topic (kcat -P;
//     `gregor produce` from `node bin/run.js` when kcat is missing)
// RSS comes from /proc/<pid>/status (VmRSS and its RssAnon / RssFile / RssShmem split), so Linux only.
// Executables are first dropped from the page cache (see dropFromPageCache).
// A third column, "empty SEA", is the floor: the same Node binary as a single executable that only listens.
// Run: node bench/startup.mjs [runs] [records]   (runs: 10 by default; records: 2000000, 0 skips that part)
// Time it with NODE_EXTRA_CA_CERTS unset (it makes every Node start read a certificate file).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 10);
const records = Number(process.argv[3] ?? 2_000_000);
const valueSize = 100;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-bench-'));
const env = { HOME: home, PATH: process.env.PATH };
const node = [process.execPath, path.join(root, 'bin', 'run.js')];
const runners = {
  packaged: [path.join(root, 'dist-package', 'gregor')],
  'node bin/run.js': node,
};
const floor = floorExecutable();
if (floor) runners['empty SEA'] = [floor];
const goals = {
  version: ['--version', 120, 'ms'],
  serve: ['serve to first connection', 150, 'ms'],
  rssFirst: ['RSS at first connection', null, 'MB'],
  rssIdle: ['RSS 2 s after the first client', null, 'MB'],
  rssSettled: ['RSS idle (settled, 15 s)', 60, 'MB'],
  rssProduced: [`RSS after ${records / 1e6} M records`, 150, 'MB'],
  hwmProduced: ['  peak (VmHWM) while producing', null, 'MB'],
  produceSecs: ['  produce took', null, 's'],
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** VmRSS, RssAnon, RssFile, RssShmem and VmHWM of a process, in MB. */
function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem'), hwm: kb('VmHWM') };
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function tryConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

/** Starts `serve` and waits for its first accepted connection; the caller stops it with stop(). */
async function startBroker([cmd, ...args]) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(cmd, [...args, 'serve', '--ephemeral', '--port', String(port)], { env, stdio: 'ignore', cwd: home });
  while (!(await tryConnect(port))) {
    if (child.exitCode !== null) throw new Error(`${cmd} serve exited with ${child.exitCode}`);
    await sleep(2);
  }
  const took = performance.now() - started;
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  };
  return { child, port, took, stop };
}

/** A file of `records` lines, each a 100-byte value and its newline. */
function recordsFile() {
  const file = path.join(home, 'records.txt');
  const line = `${'x'.repeat(valueSize)}\n`;
  const chunk = line.repeat(10_000);
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < records / 10_000; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return file;
}

/**
 * The floor under the packaged figures: a single executable of the same Node binary (build/node, from
 * `npm run package`) whose main only answers --version or listens on --port, nothing of gregor in it.
 */
function floorExecutable() {
  const nodeBin = path.join(root, 'build', 'node', 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  if (process.platform !== 'linux' || !fs.existsSync(nodeBin) || !fs.existsSync(postject)) return undefined;
  const dir = path.join(home, 'floor');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'main.js'), `
    const argv = process.argv.slice(2);
    if (argv.includes('--version')) console.log('floor');
    else require('node:net').createServer((s) => s.destroy()).listen(Number(argv[argv.indexOf('--port') + 1]), '127.0.0.1');
  `);
  fs.writeFileSync(path.join(dir, 'sea-config.json'), JSON.stringify({ main: 'main.js', output: 'blob', disableExperimentalSEAWarning: true, useCodeCache: true }));
  const exe = path.join(dir, 'floor');
  spawnSync(nodeBin, ['--experimental-sea-config', 'sea-config.json'], { cwd: dir, stdio: 'ignore' });
  fs.copyFileSync(nodeBin, exe);
  spawnSync('strip', [exe]); // as scripts/package.mjs does
  const r = spawnSync(process.execPath, [postject, exe, 'NODE_SEA_BLOB', path.join(dir, 'blob'), '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: 'ignore' });
  return r.status === 0 ? exe : undefined;
}

/**
 * A file just written (by npm run package, by tar, by the floor above) sits in the page cache in large
 * folios, and the loader's faults then map whole folios: its RssFile comes out about 20 MB higher than
 * once the file has been read back from disk. Dropping the executable's cached pages first (posix_fadvise
 * DONTNEED through dd; only pages no process maps) measures every runner in the read-from-disk state.
 */
function dropFromPageCache(file) {
  spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
}

const kcat = spawnSync('kcat', ['-V']).status === 0;

function produce(port, file) {
  const [cmd, ...args] = kcat
    ? ['kcat', '-P', '-b', `127.0.0.1:${port}`, '-t', 'bench', '-l', file]
    : [...node, 'produce', 'bench', '-b', `127.0.0.1:${port}`, '--file', file];
  const r = spawnSync(cmd, args, { env, cwd: home, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}: ${r.stderr}`);
}

const fmtMem = (m) => `${m.rss.toFixed(1)} (anon ${m.anon.toFixed(0)}, file ${m.file.toFixed(0)}${m.shmem >= 1 ? `, shmem ${m.shmem.toFixed(0)}` : ''})`;

const results = {};
const file = records > 0 ? recordsFile() : undefined;
for (const [name, argv] of Object.entries(runners)) {
  const r = (results[name] = {});
  if (argv[0] !== process.execPath) dropFromPageCache(argv[0]);
  spawnSync(argv[0], [...argv.slice(1), '--version'], { env }); // first run writes the addon cache
  const version = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    spawnSync(argv[0], [...argv.slice(1), '--version'], { env, cwd: home });
    version.push(performance.now() - t);
  }
  r.version = `${median(version).toFixed(0)}`;
  const serve = [];
  const first = [];
  const idle = [];
  let settled;
  for (let i = 0; i < runs; i++) {
    const b = await startBroker(argv);
    serve.push(b.took);
    first.push(memory(b.child.pid));
    // Idle: the first client has come and gone; let start-up garbage be collected and the heap settle.
    if (i < Math.min(runs, 3)) {
      await sleep(2000);
      idle.push(memory(b.child.pid));
    }
    // A broker left idle: V8's memory reducer shrinks the heap some seconds after allocation stops (about 8 s
    // here), which is what a broker running in the background for minutes looks like.
    if (i === 0) {
      await sleep(13_000);
      settled = memory(b.child.pid);
    }
    await b.stop();
  }
  const byRss = (ms) => ms.sort((a, b) => a.rss - b.rss)[Math.floor(ms.length / 2)];
  r.serve = median(serve).toFixed(0);
  r.rssFirst = fmtMem(byRss(first));
  r.rssIdle = fmtMem(byRss(idle));
  r.rssSettled = fmtMem(settled);
  if (file && name !== 'empty SEA') {
    const b = await startBroker(argv);
    const t = performance.now();
    produce(b.port, file);
    r.produceSecs = ((performance.now() - t) / 1000).toFixed(1);
    await sleep(2000);
    const m = memory(b.child.pid);
    r.rssProduced = fmtMem(m);
    r.hwmProduced = m.hwm.toFixed(0);
    await b.stop();
  }
}

const names = Object.keys(runners);
const rows = [['', ...names, 'goal (packaged)']];
for (const [key, [label, goal, unit]] of Object.entries(goals)) {
  if (!(key in results[names[0]])) continue;
  rows.push([`${label} (${unit})`, ...names.map((n) => results[n][key] ?? ''), goal === null ? '' : `< ${goal}`]);
}
const exe = runners.packaged[0];
const tarball = fs.readdirSync(path.dirname(exe)).find((f) => f.endsWith('.tar.gz'));
const mib = (f) => (fs.statSync(f).size / 2 ** 20).toFixed(1);
const blank = names.slice(1).map(() => '');
rows.push(['binary (MiB)', mib(exe), ...blank, '']);
rows.push(['tarball (MiB)', mib(path.join(path.dirname(exe), tarball)), ...blank, '< 45']);
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
console.log(`medians of ${runs} runs (RSS idle: of ${Math.min(runs, 3)}); producer: ${kcat ? 'kcat -P' : 'gregor produce'}; ${records} records of ${valueSize} bytes`);
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
fs.rmSync(home, { recursive: true, force: true });

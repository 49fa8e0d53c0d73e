// Start-up of the packaged binary beside `node bin/run.js`: `gregor --version`, and `gregor serve` until
// its first accepted TCP connection (polling connect every 2 ms). Run: node bench/startup.mjs [runs]
// Time it with NODE_EXTRA_CA_CERTS unset (it makes every Node start read a certificate file).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 10);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-bench-'));
const env = { HOME: home, PATH: process.env.PATH };
const runners = {
  packaged: [path.join(root, 'dist-package', 'gregor')],
  'node bin/run.js': [process.execPath, path.join(root, 'bin', 'run.js')],
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function firstConnection([cmd, ...args]) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(cmd, [...args, 'serve', '--ephemeral', '--port', String(port)], { env, stdio: 'ignore', cwd: home });
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const took = performance.now() - started;
  const rss = Number(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { took, rss };
}

for (const [name, argv] of Object.entries(runners)) {
  spawnSync(argv[0], [...argv.slice(1), '--version'], { env }); // first run writes the addon cache
  const version = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    spawnSync(argv[0], [...argv.slice(1), '--version'], { env, cwd: home });
    version.push(performance.now() - t);
  }
  const serve = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const r = await firstConnection(argv);
    serve.push(r.took);
    rss.push(r.rss);
  }
  console.log(`${name}: --version median ${median(version).toFixed(0)} ms; serve to first connection median ${median(serve).toFixed(0)} ms; RSS at first connection ${median(rss).toFixed(0)} MB`);
}
const exe = runners.packaged[0];
const tarball = fs.readdirSync(path.dirname(exe)).find((f) => f.endsWith('.tar.gz'));
console.log(`binary ${(fs.statSync(exe).size / 2 ** 20).toFixed(1)} MiB; tarball ${(fs.statSync(path.join(path.dirname(exe), tarball)).size / 2 ** 20).toFixed(1)} MiB`);
fs.rmSync(home, { recursive: true, force: true });

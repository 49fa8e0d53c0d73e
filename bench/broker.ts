// Broker throughput, latency, start-up and memory, driven by kcat (librdkafka) against a real `gregor serve`,
// printed beside this machine's ceilings measured in the same run (../shared/tools/limit.mjs).
// Run: npm run build && npx tsx bench/broker.ts [--quick]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKey, FrameSplitter, decodeResponseFrame, encodeRequestFrame } from '../src/protocol/index.js';
import { buildRecordBatch } from '../src/protocol/records/index.js';

const quick = process.argv.includes('--quick');
const MiB = 1 << 20;
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'gregor-bench-'));

function ceilings(): { socketToFile: number; fileToSocket: number } {
  const out = execFileSync(process.execPath, [join(root, '../shared/tools/limit.mjs'), quick ? '256' : '1024'], { encoding: 'utf8' });
  const get = (name: string) => Number(new RegExp(`${name}\\s+([\\d.]+)`).exec(out)![1]);
  return { socketToFile: get('socket->file'), fileToSocket: get('file->socket') };
}

interface Server { port: number; pid: number; stop(): Promise<void> }

async function startServer(args: string[] = []): Promise<Server & { startMs: number }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'serve', '--ephemeral', '--port', String(port), '--log-level', 'warn', ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
  // Start-up = until the first connection is accepted.
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null) throw new Error('gregor serve exited');
    await new Promise((r) => setTimeout(r, 2));
  }
  const startMs = performance.now() - t0;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { port, pid: child.pid!, startMs, stop: async () => (child.kill('SIGTERM'), exited) };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))!;
  return Number(m[1]) / 1024;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One request over a fresh connection with gregor's own codec (for topic creation and latency). */
class Wire {
  private splitter = new FrameSplitter(1 << 30);
  private pending = new Map<number, (b: Buffer) => void>();
  private id = 1;
  private constructor(private socket: ReturnType<typeof connect>) {
    socket.on('data', (d) => {
      for (const f of this.splitter.push(d)) {
        const cid = f.readInt32BE(0);
        this.pending.get(cid)?.(f);
        this.pending.delete(cid);
      }
    });
  }
  static open(port: number): Promise<Wire> {
    return new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(new Wire(s)));
      s.setNoDelay(true);
    });
  }
  request(apiKey: number, version: number, body: unknown): Promise<any> {
    const correlationId = this.id++;
    return new Promise((resolve) => {
      this.pending.set(correlationId, (f) => resolve(decodeResponseFrame(apiKey, version, f).body));
      this.socket.write(encodeRequestFrame({ apiKey, apiVersion: version, correlationId, clientId: 'bench' }, body));
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

async function createTopic(port: number, name: string, partitions: number): Promise<void> {
  const w = await Wire.open(port);
  const r = await w.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1 }], timeoutMs: 10000 });
  w.close();
  if (r.topics[0].errorCode !== 0) throw new Error(`create ${name}: ${r.topics[0].errorCode}`);
}

async function writeLines(file: string, count: number, size: number): Promise<number> {
  const line = Buffer.alloc(size + 1, 'x');
  line[size] = 0x0a;
  const chunk = Buffer.concat(Array.from({ length: Math.max(1, Math.floor(MiB / (size + 1))) }, () => line));
  const perChunk = chunk.length / (size + 1);
  const out = createWriteStream(file);
  for (let written = 0; written < count; written += perChunk) {
    const n = Math.min(perChunk, count - written);
    if (!out.write(n === perChunk ? chunk : chunk.subarray(0, n * (size + 1)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise((r) => out.end(r));
  return statSync(file).size;
}

function kcat(args: string[], input?: string): number {
  const t0 = performance.now();
  const r = spawnSync('kcat', args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], input: input === undefined ? undefined : readFileSync(input), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`kcat ${args.join(' ')}: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function line(label: string, value: string, ref = ''): void {
  console.log(`${label.padEnd(52)} ${value.padStart(16)}  ${ref}`);
}

const PRODUCER = ['-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', 'queue.buffering.max.messages=1000000', '-X', 'queue.buffering.max.kbytes=1048576'];

async function main(): Promise<void> {
  const ceil = ceilings();
  console.log(`# ceilings (same run): socket->file ${ceil.socketToFile} MiB/s, file->socket ${ceil.fileToSocket} MiB/s\n`);

  const server = await startServer();
  const b = `127.0.0.1:${server.port}`;
  line('start-up to first accepted connection', `${server.startMs.toFixed(0)} ms`);
  await new Promise((r) => setTimeout(r, 500));
  line('RSS idle', `${rssMiB(server.pid).toFixed(0)} MiB`);
  await createTopic(server.port, 'hundred', 100);
  line('RSS with 100 partitions', `${rssMiB(server.pid).toFixed(0)} MiB`);

  const small = quick ? 200_000 : 1_000_000;
  const smallFile = join(work, 'small.txt');
  const smallBytes = await writeLines(smallFile, small, 100);
  for (const acks of ['1', 'all']) {
    const topic = `small-${acks}`;
    await createTopic(server.port, topic, 1);
    const cpu0 = cpuSeconds(server.pid);
    const s = kcat(['-P', '-b', b, '-t', topic, '-X', `acks=${acks === 'all' ? '-1' : acks}`, ...PRODUCER], smallFile);
    const cpu = cpuSeconds(server.pid) - cpu0;
    line(`produce ${small} x 100 B, 1 partition, acks=${acks}`, `${(small / s / 1000).toFixed(0)}k rec/s`, `${(smallBytes / MiB / s).toFixed(1)} MiB/s; broker CPU ${(cpu / (small / 1e6)).toFixed(2)} s per M records`);
  }
  {
    const cpu0 = cpuSeconds(server.pid);
    const s = kcat(['-C', '-b', b, '-t', 'small-1', '-o', 'beginning', '-e', '-q']);
    const cpu = cpuSeconds(server.pid) - cpu0;
    line(`fetch ${small} x 100 B (kcat -C -e)`, `${(small / s / 1000).toFixed(0)}k rec/s`, `${(smallBytes / MiB / s).toFixed(1)} MiB/s; broker CPU ${(cpu / (small / 1e6)).toFixed(2)} s per M records`);
  }

  const big = quick ? 8192 : 32768; // 16 KiB records
  const bigFile = join(work, 'big.txt');
  const bigBytes = await writeLines(bigFile, big, 16384);
  await createTopic(server.port, 'big', 8);
  {
    const s = kcat(['-P', '-b', b, '-t', 'big', '-X', 'acks=1', ...PRODUCER, '-X', 'batch.size=1000000'], bigFile);
    const mbps = bigBytes / MiB / s;
    line(`produce ${big} x 16 KiB, 8 partitions, acks=1`, `${mbps.toFixed(0)} MiB/s`, `${((100 * mbps) / ceil.socketToFile).toFixed(0)}% of socket->file (goal 60%)`);
  }
  {
    const cpu0 = cpuSeconds(server.pid);
    const s = kcat(['-C', '-b', b, '-t', 'big', '-o', 'beginning', '-e', '-q', '-X', 'fetch.max.bytes=52428800']);
    const busy = (cpuSeconds(server.pid) - cpu0) / s;
    const mbps = bigBytes / MiB / s;
    line(`fetch ${big} x 16 KiB, 8 partitions (kcat -C -e)`, `${mbps.toFixed(0)} MiB/s`, `${((100 * mbps) / ceil.fileToSocket).toFixed(0)}% of file->socket (goal 40%); broker busy ${(100 * busy).toFixed(0)}% of a core`);
  }

  // Latency: one record per request at a steady 1,000 records/s, acks=all, gregor's own minimal client.
  {
    await createTopic(server.port, 'latency', 1);
    const w = await Wire.open(server.port);
    const samples: number[] = [];
    const n = quick ? 1000 : 5000;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const due = start + i;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const batch = buildRecordBatch([{ key: null, value: Buffer.alloc(100, 'y') }]);
      const t0 = performance.now();
      await w.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'latency', partitionData: [{ index: 0, records: batch }] }] });
      samples.push(performance.now() - t0);
    }
    w.close();
    samples.sort((a, c) => a - c);
    const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
    line('produce latency at 1,000 rec/s, acks=all', `p50 ${q(0.5).toFixed(2)} ms`, `p99 ${q(0.99).toFixed(2)} ms (goal p99 < 5 ms)`);
  }
  line('RSS after the runs above', `${rssMiB(server.pid).toFixed(0)} MiB`, '(goal flat, < 150 MB: batches are not kept in memory)');
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}

await main();

// `gregor produce --file` against `kcat -P -l` on the same broker, same input, separate topics with the same
// partition count, in the same run; printed beside this machine's ceiling (../shared/tools/limit.mjs).
// Run: npm run build && npx tsx bench/cli-produce.ts
//   BENCH_BYTES (default 200000000; 1000000000 for the 1 GB figure), BENCH_PARTITIONS (default 3),
//   BENCH_CODEC (default none; gregor -z and kcat -z compression.codec), BENCH_RUNS (default 1),
//   BENCH_PROFILE=1 writes a --cpu-prof profile of gregor produce to the work folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../src/client/cluster.js';
import { LATEST_TIMESTAMP, listOffsets } from '../src/client/list-offsets.js';
import { startGregor } from '../test/helpers/gregor-server.js';

const BYTES = Number(process.env.BENCH_BYTES ?? 200_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 3);
const CODEC = process.env.BENCH_CODEC ?? 'none';
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const LINE = 100;
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'gregor-bench-produce-'));

function makeInput(): { file: string; records: number } {
  const file = join(work, 'input.txt');
  const records = Math.floor(BYTES / LINE);
  const perChunk = 10_000;
  const chunk = Buffer.alloc(LINE * perChunk);
  const fd = openSync(file, 'w');
  let written = 0;
  while (written < records) {
    const n = Math.min(perChunk, records - written);
    for (let i = 0; i < n; i++) {
      // Different lines (a counter and filler), so that compression has something realistic to do.
      const line = `${String(written + i).padStart(12, '0')} ${'abcdefghijklmnopqrstuvwxyz'.repeat(4)}`.slice(0, LINE - 1);
      chunk.write(line, i * LINE, 'latin1');
      chunk[i * LINE + LINE - 1] = 10;
    }
    writeSync(fd, chunk, 0, n * LINE);
    written += n;
  }
  closeSync(fd);
  return { file, records };
}

function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return seconds;
}

async function countRecords(bootstrap: string, topic: string): Promise<number> {
  const cluster = new Cluster({ brokers: bootstrap });
  try {
    const info = await cluster.topic(topic);
    const answers = await listOffsets(cluster, info.partitions.map((p) => ({ topic, partition: p.partition, timestamp: LATEST_TIMESTAMP })));
    let n = 0n;
    for (const a of answers.values()) n += a.offset;
    return Number(n);
  } finally {
    await cluster.close();
  }
}

const MB = 1e6;
const { file, records } = makeInput();
const server = await startGregor(['--log-level', 'warn', '--config', `num.partitions=${PARTITIONS}`]);
const bootstrap = server.bootstrap;
console.log(`input: ${records.toLocaleString('en-US')} lines of ${LINE} bytes (${(BYTES / MB).toFixed(0)} MB), ${PARTITIONS} partitions, codec ${CODEC}`);
try {
  const results: { name: string; seconds: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const gregorTopic = `bench-gregor-${run}`;
    const kcatTopic = `bench-kcat-${run}`;
    const profile = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir', work] : [];
    const g = timed(process.execPath, [...profile, join(root, 'bin/run.js'), 'produce', gregorTopic, '-b', bootstrap, '--file', file, '-z', CODEC]);
    const k = timed('kcat', ['-P', '-b', bootstrap, '-t', kcatTopic, '-l', file, '-z', CODEC]);
    for (const [name, topic, seconds] of [['gregor produce', gregorTopic, g], ['kcat -P', kcatTopic, k]] as const) {
      const n = await countRecords(bootstrap, topic);
      if (n !== records) throw new Error(`${name} wrote ${n} records, not ${records}`);
      results.push({ name, seconds });
    }
  }
  const best = (name: string) => Math.min(...results.filter((r) => r.name === name).map((r) => r.seconds));
  const row = (name: string) => {
    const s = best(name);
    return `${name.padEnd(16)} ${s.toFixed(2).padStart(7)} s  ${Math.round(records / s).toLocaleString('en-US').padStart(11)} records/s  ${(BYTES / MB / s).toFixed(1).padStart(7)} MB/s`;
  };
  console.log(row('gregor produce'));
  console.log(row('kcat -P'));
  console.log(`ratio (gregor time / kcat time): ${(best('gregor produce') / best('kcat -P')).toFixed(2)}x (goal: <= 1.5x)`);
  const limit = execFileSync(process.execPath, [join(root, '../shared/tools/limit.mjs'), '1024'], { encoding: 'utf8' }).trim();
  console.log(`ceiling (limit.mjs, MiB/s):\n${limit}`);
  if (process.env.BENCH_PROFILE === '1') console.log(`profile: ${readdirSync(work).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(work, f)).join(', ')}`);
} finally {
  await server.stop();
  if (process.env.BENCH_PROFILE !== '1') rmSync(work, { recursive: true, force: true });
}

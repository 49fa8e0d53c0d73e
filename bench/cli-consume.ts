/**
 * `gregor consume` against kcat, reading the same topic to /dev/null in the same run: a topic is filled with
 * 100-byte records by `kcat -P -l` (one record per line), then each reader runs `-e -o beginning` with its
 * default output (the value and a newline). Prints records/s, MB/s and the ratio gregor/kcat (goal ≤ 1.5).
 *
 *   npm run build && npx tsx bench/cli-consume.ts            # 200 MB
 *   BENCH_BYTES=1000000000 npx tsx bench/cli-consume.ts      # 1 GB
 *   BENCH_PARTITIONS=3 npx tsx bench/cli-consume.ts          # spread over 3 partitions (default 1)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, startGregor, uniqueName } from '../test/helpers/gregor-server.js';

const RECORD_BYTES = 100;
const totalBytes = Number(process.env.BENCH_BYTES ?? 200_000_000);
const partitions = Number(process.env.BENCH_PARTITIONS ?? 1);
const records = Math.floor(totalBytes / RECORD_BYTES);

if (spawnSync('kcat', ['-V']).error) {
  console.error('kcat is not installed (apt-get install kcat)');
  process.exit(1);
}

function time(cmd: string, args: string[], stdout: 'ignore' | number = 'ignore'): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      else resolve(ms);
    });
  });
}

/** Counts the lines of a reader's output, to check both read every record. */
function countLines(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let n = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) n++;
    });
    child.on('error', reject);
    child.on('close', () => resolve(n));
  });
}

const gregor = await startGregor(['--config', `num.partitions=${partitions}`, '--log-level', 'warn']);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-consume-bench-'));
try {
  const topic = uniqueName('bench-consume');
  const file = path.join(dir, 'records.txt');
  // 99 bytes of text and the newline kcat -l splits on: each record's value is 99 bytes, 100 on output.
  const line = Buffer.alloc(RECORD_BYTES, 'x');
  line[RECORD_BYTES - 1] = 10;
  const block = Buffer.concat(Array.from({ length: 10_000 }, () => line));
  const fd = fs.openSync(file, 'w');
  for (let left = records; left > 0; left -= 10_000) fs.writeSync(fd, left >= 10_000 ? block : block.subarray(0, left * RECORD_BYTES));
  fs.closeSync(fd);
  const t0 = Date.now();
  await time('kcat', ['-P', '-b', gregor.bootstrap, '-t', topic, '-l', '-X', 'linger.ms=50', '-X', 'batch.size=1000000', file]);
  console.log(`filled ${topic}: ${records} records of ${RECORD_BYTES} bytes (${partitions} partition(s)) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const gregorArgs = [BIN, 'consume', '-b', gregor.bootstrap, '-e', '-o', 'beginning', topic];
  const kcatArgs = ['-C', '-b', gregor.bootstrap, '-e', '-o', 'beginning', '-t', topic, '-q'];
  const [gLines, kLines] = [await countLines(process.execPath, gregorArgs), await countLines('kcat', kcatArgs)];
  if (gLines !== records || kLines !== records) throw new Error(`line counts: gregor ${gLines}, kcat ${kLines}, expected ${records}`);

  const devNull = fs.openSync('/dev/null', 'w');
  const runs: { name: string; ms: number }[] = [];
  for (let i = 0; i < 2; i++) {
    runs.push({ name: 'kcat', ms: await time('kcat', kcatArgs, devNull) });
    runs.push({ name: 'gregor', ms: await time(process.execPath, gregorArgs, devNull) });
  }
  const best = (name: string): number => Math.min(...runs.filter((r) => r.name === name).map((r) => r.ms));
  const mb = (records * RECORD_BYTES) / 1e6;
  for (const name of ['kcat', 'gregor']) {
    const ms = best(name);
    console.log(
      `${name.padEnd(6)}  ${(ms / 1000).toFixed(2)} s  ${Math.round(records / (ms / 1000)).toLocaleString('en')} records/s  ${(mb / (ms / 1000)).toFixed(1)} MB/s`,
    );
  }
  console.log(`ratio gregor/kcat: ${(best('gregor') / best('kcat')).toFixed(2)} (best of 2 runs each; goal ≤ 1.5)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  await gregor.stop();
}

/**
 * 100 crash trials (see test/storage/crash-harness.ts): a child appending to several partitions is
 * SIGKILLed at random moments; after each kill the data dir is reopened and every acknowledged batch
 * is checked. Prints the number of trials, of acknowledged batches and records, and of lost ones
 * (must be 0). Takes about 2-3 minutes (each check re-reads the whole, growing, data dir).
 *
 *   npx tsx bench/crash.ts [trials=100]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCrashTrials } from '../test/storage/crash-harness.js';

const trials = Number(process.argv[2] ?? 100);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-crash-bench-'));
const t0 = Date.now();
const report = await runCrashTrials({
  dataDir: dir,
  trials,
  seed: Date.now() & 0xffffff,
  onTrial: (i, r) => {
    if (i % 10 === 0) console.log(`  after ${i} trials: ${r.acked} acknowledged batches, ${r.lost} lost, ${r.problems.length} problem(s)`);
  },
});
console.log(`trials: ${report.trials}`);
console.log(`acknowledged: ${report.acked} batches, ${report.ackedRecords} records`);
console.log(`lost: ${report.lost} batches, ${report.lostRecords} records`);
console.log(`other problems (duplicates, gaps, byte mismatches): ${report.problems.length - report.lost}`);
console.log(`recovery log lines: ${report.recoveryLines} (e.g. ${JSON.stringify(report.recoveryLineSamples[0] ?? '')})`);
console.log(`time: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
for (const p of report.problems.slice(0, 10)) console.log('  ' + p);
fs.rmSync(dir, { recursive: true, force: true });
process.exitCode = report.problems.length === 0 ? 0 : 1;

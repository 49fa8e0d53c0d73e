import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp-dir.js';
import { runCrashTrials } from './crash-harness.js';

describe('kill -9 at random moments', () => {
  it('loses no acknowledged batch, duplicates none, keeps offsets contiguous (20 trials)', async () => {
    const report = await runCrashTrials({ dataDir: tmpDir('gregor-crash-'), trials: 20, seed: Date.now() & 0xffff });
    expect(report.problems.slice(0, 20)).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.lostRecords).toBe(0);
    expect(report.trials).toBe(20);
    expect(report.acked).toBeGreaterThan(100);
  }, 120_000);
});

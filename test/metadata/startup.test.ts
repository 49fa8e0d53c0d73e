/**
 * Start-up time with 10,000 metadata records, replaying the whole log versus loading a snapshot and the tail
 * after it. The figures are printed (see also bench/metadata-startup.ts); the assertions are about what is
 * replayed, not about time, so that a slow CI machine does not fail them.
 */
import { describe, expect, it } from 'vitest';
import { generate, measureOpen } from '../../bench/metadata-startup.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const RECORDS = 10_000;

describe('start-up with 10,000 metadata records', () => {
  for (const shape of ['live', 'churn'] as const) {
    it(`${shape}: a snapshot bounds what is replayed`, () => {
      const plain = tmpDir();
      const snap = tmpDir();
      generate(plain, RECORDS, shape, false);
      generate(snap, RECORDS, shape, true);
      const full = measureOpen(plain, false);
      const fromSnapshot = measureOpen(snap, true);
      console.log(
        `[metadata start-up] ${shape}: ${RECORDS} records, full replay ${full.ms.toFixed(1)} ms (${full.replayed} records); ` +
          `snapshot + tail ${fromSnapshot.ms.toFixed(1)} ms (${fromSnapshot.replayed} records replayed)`,
      );
      expect(full.snapshot).toBe(false);
      expect(full.replayed).toBeGreaterThanOrEqual(RECORDS);
      expect(fromSnapshot.snapshot).toBe(true);
      // At most max(1000, half the image) records follow the newest snapshot (see maybeSnapshot).
      expect(fromSnapshot.replayed).toBeLessThanOrEqual(shape === 'live' ? RECORDS / 2 : 1000);
      expect(fromSnapshot.topics).toBe(full.topics);
    });
  }
});

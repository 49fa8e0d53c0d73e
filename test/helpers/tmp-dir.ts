/**
 * Unique temporary directories for tests, removed when the test finishes.
 *
 *   it('stores data', async () => {
 *     const dir = tmpDir();            // removed after this test, whatever its outcome
 *     ...
 *   });
 *
 * For a directory shared by a describe block, use createTmpDir() in beforeAll and remove() in afterAll.
 * Set GREGOR_KEEP_TMP=1 to keep the directories (their paths are printed) when debugging a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export interface TmpDir {
  path: string;
  remove: () => void;
}

/** A new empty directory under the OS temp dir; the caller removes it. */
export function createTmpDir(prefix = 'gregor-test-'): TmpDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => {
      if (process.env.GREGOR_KEEP_TMP === '1') {
        process.stderr.write(`kept temporary directory ${path}\n`);
        return;
      }
      rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** A new empty directory removed after the current test. Call it inside a test (or beforeEach). */
export function tmpDir(prefix = 'gregor-test-'): string {
  const dir = createTmpDir(prefix);
  try {
    onTestFinished(() => dir.remove());
  } catch (err) {
    dir.remove();
    throw new Error(`tmpDir() must be called inside a test; use createTmpDir() in beforeAll (${String(err)})`);
  }
  return dir.path;
}

/**
 * The single executable and its tarball, as `npm run package` leaves them in dist-package/. CI builds them in
 * a step of their own before `npm test`; a test run without them builds them first (a few minutes the first
 * time: better-sqlite3 compiles for the embedded Node). scripts/package.mjs holds a lock, so test files that
 * start together wait for one build.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST_PACKAGE = path.join(ROOT, 'dist-package');
export const EXE = path.join(DIST_PACKAGE, 'gregor');
export const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** This machine's platform as the tarball names it: linux-x64, darwin-arm64, … */
export const PLATFORM = `${process.platform}-${process.arch}`;
export const TARBALL = path.join(DIST_PACKAGE, `gregor-${VERSION}-${PLATFORM}.tar.gz`);

/** Builds dist-package/ unless the executable and the tarball are both there. */
export function ensurePackage(): void {
  if (fs.existsSync(EXE) && fs.existsSync(TARBALL)) return;
  const started = performance.now();
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  if (built.status !== 0) throw new Error(`npm run package failed (exit ${built.status}):\n${built.stdout}\n${built.stderr}`);
  process.stderr.write(`built dist-package/ in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
}

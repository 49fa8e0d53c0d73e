// One build at a time in a folder: two builds at once (a test and a person, or two worktrees sharing build/)
// would overwrite each other's files, so the second waits for the first (up to about 10 minutes). The lock is
// refreshed while held, so a killed build's lock goes stale after a minute instead of blocking forever;
// proper-lockfile removes it when this process exits.
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export async function lockBuildFolder(dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  await lockfile.lock(dir, {
    lockfilePath: path.join(dir, `${name}.lock`),
    stale: 60_000,
    update: 10_000,
    retries: { retries: 120, minTimeout: 1_000, maxTimeout: 5_000 },
    onCompromised: (err) => { throw err; },
  });
}

/**
 * Native addons inside the single executable: each `.node` file is a SEA asset. dlopen needs a real file,
 * so an asset is written once to a cache folder per version and build (temp file + atomic rename: two
 * first runs at the same time each write their own temp file and the last rename wins with identical
 * bytes), then loaded with process.dlopen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getRawAsset } from 'node:sea';
import envPaths from 'env-paths';

declare const __GREGOR_BUILD__: { version: string; buildId: string };

const loaded = new Map<string, unknown>();
let folder: string | undefined;

function cacheFolder(): string {
  if (folder) return folder;
  const name = `${__GREGOR_BUILD__.version}-${process.platform}-${process.arch}-${__GREGOR_BUILD__.buildId}`;
  // The platform's cache folder (XDG_CACHE_HOME, ~/.cache, ~/Library/Caches), else the temp folder.
  const cache = envPaths('gregor', { suffix: '' }).cache;
  for (const dir of [path.join(cache, name), path.join(os.tmpdir(), 'gregor', name)]) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.accessSync(dir, fs.constants.W_OK);
      return (folder = dir);
    } catch {
      // not writable (read-only home in a container): try the next
    }
  }
  throw new Error(`no writable cache folder for gregor's native libraries (tried ${cache} and ${os.tmpdir()})`);
}

function materialize(name: string): string {
  const dir = cacheFolder();
  const file = path.join(dir, name);
  // The asset in place inside the executable's mapped blob: getAsset() would copy it (2 MB for
  // better-sqlite3) on every start only to compare its size.
  const bytes = new Uint8Array(getRawAsset(name) as ArrayBuffer);
  try {
    if (fs.statSync(file).size === bytes.byteLength) return file;
  } catch {
    // not written yet
  }
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temp, bytes, { mode: 0o755 });
  fs.renameSync(temp, file);
  return file;
}

export function loadNativeAsset(name: string): unknown {
  if (loaded.has(name)) return loaded.get(name);
  const module = { exports: {} as unknown };
  process.dlopen(module, materialize(name), os.constants.dlopen.RTLD_NOW);
  loaded.set(name, module.exports);
  return module.exports;
}

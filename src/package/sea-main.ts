/**
 * Entry of the single executable (bundled by scripts/package.mjs into CommonJS; never run from dist/).
 * oclif gets its root plugin built in code with the command map and the manifest made at build time
 * (oclif-config.ts), so nothing is read from disk; native addons come from SEA assets (native-assets.ts),
 * loaded on first use.
 */
import path from 'node:path';
import type { Interfaces } from '@oclif/core';
import { main } from '../cli/main.js';
import { provideCompressionBinding } from '../protocol/records/compression/native-bindings.js';
import { provideSqliteBinding } from '../storage/sqlite-binding.js';
import { loadNativeAsset } from './native-assets.js';
import { loadConfig } from './oclif-config.js';

declare const __GREGOR_PJSON__: Parameters<typeof loadConfig>[1];
declare const __GREGOR_MANIFEST__: Interfaces.Manifest;

/** An object whose properties come from `load()`, called on first access (codec addons load only when used). */
function lazy<T extends object>(load: () => unknown): T {
  let target: Record<string | symbol, unknown> | undefined;
  return new Proxy({} as T, {
    get: (_, key) => (target ??= load() as Record<string | symbol, unknown>)[key],
  });
}

provideSqliteBinding(() => loadNativeAsset('better_sqlite3.node') as object);
// require() inside the functions: esbuild bundles these modules but runs them only when first called.
provideCompressionBinding('snappy', lazy(() => require('snappy')));
provideCompressionBinding('lz4-napi', lazy(() => require('lz4-napi')));
provideCompressionBinding('zstd-napi', lazy(() => require('zstd-napi')));
provideCompressionBinding('zstd-napi/binding', lazy(() => require('zstd-napi/binding.js')));

// A CommonJS bundle has no top-level await.
void (async () => {
  const config = await loadConfig(path.dirname(process.execPath), __GREGOR_PJSON__, __GREGOR_MANIFEST__);
  await main(process.argv.slice(2), config);
})();

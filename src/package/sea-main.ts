/**
 * Entry of the single executable (bundled by scripts/package.mjs into CommonJS; never run from dist/).
 * oclif gets its root plugin built here with the command map pre-filled, so nothing is read from disk;
 * native addons come from SEA assets (native-assets.ts), loaded on first use.
 */
import path from 'node:path';
import { Config, Plugin } from '@oclif/core';
import { commands } from '../../commands/index.js';
import { main } from '../cli/main.js';
import { provideCompressionBinding } from '../protocol/records/compression/native-bindings.js';
import { provideSqliteBinding } from '../storage/sqlite-binding.js';
import { loadNativeAsset } from './native-assets.js';

declare const __GREGOR_PJSON__: { name: string; version: string; [key: string]: unknown };

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
  const root = path.dirname(process.execPath);
  const pjson = __GREGOR_PJSON__ as unknown as ConstructorParameters<typeof Plugin>[0]['pjson'];
  const plugin = new Plugin({ root, isRoot: true, pjson, type: 'core', ignoreManifest: true });
  // What loadCommandsFromTarget() would import from package.json's "explicit" target.
  (plugin as unknown as { commandCache: typeof commands }).commandCache = commands;
  await plugin.load();
  const config = await Config.load({
    root,
    pjson,
    plugins: new Map([[plugin.name, plugin]]),
    userPlugins: false,
    devPlugins: false,
  } as Parameters<typeof Config.load>[0]);
  await main(process.argv.slice(2), config);
})();

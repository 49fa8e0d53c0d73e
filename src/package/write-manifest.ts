/**
 * Build step of scripts/package.mjs (bundled and run by it, never shipped): prints the oclif manifest of
 * the executable's root plugin as JSON, for the bundle to carry instead of building it on every start.
 */
import { loadConfig, rootManifest } from './oclif-config.js';

declare const __GREGOR_PJSON__: Parameters<typeof loadConfig>[1];

void (async () => {
  const config = await loadConfig(process.cwd(), __GREGOR_PJSON__);
  process.stdout.write(JSON.stringify(rootManifest(config)));
})();

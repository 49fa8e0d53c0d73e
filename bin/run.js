#!/usr/bin/env node
// gregor's command line: runs the compiled CLI in dist/ (built by `npm run build`; npm ci/install run it).
import { fileURLToPath } from 'node:url';

let main;
try {
  ({ main } = await import('../dist/src/cli/main.js'));
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('/dist/')) {
    process.stderr.write('error: gregor is not built (dist/ is missing); run "npm run build"\n');
    process.exit(1);
  }
  throw err;
}
// Only the commands listed in dist/commands/index.js: no user or dev plugins are looked for on disk.
await main(process.argv.slice(2), {
  root: fileURLToPath(new URL('..', import.meta.url)),
  userPlugins: false,
  devPlugins: false,
});

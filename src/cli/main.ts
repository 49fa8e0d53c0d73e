/**
 * gregor's entry point: runs oclif and reports errors that happen outside a command
 * (unknown command, configuration loading) the same way BaseCommand does.
 *
 * bin/run.js calls main(argv, import.meta.url). A single-executable bundle can call it with a
 * ready-made oclif Config instead (see ../shared/NOTES.md): nothing here discovers files on disk.
 */
import { flush, run, settings, type Interfaces } from '@oclif/core';
import { argvWantsDebug, reportError } from './errors.js';

export async function main(argv: string[], loadOptions: Interfaces.LoadOptions): Promise<void> {
  // Always run the compiled commands in dist/, even when NODE_ENV is "development" or "test"
  // (vitest sets NODE_ENV=test, which children inherit): never look for .ts sources.
  settings.enableAutoTranspile = false;
  const debug = argvWantsDebug(argv);
  installLastResortHandlers(debug);
  try {
    await run(argv, loadOptions);
    // oclif's flush() waits for stdout to drain, which a stdout whose reader went away never does.
    if (!process.stdout.destroyed && !process.stdout.errored) await flush();
  } catch (err) {
    process.exitCode = reportError(explain(err), { debug });
  }
}

/** Errors nobody awaited (e.g. an 'error' event without a listener) also end as one line. */
function installLastResortHandlers(debug: boolean): void {
  const fail = (err: unknown) => {
    process.exitCode = reportError(err, { debug });
    process.exit();
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

/** oclif says "command foo:bar not found"; say it with the words the user typed. */
function explain(err: unknown): unknown {
  const found = err instanceof Error ? /^command (\S+) not found$/.exec(err.message) : null;
  if (err instanceof Error && found) {
    const typed = found[1]!.replaceAll(':', ' ');
    const wrapped = new Error(`unknown command "${typed}"; run "gregor help" for a list of commands`);
    wrapped.stack = [`Error: ${wrapped.message}`, ...(err.stack ?? '').split('\n').slice(1)].join('\n');
    return wrapped;
  }
  return err;
}

/**
 * How gregor reports a failure: one line `error: <message>` on stderr and exit code 1
 * (or the code an error asks for), the full stack only with --debug.
 *
 * Used both by BaseCommand.catch (errors inside a command, including flag parsing)
 * and by main() (errors outside a command: unknown command, configuration loading).
 */
import { stderrColor } from './colors.js';

interface OclifErrorShape {
  code?: unknown;
  oclif?: { exit?: unknown };
  skipOclifErrorHandling?: unknown;
}

/** True for oclif's ExitError (`this.exit(n)`): a request to exit, not a failure to report. */
export function isExitRequest(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as OclifErrorShape).code === 'EEXIT';
}

/** The exit code an error asks for; 1 unless it carries a valid oclif exit code. */
export function exitCodeOf(err: unknown): number {
  if (typeof err === 'object' && err !== null) {
    const exit = (err as OclifErrorShape).oclif?.exit;
    if (typeof exit === 'number' && Number.isInteger(exit) && exit >= 0 && exit <= 255) return exit;
  }
  return 1;
}

/** The message of anything thrown, squeezed onto one line. */
export function oneLineMessage(err: unknown): string {
  let message: string;
  if (err instanceof Error) message = err.message || err.name;
  else if (typeof err === 'string') message = err;
  else {
    try {
      message = JSON.stringify(err) ?? String(err);
    } catch {
      message = String(err);
    }
  }
  // oclif messages often read "Title:\n  detail\nSee more help with --help"
  const lines = stripAnsi(message)
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  let out = '';
  for (const line of lines) {
    if (out === '') out = line;
    else out += (/[:;,]$/.test(out) ? ' ' : '; ') + line;
  }
  return out === '' ? 'unknown error' : out;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;]*[A-Za-z]/g, '');
}

/** True when `--debug` appears in argv before a `--` terminator. */
export function argvWantsDebug(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--debug') return true;
  }
  return false;
}

export interface ReportOptions {
  debug: boolean;
  /** Where to write; stderr by default. */
  write?: (text: string) => void;
}

/**
 * Report a thrown value and return the process exit code to use.
 * An oclif exit request is not reported; its code is returned.
 */
export function reportError(err: unknown, options: ReportOptions): number {
  if (isExitRequest(err)) return exitCodeOf(err);
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  write(`${stderrColor.red.bold('error:')} ${oneLineMessage(err)}\n`);
  if (options.debug) {
    const stack = err instanceof Error && err.stack ? err.stack : String(err);
    write(`${stderrColor.dim(stack)}\n`);
    if (err instanceof Error && err.cause !== undefined) {
      const cause = err.cause instanceof Error && err.cause.stack ? err.cause.stack : String(err.cause);
      write(`${stderrColor.dim(`caused by: ${cause}`)}\n`);
    }
  }
  const code = exitCodeOf(err);
  return code === 0 ? 1 : code;
}

/**
 * The base of every gregor command.
 *
 * - gives every command `--debug` (shown under GLOBAL FLAGS);
 * - parses flags and arguments in init(), so run() can use this.flags / this.args / this.rest;
 * - reports any error as ONE line `error: <message>` on stderr and exits 1 (full stack with --debug).
 *
 * Commands stay thin: parse, then call into src/. Import heavy modules (storage, broker, …) inside
 * run() with `await import(...)`, never at the top of a command file: commands/index.ts imports every
 * command on every start, `gregor --version` included.
 */
import { Command, Flags, type Interfaces } from '@oclif/core';
import { argvWantsDebug, reportError } from './errors.js';

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    debug: Flags.boolean({
      description: 'Print the full stack trace when the command fails.',
      helpGroup: 'GLOBAL',
    }),
  };

  protected flags!: CommandFlags<T>;
  protected args!: CommandArgs<T>;
  /** Positional arguments in order, including extra ones when the command sets `strict = false`. */
  protected rest!: string[];

  public override async init(): Promise<void> {
    await super.init();
    const { args, argv, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
      enableJsonFlag: this.ctor.enableJsonFlag,
    });
    this.flags = flags as CommandFlags<T>;
    this.args = args as CommandArgs<T>;
    this.rest = argv.map(String);
  }

  /** Report the error (not rethrown: main() must not report it a second time). */
  protected override async catch(err: Interfaces.CommandError): Promise<void> {
    // parse() failed (or ran): keep oclif from adding "did not parse its arguments" under NODE_ENV=test.
    this.parsed = true;
    const debug = (this.flags as { debug?: boolean } | undefined)?.debug ?? argvWantsDebug(this.argv);
    process.exitCode = reportError(err, { debug });
  }
}

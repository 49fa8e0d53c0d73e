import { BaseCommand } from '../src/cli/base-command.js';

export default class VersionCommand extends BaseCommand<typeof VersionCommand> {
  static override summary = 'Print the version of gregor (the same line as --version).';

  public async run(): Promise<void> {
    this.log(this.config.userAgent);
  }
}

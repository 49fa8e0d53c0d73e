import { Args, loadHelpClass } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';

export default class HelpCommand extends BaseCommand<typeof HelpCommand> {
  static override summary = 'Show help for gregor or for one of its commands.';
  static override strict = false;
  static override args = {
    command: Args.string({ description: 'Command to show help for, e.g. "topic create".', required: false }),
  };
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help <command>'];

  public async run(): Promise<void> {
    const Help = await loadHelpClass(this.config);
    const help = new Help(this.config, this.config.pjson.oclif.helpOptions ?? this.config.pjson.helpOptions);
    await help.showHelp(this.rest);
  }
}

import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class TopicAlterConfigCommand extends ClientCommand<typeof TopicAlterConfigCommand> {
  static override summary = 'Set or delete topic configs (other configs keep their values).';
  static override description =
    'Sends IncrementalAlterConfigs, as kafka-configs.sh and rpk do. A deleted key returns to the broker default. ' +
    '`gregor topic describe` shows the result.';
  static override examples = [
    { description: 'Keep records for one hour', command: '<%= config.bin %> topic alter-config orders --set retention.ms=3600000' },
    { description: 'Compact two topics, drop a retention override', command: '<%= config.bin %> topic alter-config orders payments --set cleanup.policy=compact --delete retention.ms' },
    { description: 'Validate only', command: '<%= config.bin %> topic alter-config orders --set max.message.bytes=2097152 --dry-run' },
  ];
  static override strict = false;
  static override args = { topic: Args.string({ description: 'Topics to change', required: true }) };
  static override flags = {
    ...clientFlags,
    ...jsonFlag,
    set: Flags.string({ char: 's', description: 'Set key=value (repeatable)', multiple: true }),
    delete: Flags.string({ char: 'd', description: 'Return a key to its default (repeatable)', multiple: true }),
    'dry-run': Flags.boolean({ description: 'Validate the change on the broker; change nothing' }),
  };

  public async run(): Promise<void> {
    const { alterTopicConfigs, parseConfigPairs } = await import('../../src/client/admin/topics.js');
    const { UsageError } = await import('../../src/client/errors.js');
    if (this.flags.set === undefined && this.flags.delete === undefined) throw new UsageError('nothing to change: give --set key=value or --delete key');
    const { failureOf, outcomesJson, renderOutcomes } = await import('../../src/cli/presenters/topics.js');
    const change = { set: parseConfigPairs(this.flags.set ?? [], '--set'), delete: this.flags.delete ?? [] };
    const dryRun = this.flags['dry-run'] ?? false;
    const outcomes = await alterTopicConfigs(await this.cluster(), [...new Set(this.rest)], change, { validateOnly: dryRun });
    const failure = failureOf(outcomes);
    if (this.flags.json) this.log(outcomesJson(outcomes, () => ({ set: Object.fromEntries(change.set), deleted: change.delete, dryRun })));
    else if (failure === undefined || outcomes.length > 1) this.log(renderOutcomes(outcomes, [], () => (dryRun ? 'OK (dry run, not changed)' : 'OK')));
    if (failure !== undefined) throw failure;
  }
}

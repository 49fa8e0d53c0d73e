import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class TopicAddPartitionsCommand extends ClientCommand<typeof TopicAddPartitionsCommand> {
  static override summary = 'Add partitions to topics.';
  static override description =
    'Give either --num (partitions to add, as rpk) or --total (the new partition count, as kafka-topics --partitions). ' +
    'Partitions can only be added: keys may map to other partitions afterwards.';
  static override examples = [
    { description: 'Three more partitions', command: '<%= config.bin %> topic add-partitions orders --num 3' },
    { description: 'Grow to twelve partitions in all', command: '<%= config.bin %> topic add-partitions orders --total 12' },
    { description: 'Check only', command: '<%= config.bin %> topic add-partitions orders payments -n 1 --dry-run' },
  ];
  static override strict = false;
  static override args = { topic: Args.string({ description: 'Topics to grow', required: true }) };
  static override flags = {
    ...clientFlags,
    ...jsonFlag,
    num: Flags.integer({ char: 'n', description: 'Partitions to add to each topic', min: 1 }),
    total: Flags.integer({ description: 'The partition count each topic should have', min: 1 }),
    'dry-run': Flags.boolean({ description: 'Validate the request on the broker; change nothing' }),
  };

  public async run(): Promise<void> {
    const { addPartitions } = await import('../../src/client/admin/topics.js');
    const { UsageError } = await import('../../src/client/errors.js');
    if ((this.flags.num === undefined) === (this.flags.total === undefined)) {
      throw new UsageError('give either --num N (partitions to add) or --total N (the partition count to reach)');
    }
    const { failureOf, outcomesJson, renderAddedPartitions } = await import('../../src/cli/presenters/topics.js');
    const dryRun = this.flags['dry-run'] ?? false;
    const how = this.flags.num !== undefined ? { add: this.flags.num } : { total: this.flags.total! };
    const outcomes = await addPartitions(await this.cluster(), [...new Set(this.rest)], how, { validateOnly: dryRun });
    const failure = failureOf(outcomes);
    if (this.flags.json) this.log(outcomesJson(outcomes, (o) => ({ before: o.before, partitions: o.total, dryRun })));
    else if (failure === undefined || outcomes.length > 1) this.log(renderAddedPartitions(outcomes, dryRun));
    if (failure !== undefined) throw failure;
  }
}

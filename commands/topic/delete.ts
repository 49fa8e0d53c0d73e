import { Args } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class TopicDeleteCommand extends ClientCommand<typeof TopicDeleteCommand> {
  static override summary = 'Delete topics and all their records.';
  static override examples = [
    { description: 'One topic', command: '<%= config.bin %> topic delete orders' },
    { description: 'Several; fails if any of them does not exist', command: '<%= config.bin %> topic delete orders payments -b kafka-1:9092' },
  ];
  static override strict = false;
  static override args = { topic: Args.string({ description: 'Topics to delete', required: true }) };
  static override flags = { ...clientFlags, ...jsonFlag };

  public async run(): Promise<void> {
    const { deleteTopics } = await import('../../src/client/admin/topics.js');
    const { failureOf, outcomesJson, renderOutcomes } = await import('../../src/cli/presenters/topics.js');
    const outcomes = await deleteTopics(await this.cluster(), [...new Set(this.rest)]);
    const failure = failureOf(outcomes);
    if (this.flags.json) this.log(outcomesJson(outcomes, () => ({ status: 'deleted' })));
    else if (failure === undefined || outcomes.length > 1) this.log(renderOutcomes(outcomes));
    if (failure !== undefined) throw failure;
  }
}

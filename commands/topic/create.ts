import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class TopicCreateCommand extends ClientCommand<typeof TopicCreateCommand> {
  static override summary = 'Create topics.';
  static override description =
    "Without -p or -r the broker's num.partitions and default.replication.factor apply. Creating several topics " +
    'prints one line per topic and fails if any of them failed.';
  static override examples = [
    { description: 'A topic with the broker defaults', command: '<%= config.bin %> topic create orders' },
    { description: 'Six partitions, three replicas, compacted', command: '<%= config.bin %> topic create orders -p 6 -r 3 -c cleanup.policy=compact' },
    { description: 'Several topics at once; no error for those that exist', command: '<%= config.bin %> topic create a b c -p 3 --if-not-exists' },
    { description: 'Check that the broker would accept it, create nothing', command: '<%= config.bin %> topic create orders -p 3 -c retention.ms=3600000 --dry-run' },
  ];
  static override strict = false;
  static override args = { topic: Args.string({ description: 'Topics to create', required: true }) };
  static override flags = {
    ...clientFlags,
    ...jsonFlag,
    partitions: Flags.integer({ char: 'p', description: "Partitions per topic (default: the broker's num.partitions)" }),
    replicas: Flags.integer({ char: 'r', description: "Replication factor (default: the broker's default.replication.factor)" }),
    config: Flags.string({ char: 'c', description: 'Topic config key=value (repeatable)', multiple: true }),
    'if-not-exists': Flags.boolean({ description: 'A topic that already exists is not an error' }),
    'dry-run': Flags.boolean({ description: 'Validate the request on the broker; create nothing' }),
  };

  public async run(): Promise<void> {
    const { createTopics, parseConfigPairs } = await import('../../src/client/admin/topics.js');
    const { failureOf, outcomesJson, renderCreated } = await import('../../src/cli/presenters/topics.js');
    const configs = parseConfigPairs(this.flags.config ?? [], '--config');
    const topics = [...new Set(this.rest)].map((name) => ({
      name,
      partitions: this.flags.partitions ?? -1,
      replicationFactor: this.flags.replicas ?? -1,
      configs,
    }));
    const outcomes = await createTopics(await this.cluster(), topics, {
      validateOnly: this.flags['dry-run'],
      ifNotExists: this.flags['if-not-exists'],
    });
    const failure = failureOf(outcomes);
    if (this.flags.json) {
      this.log(outcomesJson(outcomes, (o) => ({ status: o.status, id: o.id, partitions: o.partitions, replicationFactor: o.replicationFactor })));
    } else if (failure === undefined || outcomes.length > 1) this.log(renderCreated(outcomes));
    if (failure !== undefined) throw failure;
  }
}

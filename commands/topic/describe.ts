import { Args } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class TopicDescribeCommand extends ClientCommand<typeof TopicDescribeCommand> {
  static override summary = 'Describe topics: id, configs that are not defaults, and each partition with its leader, replicas and offsets.';
  static override examples = [
    { description: 'One topic', command: '<%= config.bin %> topic describe orders' },
    { description: 'Several topics, as JSON', command: '<%= config.bin %> topic describe orders payments --json' },
    { description: 'The high watermark of every partition', command: "<%= config.bin %> topic describe orders --json | jq '.[0].partitions[].highWatermark'" },
  ];
  static override strict = false;
  static override args = { topic: Args.string({ description: 'Topics to describe', required: true }) };
  static override flags = { ...clientFlags, ...jsonFlag };

  public async run(): Promise<void> {
    const { describeTopics } = await import('../../src/client/admin/topics.js');
    const { failureOf, renderTopicDescription, topicDescriptionsJson } = await import('../../src/cli/presenters/topics.js');
    const outcomes = await describeTopics(await this.cluster(), [...new Set(this.rest)]);
    const found = outcomes.flatMap((o) => (o.description === undefined ? [] : [o.description]));
    if (this.flags.json) this.log(topicDescriptionsJson(found));
    else if (found.length > 0) this.log(found.map(renderTopicDescription).join('\n\n'));
    const failure = failureOf(outcomes);
    if (failure !== undefined) throw failure;
  }
}

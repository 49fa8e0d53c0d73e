import { Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class TopicListCommand extends ClientCommand<typeof TopicListCommand> {
  static override summary = 'List the topics of a cluster: name, partitions, replication factor.';
  static override examples = [
    { description: 'Topics on the broker at localhost:9092', command: '<%= config.bin %> topic list' },
    { description: 'Include internal topics (__consumer_offsets, …)', command: '<%= config.bin %> topic list -i -b kafka-1:9092' },
    { description: 'Names only, for a script', command: "<%= config.bin %> topic list --json | jq -r '.[].name'" },
  ];
  static override flags = {
    ...clientFlags,
    ...jsonFlag,
    internal: Flags.boolean({ char: 'i', description: 'Include internal topics' }),
  };

  public async run(): Promise<void> {
    const { listTopics } = await import('../../src/client/admin/topics.js');
    const { renderTopicList, topicListJson } = await import('../../src/cli/presenters/topics.js');
    const topics = await listTopics(await this.cluster(), { internal: this.flags.internal });
    this.log(this.flags.json ? topicListJson(topics) : renderTopicList(topics));
  }
}

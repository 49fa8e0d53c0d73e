import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class GroupDeleteOffsetsCommand extends ClientCommand<typeof GroupDeleteOffsetsCommand> {
  static override summary = "Delete a group's committed offsets for some topics or partitions (OffsetDelete).";
  static override description =
    'Refused by the broker for topics the group\'s members are subscribed to, as in Kafka. The group keeps its other offsets.';
  static override examples = [
    { description: 'Forget where the group was in one topic', command: '<%= config.bin %> group delete-offsets reports --topic clicks' },
    { description: 'Only partitions 0 and 2 of one topic, and all of another', command: '<%= config.bin %> group delete-offsets reports --topic clicks:0,2 --topic views' },
  ];
  static override args = {
    group: Args.string({ description: 'Group id', required: true }),
  };
  static override flags = {
    topic: Flags.string({ char: 't', description: 'Topic, or topic:partition[,partition…] (repeatable)', multiple: true, required: true }),
    ...jsonFlag,
    ...clientFlags,
  };

  public async run(): Promise<void> {
    const { deleteOffsets, kafkaMessage } = await import('../../src/client/admin/groups.js');
    const { parseTopicArg } = await import('../../src/client/admin/offsets-reset.js');
    const cluster = await this.cluster();
    // Fails at once when no broker answers (the lookups below would retry until the deadline).
    await cluster.refreshMetadata([]);
    const partitions: { topic: string; partition: number }[] = [];
    for (const arg of this.flags.topic) {
      const { topic, partitions: ps } = parseTopicArg(arg);
      const info = await cluster.topic(topic);
      for (const partition of ps ?? info.partitions.map((p) => p.partition)) partitions.push({ topic, partition });
    }
    const group = this.args.group;
    const result = await deleteOffsets(cluster, group, partitions);
    if (result.errorCode !== 0) throw new Error(`${kafkaMessage(result.errorCode)} (group '${group}')`);
    const failed = result.partitions.filter((p) => p.error !== null);
    if (this.flags.json) {
      const { toJson } = await import('../../src/cli/output.js');
      this.log(toJson({ group, partitions: result.partitions.map((p) => ({ topic: p.topic, partition: p.partition, deleted: p.error === null, error: p.error })) }));
    } else {
      const { renderDeletedOffsets } = await import('../../src/cli/presenters/groups.js');
      if (failed.length === 0) this.log(`Request succeeded for deleting offsets from group ${group}.\n`);
      this.log(renderDeletedOffsets(result));
    }
    if (failed.length > 0) {
      throw new Error(`could not delete the offsets of group '${group}' for ${failed.map((p) => `${p.topic}-${p.partition}`).join(', ')}: ${failed[0]!.error}`);
    }
  }
}

import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling']);

export default class GroupDescribeCommand extends ClientCommand<typeof GroupDescribeCommand> {
  static override summary = 'Describe consumer groups: state, coordinator, members, and per partition the committed offset, log end offset and lag.';
  static override description =
    'Like kafka-consumer-groups --describe: classic groups (DescribeGroups) and KIP-848 groups (ConsumerGroupDescribe). ' +
    'Partitions no member owns but the group has committed offsets for are shown with "-" as the consumer.';
  static override examples = [
    { description: 'Offsets, lag and members of a group', command: '<%= config.bin %> group describe orders-service' },
    { description: 'Only the members and their assignments', command: '<%= config.bin %> group describe orders-service --members' },
    { description: 'Two groups as JSON (lag per partition in .offsets[].lag)', command: '<%= config.bin %> group describe billing audit --json' },
  ];
  static override strict = false;
  static override args = {
    group: Args.string({ description: 'Group id (more may follow)', required: true }),
  };
  static override flags = {
    members: Flags.boolean({ description: 'Show only the members (CONSUMER-ID HOST CLIENT-ID #PARTITIONS ASSIGNMENT)' }),
    ...jsonFlag,
    ...clientFlags,
  };

  public async run(): Promise<void> {
    const groups = [...new Set(this.rest)];
    const { describeGroupOffsets } = await import('../../src/client/admin/groups.js');
    const { describeJson, renderDescribe } = await import('../../src/cli/presenters/groups.js');
    const cluster = await this.cluster();
    // Fails at once when no broker answers (the coordinator lookup would retry until the deadline).
    await cluster.refreshMetadata([]);
    const views = await Promise.all(groups.map((g) => describeGroupOffsets(cluster, g)));
    const missing = views.filter((v) => !v.description.exists).map((v) => v.description.groupId);
    const found = views.filter((v) => v.description.exists);
    if (this.flags.json) {
      const { toJson } = await import('../../src/cli/output.js');
      if (found.length > 0 || missing.length === 0) this.log(toJson(found.map(describeJson)));
    } else {
      const blocks = found.map((v) => renderDescribe(v, { membersOnly: this.flags.members }));
      if (blocks.length > 0) this.log(blocks.join('\n\n'));
    }
    // kafka-consumer-groups' notes on a group that is not Stable, on stderr.
    for (const { description: d } of found) {
      if (d.state === 'Empty') process.stderr.write(`Consumer group '${d.groupId}' has no active members.\n`);
      if (REBALANCING.has(d.state)) process.stderr.write(`Warning: Consumer group '${d.groupId}' is rebalancing.\n`);
    }
    if (missing.length > 0) throw new Error(missing.map((g) => `Consumer group '${g}' does not exist.`).join(' '));
  }
}

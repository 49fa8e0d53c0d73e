import { Args } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

export default class GroupDeleteCommand extends ClientCommand<typeof GroupDeleteCommand> {
  static override summary = 'Delete groups and their committed offsets (only groups without members, as Kafka allows).';
  static override examples = [
    { description: 'Delete a group that no consumer uses any more', command: '<%= config.bin %> group delete old-reports' },
    { description: 'Delete several groups', command: '<%= config.bin %> group delete test-1 test-2 test-3' },
  ];
  static override strict = false;
  static override args = {
    group: Args.string({ description: 'Group id (more may follow)', required: true }),
  };
  static override flags = { ...jsonFlag, ...clientFlags };

  public async run(): Promise<void> {
    const groups = [...new Set(this.rest)];
    const { deleteGroups } = await import('../../src/client/admin/groups.js');
    const cluster = await this.cluster();
    // Fails at once when no broker answers (the coordinator lookup would retry until the deadline).
    await cluster.refreshMetadata([]);
    const results = await deleteGroups(cluster, groups);
    const ok = results.filter((r) => r.error === null).map((r) => r.groupId);
    const failed = results.filter((r) => r.error !== null);
    if (this.flags.json) {
      const { toJson } = await import('../../src/cli/output.js');
      this.log(toJson(results.map((r) => ({ group: r.groupId, deleted: r.error === null, error: r.error }))));
    } else if (ok.length > 0) {
      this.log(`Deletion of requested consumer groups (${ok.map((g) => `'${g}'`).join(', ')}) was successful.`);
    }
    if (failed.length > 0) {
      throw new Error(failed.map((r) => `Group '${r.groupId}' could not be deleted due to: ${r.error}`).join(' '));
    }
  }
}

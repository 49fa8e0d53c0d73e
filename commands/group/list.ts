import { Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

/** Kafka's group types and states (GroupType, GroupState), matched case-insensitively as the broker matches them. */
const TYPES = ['classic', 'consumer', 'share', 'streams'];
const STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling', 'NotReady'];

function parseList(values: string[] | undefined, valid: string[], what: string): string[] {
  const out: string[] = [];
  for (const v of (values ?? []).flatMap((x) => x.split(','))) {
    const name = valid.find((s) => s.toLowerCase() === v.trim().toLowerCase());
    if (name === undefined) throw new Error(`Invalid ${what} '${v}'. Valid ${what}s are: ${valid.join(', ')}`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export default class GroupListCommand extends ClientCommand<typeof GroupListCommand> {
  static override summary = 'List the groups of the cluster (every broker is asked, as kafka-consumer-groups --list does).';
  static override examples = [
    { description: 'Every group, with its type, state and protocol type', command: '<%= config.bin %> group list' },
    { description: 'Only groups that have members and are stable', command: '<%= config.bin %> group list --state Stable' },
    { description: 'Empty KIP-848 groups, as JSON', command: '<%= config.bin %> group list --type consumer --state empty --json' },
  ];
  static override flags = {
    state: Flags.string({ description: `Only groups in these states (comma-separated or repeated): ${STATES.join(', ')}`, multiple: true }),
    type: Flags.string({ description: `Only groups of these types (comma-separated or repeated): ${TYPES.join(', ')}`, multiple: true }),
    ...jsonFlag,
    ...clientFlags,
  };

  public async run(): Promise<void> {
    const states = parseList(this.flags.state, STATES, 'state');
    const types = parseList(this.flags.type, TYPES, 'type');
    const { listGroups } = await import('../../src/client/admin/groups.js');
    const groups = await listGroups(await this.cluster(), { states, types });
    if (this.flags.json) {
      const { toJson } = await import('../../src/cli/output.js');
      this.log(toJson(groups.map((g) => ({ group: g.groupId, type: g.type, state: g.state, protocolType: g.protocolType }))));
      return;
    }
    const { renderGroupList } = await import('../../src/cli/presenters/groups.js');
    this.log(renderGroupList(groups));
  }
}

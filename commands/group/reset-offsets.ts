import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../../src/cli/client-command.js';

const STRATEGIES = ['to-earliest', 'to-latest', 'to-current', 'to-offset', 'to-datetime', 'by-duration', 'shift-by', 'from-file'] as const;

export default class GroupResetOffsetsCommand extends ClientCommand<typeof GroupResetOffsetsCommand> {
  static override summary = "Reset a group's committed offsets, as kafka-consumer-groups --reset-offsets (a dry run unless --execute).";
  static override description =
    'Choose the partitions (--topic or --all-topics, the topics the group has offsets for) and one strategy. New ' +
    'offsets are kept within each partition\'s log start and log end, as Kafka does. The group must be inactive ' +
    '(Empty or unknown): stop its consumers first. Without --execute the plan is printed and nothing changes.';
  static override examples = [
    { description: 'See where the group would restart from the beginning of a topic (dry run)', command: '<%= config.bin %> group reset-offsets billing --topic invoices --to-earliest' },
    { description: 'Commit it', command: '<%= config.bin %> group reset-offsets billing --topic invoices --to-earliest --execute' },
    { description: 'Skip to the end of every topic the group reads', command: '<%= config.bin %> group reset-offsets billing --all-topics --to-latest --execute' },
    { description: 'Go back 10 records on partitions 0 and 1', command: '<%= config.bin %> group reset-offsets billing --topic invoices:0,1 --shift-by=-10' },
    { description: 'Restart from the first record at or after a time (UTC unless a zone is given)', command: '<%= config.bin %> group reset-offsets billing --topic invoices --to-datetime 2024-01-01T00:00:00.000' },
    { description: 'Restart from the records of the last hour and a half', command: '<%= config.bin %> group reset-offsets billing --topic invoices --by-duration PT1H30M' },
    { description: 'Apply a plan file of topic,partition,offset lines', command: '<%= config.bin %> group reset-offsets billing --from-file plan.csv --execute' },
  ];
  static override args = {
    group: Args.string({ description: 'Group id', required: true }),
  };
  static override flags = {
    topic: Flags.string({ char: 't', description: 'Topic, or topic:partition[,partition…] (repeatable)', multiple: true, helpGroup: 'SCOPE' }),
    'all-topics': Flags.boolean({ description: 'Every topic the group has committed offsets for', helpGroup: 'SCOPE' }),
    'to-earliest': Flags.boolean({ description: 'The log start offset', helpGroup: 'STRATEGY' }),
    'to-latest': Flags.boolean({ description: 'The log end offset', helpGroup: 'STRATEGY' }),
    'to-current': Flags.boolean({ description: 'The committed offset (the log end where there is none)', helpGroup: 'STRATEGY' }),
    'to-offset': Flags.string({ description: 'This offset', helpGroup: 'STRATEGY' }),
    'to-datetime': Flags.string({ description: 'The first offset at or after yyyy-MM-ddTHH:mm:ss.SSS[zone]', helpGroup: 'STRATEGY' }),
    'by-duration': Flags.string({ description: 'The first offset at or after now minus a duration (PnDTnHnM)', helpGroup: 'STRATEGY' }),
    'shift-by': Flags.string({ description: 'The committed offset plus N (N may be negative: --shift-by=-5)', helpGroup: 'STRATEGY' }),
    'from-file': Flags.string({ description: 'A CSV file of topic,partition,offset lines', helpGroup: 'STRATEGY' }),
    execute: Flags.boolean({ description: 'Commit the new offsets', exclusive: ['dry-run'] }),
    'dry-run': Flags.boolean({ description: 'Only print the plan (the default)' }),
    ...jsonFlag,
    ...clientFlags,
  };

  public async run(): Promise<void> {
    const f = this.flags;
    const given = STRATEGIES.filter((s) => f[s] !== undefined && f[s] !== false);
    if (given.length !== 1) {
      throw new Error(
        given.length === 0
          ? `give one strategy: ${STRATEGIES.map((s) => `--${s}`).join(', ')}`
          : `give only one strategy, not ${given.map((s) => `--${s}`).join(' and ')}`,
      );
    }
    if (f.topic !== undefined && f['all-topics']) throw new Error('give --topic or --all-topics, not both');
    const reset = await import('../../src/client/admin/offsets-reset.js');
    const strategy = await this.strategy(given[0]!, reset);
    const scope = f['all-topics'] ? { allTopics: true as const } : f.topic !== undefined ? { topics: f.topic } : null;
    if (scope === null && strategy.kind !== 'from-file') throw new Error('One of the reset scopes should be defined: --all-topics, --topic.');

    const cluster = await this.cluster();
    // Fails at once when no broker answers (the coordinator lookup would retry until the deadline).
    await cluster.refreshMetadata([]);
    const plan = await reset.planReset(cluster, this.args.group, scope, strategy);
    for (const w of plan.warnings) process.stderr.write(`warning: ${w}\n`);
    if (f.execute) await reset.executeReset(cluster, plan);
    if (f.json) {
      const { toJson } = await import('../../src/cli/output.js');
      this.log(toJson({ group: plan.groupId, executed: f.execute === true, offsets: plan.offsets }));
    } else if (plan.offsets.length > 0) {
      const { renderResetPlan } = await import('../../src/cli/presenters/groups.js');
      this.log(renderResetPlan(plan));
    } else {
      process.stderr.write(`Nothing to reset: group '${plan.groupId}' has no committed offsets.\n`);
    }
    if (!f.execute && plan.offsets.length > 0) process.stderr.write('Dry run: nothing was changed; add --execute to commit these offsets.\n');
  }

  private async strategy(
    name: (typeof STRATEGIES)[number],
    reset: typeof import('../../src/client/admin/offsets-reset.js'),
  ): Promise<import('../../src/client/admin/offsets-reset.js').ResetStrategy> {
    const f = this.flags;
    const integer = (flag: string, v: string) => {
      if (!/^[-+]?\d+$/.test(v.trim())) throw new Error(`--${flag} needs an integer, not "${v}"`);
      return BigInt(v.trim());
    };
    switch (name) {
      case 'to-earliest':
        return { kind: 'earliest' };
      case 'to-latest':
        return { kind: 'latest' };
      case 'to-current':
        return { kind: 'current' };
      case 'to-offset':
        return { kind: 'offset', offset: integer(name, f['to-offset']!) };
      case 'shift-by':
        return { kind: 'shift-by', by: integer(name, f['shift-by']!) };
      case 'to-datetime':
        return { kind: 'datetime', timestamp: reset.parseDateTime(f['to-datetime']!) };
      case 'by-duration':
        return { kind: 'duration', ms: reset.parseDuration(f['by-duration']!) };
      case 'from-file': {
        const { readFile } = await import('node:fs/promises');
        const path = f['from-file']!;
        const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new Error(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
        });
        return { kind: 'from-file', entries: reset.parseResetFile(text, this.args.group) };
      }
    }
  }
}

import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags, jsonFlag } from '../src/cli/client-command.js';

export default class ConsumeCommand extends ClientCommand<typeof ConsumeCommand> {
  static override summary = 'Print the records of one or more topics (kcat -C / -G style).';
  static override description = [
    'Without --group: reads the partitions -p names (default all) from where -o says (default beginning, as kcat).',
    'With --group: joins the consumer group (KIP-848 when the broker runs such groups, else the classic protocol; --group-protocol decides), starts each partition at the offset the group committed, or where -o says when it has none (default end, as Kafka\'s auto.offset.reset=latest; kcat -G instead lets -o override the committed offset), commits every 5 s, before giving partitions up, and on exit.',
    'Output: the value and a newline (as kcat), or -f with kcat\'s tokens %t %p %o %k %s %S %K %R %T %h and escapes \\n \\r \\t \\\\ \\xXX, or --json lines {topic, partition, offset, timestamp, key, value, headers} where key, value and header values are read as UTF-8 (binary bytes that are not UTF-8 become U+FFFD; use -f for raw bytes).',
    '--isolation defaults to read_uncommitted, as Kafka\'s consumer and kcat; read_committed hides aborted transactions and stops at the last stable offset. -e ends once every partition reached its end (high watermark, or last stable offset). Ctrl-C stops fetching, commits, leaves the group and exits 0.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> consume orders -e',
    "<%= config.bin %> consume orders -o -10 -e -f '%p/%o %k=%s\\n'",
    '<%= config.bin %> consume orders -p 0,2 -o @2024-05-01T12:00:00Z -c 100',
    '<%= config.bin %> consume orders payments -g billing',
    '<%= config.bin %> consume orders -o beginning --json -e | jq .value',
  ];
  static override strict = false;
  static override args = {
    topic: Args.string({ description: 'Topic(s) to read', required: false }),
  };
  static override flags = {
    ...clientFlags,
    ...jsonFlag,
    topic: Flags.string({ char: 't', multiple: true, description: 'Topic to read (repeatable; same as the arguments)' }),
    offset: Flags.string({
      char: 'o',
      description: 'Start at: beginning | end | <offset> | -<n> (n before the end) | @<ms> | @<ISO date>',
    }),
    partitions: Flags.string({ char: 'p', description: 'Only these partitions, e.g. 0,2' }),
    exit: Flags.boolean({ char: 'e', description: 'Exit once every partition reached its end' }),
    count: Flags.integer({ char: 'c', charAliases: ['n'], description: 'Exit after this many records', min: 0 }),
    format: Flags.string({ char: 'f', description: "kcat format string, e.g. '%t [%p] %o: %k %s\\n'" }),
    isolation: Flags.string({
      options: ['read_uncommitted', 'read_committed'],
      description: 'read_committed hides aborted transactions and stops at the last stable offset',
      default: 'read_uncommitted',
    }),
    group: Flags.string({ char: 'g', aliases: ['G'], description: 'Consume as a member of this consumer group' }),
    'group-protocol': Flags.string({
      options: ['consumer', 'classic'],
      description: 'Group protocol (default: consumer when the broker serves it, else classic)',
    }),
  };

  public async run(): Promise<void> {
    const { runConsume, parsePartitions } = await import('../src/cli/consume-run.js');
    const { UsageError } = await import('../src/client/errors.js');
    const topics = [...this.rest, ...(this.flags.topic ?? [])];
    if (topics.length === 0) throw new UsageError('no topic given: gregor consume <topic> [topic…]');
    if (this.flags.partitions !== undefined && this.flags.group !== undefined) {
      throw new UsageError('-p cannot be used with --group: the group assigns the partitions');
    }
    await runConsume(await this.cluster(), {
      topics,
      partitions: parsePartitions(this.flags.partitions),
      offset: this.flags.offset,
      exitAtEnd: this.flags.exit,
      count: this.flags.count,
      format: this.flags.format,
      json: this.flags.json,
      isolation: this.flags.isolation as 'read_committed' | 'read_uncommitted',
      group: this.flags.group,
      groupProtocol: this.flags['group-protocol'] as 'consumer' | 'classic' | undefined,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  }
}

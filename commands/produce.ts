import { Args, Flags } from '@oclif/core';
import { ClientCommand, clientFlags } from '../src/cli/client-command.js';

export default class ProduceCommand extends ClientCommand<typeof ProduceCommand> {
  static override summary = 'Produce records to a topic, one per input line (or per --format / --json record).';
  static override description = [
    "Reads stdin (or --file) and sends each line as a record's value. -K splits a key off each line at its first delimiter (a line without it gets a null key). Keyed records go to the partition Kafka's Java client would pick (murmur2 of the key); keyless ones fill one partition's batch, then move on (KIP-794).",
    "The producer is idempotent with acks=all by default, as Kafka's clients are; --acks 1 or 0 turns idempotence off. A missing topic is created when the broker's auto.create.topics.enable allows it (as Kafka's producer asks for), and is an error otherwise or with --no-auto-create.",
    'Nothing is printed on success; -v prints "topic partition offset" per record (a JSON object per record with --json), in input order, each once its record is acknowledged. With --acks 0 the offset is -1. When the reader of stdout goes away (-v | head), reading stops, what was read is still delivered, and the exit code is 0. On a terminal, stderr shows a progress line for long inputs.',
    "--format reads rpk's input format: %t topic, %k key, %v value, %p partition, %H header count then %h{%k=%v;} headers, %T %K %V lengths of topic, key, value (decimal text, {N} digits wide or {big8|big16|big32} binary), %% %{ %} for the characters themselves, escapes \\n \\t \\r \\\\ \\xNN. A field ends at the text that follows it, or after the length read before it.",
    '--json reads one object per line: {"key","value","headers","partition","timestamp"}; headers as {"k":"v"} or [["k","v"]]; key and value may be null; timestamp in ms or an ISO date.',
  ].join('\n\n');
  static override examples = [
    'seq 1 100 | <%= config.bin %> produce numbers',
    "printf 'k1:v1\\nk2:v2\\n' | <%= config.bin %> produce orders -K: -v",
    '<%= config.bin %> produce logs --file app.log -z zstd',
    "echo hello | <%= config.bin %> produce events -H source=cli -H env=dev -p 0",
    "printf 'a 1\\nb 2\\n' | <%= config.bin %> produce orders --format '%k %v\\n'",
    'echo \'{"key":"k1","value":"v1","headers":{"h":"x"}}\' | <%= config.bin %> produce orders --json -v',
    'seq 1 1000 | <%= config.bin %> produce numbers --acks 1 --no-idempotence',
  ];
  static override args = {
    topic: Args.string({ description: 'Topic to produce to (or read per record with --format \'%t …\')', ignoreStdin: true }),
  };
  static override flags = {
    ...clientFlags,
    file: Flags.string({ char: 'l', description: 'Read this file instead of stdin' }),
    'key-delimiter': Flags.string({ char: 'K', description: 'Split each line into key and value at the first occurrence of this text' }),
    key: Flags.string({ char: 'k', description: 'A key for every record that has none of its own' }),
    header: Flags.string({ char: 'H', multiple: true, description: 'A header key=value for every record (repeatable)' }),
    partition: Flags.integer({ char: 'p', min: 0, description: 'Send every record to this partition' }),
    compression: Flags.string({ char: 'z', description: 'Compression codec: none, gzip, snappy, lz4 or zstd (default none)' }),
    acks: Flags.string({ description: 'Acknowledgements to wait for: all (-1), 1 or 0 (default all)' }),
    idempotence: Flags.boolean({ allowNo: true, description: 'Idempotent producer (default on with acks=all)' }),
    format: Flags.string({ char: 'f', description: "Input format, rpk style, e.g. '%k %v\\n' (see DESCRIPTION)" }),
    json: Flags.boolean({ description: 'Input is JSON lines; with -v, reports are JSON lines too' }),
    verbose: Flags.boolean({ char: 'v', description: 'Print topic, partition and offset of every record produced' }),
    'linger-ms': Flags.integer({ min: 0, description: 'Wait this long for a batch to fill (default 5)' }),
    'batch-size': Flags.integer({ min: 1, description: 'Largest batch in bytes before compression (default 1000000)' }),
    'auto-create': Flags.boolean({ allowNo: true, description: 'Let the broker create a missing topic, if its auto.create.topics.enable allows (default on)' }),
  };

  public async run(): Promise<void> {
    const { runProduce } = await import('../src/cli/produce/run.js');
    const { parseAcks, parseCompression } = await import('../src/client/producer.js');
    const f = this.flags;
    const compression = parseCompression(f.compression ?? 'none');
    const acks = parseAcks(f.acks ?? 'all');
    await runProduce(await this.cluster(), {
      topic: this.args.topic,
      file: f.file,
      keyDelimiter: f['key-delimiter'],
      key: f.key,
      headers: f.header ?? [],
      partition: f.partition,
      compression,
      acks,
      idempotent: f.idempotence,
      format: f.format,
      json: f.json,
      verbose: f.verbose,
      lingerMs: f['linger-ms'],
      batchSize: f['batch-size'],
      allowAutoCreate: f['auto-create'] ?? true,
      requestTimeoutMs: f.timeout ?? 30_000,
    });
  }
}

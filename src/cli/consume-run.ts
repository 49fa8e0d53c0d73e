/**
 * `gregor consume`: picks the partitions (given, or from a group), where to start in each, runs the consumer
 * with the chosen printer, and ends cleanly: on -c/-e, on Ctrl-C (SIGINT/SIGTERM: stop fetching, commit, leave
 * the group, exit 0) and when the reader of stdout goes away (`| head`: EPIPE, exit quietly).
 */
import type { Cluster } from '../client/cluster.js';
import { Consumer, READ_COMMITTED, READ_UNCOMMITTED } from '../client/consumer.js';
import { UsageError } from '../client/errors.js';
import { partitionKey } from '../client/topic-partitions.js';
import { parseOffsetSpec, resolveStartOffsets, type OffsetSpec, type TopicPartition } from '../client/start-offsets.js';
import { OutputSink, compileFormat, printJsonLine, printValueLine, type RecordPrinter } from './consume-format.js';

export interface ConsumeSettings {
  topics: string[];
  /** -p: only these partitions (of every topic). */
  partitions?: number[];
  /** -o as typed; undefined: beginning without a group, the committed offset (else end) with one. */
  offset?: string;
  exitAtEnd: boolean;
  /** -c: stop after this many records. */
  count?: number;
  format?: string;
  json: boolean;
  isolation: 'read_committed' | 'read_uncommitted';
  group?: string;
  groupProtocol?: 'consumer' | 'classic';
  /** For messages about the group's progress (stderr). */
  log?: (line: string) => void;
}

export function parsePartitions(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new UsageError(`bad partition list "${text}": expected numbers like 0,2`);
  return [...new Set(parts.map(Number))];
}

export async function runConsume(cluster: Cluster, settings: ConsumeSettings, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (settings.format !== undefined && settings.json) throw new UsageError('--json and -f cannot be used together');
  const printer: RecordPrinter = settings.json ? printJsonLine : settings.format !== undefined ? compileFormat(settings.format) : printValueLine;
  const spec: OffsetSpec | undefined = settings.offset === undefined ? undefined : parseOffsetSpec(settings.offset);
  if (settings.count !== undefined && settings.count <= 0) return;
  const isolationLevel = settings.isolation === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED;

  const out = new OutputSink(stdout);
  let left = settings.count ?? Infinity;
  const consumer = new Consumer(cluster, {
    isolationLevel,
    exitAtEnd: settings.exitAtEnd,
    onRecord: (view) => {
      // The consumer stops handing out records once stopped; this guards -c and a broken pipe all the same.
      if (left <= 0 || out.broken) return false;
      printer(view, out);
      return --left > 0;
    },
    onBatchDone: () => out.flush(),
  });

  const onPipeError = (err: NodeJS.ErrnoException): void => {
    out.broken = true;
    if (err.code !== 'EPIPE') consumer.stop(err);
    else consumer.stop();
  };
  stdout.on('error', onPipeError);
  let signals = 0;
  // The first Ctrl-C ends cleanly (commit, leave); a second one, for a broker that does not answer, ends now.
  const onSignal = (): void => {
    if (++signals > 1) process.exit(130);
    consumer.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (settings.group !== undefined) {
      const { runGroupConsumer } = await import('../client/group/group-consumer.js');
      await runGroupConsumer(cluster, consumer, {
        group: settings.group,
        topics: settings.topics,
        spec: spec ?? { kind: 'end' },
        isolationLevel,
        protocol: settings.groupProtocol,
        log: settings.log,
      });
    } else {
      const partitions = await pickPartitions(cluster, settings.topics, settings.partitions);
      const starts = await resolveStartOffsets(cluster, partitions, spec ?? { kind: 'beginning' }, isolationLevel);
      consumer.assign(partitions.map((p) => ({ ...p, offset: starts.get(partitionKey(p.topic, p.partition))! })));
      await consumer.run();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await out.flush();
    stdout.off('error', onPipeError);
  }
}

async function pickPartitions(cluster: Cluster, topics: string[], only: number[] | undefined): Promise<TopicPartition[]> {
  const out: TopicPartition[] = [];
  for (const name of topics) {
    const info = await cluster.topic(name);
    const all = info.partitions.map((p) => p.partition);
    for (const p of only ?? all) {
      if (!all.includes(p)) throw new UsageError(`topic "${name}" has no partition ${p} (it has ${all.length})`);
      out.push({ topic: name, partition: p });
    }
  }
  return out;
}

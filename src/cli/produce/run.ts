/**
 * `gregor produce`: input (stdin or --file) → parser → producer, printing delivery reports with -v and a
 * progress line on a terminal. Everything after parsing is the producer's: this file only wires them.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Cluster } from '../../client/cluster.js';
import { UsageError } from '../../client/errors.js';
import { Producer, type Acks, type DeliveryReport } from '../../client/producer.js';
import type { CompressionType } from '../../protocol/records/constants.js';
import { toJson } from '../output.js';
import { FormatParser } from './format-parser.js';
import { startProgress, type Progress } from './progress.js';
import { JsonLineParser, LineParser, type ParsedRecord, type RecordParser } from './record-parsers.js';

export interface ProduceCommandOptions {
  topic?: string;
  file?: string;
  keyDelimiter?: string;
  key?: string;
  headers: string[];
  partition?: number;
  compression: CompressionType;
  acks: Acks;
  idempotent?: boolean;
  format?: string;
  json: boolean;
  verbose: boolean;
  lingerMs?: number;
  batchSize?: number;
  allowAutoCreate: boolean;
  requestTimeoutMs: number;
}

export function parseHeaderFlags(flags: string[]): { key: string; value: Buffer }[] {
  return flags.map((h) => {
    const at = h.indexOf('=');
    if (at <= 0) throw new UsageError(`bad header "${h}": use -H key=value`);
    return { key: h.slice(0, at), value: Buffer.from(h.slice(at + 1), 'utf8') };
  });
}

function parserFor(o: ProduceCommandOptions): RecordParser {
  const modes = [o.format !== undefined, o.json, o.keyDelimiter !== undefined].filter(Boolean).length;
  if (modes > 1) throw new UsageError('use only one of --format, --json and -K');
  if (o.format !== undefined) return new FormatParser(o.format);
  if (o.json) return new JsonLineParser();
  return new LineParser(o.keyDelimiter);
}

export async function runProduce(cluster: Cluster, o: ProduceCommandOptions): Promise<void> {
  const parser = parserFor(o);
  if (o.topic === undefined && (o.format === undefined || !o.format.includes('%t'))) {
    throw new UsageError('name the topic: gregor produce TOPIC (or read it from the input with --format \'%t …\')');
  }
  const fixedHeaders = parseHeaderFlags(o.headers);
  const fixedKey = o.key === undefined ? undefined : Buffer.from(o.key, 'utf8');

  const out = process.stdout;
  let pending = '';
  const flushPending = (): void => {
    if (pending === '') return;
    out.write(pending);
    pending = '';
  };
  // -v prints one line per record in input order: acknowledgements arrive per batch and partition, so each
  // partition's acknowledged offsets wait in `acked` until every record read before them is acknowledged too.
  const inputOrder: string[] = [];
  let nextToPrint = 0;
  const acked = new Map<string, { topic: string; partition: number; ranges: { base: bigint; count: number }[] }>();
  const printAcknowledged = (): void => {
    let text = '';
    for (; nextToPrint < inputOrder.length; nextToPrint++) {
      const q = acked.get(inputOrder[nextToPrint]!);
      const range = q?.ranges[0];
      if (q === undefined || range === undefined) break;
      const offset = range.base;
      if (range.base >= 0n) range.base++;
      if (--range.count === 0) q.ranges.shift();
      text += o.json ? `${toJson({ topic: q.topic, partition: q.partition, offset })}\n` : `${q.topic} ${q.partition} ${offset}\n`;
    }
    if (nextToPrint === inputOrder.length) {
      inputOrder.length = 0;
      nextToPrint = 0;
    }
    // Reports of one turn of the event loop go out in one write (and at once, for input typed by hand).
    if (text === '') return;
    if (pending === '') setImmediate(flushPending);
    pending += text;
  };
  const onDelivery = o.verbose
    ? (r: DeliveryReport): void => {
        if (r.error !== undefined) return;
        const key = `${r.topic}\u0000${r.partition}`;
        let q = acked.get(key);
        if (q === undefined) acked.set(key, (q = { topic: r.topic, partition: r.partition, ranges: [] }));
        q.ranges.push({ base: r.baseOffset, count: r.count });
        printAcknowledged();
      }
    : undefined;

  const producer = new Producer(
    cluster,
    {
      acks: o.acks,
      idempotent: o.idempotent,
      compression: o.compression,
      lingerMs: o.lingerMs,
      batchSize: o.batchSize,
      allowAutoCreate: o.allowAutoCreate,
      requestTimeoutMs: o.requestTimeoutMs,
      deliveryTimeoutMs: o.requestTimeoutMs + cluster.options.retryDeadlineMs,
    },
    onDelivery,
  );
  producer.explicitIdempotence = o.idempotent === true;

  if (o.topic !== undefined) {
    await producer.prepare(o.topic);
    const n = producer.partitionCount(o.topic)!;
    if (o.partition !== undefined && o.partition >= n) {
      throw new UsageError(`partition ${o.partition} is out of range: topic "${o.topic}" has ${n} partition${n === 1 ? '' : 's'}`);
    }
  }

  const source: Readable = o.file !== undefined ? createReadStream(o.file, { highWaterMark: 1 << 20 }) : process.stdin;
  const total = o.file !== undefined ? statSync(o.file).size : undefined;
  const progress: Progress | undefined = process.stderr.isTTY ? startProgress(total) : undefined;
  const records: ParsedRecord[] = [];
  let tail: Buffer = Buffer.alloc(0);
  let count = 0;
  let bytes = 0;

  const sendAll = async (): Promise<void> => {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]! as ParsedRecord & { topic: string };
      r.topic ??= o.topic!;
      if (r.partition === undefined && o.partition !== undefined) r.partition = o.partition;
      if (r.key === null && fixedKey !== undefined) r.key = fixedKey;
      if (fixedHeaders.length > 0) r.headers = r.headers === undefined ? fixedHeaders : [...fixedHeaders, ...r.headers];
      const wait = producer.send(r);
      if (wait !== undefined) await wait;
      if (onDelivery !== undefined) inputOrder.push(`${r.topic}\u0000${r.partition}`);
    }
    count += records.length;
    records.length = 0;
  };

  // Ctrl-C stops reading; what was read is still delivered (as kcat does), then the exit code says 130.
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    source.destroy();
  };
  process.once('SIGINT', onSigint);
  try {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        const buf = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
        const used = parser.parse(buf, false, records);
        tail = buf.subarray(used);
        await sendAll();
        progress?.update(count, bytes);
      }
    } catch (err) {
      if (!interrupted) throw err;
    }
    if (tail.length > 0 && !interrupted) parser.parse(tail, true, records);
    await sendAll();
    await producer.flush();
    if (interrupted) process.exitCode = 130;
  } catch (err) {
    producer.abort(err as Error);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    progress?.stop(count, bytes);
    flushPending();
  }
}

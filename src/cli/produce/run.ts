/**
 * `gregor produce`: input (stdin or --file) → parser → producer, printing delivery reports with -v and a
 * progress line on a terminal. Everything after parsing is the producer's: this file only wires them.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Cluster } from '../../client/cluster.js';
import { UsageError } from '../../client/errors.js';
import { Producer, checkPartition, type Acks, type DeliveryReport } from '../../client/producer.js';
import type { CompressionType } from '../../protocol/records/constants.js';
import { toJson } from '../output.js';
import { FormatParser } from './format-parser.js';
import { startProgress, type Progress } from './progress.js';
import { JsonLineParser, LineParser, parseAcross, type ParsedRecord, type RecordParser } from './record-parsers.js';

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
  // The reader of stdout went away (`-v | head`): nothing more is printed, reading stops, and what was read is
  // still delivered, as on Ctrl-C; a reader that saw what it wanted is no failure, so the exit code stays 0.
  let outBroken = false;
  let outError: Error | undefined;
  let pending = '';
  const flushPending = (): void => {
    if (pending === '') return;
    if (!outBroken) out.write(pending);
    pending = '';
  };
  // -v prints one line per record in input order: acknowledgements arrive per batch and partition, so each
  // partition's acknowledged offsets wait in `acked` until every record read before them is acknowledged too.
  // The input order keeps partition numbers, and topics only when they vary per record (--format '%t').
  const inputOrder: number[] = [];
  const inputTopics: string[] | undefined = o.topic === undefined ? [] : undefined;
  let nextToPrint = 0;
  const acked = new Map<string, Acked[]>();
  const fixedAcked: Acked[] = [];
  if (o.topic !== undefined) acked.set(o.topic, fixedAcked);
  let duplicatesWithoutOffset = 0;
  const printAcknowledged = (): void => {
    let text = '';
    for (; nextToPrint < inputOrder.length; nextToPrint++) {
      const partition = inputOrder[nextToPrint]!;
      const topic = inputTopics === undefined ? o.topic! : inputTopics[nextToPrint]!;
      const q = (inputTopics === undefined ? fixedAcked : acked.get(topic))?.[partition];
      const range = q?.[0];
      if (range === undefined) break;
      const offset = range.base;
      if (range.base >= 0n) range.base++;
      if (--range.count === 0) q!.shift();
      text += o.json ? `${toJson({ topic, partition, offset })}\n` : `${topic} ${partition} ${offset}\n`;
    }
    if (nextToPrint === inputOrder.length) {
      inputOrder.length = 0;
      if (inputTopics !== undefined) inputTopics.length = 0;
      nextToPrint = 0;
    }
    // Reports of one turn of the event loop go out in one write (and at once, for input typed by hand).
    if (text === '' || outBroken) return;
    if (pending === '') setImmediate(flushPending);
    pending += text;
  };
  const onDelivery = o.verbose
    ? (r: DeliveryReport): void => {
        if (r.error !== undefined) return;
        if (r.duplicate === true && r.baseOffset < 0n) duplicatesWithoutOffset += r.count;
        let byPartition = acked.get(r.topic);
        if (byPartition === undefined) acked.set(r.topic, (byPartition = []));
        (byPartition[r.partition] ??= []).push({ base: r.baseOffset, count: r.count });
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

  if (o.topic !== undefined) {
    await producer.prepare(o.topic);
    // Before any input is read: typed input should not be lost to a flag that was wrong from the start.
    if (o.partition !== undefined) checkPartition(o.topic, o.partition, producer.partitionCount(o.topic)!);
  }

  const source: Readable = o.file !== undefined ? createReadStream(o.file, { highWaterMark: 1 << 20 }) : process.stdin;
  const total = o.file !== undefined ? statSync(o.file).size : undefined;
  const progress: Progress | undefined = process.stderr.isTTY ? startProgress(total) : undefined;
  const records: ParsedRecord[] = [];
  let tail: Buffer = Buffer.alloc(0);
  let count = 0;
  let bytes = 0;

  const sendAll = async (): Promise<void> => {
    let waited = false;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]! as ParsedRecord & { topic: string };
      r.topic ??= o.topic!;
      if (r.partition === undefined && o.partition !== undefined) r.partition = o.partition;
      if (r.key === null && fixedKey !== undefined) r.key = fixedKey;
      if (fixedHeaders.length > 0) r.headers = r.headers === undefined ? fixedHeaders : [...fixedHeaders, ...r.headers];
      const wait = producer.send(r);
      if (wait !== undefined) {
        await wait;
        waited = true;
      }
      // The partition is known once send() queued the record (after the wait, for a topic not prepared yet).
      if (onDelivery !== undefined) {
        inputOrder.push(r.partition!);
        inputTopics?.push(r.topic);
      }
    }
    count += records.length;
    records.length = 0;
    // Acknowledgements that came during a wait found their records not listed yet: print them now.
    if (waited && onDelivery !== undefined) printAcknowledged();
  };

  // Ctrl-C stops reading; what was read is still delivered (as kcat does), then the exit code says 130.
  let interrupted = false;
  let stopped = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    stopped = true;
    source.destroy();
  };
  const onOutError = (err: NodeJS.ErrnoException): void => {
    outBroken = true;
    pending = '';
    if (err.code !== 'EPIPE') outError ??= err;
    stopped = true;
    source.destroy();
  };
  process.once('SIGINT', onSigint);
  out.on('error', onOutError);
  try {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        let rest = chunk;
        if (tail.length > 0) rest = parseAcross(parser, tail, chunk, records);
        tail = rest.subarray(parser.parse(rest, false, records));
        await sendAll();
        progress?.update(count, bytes);
        if (stopped) break;
      }
    } catch (err) {
      if (!stopped) throw err;
    }
    if (tail.length > 0 && !stopped) parser.parse(tail, true, records);
    await sendAll();
    await producer.flush();
    if (outError !== undefined) throw outError;
    if (interrupted) process.exitCode = 130;
  } catch (err) {
    producer.abort(err as Error);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    progress?.stop(count, bytes);
    // The last acknowledgements may have come while their records were not listed yet.
    if (onDelivery !== undefined) printAcknowledged();
    // Written and waited for: a reader gone meanwhile (EPIPE) is then known before oclif's own last flush, which
    // would otherwise wait for a 'drain' that never comes.
    if (pending !== '' && !outBroken) await new Promise<unknown>((resolve) => out.write(pending, resolve));
    pending = '';
    if (duplicatesWithoutOffset > 0) {
      process.stderr.write(`warning: ${duplicatesWithoutOffset} record${duplicatesWithoutOffset === 1 ? ' was' : 's were'} written by an earlier attempt whose offsets the broker no longer knows: shown with offset -1\n`);
    }
    // Kept once the reader is gone: a later write (oclif's last flush) fails the same way and is no error either.
    if (!outBroken) out.off('error', onOutError);
  }
}

/** A partition's acknowledged offset ranges, oldest first, waiting to be printed. */
type Acked = { base: bigint; count: number }[];

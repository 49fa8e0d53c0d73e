/**
 * The client matrix: one driver per client we did not write (kafkajs, @platformatic/kafka, kcat, confluent-kafka,
 * kafka-python), all with the same operations, so that each check is asserted the same way for every client.
 *
 * Python drivers are scripts in py/ run with Debian's /usr/bin/python3; the @platformatic/kafka driver is
 * platformatic.mjs run under Node 22 (runWithNode22); kcat is run as a command; kafkajs runs in this process.
 * A script takes one JSON command on stdin and prints one JSON result.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEBIAN_PYTHON, debianPythonEnv } from '../helpers/debian-clients.js';
import { runWithNode22 } from '../helpers/node22.js';

export const HERE = dirname(fileURLToPath(import.meta.url));

export interface Rec {
  key: string | null;
  value?: string | null;
  /** Instead of `value`: a value of this many bytes of 'x' (large records). */
  valueSize?: number;
  headers: [string, string][];
  timestamp?: number;
  partition?: number;
}

export interface GotRec {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  valueLen?: number | null;
  /** For values over 4 KiB (not returned): whether every byte is 'x'. */
  valueAllX?: boolean;
  headers: [string, string][];
  timestamp: number;
  /** When the client tells: how the broker stamped it. */
  timestampType?: 'create' | 'logappend';
}

export interface ClientError {
  /** Whatever the client calls it: its error class, code name, message. Tests match it as JSON. */
  [k: string]: unknown;
}

export interface ProduceResult {
  /** One per record: where it went, or the error the client delivered for it; null when the client reported nothing. */
  reports: ({ partition: number; offset: number } | { error: ClientError } | null)[];
  /** Records the client refused itself (never sent). */
  local: ClientError[];
  /** Anything else the client printed (kcat's stderr). */
  log?: string;
}

export interface ConsumeResult {
  records: GotRec[];
  errors: ClientError[];
}

export interface MetadataResult {
  brokers: { id: number; host: string; port: number }[];
  topics: { name: string; error?: unknown; partitions: { id: number; leader: number }[] }[];
  clusterId?: string | null;
  controllerId?: number | null;
}

export interface AdminStep {
  step: string;
  ok: boolean;
  value?: unknown;
  error?: ClientError;
}

export interface OffsetsResult {
  earliest: number;
  latest: number;
  byTimestamp: { timestamp: number; offset: number; error?: unknown }[];
}

export interface ProduceOptions {
  acks?: 0 | 1 | 'all';
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
}

export interface ConsumeOptions {
  partition?: number;
  /** Start offset; default: the beginning; -1: the end (latest), resolved the client's own way. */
  offset?: number;
  /** Stop after this many records. */
  count: number;
  timeoutMs?: number;
  /** Raise the client's fetch limits (large records). */
  maxBytes?: number;
  /** Read these partitions together (one fetch for all), from the beginning; instead of `partition`. */
  partitions?: number[];
  /** The client's own policy when the start offset is out of range (clients with one: librdkafka, kafka-python). */
  reset?: 'earliest';
}

export interface Driver {
  name: string;
  metadata(topics?: string[]): Promise<MetadataResult>;
  /** create (2 partitions, retention.ms=3600000) → partitions → describe configs → alter retention.ms=7200000 → … */
  admin?(topic: string): Promise<{ steps: AdminStep[] }>;
  /** Requests Kafka refuses (topic exists with 3 partitions): invalid name, invalid config, shrink, unknown topic… */
  adminErrors?(topic: string): Promise<{ steps: AdminStep[] }>;
  produce(topic: string, records: Rec[], opts?: ProduceOptions): Promise<ProduceResult>;
  consume(topic: string, opts: ConsumeOptions): Promise<ConsumeResult>;
  offsets(topic: string, partition: number, timestamps: number[]): Promise<OffsetsResult>;
}

// ---------------------------------------------------------------------------------------------------------------
// Running things

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function run(cmd: string, args: string[], { input = '', timeoutMs = 60_000, env = process.env } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {});
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input);
  });
}

function parseOne(what: string, res: RunResult): any {
  const line = res.stdout.trim().split('\n').pop() ?? '';
  let parsed: any;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`${what}: no JSON result (exit ${res.code ?? res.signal}${res.timedOut ? ', timed out' : ''}); stderr:\n${res.stderr.slice(-3000)}\nstdout:\n${res.stdout.slice(-2000)}`);
  }
  if (parsed && parsed.error && parsed.error.trace) {
    throw new Error(`${what}: the client raised ${parsed.error.type}: ${parsed.error.message}\n${parsed.error.trace}`);
  }
  if (parsed && parsed.error && parsed.error.stack) {
    throw new Error(`${what}: the client threw ${parsed.error.name}: ${parsed.error.message}\n${JSON.stringify(parsed.error.details ?? {})}\n${parsed.error.stack}`);
  }
  return parsed;
}

export async function runPython(script: string, command: Record<string, unknown>, timeoutMs = 90_000): Promise<any> {
  const res = await run(DEBIAN_PYTHON, [join(HERE, 'py', script)], { input: JSON.stringify(command), timeoutMs, env: debianPythonEnv() });
  return parseOne(`${script} ${String(command.op)}`, res);
}

export async function runPlatformatic(command: Record<string, unknown>, timeoutMs = 90_000): Promise<any> {
  const res = await runWithNode22(join(HERE, 'platformatic.mjs'), [], { input: JSON.stringify(command), timeoutMs });
  return parseOne(`platformatic.mjs ${String(command.op)}`, {
    code: res.code,
    signal: res.signal,
    stdout: res.stdout,
    stderr: res.stderr,
    timedOut: res.timedOut,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Python and platformatic drivers (the scripts take the same commands)

function scriptDriver(name: string, call: (cmd: Record<string, unknown>) => Promise<any>, extra: Record<string, unknown> = {}): Driver {
  return {
    name,
    metadata: (topics) => call({ op: 'metadata', ...extra, ...(topics ? { topics } : {}) }),
    admin: (topic) => call({ op: 'admin', ...extra, topic }),
    adminErrors: (topic) => call({ op: 'admin_errors', ...extra, topic }),
    produce: (topic, records, opts = {}) =>
      call({ op: 'produce', ...extra, topic, records, acks: String(opts.acks ?? 'all'), compression: opts.compression ?? 'none' }),
    consume: async (topic, o) => {
      const res = await call({
        op: 'consume',
        ...extra,
        topic,
        partition: o.partition ?? 0,
        offset: o.offset ?? null,
        count: o.count,
        timeout_ms: o.timeoutMs ?? 20_000,
        max_bytes: o.maxBytes ?? null,
        partitions: o.partitions ?? null,
        ...(o.reset ? { reset: o.reset } : {}),
      });
      return res;
    },
    offsets: (topic, partition, timestamps) => call({ op: 'offsets', ...extra, topic, partition, timestamps }),
  };
}

export function confluentDriver(bootstrap: string): Driver {
  return scriptDriver('confluent-kafka', (cmd) => runPython('confluent.py', cmd), { bootstrap });
}

export function kafkaPythonDriver(bootstrap: string, apiVersion?: number[]): Driver {
  return scriptDriver(
    apiVersion ? `kafka-python api_version=${apiVersion.join('.')}` : 'kafka-python',
    (cmd) => runPython('kafkapython.py', cmd),
    { bootstrap, ...(apiVersion ? { api_version: apiVersion } : {}) },
  );
}

export function platformaticDriver(bootstrap: string): Driver {
  return scriptDriver('@platformatic/kafka', (cmd) => runPlatformatic(cmd), { bootstrap });
}

// ---------------------------------------------------------------------------------------------------------------
// Records

/**
 * n records with distinct keys, values, two headers each and increasing timestamps (base + 10·i). With `edges`,
 * the first four are the awkward ones: a null key, an empty value, a null value (tombstone), an empty header value.
 */
export function makeRecords(n: number, tag: string, baseTs = Date.now() - 3_600_000, edges = false): Rec[] {
  const recs = Array.from({ length: n }, (_, i): Rec => ({
    key: `key-${tag}-${i}`,
    value: `value-${tag}-${i}-${'v'.repeat(i % 37)}`,
    headers: [
      ['h-index', String(i)],
      ['h-tag', `${tag}-${i % 7}`],
    ] as [string, string][],
    timestamp: baseTs + 10 * i,
  }));
  if (edges && n >= 4) {
    recs[0]!.key = null;
    recs[1]!.value = '';
    recs[2]!.value = null;
    recs[3]!.headers = [['h-empty', ''], ...recs[3]!.headers];
  }
  return recs;
}

/** The first mismatch between what was produced (from `firstOffset`, contiguous) and what was read, or null. */
export function firstMismatch(
  want: Rec[],
  got: GotRec[],
  firstOffset: number,
  { timestamps = true, headers = true }: { timestamps?: boolean; headers?: boolean } = {},
): string | null {
  if (got.length !== want.length) return `read ${got.length} records, produced ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    const where = `record ${i} (offset ${g.offset})`;
    if (g.offset !== firstOffset + i) return `${where}: offset ${g.offset}, expected ${firstOffset + i} (offsets must be contiguous)`;
    if (g.key !== w.key) return `${where}: key ${JSON.stringify(g.key)}, expected ${JSON.stringify(w.key)}`;
    if (w.valueSize !== undefined) {
      if (g.valueLen !== w.valueSize || g.valueAllX !== true) return `${where}: value of ${g.valueLen} bytes (all x: ${g.valueAllX}), expected ${w.valueSize} bytes of x`;
    } else if (g.value !== w.value) return `${where}: value ${JSON.stringify(g.value)}, expected ${JSON.stringify(w.value)}`;
    if (headers && JSON.stringify(g.headers) !== JSON.stringify(w.headers)) {
      return `${where}: headers ${JSON.stringify(g.headers)}, expected ${JSON.stringify(w.headers)}`;
    }
    if (timestamps && w.timestamp !== undefined && g.timestamp !== w.timestamp) {
      return `${where}: timestamp ${g.timestamp}, expected ${w.timestamp}`;
    }
  }
  return null;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Offsets of the produce reports, or a message naming the first failed report. */
export function reportOffsets(res: ProduceResult): number[] {
  if (res.local.length > 0) throw new Error(`the client refused ${res.local.length} records itself: ${JSON.stringify(res.local[0])}`);
  return res.reports.map((r, i) => {
    if (r === null) throw new Error(`record ${i}: no delivery report${res.log ? `; log: ${res.log.slice(-1500)}` : ''}`);
    if ('error' in r) throw new Error(`record ${i}: delivery failed: ${JSON.stringify(r.error)}`);
    return r.offset;
  });
}

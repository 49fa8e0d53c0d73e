/**
 * Turning `gregor produce` input into records. Every parser works on Buffers: it is handed the bytes read so far
 * and returns how many it used; keys and values are slices of the input (no per-line strings, except for --json,
 * which needs JSON.parse). A record split across two reads is parsed again once more bytes came in.
 */
import { UsageError } from '../../client/errors.js';

export interface ParsedRecord {
  topic?: string;
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  timestamp?: number;
}

export interface RecordParser {
  /**
   * Parses whole records from `buf`, pushing them to `out`; returns the bytes used. With `final`, `buf` is the
   * end of the input and a last record without its terminator is taken as it is.
   */
  parse(buf: Buffer, final: boolean, out: ParsedRecord[]): number;
}

/** Bad input: names the record (1-based) where parsing stopped. */
export class InputError extends UsageError {}

const NL = 0x0a;

/** One record per line; with a key delimiter, the key is what comes before its first occurrence (kcat's -K). */
export class LineParser implements RecordParser {
  private readonly delimiter: Buffer | undefined;
  /** Where the delimiter was last found, so lines without one do not rescan the rest of the buffer. */
  private nextDelimiter = -1;

  constructor(keyDelimiter?: string) {
    this.delimiter = keyDelimiter === undefined || keyDelimiter === '' ? undefined : Buffer.from(keyDelimiter, 'utf8');
  }

  parse(buf: Buffer, final: boolean, out: ParsedRecord[]): number {
    let pos = 0;
    const n = buf.length;
    this.nextDelimiter = -1;
    while (pos < n) {
      let end = buf.indexOf(NL, pos);
      if (end < 0) {
        if (!final) break;
        end = n;
      }
      out.push(this.record(buf, pos, end));
      pos = end + 1;
    }
    return Math.min(pos, n);
  }

  private record(buf: Buffer, start: number, end: number): ParsedRecord {
    const d = this.delimiter;
    if (d === undefined) return { key: null, value: buf.subarray(start, end) };
    // -1: not looked for yet; -2: none in the rest of this buffer.
    if (this.nextDelimiter === -1 || (this.nextDelimiter >= 0 && this.nextDelimiter < start)) {
      const found = buf.indexOf(d, start);
      this.nextDelimiter = found < 0 ? -2 : found;
    }
    const at = this.nextDelimiter;
    if (at < 0 || at + d.length > end) return { key: null, value: buf.subarray(start, end) };
    return { key: buf.subarray(start, at), value: buf.subarray(at + d.length, end) };
  }
}

/** One JSON object per line: {"key","value","headers","partition","timestamp"}; blank lines are skipped. */
export class JsonLineParser implements RecordParser {
  private line = 0;

  parse(buf: Buffer, final: boolean, out: ParsedRecord[]): number {
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      let end = buf.indexOf(NL, pos);
      if (end < 0) {
        if (!final) break;
        end = n;
      }
      this.line++;
      const text = buf.toString('utf8', pos, end).trim();
      if (text !== '') out.push(jsonRecord(text, this.line));
      pos = end + 1;
    }
    return Math.min(pos, n);
  }
}

function jsonBytes(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
}

function jsonRecord(text: string, line: number): ParsedRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`line ${line} is not JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InputError(`line ${line}: expected a JSON object like {"key":"k","value":"v"}`);
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['key', 'value', 'headers', 'partition', 'timestamp', 'topic'].includes(k)) {
      throw new InputError(`line ${line}: unknown field "${k}" (use key, value, headers, partition, timestamp)`);
    }
  }
  const r: ParsedRecord = { key: jsonBytes(o.key), value: jsonBytes(o.value) };
  if (o.partition !== undefined && o.partition !== null) {
    if (!Number.isInteger(o.partition) || (o.partition as number) < 0) throw new InputError(`line ${line}: "partition" must be a non-negative integer`);
    r.partition = o.partition as number;
  }
  if (o.timestamp !== undefined && o.timestamp !== null) {
    const ts = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : o.timestamp;
    if (typeof ts !== 'number' || !Number.isFinite(ts)) throw new InputError(`line ${line}: "timestamp" must be ms since the epoch or an ISO date`);
    r.timestamp = Math.trunc(ts);
  }
  if (o.headers !== undefined && o.headers !== null) {
    const entries = Array.isArray(o.headers) ? o.headers : typeof o.headers === 'object' ? Object.entries(o.headers) : undefined;
    if (entries === undefined) throw new InputError(`line ${line}: "headers" must be an object or a list of [key, value] pairs`);
    r.headers = entries.map((e) => {
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string') throw new InputError(`line ${line}: each header must be a [key, value] pair`);
      return { key: e[0], value: jsonBytes(e[1]) };
    });
  }
  return r;
}

/**
 * Parses the record that `tail` (the unparsed end of the last read) starts, without copying all of `chunk`
 * behind it: the tail is joined with the chunk's first line only, which completes it for every line-based
 * input. Returns the part of `chunk` still to parse; a record longer than that line costs one whole copy.
 */
export function parseAcross(parser: RecordParser, tail: Buffer, chunk: Buffer, records: ParsedRecord[]): Buffer {
  const nl = chunk.indexOf(NL);
  if (nl >= 0) {
    const before = records.length;
    const joined = Buffer.concat([tail, chunk.subarray(0, nl + 1)]);
    const used = parser.parse(joined, false, records);
    if (used >= tail.length) return chunk.subarray(used - tail.length);
    records.length = before;
  }
  return Buffer.concat([tail, chunk]);
}

/**
 * How `gregor consume` prints records: kcat's `-f` format strings compiled once into a list of small writers,
 * `--json` lines, and the default (the value and a newline, as kcat). Output goes into large Buffers handed to
 * stdout whole: no string is built per record for the value, key or fixed text.
 *
 * kcat's tokens (kcat -h, fmt_parse): %s value, %S value size (-1 for null), %R value size as a big-endian
 * int32, %k key, %K key size, %T timestamp (ms), %h headers as `k=v,k2=v2`, %t topic, %p partition, %o offset;
 * escapes \n \r \t \\ \xXX. `%%` prints a percent sign. A null key or value prints as nothing (kcat without -Z).
 *
 * --json: one object per line, {"topic","partition","offset","timestamp","key","value","headers"}; key, value
 * and header values are read as UTF-8 text (bytes that are not valid UTF-8 become U+FFFD, so binary payloads
 * are not preserved: use -f '%s' for those), null stays null; headers are [{"key","value"}] in record order
 * (keys may repeat).
 */
import { UsageError } from '../client/errors.js';
import { decodeHeaders, type RecordView } from '../client/fetched-records.js';

const CHUNK = 1 << 20;

/** Collects output in big Buffers; `flush()` hands the filled part to the stream. */
export class OutputSink {
  buf: Buffer = Buffer.allocUnsafe(CHUNK);
  pos = 0;
  /** Set when the stream failed (EPIPE: the reader went away): writes are dropped from then on. */
  broken = false;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.push();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(n, CHUNK));
  }

  bytes(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.pos + n > this.buf.length) this.ensure(n);
    src.copy(this.buf, this.pos, start, end);
    this.pos += n;
  }

  /** Latin-1/ASCII text (numbers, fixed text already encoded is better passed to `bytes`). */
  ascii(text: string): void {
    if (this.pos + text.length > this.buf.length) this.ensure(text.length);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  utf8(text: string): void {
    const n = Buffer.byteLength(text);
    if (this.pos + n > this.buf.length) this.ensure(n);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Writes what is buffered; resolves when the stream can take more. */
  flush(): Promise<void> | undefined {
    if (this.push()) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('error', done);
    });
  }

  /** Returns false when the stream asked to wait. */
  private push(): boolean {
    if (this.pos === 0) return true;
    const chunk = this.buf.subarray(0, this.pos);
    // The stream keeps the chunk until written: continue in a fresh buffer (the rest of this one, when large).
    if (this.buf.length - this.pos >= 64 * 1024) {
      this.buf = this.buf.subarray(this.pos);
    } else {
      this.buf = Buffer.allocUnsafe(CHUNK);
    }
    this.pos = 0;
    if (this.broken) return true;
    return this.stream.write(chunk);
  }
}

export type RecordPrinter = (view: RecordView, out: OutputSink) => void;

type Op = RecordPrinter;

const literalOp = (bytes: Buffer): Op => (_v, out) => out.bytes(bytes, 0, bytes.length);

const valueOp: Op = (v, out) => {
  if (v.valueEnd >= 0) out.bytes(v.valueBuf, v.valueStart, v.valueEnd);
};
const keyOp: Op = (v, out) => {
  if (v.keyEnd >= 0) out.bytes(v.keyBuf, v.keyStart, v.keyEnd);
};
const valueSizeOp: Op = (v, out) => out.ascii(String(v.valueEnd < 0 ? -1 : v.valueEnd - v.valueStart));
const keySizeOp: Op = (v, out) => out.ascii(String(v.keyEnd < 0 ? -1 : v.keyEnd - v.keyStart));
const valueSizeBinaryOp: Op = (v, out) => {
  out.ensure(4);
  out.buf.writeInt32BE(v.valueEnd < 0 ? -1 : v.valueEnd - v.valueStart, out.pos);
  out.pos += 4;
};
const timestampOp: Op = (v, out) => out.ascii(String(v.timestamp));
const topicOp: Op = (v, out) => out.utf8(v.topic);
const partitionOp: Op = (v, out) => out.ascii(String(v.partition));
const offsetOp: Op = (v, out) => out.ascii(String(v.offset));
const headersOp: Op = (v, out) => {
  const headers = decodeHeaders(v);
  for (let i = 0; i < headers.length; i++) {
    if (i > 0) out.byte(0x2c);
    out.utf8(headers[i]!.key);
    out.byte(0x3d);
    const value = headers[i]!.value;
    if (value !== null) out.bytes(value, 0, value.length);
  }
};

const TOKENS: Record<string, Op> = {
  s: valueOp,
  S: valueSizeOp,
  R: valueSizeBinaryOp,
  k: keyOp,
  K: keySizeOp,
  T: timestampOp,
  h: headersOp,
  t: topicOp,
  p: partitionOp,
  o: offsetOp,
};

/** Compiles a kcat format string. Throws UsageError naming the first bad token. */
export function compileFormat(format: string): RecordPrinter {
  const ops: Op[] = [];
  let literal: number[] = [];
  const flushLiteral = (): void => {
    if (literal.length > 0) ops.push(literalOp(Buffer.from(literal)));
    literal = [];
  };
  const bad = (what: string): never => {
    throw new UsageError(`bad format string ${JSON.stringify(format)}: ${what} (tokens: %s %S %R %k %K %T %h %t %p %o, escapes: \\n \\r \\t \\\\ \\xXX)`);
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%') {
      const t = format[++i];
      if (t === undefined) bad('it ends with a lone "%"');
      if (t === '%') {
        literal.push(0x25);
        continue;
      }
      const op = TOKENS[t!];
      if (op === undefined) bad(`unknown token "%${t}"`);
      flushLiteral();
      ops.push(op!);
    } else if (c === '\\') {
      const e = format[++i];
      if (e === 'n') literal.push(0x0a);
      else if (e === 'r') literal.push(0x0d);
      else if (e === 't') literal.push(0x09);
      else if (e === '\\') literal.push(0x5c);
      else if (e === 'x') {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(format.slice(i + 1))?.[0];
        if (hex === undefined) bad('"\\x" needs hex digits');
        literal.push(parseInt(hex!, 16));
        i += hex!.length;
      } else if (e === undefined) bad('it ends with a lone "\\"');
      else bad(`unknown escape "\\${e}"`);
    } else {
      literal.push(...Buffer.from(c, 'utf8'));
    }
  }
  flushLiteral();
  if (ops.length === 1) return ops[0]!;
  if (ops.length === 2) {
    const [a, b] = ops as [Op, Op];
    return (v, out) => {
      a(v, out);
      b(v, out);
    };
  }
  return (v, out) => {
    for (let i = 0; i < ops.length; i++) ops[i]!(v, out);
  };
}

/** kcat's default output: the value and a newline. */
export const printValueLine: RecordPrinter = (v, out) => {
  if (v.valueEnd >= 0) {
    const n = v.valueEnd - v.valueStart;
    if (out.pos + n + 1 > out.buf.length) out.ensure(n + 1);
    v.valueBuf.copy(out.buf, out.pos, v.valueStart, v.valueEnd);
    out.pos += n;
  }
  out.byte(0x0a);
};

const text = (buf: Buffer, start: number, end: number): string | null => (end < 0 ? null : buf.toString('utf8', start, end));

/** One JSON object per line. */
export const printJsonLine: RecordPrinter = (v, out) => {
  const headers = decodeHeaders(v).map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') }));
  out.utf8(
    JSON.stringify({
      topic: v.topic,
      partition: v.partition,
      offset: v.offset,
      timestamp: v.timestamp,
      key: text(v.keyBuf, v.keyStart, v.keyEnd),
      value: text(v.valueBuf, v.valueStart, v.valueEnd),
      headers,
    }),
  );
  out.byte(0x0a);
};

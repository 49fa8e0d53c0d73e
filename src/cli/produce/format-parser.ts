/**
 * `--format` input, read as rpk's `topic produce --format` reads it: literal text (with \n \t \r \\ \xNN
 * escapes) and percent fields. A field ends at the literal text that follows it, or is as long as a size read
 * before it (%K before %k, %V before %v, %T before %t), or runs to the end of the input when it is last.
 *
 *   %t topic   %k key   %v value   %p partition   %h{…} headers, %H of them, e.g. %H %h{%k=%v;}
 *   %T %K %V   lengths of topic, key, value: decimal text, or {N} digits wide, or {big8|big16|big32} binary
 *   %%  %{  %}  a literal % { }
 */
import { UsageError } from '../../client/errors.js';
import { InputError, type ParsedRecord, type RecordParser } from './record-parsers.js';

type DataField = 't' | 'k' | 'v';
type NumberField = 'T' | 'K' | 'V' | 'H' | 'p';
type Width = { digits: number } | { binary: 1 | 2 | 4 } | undefined;

type Token =
  | { kind: 'lit'; bytes: Buffer }
  | { kind: 'data'; field: DataField }
  | { kind: 'number'; field: NumberField; width: Width }
  | { kind: 'headers'; tokens: Token[] };

const SIZE_OF: Record<DataField, NumberField> = { t: 'T', k: 'K', v: 'V' };

function bad(format: string, why: string): UsageError {
  return new UsageError(`bad format "${format}": ${why}`);
}

export function compileFormat(format: string): Token[] {
  let i = 0;
  const parseSeq = (inHeaders: boolean): Token[] => {
    const tokens: Token[] = [];
    let lit: number[] = [];
    const flush = (): void => {
      if (lit.length > 0) tokens.push({ kind: 'lit', bytes: Buffer.from(lit) });
      lit = [];
    };
    while (i < format.length) {
      const c = format[i]!;
      if (inHeaders && c === '}') {
        i++;
        flush();
        return tokens;
      }
      if (c === '\\') {
        const e = format[i + 1];
        const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92 };
        if (e !== undefined && simple[e] !== undefined) {
          lit.push(simple[e]!);
          i += 2;
        } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(format.slice(i + 2, i + 4))) {
          lit.push(parseInt(format.slice(i + 2, i + 4), 16));
          i += 4;
        } else throw bad(format, `unknown escape "\\${e ?? ''}" (use \\n \\t \\r \\\\ \\xNN)`);
        continue;
      }
      if (c !== '%') {
        lit.push(...Buffer.from(c, 'utf8'));
        i++;
        continue;
      }
      const f = format[i + 1];
      i += 2;
      if (f === '%' || f === '{' || f === '}') {
        lit.push(f.charCodeAt(0));
        continue;
      }
      flush();
      if (f === 't' || f === 'k' || f === 'v') {
        if (inHeaders && f === 't') throw bad(format, '%t inside %h{…}');
        tokens.push({ kind: 'data', field: f });
      } else if (f === 'T' || f === 'K' || f === 'V' || f === 'H' || f === 'p') {
        tokens.push({ kind: 'number', field: f, width: parseWidth(format, () => readBraces(format, i, (n) => (i = n))) });
      } else if (f === 'h') {
        if (inHeaders) throw bad(format, '%h inside %h{…}');
        if (format[i] !== '{') throw bad(format, '%h needs a header spec in braces, e.g. %H %h{%k=%v;}');
        i++;
        tokens.push({ kind: 'headers', tokens: parseSeq(true) });
      } else {
        throw bad(format, f === undefined ? 'ends with a lone %' : `unknown field %${f} (use %t %k %v %p %h{…} %T %K %V %H %% %{ %})`);
      }
    }
    if (inHeaders) throw bad(format, '%h{ without its closing }');
    flush();
    return tokens;
  };
  const tokens = parseSeq(false);
  check(format, tokens, false);
  if (!tokens.some((t) => t.kind === 'data' && t.field === 'v')) throw bad(format, 'no %v: a record needs a value');
  return tokens;
}

/** Reads `{…}` at `at` if there is one. */
function readBraces(format: string, at: number, moveTo: (n: number) => void): string | undefined {
  if (format[at] !== '{') return undefined;
  const close = format.indexOf('}', at);
  if (close < 0) throw bad(format, 'a { without its closing }');
  moveTo(close + 1);
  return format.slice(at + 1, close);
}

function parseWidth(format: string, braces: () => string | undefined): Width {
  const spec = braces();
  if (spec === undefined) return undefined;
  if (/^[1-9][0-9]*$/.test(spec)) return { digits: Number(spec) };
  const binary: Record<string, 1 | 2 | 4> = { big8: 1, big16: 2, big32: 4 };
  if (binary[spec] !== undefined) return { binary: binary[spec] };
  throw bad(format, `unknown number modifier {${spec}} (use {N}, {big8}, {big16} or {big32})`);
}

/** Every delimited field must be followed by literal text (or be last); headers need %H before them. */
function check(format: string, tokens: Token[], inHeaders: boolean): void {
  const sized = new Set<string>();
  let count = false;
  tokens.forEach((t, idx) => {
    const next = tokens[idx + 1];
    if (t.kind === 'number') {
      if (t.field === 'H') count = true;
      else if (t.field !== 'p') sized.add(t.field);
      if (t.width === undefined && next !== undefined && next.kind !== 'lit') throw bad(format, `%${t.field} must be followed by literal text or have a width like %${t.field}{4}`);
      if (inHeaders && (t.field === 'H' || t.field === 'T' || t.field === 'p')) throw bad(format, `%${t.field} inside %h{…}`);
    } else if (t.kind === 'data') {
      const hasSize = sized.has(SIZE_OF[t.field]);
      if (!hasSize && next !== undefined && next.kind !== 'lit') throw bad(format, `%${t.field} must be followed by literal text or have its size (%${SIZE_OF[t.field]}) before it`);
      if (!hasSize && next === undefined && inHeaders) throw bad(format, `%${t.field} at the end of %h{…} must have its size before it`);
    } else if (t.kind === 'headers') {
      if (!count) throw bad(format, '%h{…} needs the number of headers (%H) before it');
      check(format, t.tokens, true);
    }
  });
}

const NEED_MORE = -1;

interface State {
  rec: ParsedRecord;
  sizes: Partial<Record<NumberField, number>>;
  headerKey: Buffer | null;
  headerValue: Buffer | null;
}

export class FormatParser implements RecordParser {
  private readonly tokens: Token[];
  private records = 0;

  constructor(readonly format: string) {
    this.tokens = compileFormat(format);
  }

  parse(buf: Buffer, final: boolean, out: ParsedRecord[]): number {
    let pos = 0;
    while (pos < buf.length) {
      const state: State = { rec: { key: null, value: null }, sizes: {}, headerKey: null, headerValue: null };
      const next = this.run(this.tokens, buf, pos, final, state, false);
      if (next === NEED_MORE) {
        if (final) throw new InputError(`record ${this.records + 1}: the input ended inside it (format "${this.format}")`);
        break;
      }
      if (next === pos) throw new InputError(`format "${this.format}" reads no input`);
      this.records++;
      out.push(state.rec);
      pos = next;
    }
    return pos;
  }

  private run(tokens: Token[], buf: Buffer, pos: number, final: boolean, s: State, inHeaders: boolean): number {
    for (let idx = 0; idx < tokens.length; idx++) {
      const t = tokens[idx]!;
      if (t.kind === 'lit') {
        if (pos + t.bytes.length > buf.length) {
          // A record whose final terminator is missing at the very end of the input is taken as it is.
          if (final && pos === buf.length && idx === tokens.length - 1 && !inHeaders) return pos;
          if (!final) return NEED_MORE;
        }
        if (pos + t.bytes.length > buf.length || buf.compare(t.bytes, 0, t.bytes.length, pos, pos + t.bytes.length) !== 0) {
          throw new InputError(`record ${this.records + 1} does not match the format: expected ${JSON.stringify(t.bytes.toString())} at byte ${pos}`);
        }
        pos += t.bytes.length;
        continue;
      }
      if (t.kind === 'headers') {
        const n = s.sizes.H ?? 0;
        const headers: { key: string; value: Buffer | null }[] = [];
        for (let h = 0; h < n; h++) {
          s.sizes.K = undefined;
          s.sizes.V = undefined;
          pos = this.run(t.tokens, buf, pos, final, s, true);
          if (pos === NEED_MORE) return NEED_MORE;
          headers.push({ key: (s.headerKey ?? Buffer.alloc(0)).toString('utf8'), value: s.headerValue });
        }
        s.rec.headers = headers;
        s.sizes.K = undefined;
        s.sizes.V = undefined;
        continue;
      }
      // The field's extent: a fixed width, a size read before, or up to the next literal.
      let end: number;
      const known = t.kind === 'data' ? s.sizes[SIZE_OF[t.field]] : undefined;
      if (t.kind === 'number' && t.width !== undefined) {
        end = pos + ('digits' in t.width ? t.width.digits : t.width.binary);
        if (end > buf.length) return NEED_MORE;
      } else if (known !== undefined) {
        end = pos + known;
        if (end > buf.length) return NEED_MORE;
      } else {
        const next = tokens[idx + 1];
        if (next === undefined) {
          if (!final) return NEED_MORE;
          end = buf.length;
        } else {
          const lit = (next as { bytes: Buffer }).bytes;
          end = buf.indexOf(lit, pos);
          if (end < 0) {
            if (!final) return NEED_MORE;
            // At the end of the input, the last record's terminator may be missing.
            if (idx + 1 === tokens.length - 1 && !inHeaders) end = buf.length;
            else return NEED_MORE;
          }
        }
      }
      if (t.kind === 'number') {
        const value = t.width !== undefined && 'binary' in t.width ? buf.readUIntBE(pos, t.width.binary) : this.decimal(buf, pos, end, t.field);
        if (t.field === 'p') s.rec.partition = value;
        else s.sizes[t.field] = value;
      } else {
        const bytes = buf.subarray(pos, end);
        if (inHeaders) {
          if (t.field === 'k') s.headerKey = bytes;
          else s.headerValue = bytes;
        } else if (t.field === 't') s.rec.topic = bytes.toString('utf8');
        else if (t.field === 'k') s.rec.key = bytes;
        else s.rec.value = bytes;
      }
      pos = end;
    }
    return pos;
  }

  private decimal(buf: Buffer, start: number, end: number, field: string): number {
    const text = buf.toString('latin1', start, end);
    if (!/^[0-9]+$/.test(text)) throw new InputError(`record ${this.records + 1}: %${field} must be a number, not ${JSON.stringify(text)}`);
    return Number(text);
  }
}

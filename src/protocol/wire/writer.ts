import type { TaggedField } from './types.js';

/** Byte strings at least this long are referenced, not copied, until the final concatenation (or writev). */
const REFERENCE_AT = 8192;

/**
 * Writes Kafka's primitive types into a list of chunks. It never copies what it has written when it grows (a
 * full buffer becomes a chunk and a new one starts), and large byte strings (record batches) are carried by
 * reference, so a fetch response of many batches can go to a socket as chunks without one copy.
 */
export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private start = 0;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(n, Math.min(this.buf.length * 2, 1 << 20)));
    this.start = this.pos = 0;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }
  int8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
  }
  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }
  uint16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }
  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }
  uint32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }
  int64(v: bigint | number): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(v), this.pos);
  }
  float64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }
  uuid(v: string): void {
    const raw = Buffer.from(v, 'base64url');
    if (raw.length !== 16) throw new TypeError(`not a Kafka uuid (22 base64url characters): ${JSON.stringify(v)}`);
    this.raw(raw);
  }

  uvarint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  private length(flex: boolean, bits: 16 | 32, n: number): void {
    if (flex) this.uvarint(n + 1);
    else if (bits === 16) this.int16(n);
    else this.int32(n);
  }

  string(flex: boolean, v: string): void {
    const n = Buffer.byteLength(v, 'utf8');
    if (n > 0x7fff) throw new RangeError(`string of ${n} bytes is longer than Kafka allows (32767)`);
    this.length(flex, 16, n);
    this.ensure(n);
    this.pos += this.buf.write(v, this.pos, 'utf8');
  }
  nullableString(flex: boolean, v: string | null): void {
    if (v === null) this.length(flex, 16, -1);
    else this.string(flex, v);
  }

  bytes(flex: boolean, v: Buffer): void {
    this.length(flex, 32, v.length);
    this.raw(v);
  }
  nullableBytes(flex: boolean, v: Buffer | null): void {
    if (v === null) this.length(flex, 32, -1);
    else this.bytes(flex, v);
  }
  records(flex: boolean, v: Buffer | null): void {
    this.nullableBytes(flex, v);
  }

  /** Appends bytes as they are: copied when small, referenced when large. */
  raw(v: Buffer): void {
    if (v.length >= REFERENCE_AT) {
      if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.chunks.push(v);
      this.start = this.pos;
      return;
    }
    this.ensure(v.length);
    this.pos += v.copy(this.buf, this.pos);
  }

  array<T>(flex: boolean, items: readonly T[], write: (w: Writer, v: number, item: T) => void, v: number): void {
    this.length(flex, 32, items.length);
    for (let i = 0; i < items.length; i++) write(this, v, items[i]!);
  }
  nullableArray<T>(
    flex: boolean,
    items: readonly T[] | null,
    write: (w: Writer, v: number, item: T) => void,
    v: number,
  ): void {
    if (items === null) this.length(flex, 32, -1);
    else this.array(flex, items, write, v);
  }

  /**
   * Writes a tagged-field section: the known fields the caller collected (already in tag order) merged with the
   * unknown ones a decoder kept, in ascending tag order as Kafka requires.
   */
  taggedFields(known: TaggedWrite[] | undefined, unknown: readonly TaggedField[] | undefined): void {
    if (known === undefined && (unknown === undefined || unknown.length === 0)) {
      this.uvarint(0);
      return;
    }
    const fields: { tag: number; data: Buffer }[] = [];
    for (const k of known ?? []) {
      const sub = new Writer(64);
      k.write(sub);
      fields.push({ tag: k.tag, data: sub.toBuffer() });
    }
    if (unknown !== undefined && unknown.length > 0) {
      fields.push(...unknown);
      fields.sort((a, b) => a.tag - b.tag);
    }
    this.uvarint(fields.length);
    for (const f of fields) {
      this.uvarint(f.tag);
      this.uvarint(f.data.length);
      this.raw(f.data);
    }
  }

  /** The chunks written so far; the writer must not be used afterwards. */
  finish(): Buffer[] {
    if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
    return this.chunks;
  }

  toBuffer(): Buffer {
    const chunks = this.finish();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }
}

export interface TaggedWrite {
  tag: number;
  write: (w: Writer) => void;
}

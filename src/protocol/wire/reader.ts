import { DecodeError } from './errors.js';
import type { TaggedField } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * Reads Kafka's primitive types from one buffer. Every read checks the bytes it needs first, so a truncated or
 * malformed body ends in a DecodeError, never in garbage, a hang, or an allocation sized by a hostile length.
 * Bytes and records are returned as views of the input (zero copy): they live as long as the input buffer.
 */
export class Reader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new DecodeError(`truncated: need ${n} bytes at ${p}, have ${this.end - p}`, 'TRUNCATED');
    this.pos = p + n;
    return p;
  }

  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  uuid(): string {
    const p = this.need(16);
    return this.buf.toString('base64url', p, p + 16);
  }

  uvarint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.buf[this.need(1)]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) break;
        return result;
      }
    }
    throw new DecodeError(`unsigned varint longer than 32 bits at ${this.pos}`, 'INVALID_VALUE');
  }

  /** The length prefix of a string, bytes or array: -1 for null. */
  private length(flex: boolean, bits: 16 | 32): number {
    if (flex) return this.uvarint() - 1;
    return bits === 16 ? this.int16() : this.int32();
  }

  private checkLength(n: number, what: string, nullable: boolean): boolean {
    if (n === -1) {
      if (!nullable) throw new DecodeError(`non-nullable ${what} was null at ${this.pos}`, 'INVALID_VALUE');
      return false;
    }
    if (n < -1) throw new DecodeError(`negative ${what} length ${n} at ${this.pos}`, 'INVALID_LENGTH');
    if (n > this.end - this.pos)
      throw new DecodeError(`${what} length ${n} past the end at ${this.pos}`, 'INVALID_LENGTH');
    return true;
  }

  string(flex: boolean): string {
    return this.nullableString(flex, false)!;
  }
  nullableString(flex: boolean, nullable = true): string | null {
    const n = this.length(flex, 16);
    if (!this.checkLength(n, 'string', nullable)) return null;
    const p = this.need(n);
    return this.buf.toString('utf8', p, p + n);
  }

  bytes(flex: boolean): Buffer {
    return this.nullableBytes(flex, false)!;
  }
  nullableBytes(flex: boolean, nullable = true): Buffer | null {
    const n = this.length(flex, 32);
    if (!this.checkLength(n, 'bytes', nullable)) return null;
    if (n === 0) return EMPTY;
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }

  /** Record data is carried as raw bytes; the records layer parses it when it must. */
  records(flex: boolean, nullable = true): Buffer | null {
    return this.nullableBytes(flex, nullable);
  }

  array<T>(flex: boolean, read: (r: Reader, v: number) => T, v: number): T[] {
    return this.nullableArray(flex, read, v, false)!;
  }
  nullableArray<T>(flex: boolean, read: (r: Reader, v: number) => T, v: number, nullable = true): T[] | null {
    const n = this.length(flex, 32);
    // Every element takes at least one byte, so a count past the remaining bytes is a lie.
    if (!this.checkLength(n, 'array', nullable)) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read(this, v));
    return out;
  }

  /** Nullable structs carry a presence byte: -1 (null) or 1. */
  present(): boolean {
    return this.int8() >= 0;
  }
  /** Inside a tagged field the presence marker is an unsigned varint: 0 (null) or 1. */
  presentTagged(): boolean {
    return this.uvarint() > 0;
  }

  /**
   * Reads a tagged-field section. `known` reads a tag this schema defines and returns true; other tags are kept
   * raw in `_unknownTaggedFields` so that re-encoding preserves them.
   */
  taggedFields(target: { _unknownTaggedFields?: TaggedField[] }, known?: (tag: number) => boolean): void {
    for (let count = this.uvarint(); count > 0; count--) {
      const tag = this.uvarint();
      const size = this.uvarint();
      if (size > this.end - this.pos)
        throw new DecodeError(`tagged field ${tag} size ${size} past the end at ${this.pos}`, 'INVALID_LENGTH');
      const end = this.pos + size;
      if (known !== undefined && known(tag)) {
        if (this.pos > end) throw new DecodeError(`tagged field ${tag} overran its size ${size}`, 'INVALID_LENGTH');
        this.pos = end;
      } else {
        (target._unknownTaggedFields ??= []).push({ tag, data: this.buf.subarray(this.pos, end) });
        this.pos = end;
      }
    }
  }
}

/**
 * Zigzag varints (int32) and varlongs (int64) as used inside magic-2 records.
 *
 * Readers advance a caller-owned cursor instead of returning {value, size} pairs so the per-record loop
 * allocates nothing. Reading past `cursor.end` or an over-long encoding throws InvalidRecordError, the
 * same class Kafka raises for malformed records.
 *
 * `readVarLong`/`writeVarLong` use JS numbers: exact for |value| < 2^53, which covers every timestamp
 * delta a real producer writes. `readVarLongBigInt`/`writeVarLongBigInt` are exact for all int64.
 */
import { InvalidRecordError } from './errors.js';

export interface Cursor {
  pos: number;
  end: number;
}

const TWO_POW_27 = 134217728;

function eof(): InvalidRecordError {
  return new InvalidRecordError('Truncated varint: reached the end of the record data');
}

export function zigzagEncode32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

export function zigzagDecode32(raw: number): number {
  return (raw >>> 1) ^ -(raw & 1);
}

export function readVarInt(buf: Uint8Array, cursor: Cursor): number {
  let pos = cursor.pos;
  const end = cursor.end;
  if (pos >= end) throw eof();
  let b = buf[pos++]!;
  if (b < 0x80) {
    cursor.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  let raw = b & 0x7f;
  for (let shift = 7; shift <= 28; shift += 7) {
    if (pos >= end) throw eof();
    b = buf[pos++]!;
    raw |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.pos = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  throw new InvalidRecordError('Varint is too long, the most significant bit in the 5th byte is set');
}

export function readVarLong(buf: Uint8Array, cursor: Cursor): number {
  let pos = cursor.pos;
  const end = cursor.end;
  if (pos >= end) throw eof();
  let b = buf[pos++]!;
  if (b < 0x80) {
    cursor.pos = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  // Low 28 bits accumulate with integer ops; anything above goes into a float multiplier.
  let lo = b & 0x7f;
  let shift = 7;
  for (; shift < 28; shift += 7) {
    if (pos >= end) throw eof();
    b = buf[pos++]!;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.pos = pos;
      return (lo >>> 1) ^ -(lo & 1);
    }
  }
  let hi = 0;
  let scale = 1;
  for (let i = 0; i < 6; i++) {
    if (pos >= end) throw eof();
    b = buf[pos++]!;
    hi += (b & 0x7f) * scale;
    if (b < 0x80) {
      cursor.pos = pos;
      const half = Math.floor(lo / 2) + hi * TWO_POW_27;
      return lo & 1 ? -half - 1 : half;
    }
    scale *= 128;
  }
  throw new InvalidRecordError('Varlong is too long, the most significant bit in the 10th byte is set');
}

export function readVarLongBigInt(buf: Uint8Array, cursor: Cursor): bigint {
  let pos = cursor.pos;
  const end = cursor.end;
  let raw = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw eof();
    const b = buf[pos++]!;
    raw |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.pos = pos;
      raw = BigInt.asUintN(64, raw);
      return (raw >> 1n) ^ -(raw & 1n);
    }
    shift += 7n;
  }
  throw new InvalidRecordError('Varlong is too long, the most significant bit in the 10th byte is set');
}

export function sizeOfVarInt(value: number): number {
  const raw = zigzagEncode32(value);
  if (raw < 0x80) return 1;
  if (raw < 0x4000) return 2;
  if (raw < 0x200000) return 3;
  if (raw < 0x10000000) return 4;
  return 5;
}

/**
 * Zigzag of a safe integer as two uint32 halves. A double can't hold 2|v|+1 once |v| > 2^52, so the
 * 64-bit zigzag is done on the two's-complement halves instead.
 */
function zigzagHalves(value: number, out: Uint32Array): void {
  const hi = Math.floor(value / 4294967296);
  const lo = value - hi * 4294967296;
  const sign = hi >> 31;
  out[0] = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  out[1] = ((lo << 1) ^ sign) >>> 0;
}

const halves = new Uint32Array(2);

export function sizeOfVarLong(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return sizeOfVarInt(value);
  zigzagHalves(value, halves);
  let hi = halves[0]!;
  let lo = halves[1]!;
  let size = 1;
  while (hi !== 0 || lo >= 0x80) {
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
    size++;
  }
  return size;
}

export function sizeOfVarLongBigInt(value: bigint): number {
  let raw = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  let size = 1;
  while (raw >= 0x80n) {
    raw >>= 7n;
    size++;
  }
  return size;
}

/** Writes `value` at `pos` and returns the position after it. The caller sizes the buffer. */
export function writeVarInt(buf: Uint8Array, pos: number, value: number): number {
  let raw = zigzagEncode32(value);
  while (raw >= 0x80) {
    buf[pos++] = (raw & 0x7f) | 0x80;
    raw >>>= 7;
  }
  buf[pos++] = raw;
  return pos;
}

export function writeVarLong(buf: Uint8Array, pos: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarInt(buf, pos, value);
  zigzagHalves(value, halves);
  let hi = halves[0]!;
  let lo = halves[1]!;
  while (hi !== 0 || lo >= 0x80) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
  return pos;
}

export function writeVarLongBigInt(buf: Uint8Array, pos: number, value: bigint): number {
  let raw = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  while (raw >= 0x80n) {
    buf[pos++] = Number(raw & 0x7fn) | 0x80;
    raw >>= 7n;
  }
  buf[pos++] = Number(raw);
  return pos;
}

/**
 * int64 fields read as JS numbers. Timestamps and offset arithmetic on the hot path would otherwise
 * allocate a bigint per read; every real timestamp (and every offset below 2^53) is exact as a double.
 * Values outside ±2^53 lose precision — callers that must round-trip arbitrary int64 use the bigint readers.
 */

const TWO_POW_32 = 4294967296;

export function readInt64AsNumber(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64FromNumber(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  buf.writeInt32BE(hi | 0, pos);
  buf.writeUInt32BE(value - hi * TWO_POW_32, pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, value: bigint | number): void {
  if (typeof value === 'bigint') buf.writeBigInt64BE(value, pos);
  else writeInt64FromNumber(buf, pos, value);
}

export function toBigInt(value: bigint | number): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

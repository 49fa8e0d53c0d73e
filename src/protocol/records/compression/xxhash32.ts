/**
 * XXH32, needed only for the LZ4 frame header checksum byte: Kafka's magic-0 messages carry a
 * checksum computed over the wrong bytes (KAFKA-3160), which we must write for magic 0 and accept on
 * read. Inputs here are at most 19 bytes, so this favours clarity over throughput.
 */
const PRIME1 = 2654435761;
const PRIME2 = 2246822519;
const PRIME3 = 3266489917;
const PRIME4 = 668265263;
const PRIME5 = 374761393;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function round(acc: number, lane: number): number {
  acc = (acc + Math.imul(lane, PRIME2)) >>> 0;
  acc = rotl(acc, 13);
  return Math.imul(acc, PRIME1) >>> 0;
}

function readU32LE(buf: Uint8Array, pos: number): number {
  return (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
}

export function xxhash32(buf: Uint8Array, start = 0, end: number = buf.length, seed = 0): number {
  const len = end - start;
  let pos = start;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) >>> 0;
    let v2 = (seed + PRIME2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - PRIME1) >>> 0;
    const limit = end - 16;
    while (pos <= limit) {
      v1 = round(v1, readU32LE(buf, pos));
      v2 = round(v2, readU32LE(buf, pos + 4));
      v3 = round(v3, readU32LE(buf, pos + 8));
      v4 = round(v4, readU32LE(buf, pos + 12));
      pos += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = (seed + PRIME5) >>> 0;
  }
  h = (h + len) >>> 0;
  while (pos + 4 <= end) {
    h = (h + Math.imul(readU32LE(buf, pos), PRIME3)) >>> 0;
    h = Math.imul(rotl(h, 17), PRIME4) >>> 0;
    pos += 4;
  }
  while (pos < end) {
    h = (h + Math.imul(buf[pos]!, PRIME5)) >>> 0;
    h = Math.imul(rotl(h, 11), PRIME1) >>> 0;
    pos++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, PRIME2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, PRIME3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

import { createRequire } from 'node:module';
import type { KafkaRecord, RecordInput } from '../../../src/protocol/records/index.js';

export const require = createRequire(import.meta.url);

/** Deterministic PRNG (mulberry32) so fuzz tests are reproducible. */
import { rng as prng } from '../random-message.js';
export { prng };

export function randomBytes(rand: () => number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** Compressible text-ish payload: repeated words with some randomness. */
export function textPayload(rand: () => number, length: number): Buffer {
  const words = ['kafka', 'broker', 'record', 'batch', 'gregor', 'offset', 'topic', 'partition'];
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const w = words[Math.floor(rand() * words.length)]!;
    parts.push(w);
    size += w.length + 1;
  }
  return Buffer.from(parts.join(' ').slice(0, length));
}

export const BASE_TS = 1_700_000_000_000;

/** A varied record list: null keys/values, empty values, headers with null values, unicode header keys. */
export function sampleRecords(count = 25, seed = 1): RecordInput[] {
  const rand = prng(seed);
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 5;
    records.push({
      key: kind === 0 ? null : Buffer.from(`key-${i}`),
      value: kind === 1 ? null : kind === 2 ? Buffer.alloc(0) : textPayload(rand, 20 + Math.floor(rand() * 300)),
      timestamp: BASE_TS + i * 7 - (i % 3 === 0 ? 50 : 0),
      headers:
        kind === 3
          ? [
              { key: 'trace-id', value: Buffer.from(`t${i}`) },
              { key: 'ünï', value: null },
              { key: 'trace-id', value: Buffer.from('dup') },
            ]
          : kind === 4
            ? [{ key: 'h', value: Buffer.alloc(0) }]
            : [],
    });
  }
  return records;
}

/** The fields a round trip must preserve, comparable with toEqual. */
export function comparable(records: readonly KafkaRecord[]) {
  return records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key === null ? null : Buffer.from(r.key).toString('hex'),
    value: r.value === null ? null : Buffer.from(r.value).toString('hex'),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value).toString('hex') })),
  }));
}

export function expectedFromInput(records: readonly RecordInput[], baseOffset = 0n) {
  return records.map((r, i) => ({
    offset: baseOffset + BigInt(r.offsetDelta ?? i),
    timestamp: r.timestamp!,
    key: r.key == null ? null : Buffer.from(r.key as Uint8Array).toString('hex'),
    value: r.value == null ? null : Buffer.from(r.value as Uint8Array).toString('hex'),
    headers: (r.headers ?? []).map((h) => ({
      key: h.key,
      value: h.value == null ? null : Buffer.from(h.value as Uint8Array).toString('hex'),
    })),
  }));
}

/**
 * Interop with @platformatic/kafka's record-batch functions (createRecordsBatch / readRecordsBatch) and
 * its codecs: gzip via node:zlib, snappy and lz4 via @platformatic/wasm-utils, zstd via node:zlib.
 *
 * node:zlib has zstd only from Node 22.15 (and @platformatic/kafka declares Node ≥ 22.22). On an older
 * Node the zstd cases run platformatic in a Node 22 child process (test/helpers/node22.ts fetches that
 * binary from npm on first use); the same functions, from fixtures/platformatic-records.mjs, run
 * in-process for the other codecs, and for zstd too when this Node has it.
 */
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  buildRecordBatch,
  CompressionType,
  readBatchHeader,
  readRecords,
  verifyBatch,
  type RecordInput,
} from '../../../src/protocol/records/index.js';
import { runWithNode22 } from '../../helpers/node22.js';
import { decode, encode, type BatchSpec, type DecodedBatch } from './fixtures/platformatic-records.mjs';
import { BASE_TS, comparable } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/platformatic-records.mjs', import.meta.url));
const zstdInThisNode = typeof (zlib as unknown as Record<string, unknown>).zstdCompressSync === 'function';

/** @platformatic/kafka's encoder and decoder, in this process or in a Node 22 child. */
interface Platformatic {
  where: string;
  encode(spec: BatchSpec): Promise<Buffer>;
  decode(buf: Buffer): Promise<DecodedBatch>;
}

const inProcess: Platformatic = {
  where: `in-process (${process.version})`,
  encode: async (spec) => encode(spec),
  decode: async (buf) => decode(buf),
};

async function runScript(mode: 'encode' | 'decode', input: string): Promise<unknown> {
  const res = await runWithNode22(SCRIPT, [mode], { input, timeoutMs: 30_000 });
  if (res.code !== 0 || res.timedOut) {
    throw new Error(`node22 ${SCRIPT} ${mode} exited ${res.code ?? res.signal}${res.timedOut ? ' (timed out)' : ''}: ${res.stderr}`);
  }
  const out = JSON.parse(res.stdout) as { node: string };
  expect(out.node).toMatch(/^v22\./);
  return out;
}

const inNode22: Platformatic = {
  where: 'in a Node 22 child process',
  encode: async (spec) => Buffer.from(((await runScript('encode', JSON.stringify(spec))) as { batch: string }).batch, 'base64'),
  decode: async (buf) => (await runScript('decode', buf.toString('base64'))) as DecodedBatch,
};

const CODECS = [
  ['none', CompressionType.NONE, inProcess],
  ['gzip', CompressionType.GZIP, inProcess],
  ['snappy', CompressionType.SNAPPY, inProcess],
  ['lz4', CompressionType.LZ4, inProcess],
  ['zstd', CompressionType.ZSTD, zstdInThisNode ? inProcess : inNode22],
] as const;

const hex = (b: Uint8Array | null | undefined): string | null => (b == null ? null : Buffer.from(b).toString('hex'));

function platformaticSpec(count: number, compression: string): BatchSpec {
  return {
    messages: Array.from({ length: count }, (_, i) => ({
      key: i % 4 === 0 ? null : hex(Buffer.from(`key-${i}`)),
      value: i % 5 === 2 ? '' : hex(Buffer.from(`v${i} `.repeat(1 + (i % 13)))),
      headers:
        i % 3 === 0
          ? [
              [hex(Buffer.from('trace'))!, hex(Buffer.from(`t${i}`))],
              [hex(Buffer.from('trace'))!, hex(Buffer.from(`u${i}`))],
            ]
          : [],
      topic: 'interop',
      timestamp: String(BASE_TS + i * 3 - (i % 7 === 0 ? 30 : 0)),
    })),
    options: { compression, producerId: '12', producerEpoch: 4, partitionLeaderEpoch: 6 },
  };
}

describe('@platformatic/kafka → gregor', () => {
  for (const [name, codec, platformatic] of CODECS) {
    it(`${name}: a batch encoded by @platformatic/kafka (${platformatic.where}) decodes to the same records`, async () => {
      const spec = platformaticSpec(33, name);
      const buf = await platformatic.encode(spec);
      expect(verifyBatch(buf)).toBeNull();
      expect(readBatchHeader(buf)).toMatchObject({ compression: codec, recordCount: 33, producerId: 12n, producerEpoch: 4, partitionLeaderEpoch: 6 });
      expect(comparable(readRecords(buf))).toEqual(
        spec.messages.map((m, i) => ({
          offset: BigInt(i),
          timestamp: Number(m.timestamp),
          key: m.key,
          value: m.value,
          headers: m.headers.map(([k, v]) => ({ key: Buffer.from(k, 'hex').toString(), value: v })),
        })),
      );
    });
  }
});

describe('gregor → @platformatic/kafka', () => {
  const input: RecordInput[] = Array.from({ length: 50 }, (_, i) => ({
    key: i % 6 === 0 ? null : Buffer.from(`k${i}`),
    value: i % 9 === 4 ? null : Buffer.from(`body-${i}-`.repeat(1 + (i % 10))),
    timestamp: BASE_TS + i * 11 - (i % 4 === 3 ? 500 : 0),
    headers: i % 4 === 0 ? [{ key: 'h', value: Buffer.from(`${i}`) }, { key: 'g', value: null }] : [],
  }));

  for (const [name, codec, platformatic] of CODECS) {
    it(`${name}: readRecordsBatch (${platformatic.where}) reads our batch with identical records`, async () => {
      const buf = buildRecordBatch(input, { baseOffset: 70n, compression: codec, producerId: 3n, producerEpoch: 0, baseSequence: 9 });
      const batch = await platformatic.decode(buf);
      const { records, node: _node, ...header } = batch;
      expect(header).toEqual({
        firstOffset: '70',
        length: buf.length - 12,
        partitionLeaderEpoch: -1,
        magic: 2,
        attributes: codec,
        lastOffsetDelta: 49,
        firstTimestamp: String(input[0]!.timestamp!),
        maxTimestamp: String(Math.max(...input.map((r) => r.timestamp!))),
        producerId: '3',
        producerEpoch: 0,
        firstSequence: 9,
      });
      expect(records).toEqual(
        input.map((r, i) => ({
          offset: String(70 + i),
          timestamp: String(r.timestamp!),
          key: hex(r.key as Uint8Array | null),
          value: hex(r.value as Uint8Array | null),
          headers: (r.headers ?? []).map((h) => [h.key, hex(h.value as Uint8Array | null)]),
        })),
      );
    });
  }
});

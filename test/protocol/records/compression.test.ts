import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as wasmUtils from '@platformatic/wasm-utils';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compress,
  CompressionType,
  CorruptRecordError,
  decompress,
  isCompressionAvailable,
  RecordsError,
  zstdImplementation,
} from '../../../src/protocol/records/index.js';
import {
  lz4Compress,
  lz4Decompress,
  snappyCompress,
  snappyDecompress,
  xxhash32,
} from '../../../src/protocol/records/compression/index.js';
import { prng, randomBytes, require, textPayload } from './helpers.js';

const lz4js = require('lz4'); // the library kafkajs-lz4 wraps
const lz4Xxhash = require('lz4/build/Release/xxhash');
const snappyjs = require('snappyjs'); // the library kafkajs-snappy wraps
const KafkajsSnappy = require('kafkajs-snappy');
const kafkajsGzip = require('kafkajs/src/protocol/message/compression/gzip');

const CODECS = [
  ['gzip', CompressionType.GZIP],
  ['snappy', CompressionType.SNAPPY],
  ['lz4', CompressionType.LZ4],
  ['zstd', CompressionType.ZSTD],
] as const;

const rand = prng(42);
const PAYLOADS: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from([7])],
  ['text 1 KiB', textPayload(rand, 1024)],
  ['random 100 KiB', randomBytes(rand, 100 * 1024)],
  ['text 1 MiB', textPayload(rand, 1024 * 1024)],
];

const tmp = mkdtempSync(join(tmpdir(), 'gregor-codec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function hasCli(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('codec round trips', () => {
  for (const [name, codec] of CODECS) {
    it(`${name} is available`, () => {
      expect(isCompressionAvailable(codec)).toBe(true);
    });
    for (const [label, data] of PAYLOADS) {
      it(`${name}: ${label}`, () => {
        const packed = compress(codec, data);
        expect(decompress(codec, packed).equals(data)).toBe(true);
      });
    }
  }

  it('reports which zstd implementation is in use', () => {
    const expected = typeof (require('node:zlib') as Record<string, unknown>).zstdCompressSync === 'function' ? 'node:zlib' : 'zstd-napi';
    expect(zstdImplementation()).toBe(expected);
  });
});

describe('gzip interop', () => {
  it('kafkajs gzip codec reads ours and we read its output', async () => {
    const data = textPayload(prng(1), 50_000);
    expect((await kafkajsGzip.decompress(compress(CompressionType.GZIP, data))).equals(data)).toBe(true);
    const theirs = await kafkajsGzip.compress({ buffer: data });
    expect(decompress(CompressionType.GZIP, theirs).equals(data)).toBe(true);
  });

  it('reads concatenated gzip members', () => {
    const a = Buffer.from('first member;');
    const b = Buffer.from('second member');
    expect(decompress(CompressionType.GZIP, Buffer.concat([gzipSync(a), gzipSync(b)])).toString()).toBe('first member;second member');
  });
});

describe('snappy framing', () => {
  const data = textPayload(prng(3), 100_000);

  it('writes the xerial header and 32 KiB blocks', () => {
    const packed = snappyCompress(data);
    expect(packed.subarray(0, 8).toString('hex')).toBe('82534e4150505900');
    expect(packed.readInt32BE(8)).toBe(1);
    expect(packed.readInt32BE(12)).toBe(1);
    let pos = 16;
    let blocks = 0;
    let total = 0;
    while (pos < packed.length) {
      const len = packed.readInt32BE(pos);
      const block = snappyjs.uncompress(packed.subarray(pos + 4, pos + 4 + len));
      expect(block.length).toBeLessThanOrEqual(32 * 1024);
      total += block.length;
      pos += 4 + len;
      blocks++;
    }
    expect(pos).toBe(packed.length);
    expect(total).toBe(data.length);
    expect(blocks).toBe(Math.ceil(data.length / 32768));
  });

  it('kafkajs-snappy reads our xerial output', async () => {
    const codec = KafkajsSnappy();
    expect((await codec.decompress(snappyCompress(data))).equals(data)).toBe(true);
  });

  it('reads raw (unframed) snappy as kafkajs-snappy and @platformatic/kafka write it', async () => {
    const raw = await KafkajsSnappy().compress({ buffer: data });
    expect(raw.subarray(0, 8).equals(Buffer.from('82534e4150505900', 'hex'))).toBe(false);
    expect(snappyDecompress(raw, 1 << 30).equals(data)).toBe(true);
    const platformatic = Buffer.from(wasmUtils.snappyCompress(data));
    expect(snappyDecompress(platformatic, 1 << 30).equals(data)).toBe(true);
  });

  it('@platformatic/kafka wasm snappy reads each of our xerial blocks', () => {
    const packed = snappyCompress(data);
    const parts: Buffer[] = [];
    for (let pos = 16; pos < packed.length; ) {
      const len = packed.readInt32BE(pos);
      parts.push(Buffer.from(wasmUtils.snappyDecompress(packed.subarray(pos + 4, pos + 4 + len))));
      pos += 4 + len;
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it('reads concatenated xerial streams and header-only streams', () => {
    const a = Buffer.from('alpha '.repeat(100));
    const b = Buffer.from('beta '.repeat(100));
    const joined = Buffer.concat([snappyCompress(a), snappyCompress(b)]);
    expect(snappyDecompress(joined, 1 << 20).equals(Buffer.concat([a, b]))).toBe(true);
    expect(snappyDecompress(snappyCompress(Buffer.alloc(0)), 1 << 20).length).toBe(0);
  });

  it('rejects malformed xerial framing', () => {
    const packed = snappyCompress(data);
    expect(() => snappyDecompress(packed.subarray(0, 12), 1 << 30)).toThrow(CorruptRecordError);
    expect(() => snappyDecompress(packed.subarray(0, 18), 1 << 30)).toThrow(CorruptRecordError);
    const badLength = Buffer.from(packed);
    badLength.writeInt32BE(0x7fffffff, 16);
    expect(() => snappyDecompress(badLength, 1 << 30)).toThrow(CorruptRecordError);
    expect(() => snappyDecompress(packed.subarray(0, packed.length - 3), 1 << 30)).toThrow(CorruptRecordError);
  });
});

describe('lz4 frames', () => {
  const data = textPayload(prng(5), 300_000);

  it('writes frames with independent blocks and no content size, as Kafka readers require', () => {
    const frame = lz4Compress(data);
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    const flg = frame[4]!;
    expect(flg & 0xc0).toBe(0x40); // version 1
    expect(flg & 0x20).toBe(0x20); // block independence (Java's KafkaLZ4BlockInputStream refuses linked blocks)
    expect(flg & 0x08).toBe(0); // no content size
    const bdId = (frame[5]! >> 4) & 7;
    expect(bdId).toBeGreaterThanOrEqual(4);
    expect(bdId).toBeLessThanOrEqual(7);
    expect(frame[6]).toBe((lz4Xxhash.xxHash(frame.subarray(4, 6), 0) >> 8) & 0xff);
  });

  it('the lz4 library under kafkajs-lz4 reads ours and we read its frames (with content checksums)', () => {
    expect(lz4js.decode(lz4Compress(data)).equals(data)).toBe(true);
    const theirs = lz4js.encode(data);
    expect(decompress(CompressionType.LZ4, theirs).equals(data)).toBe(true);
    // (Its blockChecksum option crashes on Node 20 — a bug in that library; block checksums are
    // covered by the lz4 CLI test below.)
    const small64k = lz4js.encode(data, { streamChecksum: true, blockMaxSize: 64 * 1024 });
    expect(decompress(CompressionType.LZ4, small64k).equals(data)).toBe(true);
  });

  it('@platformatic/kafka wasm lz4 reads ours and we read its frames', () => {
    expect(Buffer.from(wasmUtils.lz4Decompress(lz4Compress(data))).equals(data)).toBe(true);
    expect(decompress(CompressionType.LZ4, Buffer.from(wasmUtils.lz4Compress(data))).equals(data)).toBe(true);
  });

  it.skipIf(!hasCli('lz4'))('the reference lz4 CLI reads ours and we read its frames', () => {
    const ours = join(tmp, 'ours.lz4');
    writeFileSync(ours, lz4Compress(data));
    expect(execFileSync('lz4', ['-d', '-c', ours]).equals(data)).toBe(true);
    const input = join(tmp, 'input.bin');
    writeFileSync(input, data);
    // -BD (linked blocks) is excluded: Kafka's Java reader refuses it too.
    for (const flags of [['-B4'], ['-B7', '--content-size'], ['-B5', '-BX']]) {
      const theirs = execFileSync('lz4', [...flags, '-c', input]);
      expect(decompress(CompressionType.LZ4, theirs).equals(data)).toBe(true);
    }
  });

  it('xxhash32 matches the reference implementation', () => {
    const r = prng(9);
    for (const len of [0, 1, 3, 4, 7, 15, 16, 17, 18, 19, 31, 32, 33, 100, 1000]) {
      const bytes = randomBytes(r, len);
      expect(xxhash32(bytes)).toBe(lz4Xxhash.xxHash(bytes, 0) >>> 0);
    }
  });

  it("magic 0 uses Kafka's broken header checksum on write and ignores it on read", () => {
    const small = Buffer.from('legacy lz4 '.repeat(50));
    const broken = lz4Compress(small, { brokenHeaderChecksum: true });
    expect(broken[6]).toBe((lz4Xxhash.xxHash(broken.subarray(0, 6), 0) >> 8) & 0xff);
    expect(broken[6]).not.toBe((lz4Xxhash.xxHash(broken.subarray(4, 6), 0) >> 8) & 0xff);
    expect(() => lz4Decompress(broken, 1 << 20)).toThrow(CorruptRecordError);
    expect(lz4Decompress(broken, 1 << 20, { ignoreHeaderChecksum: true }).equals(small)).toBe(true);
    expect(decompress(CompressionType.LZ4, broken, { magic: 0 }).equals(small)).toBe(true);
    expect(decompress(CompressionType.LZ4, compress(CompressionType.LZ4, small, { magic: 0 }), { magic: 0 }).equals(small)).toBe(true);
    // A correct checksum is accepted for magic 0 as well (Java skips the check entirely).
    expect(decompress(CompressionType.LZ4, lz4Compress(small), { magic: 0 }).equals(small)).toBe(true);
  });
});

describe('zstd', () => {
  const data = textPayload(prng(8), 2 * 1024 * 1024);

  it.skipIf(!hasCli('zstd'))('the reference zstd CLI reads ours and we read its streamed frames (no content size)', () => {
    const ours = join(tmp, 'ours.zst');
    writeFileSync(ours, compress(CompressionType.ZSTD, data));
    expect(execFileSync('zstd', ['-d', '-c', '-q', ours], { maxBuffer: 64 << 20 }).equals(data)).toBe(true);
    // Piped input makes the CLI stream, so the frame has no content size — what Java's ZstdOutputStream writes.
    const streamed = execFileSync('zstd', ['-c', '-q', '-3'], { input: data, maxBuffer: 64 << 20 });
    expect(decompress(CompressionType.ZSTD, streamed).equals(data)).toBe(true);
    const input = join(tmp, 'zin.bin');
    writeFileSync(input, data);
    const withSize = execFileSync('zstd', ['-c', '-q', '-19', '--content-size', input], { maxBuffer: 64 << 20 });
    expect(decompress(CompressionType.ZSTD, withSize).equals(data)).toBe(true);
    const multiFrame = Buffer.concat([streamed, withSize]);
    expect(decompress(CompressionType.ZSTD, multiFrame).equals(Buffer.concat([data, data]))).toBe(true);
    expect(existsSync(ours)).toBe(true);
  });

  it('honours the compression level', () => {
    const fast = compress(CompressionType.ZSTD, data, { level: 1 });
    const small = compress(CompressionType.ZSTD, data, { level: 19 });
    expect(small.length).toBeLessThan(fast.length);
    expect(decompress(CompressionType.ZSTD, small).equals(data)).toBe(true);
  });
});

describe('decompression limits and corrupt input', () => {
  const bomb = Buffer.alloc(8 * 1024 * 1024); // 8 MiB of zeros compresses to almost nothing

  for (const [name, codec] of CODECS) {
    it(`${name}: refuses output beyond maxBytes without producing it`, () => {
      const packed = compress(codec, bomb);
      // snappy tops out near 21:1; the others do far better on zeros.
      expect(packed.length).toBeLessThan(bomb.length / 20);
      let error: unknown;
      try {
        decompress(codec, packed, { maxBytes: 1024 * 1024 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as RecordsError).code).toBe(2);
      expect(decompress(codec, packed, { maxBytes: bomb.length }).length).toBe(bomb.length);
    });

    it(`${name}: garbage, truncation and bit flips raise CorruptRecordError, never anything else`, () => {
      const r = prng(100 + codec);
      const original = textPayload(r, 20_000);
      const packed = compress(codec, original);
      const inputs: Buffer[] = [randomBytes(r, 64), packed.subarray(0, Math.floor(packed.length / 2)), packed.subarray(0, 3)];
      for (let i = 0; i < 40; i++) {
        const flipped = Buffer.from(packed);
        flipped[Math.floor(r() * flipped.length)] ^= 1 << Math.floor(r() * 8);
        inputs.push(flipped);
      }
      for (const input of inputs) {
        try {
          const out = decompress(codec, input, { maxBytes: 1 << 20 });
          // Some flips land in literals and still decode; output stays bounded.
          expect(out.length).toBeLessThanOrEqual(1 << 20);
        } catch (e) {
          expect(e).toBeInstanceOf(CorruptRecordError);
        }
      }
    });
  }

  it('lz4: a frame declaring a huge content size is refused before decompressing', () => {
    const frame = Buffer.from(lz4Compress(Buffer.from('x')));
    // Rebuild the descriptor with the content-size flag and 1 TiB declared.
    const flg = frame[4]! | 0x08;
    const descriptor = Buffer.alloc(2 + 8);
    descriptor[0] = flg;
    descriptor[1] = frame[5]!;
    descriptor.writeUInt32LE(0, 2);
    descriptor.writeUInt32LE(256, 6);
    const hc = (lz4Xxhash.xxHash(descriptor, 0) >> 8) & 0xff;
    const forged = Buffer.concat([frame.subarray(0, 4), descriptor, Buffer.from([hc]), frame.subarray(7)]);
    expect(() => decompress(CompressionType.LZ4, forged)).toThrow(/more than/);
  });

  it('snappy: a raw block declaring a huge length is refused before decompressing', () => {
    const forged = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expect(() => decompress(CompressionType.SNAPPY, forged)).toThrow(/more than/);
  });

  it('unknown codec ids are UNSUPPORTED_COMPRESSION_TYPE', () => {
    expect(() => decompress(5 as CompressionType, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 76 }));
    expect(() => compress(7 as CompressionType, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 76 }));
  });

  it.skipIf(!hasCli('zstd'))('zstd frames without a content size are bounded too', () => {
    const streamed = execFileSync('zstd', ['-c', '-q'], { input: bomb, maxBuffer: 64 << 20 });
    expect(() => decompress(CompressionType.ZSTD, streamed, { maxBytes: 100_000 })).toThrow(CorruptRecordError);
    expect(decompress(CompressionType.ZSTD, streamed).length).toBe(bomb.length);
  });
});

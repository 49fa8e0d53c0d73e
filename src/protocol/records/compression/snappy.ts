/**
 * Snappy as Kafka frames it. Java (xerial's SnappyOutputStream) writes
 *   magic "\x82SNAPPY\0" | int32 version=1 | int32 compatible=1 | { int32 BE length | raw snappy block }*
 * and librdkafka, kafkajs-snappy and others write one raw, unframed snappy block. Readers must take
 * both, told apart by the magic. We write the xerial framing, like the Java client, with xerial's
 * default 32 KiB of input per block.
 */
import { CorruptRecordError } from '../errors.js';
import { loadCompressionBinding } from './native-bindings.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
const XERIAL_BLOCK_SIZE = 32 * 1024;

function hasXerialMagic(data: Uint8Array, pos: number): boolean {
  if (data.length - pos < XERIAL_MAGIC.length) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[pos + i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

export function snappyCompress(data: Uint8Array): Buffer {
  const snappy = loadCompressionBinding('snappy');
  const blocks: Buffer[] = [];
  const header = Buffer.allocUnsafe(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  blocks.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy.compressSync(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    blocks.push(length, block);
  }
  return Buffer.concat(blocks);
}

/** The uncompressed length a raw snappy block declares in its varint preamble. */
function rawSnappyLength(data: Uint8Array, start: number, end: number): number {
  let result = 0;
  let shift = 0;
  for (let pos = start; pos < end && shift < 35; pos++, shift += 7) {
    const b = data[pos]!;
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
  }
  throw new CorruptRecordError('Invalid snappy block: bad length preamble');
}

function rawUncompress(block: Uint8Array, budget: number, maxBytes: number): Buffer {
  if (rawSnappyLength(block, 0, block.length) > budget) {
    throw new CorruptRecordError(`snappy payload decompresses to more than ${maxBytes} bytes`);
  }
  try {
    return loadCompressionBinding('snappy').uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (cause) {
    if (cause instanceof CorruptRecordError) throw cause;
    throw new CorruptRecordError(`Invalid snappy payload: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function snappyDecompress(data: Uint8Array, maxBytes: number): Buffer {
  if (!hasXerialMagic(data, 0)) return rawUncompress(data, maxBytes, maxBytes);
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Buffer[] = [];
  let total = 0;
  let pos = 0;
  while (pos < view.length) {
    // xerial streams may be concatenated; each restarts with its own header.
    if (hasXerialMagic(view, pos)) {
      if (view.length - pos < XERIAL_HEADER_SIZE) throw new CorruptRecordError('Truncated xerial snappy header');
      pos += XERIAL_HEADER_SIZE;
      continue;
    }
    if (view.length - pos < 4) throw new CorruptRecordError('Truncated xerial snappy block length');
    const length = view.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > view.length - pos) {
      throw new CorruptRecordError(`Invalid xerial snappy block length ${length}`);
    }
    const block = rawUncompress(view.subarray(pos, pos + length), maxBytes - total, maxBytes);
    total += block.length;
    out.push(block);
    pos += length;
  }
  return out.length === 1 ? out[0]! : Buffer.concat(out, total);
}

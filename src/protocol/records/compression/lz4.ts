/**
 * LZ4 in the LZ4 *frame* format, which is what Kafka (KafkaLZ4BlockOutputStream), librdkafka and
 * kafkajs-lz4 exchange. lz4-napi's frame API (lz4_flex) writes independent blocks with no content
 * size, which every one of those readers accepts.
 *
 * Magic-0 messages are the exception: Kafka before 0.10 computed the header checksum byte over the
 * magic number too (KAFKA-3160). Java still writes that broken byte for magic 0 and skips the check
 * when reading magic 0, so we do the same: `brokenHeaderChecksum` on write, `ignoreHeaderChecksum`
 * on read (lz4_flex always verifies, so the byte is corrected in a copy first).
 */
import { CorruptRecordError } from '../errors.js';
import { loadCompressionBinding } from './native-bindings.js';
import { xxhash32 } from './xxhash32.js';

const FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_1 = 0x40;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_DICT_ID = 0x01;
const BLOCK_SIZE_MASK = 0x7fffffff;

interface FrameDescriptor {
  /** Index of the header checksum byte; the descriptor is bytes 4..hcIndex-1. */
  hcIndex: number;
  blockMaxSize: number;
  blockChecksum: boolean;
  contentSize: number | null;
}

function readDescriptor(data: Buffer): FrameDescriptor {
  if (data.length < 7 || data.readUInt32LE(0) !== FRAME_MAGIC) {
    throw new CorruptRecordError('Invalid lz4 payload: missing LZ4 frame magic');
  }
  const flg = data[4]!;
  const bd = data[5]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_1) {
    throw new CorruptRecordError(`Invalid lz4 payload: unsupported frame version ${(flg & FLG_VERSION_MASK) >> 6}`);
  }
  const blockSizeId = (bd >> 4) & 0x07;
  if (blockSizeId < 4) throw new CorruptRecordError(`Invalid lz4 payload: block size id ${blockSizeId}`);
  let hcIndex = 6;
  let contentSize: number | null = null;
  if (flg & FLG_CONTENT_SIZE) {
    if (data.length < hcIndex + 9) throw new CorruptRecordError('Invalid lz4 payload: truncated frame descriptor');
    contentSize = data.readUInt32LE(hcIndex) + data.readUInt32LE(hcIndex + 4) * 2 ** 32;
    hcIndex += 8;
  }
  if (flg & FLG_DICT_ID) hcIndex += 4;
  if (data.length <= hcIndex) throw new CorruptRecordError('Invalid lz4 payload: truncated frame descriptor');
  return { hcIndex, blockMaxSize: 1 << (2 * blockSizeId + 8), blockChecksum: (flg & FLG_BLOCK_CHECKSUM) !== 0, contentSize };
}

function headerChecksum(data: Uint8Array, start: number, hcIndex: number): number {
  return (xxhash32(data, start, hcIndex) >>> 8) & 0xff;
}

/**
 * Whether the frame may expand past `maxBytes`: the declared content size when present, else the
 * number of blocks × the maximum block size, found by walking block headers without decompressing.
 * The block bound counts whole blocks, so one block of slack is allowed; the exact size is checked
 * after decompression.
 */
function mayExceed(data: Buffer, descriptor: FrameDescriptor, maxBytes: number): boolean {
  if (descriptor.contentSize !== null) return descriptor.contentSize > maxBytes;
  let pos = descriptor.hcIndex + 1;
  let blocks = 0;
  while (pos + 4 <= data.length) {
    const word = data.readUInt32LE(pos);
    if (word === 0) break;
    pos += 4 + (word & BLOCK_SIZE_MASK) + (descriptor.blockChecksum ? 4 : 0);
    blocks++;
  }
  return blocks * descriptor.blockMaxSize > maxBytes + descriptor.blockMaxSize;
}

export interface Lz4CompressOptions {
  brokenHeaderChecksum?: boolean;
}

export function lz4Compress(data: Uint8Array, options: Lz4CompressOptions = {}): Buffer {
  const input = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const frame = loadCompressionBinding('lz4-napi').compressFrameSync(input);
  if (options.brokenHeaderChecksum) {
    const { hcIndex } = readDescriptor(frame);
    frame[hcIndex] = headerChecksum(frame, 0, hcIndex);
  }
  return frame;
}

export interface Lz4DecompressOptions {
  ignoreHeaderChecksum?: boolean;
}

export function lz4Decompress(data: Uint8Array, maxBytes: number, options: Lz4DecompressOptions = {}): Buffer {
  let input = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const descriptor = readDescriptor(input);
  if (mayExceed(input, descriptor, maxBytes)) {
    throw new CorruptRecordError(`lz4 payload decompresses to more than ${maxBytes} bytes`);
  }
  if (options.ignoreHeaderChecksum) {
    const expected = headerChecksum(input, 4, descriptor.hcIndex);
    if (input[descriptor.hcIndex] !== expected) {
      input = Buffer.from(input);
      input[descriptor.hcIndex] = expected;
    }
  }
  let out: Buffer;
  try {
    out = loadCompressionBinding('lz4-napi').decompressFrameSync(input);
  } catch (cause) {
    throw new CorruptRecordError(`Invalid lz4 payload: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (out.length > maxBytes) throw new CorruptRecordError(`lz4 payload decompresses to more than ${maxBytes} bytes`);
  return out;
}

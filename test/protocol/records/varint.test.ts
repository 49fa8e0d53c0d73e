import { describe, expect, it } from 'vitest';
import {
  InvalidRecordError,
  readVarInt,
  readVarLong,
  readVarLongBigInt,
  sizeOfVarInt,
  sizeOfVarLong,
  sizeOfVarLongBigInt,
  writeVarInt,
  writeVarLong,
  writeVarLongBigInt,
} from '../../../src/protocol/records/index.js';
import { prng, require } from './helpers.js';

// kafkajs's own Encoder/Decoder are the oracle for the zigzag encoding.
const Encoder = require('kafkajs/src/protocol/encoder');
const Decoder = require('kafkajs/src/protocol/decoder');
const Long = require('kafkajs/src/utils/long');

const INT32_EDGES = [0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 2 ** 20, -(2 ** 20), 2 ** 27, 2 ** 30, -(2 ** 30), 2 ** 31 - 1, -(2 ** 31)];
const INT53_EDGES = [...INT32_EDGES, 2 ** 31, -(2 ** 31) - 1, 2 ** 35, -(2 ** 35), 1_700_000_000_000, -1_700_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];

describe('varint', () => {
  it('matches kafkajs byte for byte and round-trips int32 values', () => {
    const rand = prng(7);
    const values = [...INT32_EDGES];
    for (let i = 0; i < 2000; i++) values.push((Math.floor(rand() * 2 ** 32) | 0) >> Math.floor(rand() * 31));
    for (const v of values) {
      const buf = Buffer.alloc(5);
      const end = writeVarInt(buf, 0, v);
      expect(end).toBe(sizeOfVarInt(v));
      expect(buf.subarray(0, end).toString('hex')).toBe(new Encoder().writeVarInt(v).buffer.toString('hex'));
      const c = { pos: 0, end };
      expect(readVarInt(buf, c)).toBe(v);
      expect(c.pos).toBe(end);
    }
  });

  it('matches kafkajs for varlongs and round-trips safe integers as numbers and int64 as bigint', () => {
    const rand = prng(11);
    const values = [...INT53_EDGES];
    for (let i = 0; i < 2000; i++) values.push(Math.round((rand() - 0.5) * 2 ** Math.floor(rand() * 53)) + 0);
    for (const v of values) {
      const buf = Buffer.alloc(10);
      const end = writeVarLong(buf, 0, v);
      expect(end).toBe(sizeOfVarLong(v));
      expect(buf.subarray(0, end).toString('hex')).toBe(new Encoder().writeVarLong(Long.fromNumber(v)).buffer.toString('hex'));
      expect(readVarLong(buf, { pos: 0, end })).toBe(v);
      expect(readVarLongBigInt(buf, { pos: 0, end })).toBe(BigInt(v));
    }
    for (const big of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 62n + 12345n, -(2n ** 60n) - 7n]) {
      const buf = Buffer.alloc(10);
      const end = writeVarLongBigInt(buf, 0, big);
      expect(end).toBe(sizeOfVarLongBigInt(big));
      expect(buf.subarray(0, end).toString('hex')).toBe(new Encoder().writeVarLong(Long.fromString(big.toString())).buffer.toString('hex'));
      expect(readVarLongBigInt(buf, { pos: 0, end })).toBe(big);
      const decoded = new Decoder(buf.subarray(0, end)).readVarLong();
      expect(decoded.toString()).toBe(big.toString());
    }
  });

  it('rejects truncated and over-long encodings with InvalidRecordError', () => {
    const truncated = Buffer.from([0x80, 0x80]);
    expect(() => readVarInt(truncated, { pos: 0, end: 2 })).toThrow(InvalidRecordError);
    expect(() => readVarLong(truncated, { pos: 0, end: 2 })).toThrow(InvalidRecordError);
    expect(() => readVarInt(Buffer.alloc(0), { pos: 0, end: 0 })).toThrow(InvalidRecordError);
    const tooLong = Buffer.alloc(11, 0xff);
    expect(() => readVarInt(tooLong, { pos: 0, end: 11 })).toThrow(/too long/);
    expect(() => readVarLong(tooLong, { pos: 0, end: 11 })).toThrow(/too long/);
    expect(() => readVarLongBigInt(tooLong, { pos: 0, end: 11 })).toThrow(/too long/);
    // The cursor's end bounds reads even when the buffer continues.
    const bounded = Buffer.from([0x80, 0x01]);
    expect(() => readVarInt(bounded, { pos: 0, end: 1 })).toThrow(InvalidRecordError);
  });
});

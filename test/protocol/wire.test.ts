import { describe, expect, it } from 'vitest';
import { ApiKey, apis, DecodeError, Reader, UnsupportedVersionError, Writer } from '../../src/protocol/index.js';
import { isDefault } from '../../src/protocol/wire/defaults.js';

describe('wire primitives', () => {
  it('unsigned varints at their boundaries', () => {
    for (const n of [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 32 - 1]) {
      const w = new Writer(1);
      w.uvarint(n);
      const b = w.toBuffer();
      expect(new Reader(b).uvarint()).toBe(n);
    }
    expect(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from([0x80])).uvarint()).toThrow(DecodeError);
  });

  it('int64 fields accept numbers and bigints alike', () => {
    const codec = apis[ApiKey.ListOffsets].request;
    const a = codec.encode(1, { topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2 }] }] });
    const b = codec.encode(1, { topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
    expect(a.equals(b)).toBe(true);
    expect(isDefault(-1, -1n)).toBe(true);
    expect(isDefault(0.5, 0n)).toBe(false);
  });

  it('refuses a string longer than Kafka allows rather than writing a corrupt length', () => {
    expect(() => new Writer().string(false, 'x'.repeat(40000))).toThrow(RangeError);
  });

  it('refuses a version the message does not define', () => {
    expect(() => apis[ApiKey.Produce].request.encode(14, {})).toThrow(UnsupportedVersionError);
    expect(() => apis[ApiKey.Produce].request.decode(-1, Buffer.alloc(0))).toThrow(UnsupportedVersionError);
  });

  it('refuses a non-default field the chosen version cannot carry, unless Kafka marks it ignorable', () => {
    // Produce's TransactionalId exists from v3 on and is not ignorable.
    expect(() => apis[ApiKey.Produce].request.encode(2, { transactionalId: 'tx' })).toThrow(UnsupportedVersionError);
    expect(() => apis[ApiKey.Produce].request.encode(2, { transactionalId: null })).not.toThrow();
    // Metadata's AllowAutoTopicCreation (v4+, default true) is not ignorable: false can't be said at v3.
    expect(() => apis[ApiKey.Metadata].request.encode(3, { allowAutoTopicCreation: false })).toThrow(UnsupportedVersionError);
    // Produce's topic Name (v0-12) is ignorable: dropped silently at v13, where topics go by id.
    const v13 = apis[ApiKey.Produce].request.encode(13, { topicData: [{ name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' }] });
    expect(apis[ApiKey.Produce].request.decode(13, v13).topicData[0]!.name).toBe('');
  });

  it('decodes bytes as views of the input, not copies', () => {
    const batch = Buffer.alloc(100, 7);
    const body = apis[ApiKey.Produce].request.encode(9, { topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] });
    const m = apis[ApiKey.Produce].request.decode(9, body);
    const records = m.topicData[0]!.partitionData[0]!.records!;
    expect(records.buffer).toBe(body.buffer);
    expect(records.equals(batch)).toBe(true);
  });

  it('keeps unknown tagged fields and writes them back in tag order', () => {
    const codec = apis[ApiKey.ApiVersions].response;
    const m = { errorCode: 0, apiKeys: [], zkMigrationReady: true, _unknownTaggedFields: [{ tag: 9, data: Buffer.from([1, 2]) }, { tag: 7, data: Buffer.from([3]) }] };
    const bytes = codec.encode(3, m);
    const back = codec.decode(3, bytes);
    expect(back._unknownTaggedFields!.map((t) => t.tag)).toEqual([7, 9]);
    expect(back.zkMigrationReady).toBe(true);
    expect(codec.encode(3, back).equals(bytes)).toBe(true);
  });
});

/**
 * Metadata record framing, byte for byte against Kafka's MetadataRecordSerde (AbstractApiMessageSerde):
 * unsigned varint frame version 1, unsigned varint apiKey, unsigned varint version, then the message body.
 * The expected bytes are built by hand from the record schemas.
 */
import { describe, expect, it } from 'vitest';
import { metadataByApiKey } from '../../src/protocol/messages/metadata/index.js';
import { LeaderChangeMessage } from '../../src/protocol/messages/leader-change-message.js';
import { iterateRecords, readBatchHeader, scanBatches } from '../../src/protocol/records/index.js';
import { buildControlBatch, buildMetadataBatch, ControlRecordType, controlValue, decodeBatches } from '../../src/metadata/batches.js';
import { decodeMetadataRecord, encodeMetadataRecord, MetadataLogError, MetadataRecordType } from '../../src/metadata/index.js';

const TOPIC_ID = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const TOPIC_ID_TEXT = TOPIC_ID.toString('base64url');
const DIR_ID = Buffer.alloc(16, 0xab);
const DIR_ID_TEXT = DIR_ID.toString('base64url');

const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const int64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b; };
const compactString = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]);
const bytes = (...parts: (Buffer | number[])[]) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));

describe('MetadataRecordSerde framing', () => {
  it('TopicRecord v0: 01 02 00 | compact name | uuid | no tagged fields', () => {
    const value = encodeMetadataRecord({ apiKey: MetadataRecordType.TOPIC, version: 0, message: { name: 'foo', topicId: TOPIC_ID_TEXT } });
    expect(value).toEqual(bytes([0x01, 0x02, 0x00], compactString('foo'), TOPIC_ID, [0x00]));
    expect(decodeMetadataRecord(value)).toEqual({ apiKey: 2, version: 0, message: { name: 'foo', topicId: TOPIC_ID_TEXT } });
  });

  it('PartitionRecord v2: 01 03 02 | the v2 body with directories', () => {
    const message = {
      partitionId: 7,
      topicId: TOPIC_ID_TEXT,
      replicas: [1],
      isr: [1],
      removingReplicas: [],
      addingReplicas: [],
      leader: 1,
      leaderRecoveryState: 0,
      leaderEpoch: 3,
      partitionEpoch: 4,
      directories: [DIR_ID_TEXT],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    };
    const value = encodeMetadataRecord({ apiKey: MetadataRecordType.PARTITION, version: 2, message });
    expect(value).toEqual(
      bytes(
        [0x01, 0x03, 0x02],
        int32(7),
        TOPIC_ID,
        [0x02], int32(1), // replicas
        [0x02], int32(1), // isr
        [0x01], // removingReplicas
        [0x01], // addingReplicas
        int32(1), // leader
        int32(3), // leaderEpoch
        int32(4), // partitionEpoch
        [0x02], DIR_ID, // directories
        [0x00], // tagged fields
      ),
    );
    expect(decodeMetadataRecord(value).message).toEqual(message);
  });

  it('ConfigRecord v0 with a null value (a deletion): 01 04 00 | int8 type | names | 00', () => {
    const value = encodeMetadataRecord({
      apiKey: MetadataRecordType.CONFIG,
      version: 0,
      message: { resourceType: 2, resourceName: 'foo', name: 'retention.ms', value: null },
    });
    expect(value).toEqual(bytes([0x01, 0x04, 0x00, 0x02], compactString('foo'), compactString('retention.ms'), [0x00, 0x00]));
  });

  it('FeatureLevelRecord, ProducerIdsRecord and RemoveTopicRecord', () => {
    expect(encodeMetadataRecord({ apiKey: 12, version: 0, message: { name: 'metadata.version', featureLevel: 29 } })).toEqual(
      bytes([0x01, 0x0c, 0x00], compactString('metadata.version'), int16(29), [0x00]),
    );
    expect(encodeMetadataRecord({ apiKey: 15, version: 0, message: { brokerId: 1, brokerEpoch: 5n, nextProducerId: 1000n } })).toEqual(
      bytes([0x01, 0x0f, 0x00], int32(1), int64(5n), int64(1000n), [0x00]),
    );
    expect(encodeMetadataRecord({ apiKey: 9, version: 0, message: { topicId: TOPIC_ID_TEXT } })).toEqual(bytes([0x01, 0x09, 0x00], TOPIC_ID, [0x00]));
  });

  it('every metadata record type round-trips at every version', () => {
    for (const [key, codec] of Object.entries(metadataByApiKey)) {
      for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
        const message = codec.make();
        const value = encodeMetadataRecord({ apiKey: Number(key), version: v, message });
        expect(value.subarray(0, 3)).toEqual(Buffer.from([1, Number(key), v]));
        expect(value.subarray(3)).toEqual(codec.encode(v, message as never));
        expect(decodeMetadataRecord(value)).toEqual({ apiKey: Number(key), version: v, message: codec.decode(v, codec.encode(v, message as never)) });
      }
    }
  });

  it('rejects what Kafka rejects: frame version 0 or 2, oversized varints, unknown types, trailing garbage', () => {
    const topic = encodeMetadataRecord({ apiKey: 2, version: 0, message: { name: 'a', topicId: TOPIC_ID_TEXT } });
    const frame0 = Buffer.from(topic);
    frame0[0] = 0;
    expect(() => decodeMetadataRecord(frame0)).toThrow(/frame version 0/);
    const frame2 = Buffer.from(topic);
    frame2[0] = 2;
    expect(() => decodeMetadataRecord(frame2)).toThrow(/unknown frame version 2\(only frame version 1 is supported\)/);
    expect(() => decodeMetadataRecord(Buffer.from([0x01, 0xff, 0xff, 0x03, 0x00]))).toThrow('Value for type was too large.');
    expect(() => decodeMetadataRecord(Buffer.from([0x01, 0x06, 0x00]))).toThrow('Unknown metadata record type 6');
    expect(() => decodeMetadataRecord(Buffer.concat([topic, Buffer.from([0x00])]))).toThrow('Found 1 byte(s) of garbage after 2');
    expect(() => decodeMetadataRecord(topic.subarray(0, 10))).toThrow(MetadataLogError);
    expect(() => decodeMetadataRecord(Buffer.from([0x01]))).toThrow('Error while reading type');
  });
});

describe('metadata batches', () => {
  it('data batches carry null keys and framed values; the epoch is the partition leader epoch', () => {
    const batch = buildMetadataBatch(
      [
        { apiKey: 12, version: 0, message: { name: 'metadata.version', featureLevel: 29 } },
        { apiKey: 2, version: 0, message: { name: 'foo', topicId: TOPIC_ID_TEXT } },
      ],
      { baseOffset: 10, epoch: 7, now: 1_700_000_000_000 },
    );
    const header = readBatchHeader(batch);
    expect(header).toMatchObject({ baseOffset: 10n, partitionLeaderEpoch: 7, isControl: false, recordCount: 2, producerId: -1n, compression: 0 });
    const records = [...iterateRecords(batch)];
    expect(records.map((r) => r.key)).toEqual([null, null]);
    expect(records[1]!.value).toEqual(bytes([0x01, 0x02, 0x00], compactString('foo'), TOPIC_ID, [0x00]));
    const { batches } = decodeBatches(batch, 'test');
    expect(batches[0]!.records.map((r) => r.offset)).toEqual([10, 11]);
  });

  it('control batches: key = version 0 + type, value = the bare message (LeaderChangeMessage v0 by hand)', () => {
    const batch = buildControlBatch(
      [controlValue<LeaderChangeMessage>(ControlRecordType.LEADER_CHANGE, { version: 0, leaderId: 1, voters: [{ voterId: 1 }], grantingVoters: [{ voterId: 1 }] })],
      { baseOffset: 0, epoch: 3, now: 1 },
    );
    expect(readBatchHeader(batch).isControl).toBe(true);
    const [record] = [...iterateRecords(batch)];
    expect(record!.key).toEqual(bytes(int16(0), int16(2)));
    expect(record!.value).toEqual(bytes(int16(0), int32(1), [0x02], int32(1), [0x00], [0x02], int32(1), [0x00], [0x00]));
    expect(scanBatches(batch).batches).toHaveLength(1);
    expect(decodeBatches(batch, 'test').batches[0]!.control).toEqual([
      { type: 2, message: { version: 0, leaderId: 1, voters: [{ voterId: 1, voterDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }], grantingVoters: [{ voterId: 1, voterDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }] } },
    ]);
  });

  it('a batch with a bad CRC is refused', () => {
    const batch = buildMetadataBatch([{ apiKey: 2, version: 0, message: { name: 'foo', topicId: TOPIC_ID_TEXT } }], { baseOffset: 0, epoch: 1, now: 1 });
    batch[batch.length - 3]! ^= 0xff;
    expect(() => decodeBatches(batch, 'test')).toThrow(/Corrupt record batch \(base offset 0\) at byte 0 of test/);
  });
});

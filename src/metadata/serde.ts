/**
 * Metadata records as Kafka's MetadataRecordSerde (AbstractApiMessageSerde) lays them out in a record's value:
 *
 *   unsigned varint frame version (1) | unsigned varint record type (apiKey) | unsigned varint record version | body
 *
 * The record key is null. A frame version other than 1, a type or version above 32767, an unknown type and
 * trailing bytes after the body are all errors, as in Kafka. Control records (LeaderChange, SnapshotHeader, …)
 * are not framed: their key is ControlRecordType's version+type and their value the bare message body.
 */
import { metadataByApiKey } from '../protocol/messages/metadata/index.js';
import type { MessageCodec } from '../protocol/wire/index.js';
import { Reader, Writer } from '../protocol/wire/index.js';
import { MetadataLogError } from './errors.js';

export const METADATA_FRAME_VERSION = 1;

/** MetadataRecordType ids (apiKey of each metadata record schema). */
export const MetadataRecordType = {
  REGISTER_BROKER: 0,
  UNREGISTER_BROKER: 1,
  TOPIC: 2,
  PARTITION: 3,
  CONFIG: 4,
  PARTITION_CHANGE: 5,
  FENCE_BROKER: 7,
  UNFENCE_BROKER: 8,
  REMOVE_TOPIC: 9,
  DELEGATION_TOKEN: 10,
  USER_SCRAM_CREDENTIAL: 11,
  FEATURE_LEVEL: 12,
  CLIENT_QUOTA: 14,
  PRODUCER_IDS: 15,
  BROKER_REGISTRATION_CHANGE: 17,
  ACCESS_CONTROL_ENTRY: 18,
  REMOVE_ACCESS_CONTROL_ENTRY: 19,
  NO_OP: 20,
  ZK_MIGRATION_STATE: 21,
  REMOVE_USER_SCRAM_CREDENTIAL: 22,
  BEGIN_TRANSACTION: 23,
  END_TRANSACTION: 24,
  ABORT_TRANSACTION: 25,
  REMOVE_DELEGATION_TOKEN: 26,
  REGISTER_CONTROLLER: 27,
  CLEAR_ELR: 28,
  UNREGISTER_CONTROLLER: 29,
} as const;

/** ApiMessageAndVersion: one decoded metadata record. */
export interface MetadataRecord<T = unknown> {
  apiKey: number;
  version: number;
  message: T;
}

const MAX_SHORT = 0x7fff;

function codecFor(apiKey: number): MessageCodec<unknown> {
  const codec = metadataByApiKey[apiKey];
  if (!codec) throw new MetadataLogError(`Unknown metadata record type ${apiKey}`);
  return codec;
}

/** The record value for one metadata record. */
export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const codec = codecFor(record.apiKey);
  const w = new Writer(64);
  w.uvarint(METADATA_FRAME_VERSION);
  w.uvarint(record.apiKey);
  w.uvarint(record.version);
  codec.write(w, record.version, record.message as never);
  return w.toBuffer();
}

function readShort(r: Reader, what: string): number {
  let value: number;
  try {
    value = r.uvarint();
  } catch (err) {
    throw new MetadataLogError(`Error while reading ${what}`, { cause: err });
  }
  if (value > MAX_SHORT) throw new MetadataLogError(`Value for ${what} was too large.`);
  return value;
}

/** Decodes a record value written by MetadataRecordSerde. Throws MetadataLogError on anything malformed. */
export function decodeMetadataRecord(value: Buffer): MetadataRecord {
  const r = new Reader(value);
  const frameVersion = readShort(r, 'frame version');
  if (frameVersion === 0) {
    throw new MetadataLogError(
      'Could not deserialize metadata record with frame version 0. Note that upgrades from the preview release of KRaft in 2.8 to newer versions are not supported.',
    );
  }
  if (frameVersion !== METADATA_FRAME_VERSION) {
    throw new MetadataLogError(
      `Could not deserialize metadata record due to unknown frame version ${frameVersion}(only frame version ${METADATA_FRAME_VERSION} is supported)`,
    );
  }
  const apiKey = readShort(r, 'type');
  const version = readShort(r, 'version');
  const codec = codecFor(apiKey);
  let message: unknown;
  try {
    message = codec.read(r, version);
  } catch (err) {
    throw new MetadataLogError(`Failed to deserialize record with type ${apiKey}`, { cause: err });
  }
  if (r.remaining > 0) throw new MetadataLogError(`Found ${r.remaining} byte(s) of garbage after ${apiKey}`);
  return { apiKey, version, message };
}

/** The bare body of a control message (ControlRecordUtils / MessageUtil.toByteBuffer): no frame, no prefix. */
export function encodeControlMessage<T>(codec: MessageCodec<T>, version: number, message: Partial<T>): Buffer {
  return codec.encode(version, message as never);
}

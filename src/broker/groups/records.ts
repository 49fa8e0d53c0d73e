/**
 * The group coordinator's records, as Kafka writes them to `__consumer_offsets` (CoordinatorRecordSerde):
 * the key is an int16 record type followed by the key struct at version 0; the value is an int16 version
 * followed by the value struct at that version; a null value is a tombstone. The schemas are the generated
 * `group-coordinator` ones, found by record type.
 */
import { coordinatorKeyByApiKey, coordinatorValueByApiKey } from '../../protocol/messages/group-coordinator/index.js';

/** Record types (the schemas' apiKey) that the group coordinator writes and replays. */
export const RecordType = {
  LEGACY_OFFSET_COMMIT: 0,
  OFFSET_COMMIT: 1,
  GROUP_METADATA: 2,
  CONSUMER_GROUP_METADATA: 3,
  CONSUMER_GROUP_PARTITION_METADATA: 4,
  CONSUMER_GROUP_MEMBER_METADATA: 5,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA: 6,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER: 7,
  CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT: 8,
  CONSUMER_GROUP_REGULAR_EXPRESSION: 16,
} as const;

/** One record: its type, key struct, and value struct at a version (null: tombstone). */
export interface CoordinatorRecord {
  type: number;
  key: Record<string, unknown>;
  value: { version: number; data: Record<string, unknown> } | null;
}

/** The record that removes a key from the log (and its state from memory at replay). */
export const tombstone = (type: number, key: Record<string, unknown>): CoordinatorRecord => ({ type, key, value: null });

export function encodeKey(type: number, key: Record<string, unknown>): Buffer {
  const codec = coordinatorKeyByApiKey[type];
  if (codec === undefined) throw new Error(`unknown coordinator record type ${type}`);
  const body = codec.encode(0, key);
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(type, 0);
  body.copy(out, 2);
  return out;
}

export function encodeValue(type: number, value: { version: number; data: Record<string, unknown> } | null): Buffer | null {
  if (value === null) return null;
  const codec = coordinatorValueByApiKey[type];
  if (codec === undefined) throw new Error(`unknown coordinator record type ${type}`);
  const body = codec.encode(value.version, value.data);
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(value.version, 0);
  body.copy(out, 2);
  return out;
}

/**
 * Decodes one record read back from the log; undefined for a type this coordinator does not own (share and
 * streams groups' records are skipped, as an older Kafka skips unknown types).
 */
export function decodeRecord(key: Buffer | null, value: Buffer | null): CoordinatorRecord | undefined {
  if (key === null || key.length < 2) return undefined;
  const type = key.readInt16BE(0);
  const keyCodec = coordinatorKeyByApiKey[type];
  const valueCodec = coordinatorValueByApiKey[type];
  if (keyCodec === undefined || valueCodec === undefined) return undefined;
  const decodedKey = keyCodec.decode(0, key.subarray(2)) as Record<string, unknown>;
  if (value === null) return { type, key: decodedKey, value: null };
  const version = value.readInt16BE(0);
  return { type, key: decodedKey, value: { version, data: valueCodec.decode(version, value.subarray(2)) as Record<string, unknown> } };
}

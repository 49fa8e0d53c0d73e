/**
 * Control batches: transaction markers (COMMIT/ABORT) and the parsing of control record keys/values.
 * Layout as in Java's ControlRecordType and EndTransactionMarker: key = version int16 + type int16,
 * marker value = version int16 + coordinatorEpoch int32. Only version 0 exists for both.
 */
import { buildRecordBatch } from './batch-builder.js';
import { InvalidRecordError } from './errors.js';

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

const CONTROL_KEY_VERSION = 0;
const END_TXN_MARKER_VERSION = 0;
const CONTROL_KEY_SIZE = 4;
const END_TXN_MARKER_VALUE_SIZE = 6;

export interface ControlRecordKey {
  version: number;
  /** A ControlRecordType value; unknown types are returned as-is, as Java maps them to UNKNOWN. */
  type: number;
}

export interface EndTxnMarker {
  version: number;
  coordinatorEpoch: number;
}

export function encodeControlRecordKey(type: number): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_KEY_SIZE);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function parseControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < CONTROL_KEY_SIZE) {
    throw new InvalidRecordError(`Invalid value size found for control record key: ${key?.length ?? 'null'}`);
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new InvalidRecordError(`Invalid version found for control record: ${version}`);
  return { version, type: key.readInt16BE(2) };
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(END_TXN_MARKER_VALUE_SIZE);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

export function parseEndTxnMarkerValue(value: Buffer | null): EndTxnMarker {
  if (value === null || value.length < END_TXN_MARKER_VALUE_SIZE) {
    throw new InvalidRecordError(`Invalid value size found for end transaction marker: ${value?.length ?? 'null'}`);
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new InvalidRecordError(`Invalid version found for end transaction marker: ${version}`);
  return { version, coordinatorEpoch: value.readInt32BE(2) };
}

export interface EndTxnMarkerBatchOptions {
  producerId: bigint | number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  baseOffset?: bigint | number;
  partitionLeaderEpoch?: number;
  /** Marker timestamp; default Date.now(). */
  timestamp?: number;
}

/** A transactional control batch holding one COMMIT or ABORT marker, as the broker appends on EndTxn. */
export function buildEndTxnMarkerBatch(options: EndTxnMarkerBatchOptions): Buffer {
  const timestamp = options.timestamp ?? Date.now();
  return buildRecordBatch(
    [
      {
        key: encodeControlRecordKey(options.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT),
        value: encodeEndTxnMarkerValue(options.coordinatorEpoch),
        timestamp,
      },
    ],
    {
      baseOffset: options.baseOffset,
      partitionLeaderEpoch: options.partitionLeaderEpoch,
      producerId: options.producerId,
      producerEpoch: options.producerEpoch,
      isTransactional: true,
      isControl: true,
      now: timestamp,
    },
  );
}

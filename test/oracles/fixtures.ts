// Values shared by the oracle fixtures: unicode names, ids, and the record batches built by each library.
import { hexToUuid, ZERO_UUID } from './schema.js';

export const TOPIC = 'orders-ü-日本-🚀';
export const TOPIC2 = 'audit.log';
export const GROUP = 'group-ß-β';
export const MEMBER = 'member-1-ÿ';
export const INSTANCE = 'instance-α';
export const TXN = 'txn-ø-1';
export const CLIENT_ID = 'oracle-client-é';
/** hex form as @platformatic/kafka writes/reads uuids */
export const TOPIC_ID_HEX = '5f0b2c1e-9a8d-4e3f-8b7a-112233445566';
export const TOPIC2_ID_HEX = '00000000-0000-0000-0000-0000000000ff';
export const DIR_ID_HEX = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0ff';
/** …and ours: Kafka's Uuid.toString() text (base64url, no padding) */
export const TOPIC_ID = hexToUuid(TOPIC_ID_HEX);
export const TOPIC2_ID = hexToUuid(TOPIC2_ID_HEX);
export const DIR_ID = hexToUuid(DIR_ID_HEX);
export { ZERO_UUID };

export const TS = 1_700_000_000_123n;

/**
 * Kafka's Uuid: 16 random bytes shown as 22 characters of URL-safe base64 without padding.
 * Uuid.randomUuid() never returns a reserved id (all zeros, the metadata topic id 0…01) nor one whose text
 * starts with '-' (it would read as a command-line option); directory ids also avoid 0…0 to 0…99
 * (DirectoryId reserves UNASSIGNED, LOST, MIGRATING and the rest of that range).
 */
import { randomBytes } from 'node:crypto';

export { ZERO_UUID } from '../protocol/wire/types.js';
/** Uuid.ONE_UUID, which Kafka also uses as the topic id of __cluster_metadata. */
export const ONE_UUID = 'AAAAAAAAAAAAAAAAAAAAAQ';

const UUID_TEXT = /^[A-Za-z0-9_-]{22}$/;

/** What Uuid.fromString accepts: 22 base64url characters decoding to 16 bytes (trailing bits are ignored). */
export function isKafkaUuid(text: string): boolean {
  return UUID_TEXT.test(text);
}

function randomRaw(): Buffer {
  const raw = randomBytes(16);
  // java.util.UUID.randomUUID(): version 4, IETF variant.
  raw[6] = (raw[6]! & 0x0f) | 0x40;
  raw[8] = (raw[8]! & 0x3f) | 0x80;
  return raw;
}

function isLowReserved(raw: Buffer, limit: number): boolean {
  for (let i = 0; i < 15; i++) if (raw[i] !== 0) return false;
  return raw[15]! < limit;
}

/** Uuid.randomUuid(): a topic id, cluster id or incarnation id. */
export function randomKafkaUuid(): string {
  for (;;) {
    const raw = randomRaw();
    const text = raw.toString('base64url');
    if (!text.startsWith('-') && !isLowReserved(raw, 2)) return text;
  }
}

/** A log directory id, as MetaPropertiesEnsemble.generateValidDirectoryId() makes them. */
export function randomDirectoryId(): string {
  for (;;) {
    const raw = randomRaw();
    const text = raw.toString('base64url');
    if (!text.startsWith('-') && !isLowReserved(raw, 100)) return text;
  }
}

import { UnsupportedVersionError } from './errors.js';
import { Reader } from './reader.js';
import type { Input } from './types.js';
import { Writer } from './writer.js';

/** One generated message: its versions and its codec. */
export interface MessageCodec<T> {
  readonly name: string;
  readonly apiKey?: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first flexible version (compact encodings, tagged fields), or null when none is. */
  readonly flexibleMinVersion: number | null;
  read(r: Reader, version: number): T;
  write(w: Writer, version: number, message: Input<T>): void;
  /** A message with every field at its default. */
  make(): T;
  /** Encodes the body alone: no size prefix, no header. */
  encode(version: number, message: Input<T>): Buffer;
  /** Encodes the body as chunks, large byte strings referenced rather than copied (for writev). */
  encodeChunks(version: number, message: Input<T>): Buffer[];
  /** Decodes a body; throws DecodeError on a truncated or malformed one. */
  decode(version: number, body: Buffer): T;
}

interface Definition<T> {
  name: string;
  apiKey?: number;
  minVersion: number;
  maxVersion: number;
  flexibleMinVersion: number | null;
  read(r: Reader, v: number): T;
  write(w: Writer, v: number, m: Input<T>): void;
  make(): T;
}

export function defineMessage<T>(d: Definition<T>): MessageCodec<T> {
  const check = (version: number): void => {
    if (!Number.isInteger(version) || version < d.minVersion || version > d.maxVersion)
      throw new UnsupportedVersionError(`${d.name} has no version ${version} (${d.minVersion}-${d.maxVersion})`);
  };
  return {
    ...d,
    read(r, version) {
      check(version);
      return d.read(r, version);
    },
    write(w, version, message) {
      check(version);
      d.write(w, version, message);
    },
    encode(version, message) {
      check(version);
      const w = new Writer();
      d.write(w, version, message);
      return w.toBuffer();
    },
    encodeChunks(version, message) {
      check(version);
      const w = new Writer();
      d.write(w, version, message);
      return w.finish();
    },
    decode(version, body) {
      check(version);
      return d.read(new Reader(body), version);
    },
  };
}

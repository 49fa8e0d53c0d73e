/* eslint-disable @typescript-eslint/no-explicit-any */
import type { LibViewOptions } from '../helpers.js';

/** A request built by a library, which our request decoder must read back. */
export interface RequestCase {
  apiKey: number;
  label?: string;
  /** restrict to some of the library's versions (default: all it implements) */
  versions?: (v: number) => boolean;
  /** library call arguments for version v (platformatic: createRequest positional args; kafkajs: protocol() object) */
  args: (v: number) => any | Promise<any>;
  /**
   * What our decoder must return, in OUR field names, written as a superset over all versions: the test keeps the
   * fields of version v (schema.project) and requires every field of v to be present (requireAll).
   */
  ours: (v: number) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** fields of ours allowed to be absent (rare; documented at the case) */
  optional?: string[];
  /** when the library's bytes are not the canonical encoding, why (then only decoded equality is asserted) */
  nonCanonical?: (v: number) => string | undefined;
  /** extra checks on our decoded message (e.g. the records blob decodes back with the library) */
  check?: (decoded: any, v: number) => void | Promise<void>;
}

/** A response in OUR format, which the library must parse. */
export interface ResponseCase {
  apiKey: number;
  label?: string;
  versions?: (v: number) => boolean;
  /** our response message as a superset over versions; projected to v with requireAll */
  ours: (v: number) => Record<string, unknown> | Promise<Record<string, unknown>>;
  optional?: string[];
  /** explicit field mapping library → ours */
  view?: LibViewOptions | ((v: number) => LibViewOptions);
  /** our field paths the library does not expose for version v (reads and drops, or never reads) */
  notExposed?: (v: number) => string[];
  /** extra checks on the library's parsed object */
  check?: (parsed: any, v: number, ours: any) => void | Promise<void>;
}

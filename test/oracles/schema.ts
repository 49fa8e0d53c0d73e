// Test-side view of Apache Kafka's JSON message definitions (/work/shared/kafka-protocol).
//
// The oracle tests use the definitions for two things only, never to produce bytes:
//   * `project()`: keep the fields of a fixture that exist in one version (the fixtures are written once per
//     API as a superset of all versions), and FAIL on field names that the definition does not know
//     (a typo in a fixture must not silently turn into "not compared"), and optionally on fields of the
//     version that the fixture forgot (so an expected object really covers every field the version carries);
//   * `fieldPaths()` / `fieldOf()`: which fields a version has, to assert which ones a library does not expose.
// The values compared in the tests all come from the libraries (kafkajs / @platformatic/kafka) or from
// hand-written fixtures; the definitions are just the map of which field exists in which version.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PROTOCOL_DIR = '/work/shared/kafka-protocol';

export interface FieldDef {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string;
  ignorable?: boolean;
  fields?: FieldDef[];
}
export interface MessageDef {
  apiKey: number;
  type: 'request' | 'response';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  fields: FieldDef[];
  commonStructs?: { name: string; versions: string; fields: FieldDef[] }[];
}

export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  let inStr = false;
  while (i < text.length) {
    const c = text[i]!;
    if (inStr) {
      out += c;
      if (c === '\\' && i + 1 < text.length) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') inStr = false;
      i++;
    } else if (c === '"') {
      inStr = true;
      out += c;
      i++;
    } else if (text.startsWith('//', i)) {
      const j = text.indexOf('\n', i);
      i = j < 0 ? text.length : j;
    } else if (text.startsWith('/*', i)) {
      const j = text.indexOf('*/', i + 2);
      i = j + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Kafka version ranges: "none", "3+", "0-4", "7". */
export function inRange(range: string | undefined, v: number): boolean {
  if (range === undefined || range === 'none' || range === '') return false;
  const plus = /^(\d+)\+$/.exec(range);
  if (plus) return v >= Number(plus[1]);
  const dash = /^(\d+)-(\d+)$/.exec(range);
  if (dash) return v >= Number(dash[1]) && v <= Number(dash[2]);
  if (/^\d+$/.test(range)) return v === Number(range);
  throw new Error(`bad version range ${range}`);
}

function loadDir(dir: string): Map<string, MessageDef> {
  const out = new Map<string, MessageDef>();
  for (const f of readdirSync(dir)) {
    if (!/(Request|Response)\.json$/.test(f)) continue;
    const def = JSON.parse(stripComments(readFileSync(join(dir, f), 'utf8'))) as MessageDef;
    if (def.type !== 'request' && def.type !== 'response') continue;
    out.set(`${def.apiKey}:${def.type}`, def);
  }
  return out;
}

let trunk: Map<string, MessageDef> | undefined;
let legacy: Map<string, MessageDef> | undefined;

/** The definition that defines version `v` of an API: trunk where its validVersions covers v, else legacy. */
export function messageDef(apiKey: number, kind: 'request' | 'response', v: number): MessageDef {
  trunk ??= loadDir(join(PROTOCOL_DIR, 'trunk/message'));
  legacy ??= loadDir(join(PROTOCOL_DIR, 'legacy/message'));
  const t = trunk.get(`${apiKey}:${kind}`);
  if (t && inRange(t.validVersions, v)) return t;
  const l = legacy.get(`${apiKey}:${kind}`);
  if (l && inRange(l.validVersions, v)) return l;
  throw new Error(`no definition of ${kind} ${apiKey} v${v}`);
}

export function isFlexible(apiKey: number, v: number): boolean {
  return inRange(messageDef(apiKey, 'request', v).flexibleVersions, v);
}

export const camel = (name: string): string => name[0]!.toLowerCase() + name.slice(1);

const PRIMITIVES = new Set([
  'bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid',
]);

/** The fields of a struct-typed field (inline or from commonStructs), or undefined for primitives / primitive arrays. */
export function structFields(def: MessageDef, f: FieldDef): FieldDef[] | undefined {
  const elem = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
  if (PRIMITIVES.has(elem)) return undefined;
  if (f.fields) return f.fields;
  const common = def.commonStructs?.find((s) => s.name === elem);
  if (!common) throw new Error(`${def.name}: unknown struct type ${elem}`);
  return common.fields;
}

export interface ProjectOptions {
  /** Throw when a field of this version is missing from the object. */
  requireAll?: boolean;
  /** Paths (dotted, no array indexes, e.g. "topics.partitions.records") allowed to be missing under requireAll. */
  optional?: string[];
}

/**
 * Keep only the fields of `obj` that version `v` of the message has (recursively). Throws on keys that are
 * not fields of the struct in any version, and (requireAll) on fields of version v that obj lacks.
 */
export function project<T = any>(
  apiKey: number,
  kind: 'request' | 'response',
  v: number,
  obj: Record<string, unknown>,
  opts: ProjectOptions = {},
): T {
  const def = messageDef(apiKey, kind, v);
  return projectStruct(def, def.fields, v, obj, '', { ...opts, known: knownPaths(apiKey, kind) }) as T;
}

/** Every field path an API message has in any version of either definition file (trunk, legacy). */
export function knownPaths(apiKey: number, kind: 'request' | 'response'): Set<string> {
  trunk ??= loadDir(join(PROTOCOL_DIR, 'trunk/message'));
  legacy ??= loadDir(join(PROTOCOL_DIR, 'legacy/message'));
  const out = new Set<string>();
  for (const def of [trunk.get(`${apiKey}:${kind}`), legacy.get(`${apiKey}:${kind}`)]) {
    if (!def) continue;
    const walk = (fields: FieldDef[], prefix: string) => {
      for (const f of fields) {
        const p = prefix + camel(f.name);
        out.add(p);
        const sub = structFields(def, f);
        if (sub) walk(sub, p + '.');
      }
    };
    walk(def.fields, '');
  }
  return out;
}

function projectStruct(
  def: MessageDef,
  fields: FieldDef[],
  v: number,
  obj: Record<string, unknown>,
  path: string,
  opts: ProjectOptions & { known?: Set<string> },
): Record<string, unknown> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new Error(`${def.name} v${v}: ${path || '<root>'} should be a struct, got ${String(obj)}`);
  }
  const known = new Map(fields.map((f) => [camel(f.name), f]));
  for (const k of Object.keys(obj)) {
    if (k !== '_unknownTaggedFields' && !known.has(k) && !opts.known?.has(path + k)) {
      throw new Error(`${def.name} v${v}: unknown field ${path}${k} (fields: ${[...known.keys()].join(', ')})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue;
    const k = camel(f.name);
    const p = path + k;
    if (!(k in obj) || obj[k] === undefined) {
      if (opts.requireAll && !(opts.optional ?? []).includes(p)) {
        throw new Error(`${def.name} v${v}: fixture lacks field ${p}`);
      }
      continue;
    }
    const val = obj[k];
    const sub = structFields(def, f);
    if (!sub || val === null) {
      out[k] = val;
    } else if (f.type.startsWith('[]')) {
      if (!Array.isArray(val)) throw new Error(`${def.name} v${v}: ${p} should be an array`);
      out[k] = val.map((e) => projectStruct(def, sub, v, e as Record<string, unknown>, p + '.', opts));
    } else {
      out[k] = projectStruct(def, sub, v, val as Record<string, unknown>, p + '.', opts);
    }
  }
  if ('_unknownTaggedFields' in obj) out._unknownTaggedFields = obj._unknownTaggedFields;
  return out;
}

/** Dotted field paths (no array indexes) of version v, e.g. ["throttleTimeMs", "topics", "topics.name", ...]. */
export function fieldPaths(apiKey: number, kind: 'request' | 'response', v: number): string[] {
  const def = messageDef(apiKey, kind, v);
  const out: string[] = [];
  const walk = (fields: FieldDef[], prefix: string) => {
    for (const f of fields) {
      if (!inRange(f.versions, v)) continue;
      const p = prefix + camel(f.name);
      out.push(p);
      const sub = structFields(def, f);
      if (sub) walk(sub, p + '.');
    }
  };
  walk(def.fields, '');
  return out;
}

/** Dotted leaf paths present in a (mapped) object, array indexes removed; arrays of primitives count as leaves. */
export function objectPaths(obj: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  const walk = (o: unknown, p: string) => {
    if (Array.isArray(o)) {
      if (o.length === 0 || typeof o[0] !== 'object' || o[0] === null || Buffer.isBuffer(o[0])) {
        if (p) out.add(p.slice(0, -1));
        return;
      }
      if (p) out.add(p.slice(0, -1));
      for (const e of o) walk(e, p);
      return;
    }
    if (o !== null && typeof o === 'object' && !Buffer.isBuffer(o)) {
      if (p) out.add(p.slice(0, -1));
      for (const [k, v] of Object.entries(o)) {
        if (k === '_unknownTaggedFields') continue;
        walk(v, p + k + '.');
      }
      return;
    }
    out.add(p.slice(0, -1));
  };
  walk(obj, prefix);
  return out;
}

// ---- uuid text forms ------------------------------------------------------------------------------------
// Ours: Kafka's Uuid.toString(): URL-safe base64 of the 16 bytes, no padding (22 chars).
// @platformatic/kafka: 8-4-4-4-12 lowercase hex.
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
export function uuidToHex(b64: string): string {
  const hex = Buffer.from(b64, 'base64url').toString('hex');
  if (hex.length !== 32) throw new Error(`bad uuid ${b64}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
export function hexToUuid(hex: string): string {
  const b = Buffer.from(hex.replaceAll('-', ''), 'hex');
  if (b.length !== 16) throw new Error(`bad uuid ${hex}`);
  return b.toString('base64url');
}

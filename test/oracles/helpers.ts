// Shared helpers for the oracle tests: byte comparison with a readable failure, the library-view mapping
// (library field names → ours, through an explicit rename table per API), and path utilities.
import { expect } from 'vitest';
import { camel, inRange, messageDef, structFields, hexToUuid, type FieldDef, type MessageDef } from './schema.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Assert two byte strings are identical; on failure the message names the first differing offset with context. */
export function expectSameBytes(actual: Buffer, expected: Buffer, label: string): void {
  if (actual.equals(expected)) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 8);
  const ctx = (b: Buffer) => `${b.subarray(from, i).toString('hex')}|${b.subarray(i, i + 16).toString('hex')}`;
  const msg =
    `${label}: bytes differ at offset ${i} (ours ${actual.length} bytes, library ${expected.length} bytes)\n` +
    `  ours:    …${ctx(actual)}\n  library: …${ctx(expected)}\n` +
    `  ours (full):    ${actual.toString('hex')}\n  library (full): ${expected.toString('hex')}`;
  expect.fail(msg);
}

/** Deep-clone an object dropping the given dotted paths (array levels transparent). */
export function omitPaths<T>(obj: T, paths: string[]): T {
  if (paths.length === 0) return obj;
  const rec = (o: any, prefix: string): any => {
    if (Array.isArray(o)) return o.map((e) => rec(e, prefix));
    if (o === null || typeof o !== 'object' || Buffer.isBuffer(o)) return o;
    const out: any = {};
    for (const [k, v] of Object.entries(o)) {
      const p = prefix + k;
      if (paths.includes(p)) continue;
      out[k] = rec(v, p + '.');
    }
    return out;
  };
  return rec(obj, '');
}

export interface LibViewOptions {
  /** our dotted path → the library's key for that field (at the same nesting level) */
  rename?: Record<string, string>;
  /** our dotted path → function turning the library's value into ours (runs instead of the default conversion) */
  transform?: Record<string, (libValue: any, libParent: any) => unknown>;
  /** for fields the library does not expose as a key but as something derived: our path → extractor(libParent) */
  derive?: Record<string, (libParent: any) => unknown>;
}

/**
 * Map an object parsed by a library into OUR shape for version v: walk the Kafka definition of that version, and
 * for every field take the library's value (under its renamed key), converting uuid text (hex → base64url),
 * int64 (number / string / kafkajs Long → bigint) and nested structs. Fields the library does not have are left
 * out (the tests then assert exactly which ones, per API). Library keys that are not mapped are ignored.
 */
export function libView(apiKey: number, kind: 'request' | 'response', v: number, lib: any, opts: LibViewOptions = {}): any {
  const def = messageDef(apiKey, kind, v);
  return viewStruct(def, def.fields, v, lib, '', opts);
}

function viewStruct(def: MessageDef, fields: FieldDef[], v: number, lib: any, prefix: string, opts: LibViewOptions): any {
  const out: any = {};
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue;
    const k = camel(f.name);
    const p = prefix + k;
    if (opts.derive?.[p]) {
      const d = opts.derive[p]!(lib);
      if (d !== undefined) out[k] = viewValue(def, f, v, d, p, opts);
      continue;
    }
    const libKey = opts.rename?.[p] ?? k;
    if (lib === null || typeof lib !== 'object' || !(libKey in lib) || lib[libKey] === undefined) continue;
    const val = lib[libKey];
    if (opts.transform?.[p]) {
      out[k] = opts.transform[p]!(val, lib);
      continue;
    }
    out[k] = viewValue(def, f, v, val, p, opts);
  }
  return out;
}

function viewValue(def: MessageDef, f: FieldDef, v: number, val: any, p: string, opts: LibViewOptions): any {
  if (val === null) return null;
  const sub = structFields(def, f);
  if (f.type.startsWith('[]')) {
    const arr = val instanceof Map ? [...val.values()] : val;
    if (!Array.isArray(arr)) return val;
    const et = f.type.slice(2);
    return arr.map((e: any) => (sub ? viewStruct(def, sub, v, e, p + '.', opts) : viewScalar(et, e)));
  }
  if (sub) return viewStruct(def, sub, v, val, p + '.', opts);
  return viewScalar(f.type, val);
}

function viewScalar(type: string, val: any): any {
  if (val === null || val === undefined) return val;
  switch (type) {
    case 'int64':
      if (typeof val === 'bigint') return val;
      if (typeof val === 'number' || typeof val === 'string') return BigInt(val);
      if (typeof val === 'object' && typeof val.toString === 'function') return BigInt(val.toString()); // kafkajs Long
      return val;
    case 'uuid':
      return typeof val === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(val) ? hexToUuid(val) : val;
    default:
      return val;
  }
}

/** Strip `_unknownTaggedFields: []` / undefined noise so toEqual compares fields only. */
export function clean<T>(o: T): T {
  const rec = (x: any): any => {
    if (Array.isArray(x)) return x.map(rec);
    if (x === null || typeof x !== 'object' || Buffer.isBuffer(x)) return x;
    const out: any = {};
    for (const [k, v] of Object.entries(x)) {
      if (v === undefined) continue;
      if (k === '_unknownTaggedFields' && Array.isArray(v) && v.length === 0) continue;
      out[k] = rec(v);
    }
    return out;
  };
  return rec(o);
}

export const utf8 = (s: string) => Buffer.from(s, 'utf8');

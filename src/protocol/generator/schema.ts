import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Range, formatRange, intersect, parseRange, union } from './versions.js';

/** A field as Kafka's JSON writes it. */
export interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  flexibleVersions?: string;
  default?: string | number | boolean | null;
  ignorable?: boolean;
  about?: string;
  mapKey?: boolean;
  entityType?: string;
  zeroCopy?: boolean;
  fields?: RawField[];
}

export interface RawStruct {
  name: string;
  versions?: string;
  fields: RawField[];
}

export interface RawMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions?: string;
  latestVersionUnstable?: boolean;
  deprecatedVersions?: string;
  listeners?: string[];
  fields: RawField[];
  commonStructs?: RawStruct[];
}

/** A field with its version ranges parsed, the form the emitter works on. */
export interface Field {
  name: string;
  /** 'int32', 'string', 'records', … ; for structs and arrays of structs, the struct's name. */
  type: string;
  isArray: boolean;
  /** Set for a struct or an array of structs. */
  struct?: Struct;
  versions: Range | null;
  nullable: Range | null;
  tagged: Range | null;
  tag?: number;
  /** Field-level override of the message's flexible versions (the request header's ClientId: never compact). */
  flexible?: Range | null;
  default: string | number | boolean | null | undefined;
  ignorable: boolean;
  about?: string;
}

export interface Struct {
  name: string;
  fields: Field[];
}

export interface Message {
  name: string;
  type: string;
  apiKey?: number;
  valid: Range;
  flexible: Range | null;
  latestVersionUnstable: boolean;
  root: Struct;
  /** Every struct of the message, nested and common, by name. */
  structs: Map<string, Struct>;
  /** Where the definition came from, for the generated file's header. */
  sources: string[];
}

/** Kafka's JSON allows // and block comments outside strings. */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (text.startsWith('//', i)) {
      const j = text.indexOf('\n', i);
      i = j < 0 ? text.length : j - 1;
    } else if (text.startsWith('/*', i)) {
      const j = text.indexOf('*/', i + 2);
      if (j < 0) throw new Error('unterminated comment');
      i = j + 1;
    } else out += c;
  }
  return out;
}

export function readRawMessages(dir: string): RawMessage[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(stripComments(readFileSync(join(dir, f), 'utf8'))) as RawMessage);
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'uuid', 'records']);

export function isPrimitive(type: string): boolean {
  return PRIMITIVES.has(type);
}

/** Turns a raw message into the parsed form, resolving common structs and clipping every range to `valid`. */
export function parseMessage(raw: RawMessage, sources: string[]): Message {
  const valid = parseRange(raw.validVersions)!;
  const structs = new Map<string, Struct>();
  const common = new Map<string, RawStruct>((raw.commonStructs ?? []).map((s) => [s.name, s]));

  const parseStruct = (name: string, fields: RawField[]): Struct => {
    const existing = structs.get(name);
    if (existing !== undefined) return existing;
    const s: Struct = { name, fields: [] };
    structs.set(name, s);
    s.fields = fields.map(parseField).filter((f) => f.versions !== null);
    return s;
  };

  const parseField = (f: RawField): Field => {
    const isArray = f.type.startsWith('[]');
    const base = isArray ? f.type.slice(2) : f.type;
    // A field with only taggedVersions exists exactly in those versions.
    const versions = intersect(parseRange(f.versions ?? f.taggedVersions), valid);
    const field: Field = {
      name: f.name,
      type: base,
      isArray,
      versions,
      nullable: intersect(parseRange(f.nullableVersions), versions),
      tagged: intersect(parseRange(f.taggedVersions), versions),
      tag: f.tag,
      default: f.default,
      ignorable: f.ignorable === true,
      about: f.about,
    };
    if (f.flexibleVersions !== undefined) field.flexible = parseRange(f.flexibleVersions);
    if (!isPrimitive(base)) {
      if (f.fields !== undefined) field.struct = parseStruct(base, f.fields);
      else {
        const c = common.get(base);
        if (c === undefined) throw new Error(`${raw.name}.${f.name}: unknown type ${f.type}`);
        field.struct = parseStruct(base, c.fields);
      }
    }
    return field;
  };

  const root = parseStruct(raw.name, raw.fields ?? []);
  return {
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey,
    valid,
    flexible: parseRange(raw.flexibleVersions),
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root,
    structs,
    sources,
  };
}

/**
 * Merges the definition Kafka 4.0 trimmed (trunk) with the older one that still has the versions it dropped
 * (legacy), into one raw message valid from legacy's lowest version to trunk's highest. Each side speaks for its
 * own versions only: legacy for those below trunk's lowest, trunk for the rest. Fields are matched by name and
 * keep their relative order; their ranges are joined. `checkLayouts` then proves every version came out as its
 * own file defines it.
 */
export function mergeLegacy(trunk: RawMessage, legacy: RawMessage): RawMessage {
  const t = parseRange(trunk.validVersions)!;
  const l = parseRange(legacy.validVersions)!;
  const oldOnly = intersect(l, { lo: l.lo, hi: t.lo - 1 });
  if (oldOnly === null) return trunk;
  const where = `${trunk.name}`;
  const newOnly: Range = { lo: t.lo, hi: Infinity };

  const clip = (spec: string | undefined, r: Range | null): Range | null => intersect(parseRange(spec), r);
  const join = (what: string, a: Range | null, b: Range | null): string | undefined => {
    const u = union(a, b);
    if (u === 'gap') throw new Error(`${where}: ${what} ranges ${formatRange(a)} and ${formatRange(b)} leave a gap`);
    return u === null ? undefined : formatRange(u);
  };

  const mergeFields = (tf: RawField[], lf: RawField[]): RawField[] => {
    const liveT = tf;
    const liveL = lf.filter((f) => clip(f.versions ?? f.taggedVersions, oldOnly) !== null);
    const out: RawField[] = [];
    let i = 0;
    for (const old of liveL) {
      const j = liveT.findIndex((f) => f.name === old.name);
      if (j < 0) {
        out.push(clipField(old, oldOnly));
        continue;
      }
      if (j < i) throw new Error(`${where}: field ${old.name} is ordered differently in trunk and legacy`);
      while (i < j) out.push(clipField(liveT[i++]!, newOnly));
      out.push(mergeField(liveT[i++]!, old));
    }
    while (i < liveT.length) out.push(clipField(liveT[i++]!, newOnly));
    return out;
  };

  // A field only one side has exists only in that side's versions.
  const clipField = (f: RawField, r: Range): RawField => {
    const versions = clip(f.versions ?? f.taggedVersions, r);
    if (versions === null) return { ...f, versions: 'none' };
    const out: RawField = { ...f, versions: formatRange(versions) };
    const nullable = clip(f.nullableVersions, r);
    const tagged = clip(f.taggedVersions, r);
    if (f.nullableVersions !== undefined) out.nullableVersions = formatRange(nullable);
    if (f.taggedVersions !== undefined) out.taggedVersions = formatRange(tagged);
    return out;
  };

  const mergeField = (tf: RawField, lf: RawField): RawField => {
    const tr = newOnly;
    const merged: RawField = {
      ...tf,
      versions: join(`${tf.name} versions`, clip(tf.versions ?? tf.taggedVersions, tr), clip(lf.versions ?? lf.taggedVersions, oldOnly)),
      nullableVersions: join(`${tf.name} nullable`, clip(tf.nullableVersions, tr), clip(lf.nullableVersions, oldOnly)),
      taggedVersions: join(`${tf.name} tagged`, clip(tf.taggedVersions, tr), clip(lf.taggedVersions, oldOnly)),
    };
    if (merged.nullableVersions === undefined) delete merged.nullableVersions;
    if (merged.taggedVersions === undefined) delete merged.taggedVersions;
    if (tf.fields !== undefined || lf.fields !== undefined) merged.fields = mergeFields(tf.fields ?? [], lf.fields ?? []);
    return merged;
  };

  const commons = new Map((trunk.commonStructs ?? []).map((s) => [s.name, s]));
  for (const s of legacy.commonStructs ?? []) {
    const ts = commons.get(s.name);
    commons.set(s.name, ts === undefined ? s : { ...ts, fields: mergeFields(ts.fields, s.fields) });
  }
  return {
    ...trunk,
    validVersions: formatRange({ lo: l.lo, hi: t.hi }),
    flexibleVersions: trunk.flexibleVersions,
    fields: mergeFields(trunk.fields, legacy.fields),
    ...(commons.size > 0 ? { commonStructs: [...commons.values()] } : {}),
  };
}

/**
 * The wire layout of one version: the sequence of types (with nullability, tags and compactness) that a version
 * puts on the wire, names left out (Kafka renames fields without changing bytes).
 */
export function layout(m: Message, v: number): string {
  const flexible = m.flexible !== null && v >= m.flexible.lo;
  const walk = (s: Struct, depth: number): string => {
    if (depth > 20) return '…';
    const parts: string[] = [];
    for (const f of s.fields) {
      if (f.versions === null || v < f.versions.lo || v > f.versions.hi) continue;
      const tagged = f.tagged !== null && v >= f.tagged.lo && v <= f.tagged.hi;
      const nullable = f.nullable !== null && v >= f.nullable.lo && v <= f.nullable.hi;
      const compact = flexible && (f.flexible === undefined || (f.flexible !== null && v >= f.flexible.lo));
      let t = (f.isArray ? '[]' : '') + (f.struct ? `{${walk(f.struct, depth + 1)}}` : f.type);
      if (nullable) t += '?';
      if (compact) t = `c:${t}`;
      if (tagged) t = `tag${f.tag}:${t}`;
      parts.push(t);
    }
    if (flexible) parts.push('tags');
    return parts.join(',');
  };
  return walk(m.root, 0);
}

/** Checks that each version of the merged message lays out exactly as the definition it came from. */
export function checkLayouts(merged: Message, trunk: Message, legacy: Message | undefined): string[] {
  const problems: string[] = [];
  for (let v = merged.valid.lo; v <= merged.valid.hi; v++) {
    const own = v >= trunk.valid.lo ? trunk : legacy;
    if (own === undefined) continue;
    if (layout(merged, v) !== layout(own, v)) problems.push(`${merged.name} v${v}: merged layout differs from ${own.sources[0]}`);
    if (legacy !== undefined && v >= trunk.valid.lo && v <= legacy.valid.hi && layout(trunk, v) !== layout(legacy, v))
      problems.push(`${merged.name} v${v}: trunk and legacy disagree on the layout`);
  }
  return problems;
}

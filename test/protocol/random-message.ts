import type { Field, Message, Struct } from '../../src/protocol/generator/schema.js';
import { contains } from '../../src/protocol/generator/versions.js';

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const camel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);
const ALPHABET = ['a', 'Z', '0', ' ', '-', 'é', 'ß', '中', '文', '🦀', '\u0000', 'ø'];

export interface RandomOptions {
  /** Probability of a large array (hundreds of elements). */
  large: number;
  /** Whether to add unknown tagged fields to flexible structs. */
  unknownTags: boolean;
}

/**
 * A random message for one version, complete as a decoder returns it: fields absent in the version hold their
 * defaults (taken from the generated `make()`), present ones random values of every shape the type allows.
 */
export function randomMessage(m: Message, make: () => unknown, v: number, next: () => number, opts: RandomOptions): Record<string, unknown> {
  const flexible = contains(m.flexible, v);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const chance = (p: number): boolean => next() < p;
  const defaults = make() as Record<string, unknown>;

  const string = (): string => {
    const n = chance(0.2) ? 0 : int(1, chance(0.05) ? 300 : 12);
    let s = '';
    for (let i = 0; i < n; i++) s += ALPHABET[int(0, ALPHABET.length - 1)];
    return s;
  };
  const bytes = (): Buffer => {
    const n = chance(0.2) ? 0 : int(1, chance(0.05) ? 20000 : 40);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = int(0, 255);
    return b;
  };
  const scalar = (type: string): unknown => {
    switch (type) {
      case 'bool':
        return chance(0.5);
      case 'int8':
        return int(-128, 127);
      case 'int16':
        return int(-32768, 32767);
      case 'uint16':
        return int(0, 65535);
      case 'int32':
        return chance(0.1) ? -2147483648 : int(-2147483647, 2147483647);
      case 'uint32':
        return int(0, 4294967295);
      case 'int64':
        return chance(0.1) ? -(2n ** 63n) : BigInt(int(-2147483647, 2147483647)) * BigInt(int(0, 2 ** 31));
      case 'float64':
        return chance(0.1) ? 0 : (next() - 0.5) * 10 ** int(-5, 30);
      case 'string':
        return string();
      case 'bytes':
      case 'records':
        return bytes();
      case 'uuid': {
        const b = Buffer.alloc(16);
        for (let i = 0; i < 16; i++) b[i] = int(0, 255);
        return b.toString('base64url');
      }
    }
    throw new Error(`no random ${type}`);
  };

  const structValue = (s: Struct, dflt: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const known = new Set<number>();
    for (const f of s.fields) {
      const key = camel(f.name);
      if (!contains(f.versions, v)) out[key] = dflt[key];
      else {
        if (f.tag !== undefined) known.add(f.tag);
        // Tagged fields are often left at their default, so the "not written" path is exercised too.
        out[key] = contains(f.tagged, v) && chance(0.4) ? dflt[key] : fieldValue(f, depth);
      }
    }
    if (flexible && opts.unknownTags && chance(0.15)) {
      const tags = [];
      for (let t = 1000 + int(0, 5); tags.length < int(1, 3); t += int(1, 100)) if (!known.has(t)) tags.push({ tag: t, data: bytes() });
      out._unknownTaggedFields = tags;
    }
    return out;
  };

  const structDefault = (f: Field): Record<string, unknown> => {
    // Defaults of a nested struct: found by decoding nothing is not possible, so derive them from the schema.
    const out: Record<string, unknown> = {};
    for (const g of f.struct!.fields) out[camel(g.name)] = fieldDefault(g);
    return out;
  };

  const fieldDefault = (f: Field): unknown => {
    const isNull = f.default === null || f.default === 'null';
    if (isNull && (f.nullable !== null || f.isArray || f.struct || f.type === 'string' || f.type === 'bytes')) return null;
    if (f.isArray) return [];
    if (f.struct) return structDefault(f);
    return FIELD_DEFAULTS(f);
  };

  const fieldValue = (f: Field, depth: number): unknown => {
    if (contains(f.nullable, v) && chance(0.15)) return null;
    if (f.isArray) {
      const n = depth > 3 ? 0 : chance(0.2) ? 0 : depth <= 1 && chance(opts.large) ? int(100, depth === 0 ? 600 : 40) : int(1, 3);
      const items: unknown[] = [];
      for (let i = 0; i < n; i++) items.push(f.struct ? structValue(f.struct, structDefault(f), depth + 1) : scalar(f.type));
      return items;
    }
    if (f.struct) return structValue(f.struct, structDefault(f), depth + 1);
    return scalar(f.type);
  };

  return structValue(m.root, defaults, 0);
}

/** Scalar defaults as the generator computes them, for nested structs whose `make` is not exported. */
function FIELD_DEFAULTS(f: Field): unknown {
  const d = f.default;
  const text = d === undefined || d === null ? '' : String(d);
  const int = (t: string): bigint => (t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t));
  switch (f.type) {
    case 'bool':
      return text === 'true' || text === 'True';
    case 'int64':
      return text === '' ? 0n : int(text);
    case 'float64':
      return text === '' ? 0 : Number(text);
    case 'string':
      return text;
    case 'uuid':
      return text === '' ? 'AAAAAAAAAAAAAAAAAAAAAA' : text;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return f.nullable !== null ? null : Buffer.alloc(0);
    default:
      return text === '' ? 0 : Number(int(text));
  }
}

import { UnsupportedVersionError } from './errors.js';

/**
 * Whether a value equals a field's default, as Kafka decides when a tagged field may be left out or a field the
 * version lacks may be dropped: null is not the empty value, arrays and byte strings compare by content, structs
 * field by field.
 */
export function isDefault(value: unknown, dflt: unknown): boolean {
  if (value === dflt) return true;
  // int64 inputs may be numbers while defaults are bigints.
  if (typeof value === 'number' && typeof dflt === 'bigint') return Number.isInteger(value) && BigInt(value) === dflt;
  if (value === null || dflt === null || value === undefined || dflt === undefined) return false;
  if (Buffer.isBuffer(value)) return Buffer.isBuffer(dflt) && value.equals(dflt);
  if (Array.isArray(value)) {
    if (!Array.isArray(dflt) || value.length !== dflt.length) return false;
    return value.every((item, i) => isDefault(item, dflt[i]));
  }
  if (typeof value === 'object') {
    const d = dflt as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (k === '_unknownTaggedFields') {
        if ((v as unknown[]).length > 0) return false;
        continue;
      }
      if (!isDefault(v, d[k])) return false;
    }
    return true;
  }
  return false;
}

export function unsupportedField(field: string, version: number): never {
  throw new UnsupportedVersionError(`attempted to write a non-default ${field} at version ${version}`);
}

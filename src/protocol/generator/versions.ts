/** An inclusive version range; `hi` is Infinity for "N+". Empty ranges are represented by `null`. */
export interface Range {
  lo: number;
  hi: number;
}

/** Parses Kafka's version syntax: "none", "3", "3+", "0-12". */
export function parseRange(spec: string | undefined): Range | null {
  if (spec === undefined || spec === 'none' || spec === '') return null;
  if (spec.endsWith('+')) return { lo: Number(spec.slice(0, -1)), hi: Infinity };
  const dash = spec.indexOf('-');
  if (dash < 0) return { lo: Number(spec), hi: Number(spec) };
  return { lo: Number(spec.slice(0, dash)), hi: Number(spec.slice(dash + 1)) };
}

export function formatRange(r: Range | null): string {
  if (r === null) return 'none';
  if (r.hi === Infinity) return `${r.lo}+`;
  return r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`;
}

export function intersect(a: Range | null, b: Range | null): Range | null {
  if (a === null || b === null) return null;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

export function contains(r: Range | null, v: number): boolean {
  return r !== null && v >= r.lo && v <= r.hi;
}

/** The union of two ranges, which must touch or overlap (else the caller's data has a hole it must report). */
export function union(a: Range | null, b: Range | null): Range | null | 'gap' {
  if (a === null) return b;
  if (b === null) return a;
  if (a.lo > b.hi + 1 || b.lo > a.hi + 1) return 'gap';
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

/**
 * The condition, as TypeScript over `v`, for "v is in `r`" when v is already known to lie in `ctx`.
 * Returns 'always', 'never', or an expression.
 */
export function condition(r: Range | null, ctx: Range): string {
  const i = intersect(r, ctx);
  if (i === null) return 'never';
  const parts: string[] = [];
  if (i.lo > ctx.lo) parts.push(`v >= ${i.lo}`);
  if (i.hi < ctx.hi) parts.push(`v <= ${i.hi}`);
  return parts.length === 0 ? 'always' : parts.join(' && ');
}

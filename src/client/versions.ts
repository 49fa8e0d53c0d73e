/**
 * Which versions of each API this client can speak, and the choice of version per broker: the highest version
 * both sides support, as Kafka's clients pick it from the broker's ApiVersions answer.
 *
 * The generated codecs can encode every version, but some versions change what a request means (topic ids in
 * place of names, say): an API whose client code does not handle its newest versions is capped here.
 */
import { apis, type ApiKeyNumber } from '../protocol/index.js';

export interface VersionRange {
  min: number;
  max: number;
}

/** Caps below the codec's newest version, with the reason. */
const CLIENT_MAX: Partial<Record<ApiKeyNumber, number>> = {
  // v13 names topics by id only; the producer sends names.
  0: 12,
  // v13+ names topics by id only; the consumer sends names.
  1: 12,
};

export function clientRange(apiKey: number): VersionRange | undefined {
  const api = (apis as Record<number, { minVersion: number; maxVersion: number }>)[apiKey];
  if (api === undefined) return undefined;
  return { min: api.minVersion, max: CLIENT_MAX[apiKey as ApiKeyNumber] ?? api.maxVersion };
}

/** The highest version in both ranges, or undefined when they do not meet. */
export function highestCommon(a: VersionRange, b: VersionRange): number | undefined {
  const max = Math.min(a.max, b.max);
  return max >= Math.max(a.min, b.min) ? max : undefined;
}

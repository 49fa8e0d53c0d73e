import { generate, type Generated } from '../../src/protocol/generator/main.js';
import type { MessageCodec } from '../../src/protocol/wire/index.js';

let cached: Generated | undefined;
/** The generator's view of every schema (parsed and merged), from ../shared/kafka-protocol. */
export function generated(): Generated {
  return (cached ??= generate());
}

/** Imports the generated codec of every message: output file → codec. */
export async function loadCodecs(): Promise<Map<string, MessageCodec<unknown>>> {
  const out = new Map<string, MessageCodec<unknown>>();
  for (const [file, m] of generated().messages) {
    const mod = (await import(/* @vite-ignore */ `../../${file.replace(/\.ts$/, '.js')}`)) as Record<string, MessageCodec<unknown>>;
    out.set(file, mod[m.name]!);
  }
  return out;
}

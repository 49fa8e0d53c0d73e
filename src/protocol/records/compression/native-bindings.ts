/**
 * Lazy loading of the native codec addons. They are loaded on first use, not at import, so a broker or
 * CLI run that never sees snappy/lz4/zstd data never pays their load time.
 *
 * A single-executable build cannot `require` an addon from node_modules; it can instead load the `.node`
 * file itself (process.dlopen) and hand the resulting module over with `provideCompressionBinding`
 * before the first compressed batch is handled.
 */
import { createRequire } from 'node:module';
import type * as SnappyModule from 'snappy';
import type * as Lz4Module from 'lz4-napi';
import type * as ZstdNapiModule from 'zstd-napi';
import type * as ZstdNapiBindingModule from 'zstd-napi/binding.js';
import { UnsupportedCompressionTypeError } from '../errors.js';

export type SnappyBinding = Pick<typeof SnappyModule, 'compressSync' | 'uncompressSync'>;
export type Lz4Binding = Pick<typeof Lz4Module, 'compressFrameSync' | 'decompressFrameSync'>;
export type ZstdNapiBinding = Pick<typeof ZstdNapiModule, 'compress'>;
export type ZstdNapiLowLevelBinding = Pick<typeof ZstdNapiBindingModule, 'DCtx' | 'dStreamOutSize' | 'ResetDirective'>;

interface BindingTypes {
  snappy: SnappyBinding;
  'lz4-napi': Lz4Binding;
  'zstd-napi': ZstdNapiBinding;
  'zstd-napi/binding': ZstdNapiLowLevelBinding;
}
export type CompressionBindingName = keyof BindingTypes;

const provided: { [K in CompressionBindingName]?: BindingTypes[K] } = {};
const failures: { [K in CompressionBindingName]?: Error } = {};
let requireFn: NodeJS.Require | undefined;

export function provideCompressionBinding<K extends CompressionBindingName>(name: K, binding: BindingTypes[K]): void {
  provided[name] = binding;
  delete failures[name];
}

export function loadCompressionBinding<K extends CompressionBindingName>(name: K): BindingTypes[K] {
  const cached = provided[name];
  if (cached) return cached;
  const failed = failures[name];
  if (failed) throw failed;
  try {
    requireFn ??= createRequire(import.meta.url);
    const binding = requireFn(name) as BindingTypes[K];
    provided[name] = binding;
    return binding;
  } catch (cause) {
    const error = new UnsupportedCompressionTypeError(
      `Compression library ${name} could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    failures[name] = error;
    throw error;
  }
}

export function isCompressionBindingLoadable(name: CompressionBindingName): boolean {
  try {
    loadCompressionBinding(name);
    return true;
  } catch {
    return false;
  }
}

/** A tagged field this schema does not know, kept so that re-encoding writes it back. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

/**
 * What encoders accept: any field may be left out (it takes the schema's default), and int64 fields take numbers
 * too. Decoders always return the complete type.
 */
export type Input<T> = T extends bigint
  ? bigint | number
  : T extends Buffer | string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Input<U>[]
      : { [K in keyof T]?: K extends '_unknownTaggedFields' ? T[K] : Input<T[K]> };

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

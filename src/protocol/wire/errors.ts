/** A body or frame that does not decode: truncated, a length past the end, a negative length, a bad value. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(
    message: string,
    readonly code: 'TRUNCATED' | 'INVALID_LENGTH' | 'INVALID_VALUE',
  ) {
    super(message);
  }
}

/** A version the message does not define, or a field set that the chosen version cannot carry. */
export class UnsupportedVersionError extends Error {
  override name = 'UnsupportedVersionError';
}

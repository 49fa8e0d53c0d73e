export { Reader } from './reader.js';
export { Writer, type TaggedWrite } from './writer.js';
export { DecodeError, UnsupportedVersionError } from './errors.js';
export { type Input, type TaggedField, ZERO_UUID, EMPTY_BYTES } from './types.js';
export { isDefault, unsupportedField } from './defaults.js';
export { defineMessage, type MessageCodec } from './message.js';

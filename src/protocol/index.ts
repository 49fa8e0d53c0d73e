/**
 * gregor's protocol layer: one codec for the broker, the client and the mirror (the franz-go/kmsg model).
 * `apis[apiKey]` gives an API's versions and its request and response codecs; the frame functions add headers
 * and size prefixes as Kafka chooses them per API and version.
 */
export { apis, ApiKey, type ApiKeyNumber } from './messages/apis.js';
export {
  apiFor,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeResponseFrameChunks,
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  UnsupportedRequestError,
  type ParsedRequestHeader,
  type RequestHeaderFields,
} from './frame.js';
export { FrameSizeError, FrameSplitter } from './framing.js';
export {
  DecodeError,
  Reader,
  UnsupportedVersionError,
  Writer,
  ZERO_UUID,
  type Input,
  type MessageCodec,
  type TaggedField,
} from './wire/index.js';
export { ErrorCode, errorName, describeError, type ErrorName } from './errors.js';

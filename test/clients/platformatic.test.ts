/**
 * @platformatic/kafka 2.x (npm) against a real `gregor serve`, run under Node 22 (platformatic.mjs via
 * runWithNode22). Reads use Consumer#fetch: a plain Fetch to the leader, no group.
 */
import { platformaticDriver } from './support.js';
import { defineClientSuite } from './suite.js';

defineClientSuite('platformatic', {
  driver: platformaticDriver,
  perRecordHeadersAndTimestamps: true,
  tooLarge: /"apiId":"MESSAGE_TOO_LARGE"/,
  alreadyExists: /"apiId":"TOPIC_ALREADY_EXISTS"/,
  incrementalAlter: true, // the driver uses incrementalAlterConfigs
  afterLastTimestamp: 'minus1',
});

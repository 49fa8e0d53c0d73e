/**
 * confluent-kafka-python 1.7.0 (librdkafka 2.0.2, Debian's /usr/bin/python3) against a real `gregor serve`.
 * Reads: Consumer.assign() (librdkafka requires a group.id, but nothing joins or commits).
 */
import { confluentDriver } from './support.js';
import { defineClientSuite } from './suite.js';

defineClientSuite('confluent-kafka', {
  needs: ['confluent-kafka'],
  driver: confluentDriver,
  perRecordHeadersAndTimestamps: true,
  // The broker's error: librdkafka's own size check would say "Message size too large" without "Broker:".
  tooLarge: /"name":"MSG_SIZE_TOO_LARGE".*Broker: Message size too large/,
  alreadyExists: /TOPIC_ALREADY_EXISTS/,
  afterLastTimestamp: 'minus1',
  resetsOffsets: true,
});

/**
 * kafkajs 2.2.4 (npm) against a real `gregor serve`. kafkajs has no consumer without a group: reads go through
 * its own cluster/broker objects (a plain Fetch to the leader, decoded by kafkajs). Its admin creates the topics.
 */
import { kafkajsDriver } from './drivers.js';
import { defineClientSuite } from './suite.js';

defineClientSuite('kafkajs', {
  driver: kafkajsDriver,
  perRecordHeadersAndTimestamps: true,
  tooLarge: /"type":"MESSAGE_TOO_LARGE"/,
  alreadyExists: false, // createTopics answers false
  afterLastTimestamp: 'latest', // fetchTopicOffsetsByTimestamp answers the high watermark for Kafka's -1
});

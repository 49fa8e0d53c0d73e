/**
 * Consumer groups: kafka-python 2.0.2 consumers (classic protocol); KafkaAdminClient.describe_consumer_groups decodes assignments.
 */
import { groupClients } from './group-clients.js';
import { defineGroupSuite } from './groups-suite.js';

defineGroupSuite('kafka-python', {
  needs: ['kafka-python'],
  ...groupClients['kafka-python'],
});

/**
 * Consumer groups: confluent-kafka-python 1.7.0 consumers (librdkafka 2.0.2, classic protocol); its 1.7 AdminClient has no
 * describe_consumer_groups: list_groups (ListGroups + DescribeGroups), assignments decoded by the script.
 */
import { groupClients } from './group-clients.js';
import { defineGroupSuite } from './groups-suite.js';

defineGroupSuite('confluent-kafka', {
  needs: ['confluent-kafka'],
  ...groupClients['confluent-kafka'],
});

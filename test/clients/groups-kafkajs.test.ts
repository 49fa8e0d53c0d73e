/**
 * Consumer groups: kafkajs 2.2.4 consumers (classic protocol, in this process) against a real `gregor serve`.
 */
import { groupClients } from './group-clients.js';
import { defineGroupSuite } from './groups-suite.js';

defineGroupSuite('kafkajs', {
  ...groupClients['kafkajs'],
});

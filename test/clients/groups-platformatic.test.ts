/**
 * Consumer groups: @platformatic/kafka 2.x consumers (under Node 22) with the classic protocol; describing with
 * its Admin#describeGroups (DescribeGroups, assignments decoded by platformatic). The consumer protocol (KIP-848)
 * is in groups-platformatic-848.test.ts.
 */
import { groupClients } from './group-clients.js';
import { defineGroupSuite } from './groups-suite.js';

defineGroupSuite('platformatic', groupClients.platformatic);

/**
 * Consumer groups: kcat 1.7.1 `-G` balanced consumers (librdkafka 2.0.2, classic protocol). kcat has no group admin API and commits
 * only by librdkafka's auto-commit (every 100 ms, and at close).
 */
import { groupClients } from './group-clients.js';
import { defineGroupSuite } from './groups-suite.js';

defineGroupSuite('kcat', {
  needs: ['kcat'],
  describeSkip: 'kcat has no describe-groups (no admin API)',
  commitsOnlyOnClose: true,
  // Seen here: "% ERROR: Local: All broker connections are down: 3/3 brokers are down: terminating" (exit 1).
  skipRestart: 'kcat exits when every broker connection is down (librdkafka _ALL_BROKERS_DOWN is fatal in kcat)',
  ...groupClients['kcat'],
});

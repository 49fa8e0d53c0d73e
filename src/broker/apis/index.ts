import type { ApiHandler } from '../api.js';
import produce from './00-produce.js';
import fetch from './01-fetch.js';
import listOffsets from './02-list-offsets.js';
import metadataApi from './03-metadata.js';
import offsetCommit from './08-offset-commit.js';
import offsetFetch from './09-offset-fetch.js';
import findCoordinator from './10-find-coordinator.js';
import joinGroup from './11-join-group.js';
import heartbeat from './12-heartbeat.js';
import leaveGroup from './13-leave-group.js';
import syncGroup from './14-sync-group.js';
import describeGroups from './15-describe-groups.js';
import listGroups from './16-list-groups.js';
import apiVersions from './18-api-versions.js';
import createTopics from './19-create-topics.js';
import deleteTopics from './20-delete-topics.js';
import deleteRecords from './21-delete-records.js';
import initProducerId from './22-init-producer-id.js';
import offsetForLeaderEpoch from './23-offset-for-leader-epoch.js';
import describeConfigs from './32-describe-configs.js';
import alterConfigs from './33-alter-configs.js';
import describeLogDirs from './35-describe-log-dirs.js';
import createPartitions from './37-create-partitions.js';
import deleteGroups from './42-delete-groups.js';
import electLeaders from './43-elect-leaders.js';
import incrementalAlterConfigs from './44-incremental-alter-configs.js';
import offsetDelete from './47-offset-delete.js';
import describeQuorum from './55-describe-quorum.js';
import describeCluster from './60-describe-cluster.js';
import describeProducers from './61-describe-producers.js';
import consumerGroupHeartbeat from './68-consumer-group-heartbeat.js';
import consumerGroupDescribe from './69-consumer-group-describe.js';
import describeTopicPartitions from './75-describe-topic-partitions.js';

/** Every API the broker serves, by API key; ApiVersions advertises exactly these, with these versions. */
export const handlers: ApiHandler<any>[] = [
  produce,
  fetch,
  listOffsets,
  metadataApi,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  offsetForLeaderEpoch,
  describeConfigs,
  alterConfigs,
  describeLogDirs,
  createPartitions,
  deleteGroups,
  electLeaders,
  incrementalAlterConfigs,
  offsetDelete,
  describeQuorum,
  describeCluster,
  describeProducers,
  consumerGroupHeartbeat,
  consumerGroupDescribe,
  describeTopicPartitions,
];

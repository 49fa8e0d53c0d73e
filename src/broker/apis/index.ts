import type { ApiHandler } from '../api.js';
import apiVersions from './18-api-versions.js';
import findCoordinator from './10-find-coordinator.js';
import offsetCommit from './08-offset-commit.js';
import offsetFetch from './09-offset-fetch.js';
import produce from './00-produce.js';
import fetch from './01-fetch.js';
import listOffsets from './02-list-offsets.js';
import deleteRecords from './21-delete-records.js';
import offsetForLeaderEpoch from './23-offset-for-leader-epoch.js';
import describeProducers from './61-describe-producers.js';
import metadataApi from './03-metadata.js';
import createTopics from './19-create-topics.js';
import deleteTopics from './20-delete-topics.js';
import describeConfigs from './32-describe-configs.js';
import alterConfigs from './33-alter-configs.js';
import describeLogDirs from './35-describe-log-dirs.js';
import createPartitions from './37-create-partitions.js';
import electLeaders from './43-elect-leaders.js';
import incrementalAlterConfigs from './44-incremental-alter-configs.js';
import describeQuorum from './55-describe-quorum.js';
import describeCluster from './60-describe-cluster.js';
import describeTopicPartitions from './75-describe-topic-partitions.js';

/** Every API the broker serves; ApiVersions advertises exactly these, with these versions. */
export const handlers: ApiHandler<any>[] = [apiVersions, findCoordinator, produce, fetch, listOffsets, deleteRecords, offsetForLeaderEpoch, describeProducers, metadataApi, createTopics, deleteTopics, describeConfigs, alterConfigs, describeLogDirs, createPartitions, electLeaders, incrementalAlterConfigs, describeQuorum, describeCluster, describeTopicPartitions, offsetCommit, offsetFetch];

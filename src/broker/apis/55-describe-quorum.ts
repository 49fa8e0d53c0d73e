import { METADATA_PARTITION, METADATA_TOPIC_NAME } from '../../metadata/index.js';
import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';

// DescribeQuorum (55), v0-2 (KIP-595, KIP-836, KIP-853), as KafkaRaftClient.handleDescribeQuorumRequest answers it.
// v0: leader, epoch, high watermark, voters and observers with their log end offsets. v1: last fetch and last
// caught-up timestamps. v2: replica directory ids, error messages, and the voters' listeners (nodes).
//
// gregor's quorum is this node alone, leader of __cluster_metadata-0. Asking about anything but exactly that one
// partition is UNKNOWN_TOPIC_OR_PARTITION for every partition asked about.
export default defineHandler({
  apiKey: 55,
  minVersion: 0,
  maxVersion: 2,
  handle(request, { broker, version }) {
    const valid =
      request.topics.length === 1 &&
      request.topics[0]!.topicName === METADATA_TOPIC_NAME &&
      request.topics[0]!.partitions.length === 1 &&
      request.topics[0]!.partitions[0]!.partitionIndex === METADATA_PARTITION;
    if (!valid) {
      return {
        errorCode: ErrorCode.NONE,
        topics: request.topics.map((t) => ({
          topicName: t.topicName,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })),
        })),
      };
    }
    const q = broker.metadata.describeQuorum();
    const replica = (r: (typeof q.currentVoters)[number]) => ({
      replicaId: r.replicaId,
      ...(version >= 2 ? { replicaDirectoryId: r.replicaDirectoryId } : {}),
      logEndOffset: BigInt(r.logEndOffset),
      lastFetchTimestamp: BigInt(r.lastFetchTimestamp),
      lastCaughtUpTimestamp: BigInt(r.lastCaughtUpTimestamp),
    });
    return {
      errorCode: ErrorCode.NONE,
      topics: [
        {
          topicName: q.topicName,
          partitions: [
            {
              partitionIndex: q.partitionIndex,
              errorCode: ErrorCode.NONE,
              leaderId: q.leaderId,
              leaderEpoch: q.leaderEpoch,
              highWatermark: BigInt(q.highWatermark),
              currentVoters: q.currentVoters.map(replica),
              observers: q.observers.map(replica),
            },
          ],
        },
      ],
      ...(version >= 2 ? { nodes: q.nodes.map((n) => ({ nodeId: n.nodeId, listeners: n.listeners.map((l) => ({ ...l })) })) } : {}),
    };
  },
});

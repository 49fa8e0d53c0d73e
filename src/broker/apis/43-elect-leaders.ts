import { ErrorCode } from '../../protocol/index.js';
import type { ReplicaElectionResult } from '../../protocol/messages/elect-leaders-response.js';
import { timedOut } from '../admin-common.js';
import { defineHandler } from '../api.js';

// ElectLeaders (43), v0-2 (KIP-460), as ControllerApis / ReplicationControlManager.electLeaders answer it.
// v0: preferred leader election only. v1: election type (0 preferred, 1 unclean) and a top-level error code.
// v2: flexible.
//
// Per partition: NONE when the leader moved, ELECTION_NOT_NEEDED when the preferred replica already leads (or, for
// unclean, a leader exists), PREFERRED_LEADER_NOT_AVAILABLE / ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica
// qualifies, UNKNOWN_TOPIC_OR_PARTITION. Null partitions means every partition: every topic is listed, with only
// the partitions that needed an election. An unknown election type fails the request (INVALID_REQUEST); a timeout of zero or less
// expires before the controller runs it (REQUEST_TIMED_OUT).
export default defineHandler({
  apiKey: 43,
  minVersion: 0,
  maxVersion: 2,
  handle(request, { broker, version }) {
    const requestError = (errorCode: number, errorMessage: string | null) => ({
      throttleTimeMs: 0,
      errorCode: version >= 1 ? errorCode : ErrorCode.NONE,
      replicaElectionResults: (request.topicPartitions ?? []).map((t) => ({
        topic: t.topic,
        partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })),
      })),
    });
    const electionType = version >= 1 ? request.electionType : 0;
    if (electionType !== 0 && electionType !== 1) return requestError(ErrorCode.INVALID_REQUEST, `Unknown election type ${electionType}`);
    if (timedOut(request.timeoutMs)) return requestError(ErrorCode.REQUEST_TIMED_OUT, null);

    const image = broker.metadata.image;
    const results = broker.metadata.electLeaders(electionType, request.topicPartitions);
    const out: ReplicaElectionResult[] = [];
    for (const r of results) {
      const topic = image.topicsByName.get(r.topic);
      const partitionResult = r.partitionResults
        .filter((p) => request.topicPartitions !== null || p.errorCode !== ErrorCode.ELECTION_NOT_NEEDED)
        .map((p) => {
          let errorMessage = p.errorMessage;
          if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            errorMessage = topic === undefined ? `No such topic as ${r.topic}` : `No such partition as ${r.topic}-${p.partitionId}`;
          // Kafka answers these with the errors' default messages (new ApiError(error)).
          else if (p.errorCode === ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE) errorMessage = 'The preferred leader was not available.';
          else if (p.errorCode === ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE) errorMessage = 'Eligible topic partition leaders are not available.';
          return { partitionId: p.partitionId, errorCode: p.errorCode, errorMessage };
        });
      // Asked about every partition, Kafka still lists every topic, with only the partitions that needed an election.
      out.push({ topic: r.topic, partitionResult });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: out };
  },
});

import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';
import type { CommitPartition } from '../groups/offset-store.js';
import { mergeAnswers, passed, screen } from '../groups/screened.js';
import { GroupError } from '../groups/types.js';

// OffsetCommit (8), v0-10. v0: group id and offsets (Kafka 4 dropped v0-1; old clients still send them, and they
// commit to the coordinator like the rest); v1 adds the generation, member id and a per-partition commit
// timestamp; v2 replaces the timestamp with a per-request retention time (the offsets expire then); v3-4 are v2;
// v5 removes the retention time (the broker's offsets.retention.minutes only); v6 adds the committed leader epoch;
// v7 the group instance id (KIP-345); v8 is flexible; v9 may answer STALE_MEMBER_EPOCH and GROUP_ID_NOT_FOUND
// (KIP-848); v10 names topics by id (UNKNOWN_TOPIC_ID for an unknown one).
//
// As KafkaApis: a topic that does not exist, or a partition it lacks, answers UNKNOWN_TOPIC_OR_PARTITION without
// asking the coordinator; the rest go to the offset store (groups/offset-store.ts), whose group-level errors
// (NOT_COORDINATOR, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, …) are then answered on every partition of the request.

export default defineHandler({
  apiKey: 8,
  minVersion: 0,
  maxVersion: 10,
  handle(request, { broker, version }) {
    const useIds = version >= 10;
    // Each request topic with its name (v10: from its id) and each partition's error from the broker's checks.
    const topics = request.topics.map((t) => {
      const state = useIds ? broker.metadata.topicById(t.topicId) : broker.metadata.topic(t.name);
      const missing = useIds ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      return screen({ request: t, name: state?.name ?? t.name }, t.partitions, (p) =>
        state === undefined ? missing : state.partitions.has(p.partitionIndex) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
    });

    const valid = passed(topics).map((t) => ({ name: t.topic.name, partitions: t.partitions as CommitPartition[] }));
    if (valid.length > 0) {
      try {
        const answers = broker.groups.offsets.commit({
          groupId: request.groupId,
          generationIdOrMemberEpoch: request.generationIdOrMemberEpoch,
          memberId: request.memberId,
          groupInstanceId: request.groupInstanceId,
          retentionTimeMs: request.retentionTimeMs,
          isTransactional: false,
          apiVersion: version,
          topics: valid,
        });
        mergeAnswers(topics, answers);
      } catch (e) {
        if (!(e instanceof GroupError)) throw e;
        // OffsetCommitRequest.getErrorResponse: the group's error on every partition of the request.
        for (const t of topics) t.errors.fill(e.code);
      }
    }

    return {
      throttleTimeMs: 0,
      topics: topics.map((t) => ({
        name: t.topic.request.name,
        topicId: t.topic.request.topicId,
        partitions: t.partitions.map((p, i) => ({ partitionIndex: p.partitionIndex, errorCode: t.errors[i]! })),
      })),
    };
  },
});

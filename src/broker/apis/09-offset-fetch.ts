import { ErrorCode, ZERO_UUID } from '../../protocol/index.js';
import { defineHandler, type RequestContext } from '../api.js';
import { noOffset, type FetchedTopic } from '../groups/offset-store.js';
import { GroupError } from '../groups/types.js';

// OffsetFetch (9), v0-10. v0 read ZooKeeper offsets in old Kafka (removed in Kafka 4; answered here as v1); v1
// reads the coordinator's; v2 allows null topics (every committed offset) and adds a top-level error code; v3 adds
// the throttle time; v4 is v3; v5 adds the committed leader epoch; v6 is flexible; v7 adds requireStable
// (UNSTABLE_OFFSET_COMMIT while a transaction's offsets are pending: none are until transactions exist); v8
// fetches several groups, each with its own error; v9 adds the member id and epoch (KIP-848 members are
// validated); v10 names topics by id (UNKNOWN_TOPIC_ID for an unknown one).
//
// As KafkaApis: topics need not exist (an offset of an unknown topic is -1); an unknown group answers -1 for every
// partition; a group-level error goes in the top-level error (v2-7), the group's error (v8+), or on every requested
// partition (v0-1).

interface GroupQuery {
  groupId: string;
  memberId: string | null;
  memberEpoch: number;
  /** Null: every committed offset. v10 topics carry their id. */
  topics: { name: string; topicId: string; partitionIndexes: number[] }[] | null;
}

interface GroupAnswer {
  groupId: string;
  errorCode: number;
  topics: (FetchedTopic & { topicId: string })[];
}

export default defineHandler({
  apiKey: 9,
  minVersion: 0,
  maxVersion: 10,
  handle(request, ctx) {
    const { version } = ctx;
    if (version >= 8) {
      const groups = request.groups.map((g) => fetchGroup(ctx, { groupId: g.groupId, memberId: g.memberId, memberEpoch: g.memberEpoch, topics: g.topics }));
      return { throttleTimeMs: 0, groups };
    }
    const topics = request.topics?.map((t) => ({ name: t.name, topicId: ZERO_UUID, partitionIndexes: t.partitionIndexes })) ?? null;
    const one = fetchGroup(ctx, { groupId: request.groupId, memberId: null, memberEpoch: -1, topics });
    return { throttleTimeMs: 0, errorCode: one.errorCode, topics: one.topics };
  },
});

function fetchGroup({ broker, version }: RequestContext, q: GroupQuery): GroupAnswer {
  const useIds = version >= 10;
  const idOf = (name: string) => broker.metadata.topic(name)?.topicId;
  // v10: a topic id this cluster does not know answers UNKNOWN_TOPIC_ID without asking the coordinator.
  const unknownIds: GroupAnswer['topics'] = [];
  let topics: { name: string; partitionIndexes: number[] }[] | null = null;
  if (q.topics !== null) {
    topics = [];
    for (const t of q.topics) {
      const name = useIds ? broker.metadata.topicById(t.topicId)?.name : t.name;
      if (name === undefined) {
        unknownIds.push({ name: '', topicId: t.topicId, partitions: t.partitionIndexes.map((p) => noOffset(p, ErrorCode.UNKNOWN_TOPIC_ID)) });
      } else topics.push({ name, partitionIndexes: t.partitionIndexes });
    }
  }
  try {
    const fetched = broker.groups.offsets.fetch(q.groupId, q.memberId, q.memberEpoch, topics);
    const answered = fetched.map((t) => ({ ...t, topicId: useIds ? (idOf(t.name) ?? ZERO_UUID) : ZERO_UUID }));
    // v10 names topics by id: a fetch of every offset leaves out topics that no longer exist.
    const shown = useIds && q.topics === null ? answered.filter((t) => t.topicId !== ZERO_UUID) : answered;
    return { groupId: q.groupId, errorCode: ErrorCode.NONE, topics: [...shown, ...unknownIds] };
  } catch (e) {
    if (!(e instanceof GroupError)) throw e;
    return groupError(q, e.code, version);
  }
}

/** OffsetFetchResponse.groupError: v2+ carry the group's error alone; v0-1 put it on every requested partition. */
function groupError(q: GroupQuery, code: number, version: number): GroupAnswer {
  if (version >= 2) return { groupId: q.groupId, errorCode: code, topics: [] };
  return {
    groupId: q.groupId,
    errorCode: code,
    topics: (q.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitionIndexes.map((p) => noOffset(p, code)) })),
  };
}

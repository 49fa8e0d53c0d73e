import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';
import { mergeAnswers, passed, screen } from '../groups/screened.js';
import { GroupError } from '../groups/types.js';

// OffsetDelete (47), v0 (KIP-496). Deletes a group's committed offsets of some partitions. As KafkaApis: a topic
// or partition that does not exist answers UNKNOWN_TOPIC_OR_PARTITION; the rest go to the offset store, which
// answers GROUP_SUBSCRIBED_TO_TOPIC for a topic a member consumes. Group-level errors (GROUP_ID_NOT_FOUND,
// NON_EMPTY_GROUP for a non-consumer group with members, NOT_COORDINATOR, INVALID_GROUP_ID for an empty id) are
// the top-level error code, with no topics.

export default defineHandler({
  apiKey: 47,
  minVersion: 0,
  maxVersion: 0,
  handle(request, { broker }) {
    const fail = (errorCode: number) => ({ errorCode, throttleTimeMs: 0, topics: [] });
    if (request.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const topics = request.topics.map((t) => {
      const state = broker.metadata.topic(t.name);
      return screen(t.name, t.partitions, (p) => (state?.partitions.has(p.partitionIndex) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
    });
    try {
      const valid = passed(topics).map((t) => ({ name: t.topic, partitions: t.partitions.map((p) => p.partitionIndex) }));
      mergeAnswers(topics, broker.groups.offsets.delete(request.groupId, valid));
    } catch (e) {
      if (!(e instanceof GroupError)) throw e;
      return fail(e.code);
    }
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: topics.map((t) => ({ name: t.topic, partitions: t.partitions.map((p, i) => ({ partitionIndex: p.partitionIndex, errorCode: t.errors[i]! })) })),
    };
  },
});

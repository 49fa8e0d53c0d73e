import { ErrorCode } from '../../protocol/index.js';
import { isInternalTopic } from '../admin-common.js';
import { defineHandler } from '../api.js';
import { localPartition, storageErrorCode, topicSettings } from '../data-path.js';

// DeleteRecords (21), v0-2. v1 is v0 (throttling behaviour, KIP-219); v2 is flexible. Moves each partition's
// log start offset up to the given offset (-1: the high watermark) and answers the new low watermark (the log
// start offset, one replica). An offset beyond the high watermark, or negative, is OFFSET_OUT_OF_RANGE; a topic
// whose cleanup.policy lacks "delete" answers POLICY_VIOLATION. With one replica the deletion is complete when
// the log start offset has moved, so the timeout never matters. Internal topics (__consumer_offsets…) answer
// INVALID_TOPIC_EXCEPTION.

const HIGH_WATERMARK = -1;

export default defineHandler({
  apiKey: 21,
  minVersion: 0,
  maxVersion: 2,
  handle(request, { broker }) {
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const fail = (errorCode: number) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode });
        if (isInternalTopic(t.name) && broker.metadata.partition(t.name, p.partitionIndex) !== undefined) {
          return fail(ErrorCode.INVALID_TOPIC_EXCEPTION);
        }
        const local = localPartition(broker, t.name, p.partitionIndex);
        if ('errorCode' in local) return fail(local.errorCode);
        if (!topicSettings(broker.metadata, t.name).deleteAllowed) return fail(ErrorCode.POLICY_VIOLATION);
        const { log } = local;
        const requested = Number(p.offset);
        const offset = requested === HIGH_WATERMARK ? log.highWatermark() : requested;
        if (offset < 0) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
        try {
          log.deleteRecordsBefore(offset);
        } catch (e) {
          return fail(storageErrorCode(e));
        }
        return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(log.logStartOffset()), errorCode: ErrorCode.NONE };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});

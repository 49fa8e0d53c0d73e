import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';
import { localPartition, storageErrorCode } from '../data-path.js';

// OffsetForLeaderEpoch (23), v0-4. v0 answers the end offset of the requested epoch; v1 also the epoch found
// (the largest known epoch ≤ the requested one); v2 adds the current leader epoch for fencing (KIP-320) and
// throttle time; v3 adds the replica id (-1 for consumers checking their position after a leader change); v4 is
// flexible. Kafka's LeaderEpochFileCache.endOffsetFor: the current epoch ends at the log end offset, an older
// one where the next epoch starts, one above every known epoch (or -1) is {-1, -1}.

export default defineHandler({
  apiKey: 23,
  minVersion: 0,
  maxVersion: 4,
  handle(request, { broker, version }) {
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        const fail = (errorCode: number) => ({ partition: p.partition, errorCode, leaderEpoch: -1, endOffset: -1n });
        const local = localPartition(broker, t.topic, p.partition, version >= 2 ? p.currentLeaderEpoch : -1);
        if ('errorCode' in local) return fail(local.errorCode);
        const { log, state } = local;
        try {
          let found: { leaderEpoch: number; endOffset: number };
          if (p.leaderEpoch < 0) found = { leaderEpoch: -1, endOffset: -1 };
          // The leader's cache always holds its current epoch, started at the log end offset when it became
          // leader: the current epoch ends at the log end offset even before anything was written in it.
          else if (p.leaderEpoch === state.leaderEpoch) found = { leaderEpoch: p.leaderEpoch, endOffset: log.logEndOffset() };
          else if (p.leaderEpoch > state.leaderEpoch) found = { leaderEpoch: -1, endOffset: -1 };
          else found = log.endOffsetForLeaderEpoch(p.leaderEpoch);
          return {
            partition: p.partition,
            errorCode: ErrorCode.NONE,
            leaderEpoch: version >= 1 ? found.leaderEpoch : -1,
            endOffset: BigInt(found.endOffset),
          };
        } catch (e) {
          return fail(storageErrorCode(e));
        }
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});

import { ErrorCode } from '../../protocol/index.js';
import { lastSeqOf } from '../../storage/index.js';
import { defineHandler } from '../api.js';
import { localPartition, storageErrorCode } from '../data-path.js';

// DescribeProducers (61), v0 (KIP-664). The active producers of each partition, read from the log's producer
// state (storage/producer-state.ts, the same state Produce checks idempotent batches against): producer id,
// epoch, last sequence and timestamp of its latest batch, the coordinator epoch and the first offset of its
// open transaction (-1 when none). Producers silent for producer.id.expiration.ms have expired, as in Kafka.

export default defineHandler({
  apiKey: 61,
  minVersion: 0,
  maxVersion: 0,
  handle(request, { broker }) {
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        const local = localPartition(broker, t.name, partitionIndex);
        if ('errorCode' in local) return { partitionIndex, errorCode: local.errorCode, errorMessage: null, activeProducers: [] };
        let producers;
        try {
          producers = local.log.activeProducers();
        } catch (e) {
          return { partitionIndex, errorCode: storageErrorCode(e), errorMessage: null, activeProducers: [] };
        }
        const activeProducers = producers.map((p) => ({
          producerId: BigInt(p.producerId),
          producerEpoch: p.producerEpoch,
          lastSequence: lastSeqOf(p),
          lastTimestamp: BigInt(p.lastTimestamp),
          coordinatorEpoch: p.coordinatorEpoch,
          currentTxnStartOffset: BigInt(p.currentTxnFirstOffset),
        }));
        return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});

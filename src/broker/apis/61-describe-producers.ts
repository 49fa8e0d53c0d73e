import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';
import { localPartition, storageErrorCode } from '../data-path.js';

// DescribeProducers (61), v0 (KIP-664). The active producers of each partition, as the log's producer state
// holds them: producer id, epoch, last sequence and timestamp of its latest batch, and the first offset of
// its open transaction (-1 when none). The state is rebuilt from the batch index (producer id, epoch, base
// sequence, offsets, flags of every batch still in the log): producers silent for
// `producer.id.expiration.ms` (1 day) have expired, as in Kafka. The coordinator epoch lives in transaction
// markers' values, not in the index: -1.

const PRODUCER_ID_EXPIRATION_MS = 86_400_000;

interface ProducerEntry {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  currentTxnStartOffset: number;
}

export default defineHandler({
  apiKey: 61,
  minVersion: 0,
  maxVersion: 0,
  handle(request, { broker }) {
    const expiration = Number(broker.config.raw.get('producer.id.expiration.ms') ?? PRODUCER_ID_EXPIRATION_MS);
    const now = Date.now();
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        const local = localPartition(broker, t.name, partitionIndex);
        if ('errorCode' in local) return { partitionIndex, errorCode: local.errorCode, errorMessage: null, activeProducers: [] };
        const producers = new Map<number, ProducerEntry>();
        try {
          for (const b of local.log.batchesFrom(local.log.logStartOffset())) {
            if (b.producerId < 0) continue;
            let e = producers.get(b.producerId);
            if (e === undefined) {
              e = { producerId: b.producerId, producerEpoch: b.producerEpoch, lastSequence: -1, lastTimestamp: -1, currentTxnStartOffset: -1 };
              producers.set(b.producerId, e);
            }
            if (b.producerEpoch > e.producerEpoch) {
              e.producerEpoch = b.producerEpoch;
              if (!b.isControl) e.lastSequence = -1;
            }
            e.lastTimestamp = b.maxTimestamp;
            if (b.isControl) {
              e.currentTxnStartOffset = -1;
              continue;
            }
            const count = b.lastOffset - b.baseOffset;
            e.lastSequence = b.baseSequence < 0 ? -1 : (b.baseSequence + count) % 2147483648;
            if (b.isTransactional && e.currentTxnStartOffset < 0) e.currentTxnStartOffset = b.baseOffset;
          }
        } catch (e) {
          return { partitionIndex, errorCode: storageErrorCode(e), errorMessage: null, activeProducers: [] };
        }
        const activeProducers = [...producers.values()]
          .filter((p) => p.currentTxnStartOffset >= 0 || now - p.lastTimestamp < expiration)
          .map((p) => ({
            producerId: BigInt(p.producerId),
            producerEpoch: p.producerEpoch,
            lastSequence: p.lastSequence,
            lastTimestamp: BigInt(p.lastTimestamp),
            coordinatorEpoch: -1,
            currentTxnStartOffset: BigInt(p.currentTxnStartOffset),
          }));
        return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});

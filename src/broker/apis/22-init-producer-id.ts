import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';

// InitProducerId (22), v0-6. v1 is v0 (responses sent before throttling); v2 is flexible; v3 adds the
// producer id and epoch the producer already has (KIP-360, to resume after INVALID_PRODUCER_EPOCH); v4 may
// answer PRODUCER_FENCED, which older versions get as INVALID_PRODUCER_EPOCH (KIP-588); v5 may answer
// TRANSACTION_ABORTABLE (KIP-890); v6 adds two-phase commit (enable2Pc, keepPreparedTxn) and the ongoing
// transaction's producer id and epoch in the response (KIP-939).
//
// Idempotent producers (no transactional id) get a new producer id at epoch 0, from the broker's block
// (producer-ids.ts), whatever id and epoch they send: Kafka's TransactionCoordinator.handleInitProducerId
// "blindly accepts" a null transactional id, KIP-360 bumps included.
//
// Transactional ids are not served yet (transactions are a later issue). They are answered with
// UNSUPPORTED_VERSION, which is what Kafka answers for a feature the cluster has not enabled (e.g.
// ConsumerGroupHeartbeat without the consumer group protocol, share groups without share.version): it is
// non-retriable in every client, so initTransactions() fails at once with "not supported" rather than
// retrying (a coordinator error would be retried forever) or blaming ACLs (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

export default defineHandler({
  apiKey: 22,
  minVersion: 0,
  maxVersion: 6,
  handle(request, { broker, header }) {
    const error = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH });
    // KafkaApis.handleInitProducerIdRequest: an id without an epoch (or the reverse) is malformed.
    const hasId = request.producerId !== NO_PRODUCER_ID;
    const hasEpoch = request.producerEpoch !== NO_PRODUCER_EPOCH;
    if (hasId !== hasEpoch) return error(ErrorCode.INVALID_REQUEST);
    if (request.transactionalId !== null) {
      if (request.transactionalId === '') return error(ErrorCode.INVALID_REQUEST);
      broker.log.warn(
        `InitProducerId for transactional id ${JSON.stringify(request.transactionalId)} from client ${JSON.stringify(header.clientId)}: ` +
          'transactions are not supported yet, answering UNSUPPORTED_VERSION',
      );
      return error(ErrorCode.UNSUPPORTED_VERSION);
    }
    const generated = broker.producerIds.generate();
    if ('errorCode' in generated) {
      broker.log.warn(`InitProducerId: no producer id block: ${generated.errorMessage ?? generated.errorCode}`);
      return error(generated.errorCode);
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: generated.producerId, producerEpoch: 0 };
  },
});

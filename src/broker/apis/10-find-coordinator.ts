import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';
import { CoordinatorType, findCoordinator, isFound, type CoordinatorLookup } from '../coordinators.js';

// FindCoordinator (10), v0-6. v1 adds KeyType (group or transaction) and the response's throttle time and
// error message; v2 is v1; v3 is flexible; v4 batches keys (KIP-699: CoordinatorKeys in, Coordinators out);
// v5 may answer TRANSACTION_ABORTABLE (KIP-890); v6 adds key type SHARE, keys "groupId:topicId:partition"
// (KIP-932). The work is the coordinator lookup in coordinators.ts.

const answer = (key: string, r: CoordinatorLookup) =>
  isFound(r)
    ? { key, nodeId: r.nodeId, host: r.host, port: r.port, errorCode: 0, errorMessage: null }
    : { key, nodeId: -1, host: '', port: -1, errorCode: r.errorCode, errorMessage: r.errorMessage };

export default defineHandler({
  apiKey: 10,
  minVersion: 0,
  maxVersion: 6,
  handle(request, { broker, connection, version }) {
    const keyType = version >= 1 ? request.keyType : CoordinatorType.GROUP;
    const lookup = (key: string): CoordinatorLookup =>
      keyType === CoordinatorType.SHARE && version < 6
        ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Share coordinators need FindCoordinator v6.' }
        : findCoordinator(broker, keyType, key, connection.listener);
    if (version >= 4) return { throttleTimeMs: 0, coordinators: request.coordinatorKeys.map((k) => answer(k, lookup(k))) };
    const one = answer(request.key, lookup(request.key));
    return { throttleTimeMs: 0, errorCode: one.errorCode, errorMessage: one.errorMessage, nodeId: one.nodeId, host: one.host, port: one.port };
  },
});

import { ErrorCode } from '../../protocol/index.js';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_AUTHORIZED_OPERATIONS, brokersOn } from '../admin-common.js';
import { defineHandler } from '../api.js';

// DescribeCluster (60), v0-2 (KIP-700), as KafkaApis / AuthHelper.computeDescribeClusterResponse answer it on a broker.
// v0: cluster id, controller id, the brokers reachable on the request's listener, cluster authorized operations
// when asked (-2147483648 otherwise). v1: endpoint type (KIP-919): 1 = brokers; asking a broker for controllers is
// MISMATCHED_ENDPOINT_TYPE, any other type UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST at v0). v2: fenced brokers
// too when asked, with is_fenced (KIP-1073).
const BROKER_ENDPOINTS = 1;
const CONTROLLER_ENDPOINTS = 2;

export default defineHandler({
  apiKey: 60,
  minVersion: 0,
  maxVersion: 2,
  handle(request, { broker, connection, version }) {
    const type = request.endpointType;
    if (type !== BROKER_ENDPOINTS) {
      const known = type === CONTROLLER_ENDPOINTS;
      return {
        throttleTimeMs: 0,
        errorCode: version === 0 ? ErrorCode.INVALID_REQUEST : known ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: known
          ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER'
          : `Unsupported endpoint type ${type}`,
      };
    }
    const includeFenced = version >= 2 && request.includeFencedBrokers;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKER_ENDPOINTS,
      clusterId: broker.clusterId,
      controllerId: connection.nodeId,
      brokers: brokersOn(broker.metadata.image, connection.listener, { includeFenced }).map(({ broker: b, host, port }) => ({
        brokerId: b.brokerId,
        host,
        port,
        rack: b.rack,
        isFenced: b.fenced,
      })),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_AUTHORIZED_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});

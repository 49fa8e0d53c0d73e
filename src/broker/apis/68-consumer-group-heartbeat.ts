import { GROUP_VERSION } from '../../metadata/index.js';
import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';
import { GroupError } from '../groups/types.js';

// ConsumerGroupHeartbeat (68), v0-1: the KIP-848 consumer group protocol. v0: join (epoch 0), heartbeat, leave
// (epoch -1, static -2); the coordinator may generate the member id. v1 (KIP-1082) requires the client to
// generate its member id and adds SubscribedTopicRegex (RE2/J syntax). Served only while the group.version
// feature is at least 1, as Kafka does. The work is ConsumerGroups.heartbeat (groups/consumer-groups.ts).

/** Kafka's clientHost is the Java InetAddress text, "/" and the address without the port. */
export function clientHostOf(remoteAddress: string): string {
  const host = remoteAddress.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  return `/${host}`;
}

const failure = (errorCode: number, errorMessage: string | null) => ({
  throttleTimeMs: 0,
  errorCode,
  errorMessage,
  memberId: null,
  memberEpoch: 0,
  heartbeatIntervalMs: 0,
  assignment: null,
});

export default defineHandler({
  apiKey: 68,
  minVersion: 0,
  maxVersion: 1,
  handle(request, { broker, header, connection, version }) {
    if ((broker.metadata.finalizedFeatures()[GROUP_VERSION] ?? 0) < 1) {
      return failure(ErrorCode.UNSUPPORTED_VERSION, 'The new group coordinator is not enabled (group.version < 1).');
    }
    try {
      const r = broker.groups.consumer.heartbeat(request, {
        clientId: header.clientId ?? '',
        clientHost: clientHostOf(connection.remoteAddress),
        apiVersion: version,
      });
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, ...r };
    } catch (e) {
      if (e instanceof GroupError) return failure(e.code, e.message === `group error ${e.code}` ? null : e.message);
      broker.log.warn(`ConsumerGroupHeartbeat for ${request.groupId} failed: ${(e as Error).stack ?? e}`);
      return failure(ErrorCode.UNKNOWN_SERVER_ERROR, null);
    }
  },
});

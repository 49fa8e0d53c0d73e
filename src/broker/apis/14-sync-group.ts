import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';

// SyncGroup (14), v0-5, for classic groups (the work is ClassicGroups.sync). The leader sends the assignment;
// every member's SyncGroup is answered with its part once the assignment is stored. v1: throttle time. v2: same
// as v1. v3: group.instance.id (KIP-345). v4: flexible. v5: protocol type and name, required in the request and
// checked against the group's (INCONSISTENT_GROUP_PROTOCOL), and echoed in the answer (KIP-559).

export default defineHandler({
  apiKey: 14,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, { broker, version }) {
    // KafkaApis: v5+ must name the protocol type and name (SyncGroupRequest.areMandatoryProtocolTypeAndNamePresent).
    if (version >= 5 && (request.protocolType === null || request.protocolName === null))
      return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    const r = await broker.groups.classic.sync(request);
    return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
  },
});

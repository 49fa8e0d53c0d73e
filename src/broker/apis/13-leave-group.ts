import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';

// LeaveGroup (13), v0-5, for classic groups (the work is ClassicGroups.leave). v1: throttle time. v2: same as v1.
// v3: a batch of members by member id and/or group.instance.id, with an error per member (KIP-345: an admin may
// remove static members by instance id alone). v4: flexible. v5: a reason per member (KIP-800).
// Before v3 the one member's error is the response's error (LeaveGroupResponse's constructor).

export default defineHandler({
  apiKey: 13,
  minVersion: 0,
  maxVersion: 5,
  handle(request, { broker, version }) {
    const members = version >= 3 ? request.members : [{ memberId: request.memberId, groupInstanceId: null, reason: null }];
    const r = broker.groups.classic.leave(request.groupId, members);
    if (version >= 3) return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
    return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.members[0]?.errorCode ?? ErrorCode.NONE) };
  },
});

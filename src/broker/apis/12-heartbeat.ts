import { defineHandler } from '../api.js';

// Heartbeat (12), v0-4, for classic groups (the work is ClassicGroups.heartbeat). v1: throttle time. v2: same as
// v1. v3: group.instance.id, FENCED_INSTANCE_ID for a replaced static member (KIP-345). v4: flexible.
// REBALANCE_IN_PROGRESS tells a member to rejoin; ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID fence it.

export default defineHandler({
  apiKey: 12,
  minVersion: 0,
  maxVersion: 4,
  handle(request, { broker }) {
    return { throttleTimeMs: 0, errorCode: broker.groups.classic.heartbeat(request) };
  },
});

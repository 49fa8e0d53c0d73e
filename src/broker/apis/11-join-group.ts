import { defineHandler } from '../api.js';

// JoinGroup (11), v0-9, for classic groups (the work is ClassicGroups.join, classic-join.ts).
// v1: rebalance timeout (v0 uses the session timeout for it). v2: throttle time. v3: same as v2. v4: a new
// member without an id gets one with MEMBER_ID_REQUIRED and joins again with it (KIP-394). v5: group.instance.id
// for static members, and member instance ids in the answer (KIP-345). v6: flexible. v7: protocol type in the
// answer, protocol name nullable (KIP-559). v8: the join reason (KIP-800). v9: skipAssignment, set for the leader
// when a static member replaced itself without a rebalance (KIP-814).

/**
 * Kafka shows a client's host as InetAddress.toString(): "/" and the address, no port (IPv4-mapped IPv6 as
 * IPv4). The connection knows "address:port".
 */
export function clientHostOf(remoteAddress: string): string {
  const address = remoteAddress.replace(/:\d+$/, '');
  return `/${address.startsWith('::ffff:') ? address.slice(7) : address}`;
}

export default defineHandler({
  apiKey: 11,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, { broker, header, connection, version }) {
    const r = await broker.groups.classic.join(request, {
      version,
      clientId: header.clientId ?? '',
      clientHost: clientHostOf(connection.remoteAddress),
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      // Before v7 the protocol name is not nullable: Kafka sends "" (JoinGroupResponse's constructor).
      protocolName: version < 7 ? (r.protocolName ?? '') : r.protocolName,
      leader: r.leader,
      skipAssignment: version >= 9 ? r.skipAssignment : false,
      memberId: r.memberId,
      members: r.members,
    };
  },
});

/**
 * JoinGroup for classic groups: Kafka's GroupMetadataManager.classicGroupJoin* paths. A new dynamic member
 * first gets a member id with MEMBER_ID_REQUIRED (v4+, KIP-394) and joins again with it; a static member
 * (group.instance.id, v5+, KIP-345) joining without its id takes over its old id's place; an existing member's
 * JoinGroup is answered at once when nothing changes, else it triggers (or joins) a rebalance and is parked
 * until the join phase completes.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/index.js';
import type { JoinGroupRequest } from '../../protocol/messages/join-group-request.js';
import { ClassicGroup, joinError, newMember, type JoinResult, type MemberProtocol } from './classic-group.js';
import type { ClassicGroups } from './classic-groups.js';
import { GroupError } from './types.js';

/** What a JoinGroup needs of its request beyond the body. */
export interface JoinContext {
  version: number;
  clientId: string;
  /** As Kafka shows it: InetAddress.toString(), e.g. "/127.0.0.1". */
  clientHost: string;
}

type Resolve = (r: JoinResult) => void;

interface Join {
  groups: ClassicGroups;
  group: ClassicGroup;
  request: JoinGroupRequest;
  ctx: JoinContext;
  protocols: MemberProtocol[];
  resolve: Resolve;
}

export function classicJoin(groups: ClassicGroups, request: JoinGroupRequest, ctx: JoinContext): Promise<JoinResult> {
  const coordinator = groups.coordinator;
  if (request.groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, request.memberId));
  if (request.sessionTimeoutMs < groups.minSessionTimeoutMs || request.sessionTimeoutMs > groups.maxSessionTimeoutMs)
    return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, request.memberId));
  try {
    coordinator.checkCoordinator(request.groupId);
  } catch (e) {
    if (e instanceof GroupError) return Promise.resolve(joinError(e.code, request.memberId));
    throw e;
  }

  const isUnknownMember = request.memberId === '';
  const existing = coordinator.group(request.groupId);
  if (existing !== undefined && !(existing instanceof ClassicGroup)) {
    // A consumer group (KIP-848) of this id. With group.consumer.migration.policy=disabled Kafka does not turn an
    // empty one into a classic group: "Group %s is not a classic group." answers UNKNOWN_MEMBER_ID. Classic
    // members inside a non-empty consumer group are not supported here: answered as a group of another type.
    return Promise.resolve(
      existing.isEmpty() ? joinError(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId) : joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL),
    );
  }
  let group = existing;
  if (group === undefined) {
    // Only a member without an id creates the group; Kafka writes the new empty group to the log first.
    if (!isUnknownMember) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId));
    const created = new ClassicGroup(request.groupId);
    created.currentStateTimestamp = Date.now();
    try {
      coordinator.write(request.groupId, [created.emptyRecord()]);
    } catch (e) {
      if (e instanceof GroupError) return Promise.resolve(joinError(e.code));
      throw e;
    }
    coordinator.groups.set(request.groupId, created);
    group = created;
  }
  const classic = group;
  // v0 has no rebalance timeout: the session timeout is used (JoinGroupRequest's constructor does this).
  const req = request.rebalanceTimeoutMs === -1 && ctx.version === 0 ? { ...request, rebalanceTimeoutMs: request.sessionTimeoutMs } : request;
  return new Promise<JoinResult>((resolve) => {
    const join: Join = { groups, group: classic, request: req, ctx, protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })), resolve };
    if (!acceptJoiningMember(join)) {
      classic.remove(req.memberId);
      resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED));
    } else if (isUnknownMember) joinNewMember(join);
    else joinExistingMember(join);
  });
}

/** group.max.size: new members are turned away once the group (or, while rebalancing, the rejoined set) is full. */
function acceptJoiningMember({ groups, group, request }: Join): boolean {
  const max = groups.maxSize;
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance': {
      const m = group.members.get(request.memberId);
      return (m !== undefined && m.joinWaiter !== null) || group.numAwaitingJoin() < max;
    }
    default:
      return group.hasMember(request.memberId) || group.members.size < max;
  }
}

function joinNewMember(join: Join): void {
  const { groups, group, request, ctx, resolve } = join;
  if (group.is('Dead')) return resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  if (!group.supportsProtocols(request.protocolType, join.protocols)) return resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  const newMemberId = `${request.groupInstanceId ?? ctx.clientId}-${randomUUID()}`;
  if (request.groupInstanceId !== null) {
    const existingId = group.staticMembers.get(request.groupInstanceId);
    if (existingId !== undefined) return updateStaticMember(join, existingId, newMemberId);
    return addMember(join, newMemberId);
  }
  if (ctx.version >= 4) {
    // KIP-394: the member must come back with this id; until then it is pending (and expires like a session).
    group.pendingJoinMembers.add(newMemberId);
    groups.schedulePendingMemberExpiry(group, newMemberId, request.sessionTimeoutMs);
    return resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
  }
  addMember(join, newMemberId);
}

function joinExistingMember(join: Join): void {
  const { groups, group, request, resolve } = join;
  const memberId = request.memberId;
  if (group.is('Dead')) return resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId));
  if (!group.supportsProtocols(request.protocolType, join.protocols)) return resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
  if (group.isPendingMember(memberId)) {
    // Pending ids are only handed to dynamic members: a static one here is a client bug (Kafka's IllegalStateException).
    if (request.groupInstanceId !== null) return resolve(joinError(ErrorCode.UNKNOWN_SERVER_ERROR, memberId));
    return addMember(join, memberId);
  }
  try {
    group.validateMember(memberId, request.groupInstanceId);
  } catch (e) {
    if (e instanceof GroupError) return resolve(joinError(e.code, memberId));
    throw e;
  }
  const member = group.members.get(memberId)!;
  const update = (reason: string) => {
    group.updateMember(member, join.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, resolve);
    groups.maybePrepareRebalanceOrCompleteJoin(group, reason);
  };
  switch (group.state) {
    case 'PreparingRebalance':
      return update(`member ${memberId} joining during PreparingRebalance`);
    case 'CompletingRebalance':
      // The same metadata: the member missed its JoinGroup answer; it gets the current generation again.
      if (group.memberMatches(member, join.protocols)) return resolve(group.joinResult(memberId, group.isLeader(memberId)));
      return update(`member ${memberId} changed its metadata during CompletingRebalance`);
    case 'Stable':
      // The leader rejoining forces a rebalance (e.g. the topics' metadata changed); so do changed metadata.
      if (group.isLeader(memberId)) return update(`leader ${memberId} rejoining`);
      if (!group.memberMatches(member, join.protocols)) return update(`member ${memberId} changed its metadata`);
      return resolve(group.joinResult(memberId, false));
    default:
      // Empty with members cannot be; let the member reset its generation and rejoin.
      return resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
  }
}

function addMember(join: Join, memberId: string): void {
  const { groups, group, request, ctx, resolve } = join;
  const member = newMember({
    memberId,
    groupInstanceId: request.groupInstanceId,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    sessionTimeoutMs: request.sessionTimeoutMs,
    protocolType: request.protocolType,
    protocols: join.protocols,
  });
  member.isNew = true;
  // During the initial rebalance's delay a new member extends the delay once more.
  if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
  group.add(member, resolve);
  // A parked new member cannot heartbeat: its JoinGroup expires after a fixed time so defunct retries go away.
  groups.rescheduleHeartbeat(group, member, groups.newMemberJoinTimeoutMs);
  groups.maybePrepareRebalanceOrCompleteJoin(group, `adding member ${memberId} (instance ${request.groupInstanceId ?? 'none'})`);
}

/**
 * A static member joined without its member id while its instance id is known: the new id replaces the old
 * one. In a Stable group whose protocol stays the same this needs no rebalance: the group is rewritten with
 * the new id and the member gets the current generation (the leader is told to skip the assignment, v9+).
 */
function updateStaticMember(join: Join, oldMemberId: string, newMemberId: string): void {
  const { groups, group, request, ctx, resolve } = join;
  const instanceId = request.groupInstanceId!;
  const currentLeader = group.leaderId ?? '';
  const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
  groups.rescheduleHeartbeat(group, member);
  const old = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
  group.updateMember(member, join.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, resolve);

  if (group.is('Stable')) {
    if ((group.protocolName ?? '') !== group.selectProtocol()) {
      return groups.maybePrepareRebalanceOrCompleteJoin(group, `static member ${newMemberId} (instance ${instanceId}) changed the group's protocol`);
    }
    const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
    try {
      groups.coordinator.write(group.groupId, [group.metadataRecord(assignment)]);
    } catch (e) {
      if (!(e instanceof GroupError)) throw e;
      // Not persisted: the old member id stays the instance's, as if this JoinGroup never came.
      group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null);
      const restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
      groups.rescheduleHeartbeat(group, restored);
      return resolve({ ...group.joinResult('', false), leader: currentLeader, errorCode: e.code });
    }
    if (ctx.version >= 9) {
      const isLeader = group.isLeader(newMemberId);
      group.completeJoin(member, group.joinResult(newMemberId, isLeader, isLeader));
    } else {
      group.completeJoin(member, { ...group.joinResult(newMemberId, false), leader: currentLeader });
    }
    return;
  }
  if (group.is('CompletingRebalance')) {
    // The leader may already be assigning with the old id: rebalance so the new id gets its assignment.
    return groups.prepareRebalance(group, `static member ${newMemberId} (instance ${instanceId}) rejoined during CompletingRebalance`);
  }
  groups.maybeCompleteJoinPhase(group);
}

/**
 * Classic groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): Kafka's classic rebalance protocol, as its new
 * group coordinator runs it (GroupMetadataManager.classicGroup*). This file owns the rebalance machinery (the
 * join and sync phases, their timers, session expiry), SyncGroup, Heartbeat, LeaveGroup and the replay of
 * GroupMetadata records; JoinGroup's many paths are in classic-join.ts.
 *
 * Everything here runs synchronously on the event loop (writes to the log are synchronous too), so a request
 * or timer sees and leaves the group in a consistent state, as Kafka's single-threaded coordinator shard does.
 * JoinGroup and SyncGroup may be parked: their promises resolve when the phase completes, when the member is
 * fenced or removed, or with NOT_COORDINATOR when the group is unloaded (ClassicGroup.shutdown).
 */
import { ErrorCode } from '../../protocol/index.js';
import type { GroupMetadataValue } from '../../protocol/messages/group-coordinator/group-metadata-value.js';
import type { HeartbeatRequest } from '../../protocol/messages/heartbeat-request.js';
import type { JoinGroupRequest } from '../../protocol/messages/join-group-request.js';
import type { MemberIdentity } from '../../protocol/messages/leave-group-request.js';
import type { SyncGroupRequest } from '../../protocol/messages/sync-group-request.js';
import { ClassicGroup, EMPTY_ASSIGNMENT, joinError, newMember, syncError, type ClassicMember, type JoinResult, type SyncResult } from './classic-group.js';
import { classicJoin, type JoinContext } from './classic-join.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { GroupError } from './types.js';
import type { CoordinatorRecord } from './records.js';

/** Kafka's fixed wait for a new member's JoinGroup (GroupCoordinatorConfig.CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS). */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

const JOIN_TIMER = 'join';
const SYNC_TIMER = 'sync';
const heartbeatTimer = (memberId: string) => `heartbeat-${memberId}`;

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

function errorCodeOf(e: unknown): number {
  if (e instanceof GroupError) return e.code;
  throw e;
}

export class ClassicGroups {
  constructor(readonly coordinator: GroupCoordinator) {}

  // ---- configuration (read on use: DescribeConfigs-visible static broker configs) ----

  private config(name: string): number {
    return this.coordinator.numberConfig(name);
  }
  get initialRebalanceDelayMs(): number {
    return this.config('group.initial.rebalance.delay.ms');
  }
  get minSessionTimeoutMs(): number {
    return this.config('group.min.session.timeout.ms');
  }
  get maxSessionTimeoutMs(): number {
    return this.config('group.max.session.timeout.ms');
  }
  get maxSize(): number {
    return this.config('group.max.size');
  }
  readonly newMemberJoinTimeoutMs = NEW_MEMBER_JOIN_TIMEOUT_MS;

  get log() {
    return this.coordinator.broker.log;
  }

  /**
   * The classic group of this id, created empty when there is none (OffsetCommit from outside a group does
   * this, as Kafka's getOrMaybeCreateClassicGroup); a consumer group of that id fails with GROUP_ID_NOT_FOUND.
   */
  /** A new group whose member sessions this component keeps. */
  newGroup(groupId: string): ClassicGroup {
    return new ClassicGroup(groupId, (group, member) => this.rescheduleHeartbeat(group, member));
  }

  getOrCreate(groupId: string): ClassicGroup {
    const existing = this.coordinator.group(groupId);
    if (existing instanceof ClassicGroup) return existing;
    if (existing !== undefined) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a classic group.`);
    const group = this.newGroup(groupId);
    group.currentStateTimestamp = Date.now();
    this.coordinator.groups.set(groupId, group);
    return group;
  }

  // ---- the log ----

  /**
   * A GroupMetadata record read back from the log. A tombstone removes the group whatever made it
   * (GroupMetadataManager.replay): a deleted simple group, re-created by the offset commits replayed before it,
   * must not come back.
   */
  replay(record: CoordinatorRecord): void {
    const groupId = String(record.key.group);
    if (record.value === null) {
      this.coordinator.removeGroup(groupId);
      return;
    }
    const v = record.value.data as unknown as GroupMetadataValue;
    const previous = this.coordinator.groups.get(groupId);
    if (previous !== undefined) previous.shutdown();
    const group = this.newGroup(groupId);
    group.generationId = v.generation;
    group.protocolTypeName = v.protocolType === '' ? null : v.protocolType;
    group.protocolName = v.protocol;
    group.currentStateTimestamp = Number(v.currentStateTimestamp);
    for (const m of v.members) {
      group.add(
        newMember({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
          sessionTimeoutMs: m.sessionTimeout,
          protocolType: v.protocolType,
          protocols: [{ name: v.protocol ?? '', metadata: m.subscription }],
          assignment: m.assignment,
        }),
        null,
      );
    }
    group.protocolTypeName = v.protocolType === '' ? null : v.protocolType;
    group.leaderId = v.leader;
    // A group with members is Stable, as Kafka loads it; the members keep their generation and assignment.
    group.state = v.members.length > 0 ? 'Stable' : 'Empty';
    this.coordinator.groups.set(groupId, group);
  }

  /** The partition's records are all replayed: the restored members get fresh session timers (Kafka's onLoaded). */
  loaded(partition: number): void {
    for (const g of this.coordinator.groups.values()) {
      if (!(g instanceof ClassicGroup) || this.coordinator.partitionOf(g.groupId) !== partition) continue;
      for (const m of g.members.values()) this.rescheduleHeartbeat(g, m);
      if (g.members.size > this.maxSize) this.prepareRebalance(g, `freshly-loaded group is over capacity ${this.maxSize}`);
    }
  }

  /** Writes a group's record after the change it records; a failure is logged (Kafka only warns here too). */
  writeAfter(group: ClassicGroup, record: CoordinatorRecord): void {
    try {
      this.coordinator.write(group.groupId, [record]);
    } catch (e) {
      this.log.warn(`group ${group.groupId}: failed to write group metadata: ${(e as Error).message}`);
    }
  }

  // ---- requests ----

  join(request: JoinGroupRequest, ctx: JoinContext): Promise<JoinResult> {
    return classicJoin(this, request, ctx);
  }

  /** The classic group a SyncGroup, Heartbeat or LeaveGroup names; UNKNOWN_MEMBER_ID when there is none. */
  private existing(groupId: string): ClassicGroup {
    this.coordinator.checkCoordinator(groupId);
    const group = this.coordinator.group(groupId);
    // A consumer group (KIP-848) has no classic-protocol members here: every member id is unknown.
    if (!(group instanceof ClassicGroup)) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Group ${groupId} not found.`);
    return group;
  }

  sync(request: SyncGroupRequest): Promise<SyncResult> {
    let group: ClassicGroup;
    try {
      if (request.groupId === '') return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
      this.coordinator.checkCoordinator(request.groupId);
      const found = this.coordinator.group(request.groupId);
      if (found === undefined || found.isEmpty() || !(found instanceof ClassicGroup)) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      group = found;
      if (group.is('Dead')) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      group.validateMember(request.memberId, request.groupInstanceId);
    } catch (e) {
      return Promise.resolve(syncError(errorCodeOf(e)));
    }
    if (request.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    const inconsistent = (given: string | null, actual: string | null) => given !== null && given !== actual;
    if (inconsistent(request.protocolType, group.protocolTypeName) || inconsistent(request.protocolName, group.protocolName))
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));

    const member = group.members.get(request.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.removePendingSyncMember(group, member.memberId);
        return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolTypeName, protocolName: group.protocolName, assignment: member.assignment });
      case 'CompletingRebalance':
        return new Promise<SyncResult>((resolve) => {
          // A member that syncs twice: the earlier request is superseded (Kafka overwrites its future).
          if (member.syncWaiter !== null) member.syncWaiter(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.syncWaiter = resolve;
          this.removePendingSyncMember(group, member.memberId);
          if (group.isLeader(member.memberId)) this.storeAssignment(group, request);
        });
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** The leader's SyncGroup: persist the assignment, then hand each member its part and go Stable. */
  private storeAssignment(group: ClassicGroup, request: SyncGroupRequest): void {
    const assignment = new Map<string, Buffer>();
    for (const a of request.assignments) assignment.set(a.memberId, a.assignment);
    for (const id of group.members.keys()) if (!assignment.has(id)) assignment.set(id, EMPTY_ASSIGNMENT);
    try {
      this.coordinator.write(group.groupId, [group.metadataRecord(assignment)]);
    } catch (e) {
      const code = errorCodeOf(e);
      this.resetAndPropagateAssignmentWithError(group, code);
      this.maybePrepareRebalanceOrCompleteJoin(group, `error ${code} when storing the group assignment`);
      return;
    }
    for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, ErrorCode.NONE);
    group.transitionTo('Stable');
    this.log.info(`group ${group.groupId} stable at generation ${group.generationId} with ${group.members.size} members`);
  }

  heartbeat(request: HeartbeatRequest): number {
    try {
      if (request.groupId === '') return ErrorCode.INVALID_GROUP_ID;
      const group = this.existing(request.groupId);
      if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      group.validateMember(request.memberId, request.groupInstanceId);
      if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      const member = group.members.get(request.memberId)!;
      switch (group.state) {
        case 'Empty':
          return ErrorCode.UNKNOWN_MEMBER_ID;
        case 'PreparingRebalance':
          this.rescheduleHeartbeat(group, member);
          return ErrorCode.REBALANCE_IN_PROGRESS;
        default:
          // Members may heartbeat between their JoinGroup answer and SyncGroup: a normal heartbeat.
          this.rescheduleHeartbeat(group, member);
          return ErrorCode.NONE;
      }
    } catch (e) {
      return errorCodeOf(e);
    }
  }

  /** LeaveGroup for a batch of members (v3+; older versions send one). Per-member errors, top-level for the group. */
  leave(groupId: string, identities: readonly MemberIdentity[]): LeaveResult {
    let group: ClassicGroup;
    try {
      if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
      group = this.existing(groupId);
    } catch (e) {
      const code = errorCodeOf(e);
      // No such group: every member is unknown (Kafka answers that per member, not at the top).
      if (code === ErrorCode.UNKNOWN_MEMBER_ID)
        return { errorCode: ErrorCode.NONE, members: identities.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: code })) };
      return { errorCode: code, members: [] };
    }
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };

    const members: LeaveResult['members'] = [];
    for (const m of identities) {
      const answer = (errorCode: number) => members.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
      if (m.memberId === '') {
        // Administrative removal by group.instance.id (the admin client's removeMembersFromConsumerGroup).
        const staticId = m.groupInstanceId === null ? undefined : group.staticMembers.get(m.groupInstanceId);
        if (staticId === undefined) answer(ErrorCode.UNKNOWN_MEMBER_ID);
        else {
          this.removeMember(group, staticId, m.reason);
          answer(ErrorCode.NONE);
        }
      } else if (group.isPendingMember(m.memberId)) {
        group.remove(m.memberId);
        group.cancel(heartbeatTimer(m.memberId));
        answer(ErrorCode.NONE);
      } else {
        try {
          group.validateMember(m.memberId, m.groupInstanceId);
          this.removeMember(group, m.memberId, m.reason);
          answer(ErrorCode.NONE);
        } catch (e) {
          answer(errorCodeOf(e));
        }
      }
    }
    if (members.some((r) => r.errorCode === ErrorCode.NONE)) {
      if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, 'members left');
      else if (group.is('PreparingRebalance')) this.maybeCompleteJoinPhase(group);
    }
    return { errorCode: ErrorCode.NONE, members };
  }

  private removeMember(group: ClassicGroup, memberId: string, reason: string | null): void {
    const member = group.members.get(memberId);
    if (member === undefined) return;
    group.cancel(heartbeatTimer(memberId));
    this.log.info(`group ${group.groupId}: member ${memberId} left (reason: ${reason ?? 'not provided'})`);
    group.completeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(memberId);
  }

  // ---- the rebalance machinery (GroupMetadataManager) ----

  rescheduleHeartbeat(group: ClassicGroup, member: ClassicMember, timeoutMs = member.sessionTimeoutMs): void {
    const memberId = member.memberId;
    group.schedule(heartbeatTimer(memberId), timeoutMs, () => this.safely(group, () => this.expireHeartbeat(group, memberId)));
  }

  schedulePendingMemberExpiry(group: ClassicGroup, memberId: string, timeoutMs: number): void {
    group.schedule(heartbeatTimer(memberId), timeoutMs, () => this.safely(group, () => this.expireHeartbeat(group, memberId)));
  }

  /** A timer's work: a bug in it is logged, never thrown into the event loop. */
  private safely(group: ClassicGroup, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error(`group ${group.groupId}: timer failed: ${(e as Error).stack ?? e}`);
    }
  }

  private expireHeartbeat(group: ClassicGroup, memberId: string): void {
    if (group.is('Dead')) return;
    if (group.isPendingMember(memberId)) {
      this.log.info(`group ${group.groupId}: pending member ${memberId} removed after its session timeout`);
      group.remove(memberId);
      if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoinPhase(group);
      return;
    }
    const member = group.members.get(memberId);
    if (member === undefined) return;
    // Members parked in a JoinGroup or SyncGroup satisfy their heartbeats, except new members (never answered yet).
    const satisfied = !member.isNew && (member.joinWaiter !== null || member.syncWaiter !== null);
    if (satisfied) return;
    this.log.info(`group ${group.groupId}: member ${memberId} failed its session timeout, removing it`);
    group.completeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(memberId);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, `member ${memberId} expired`);
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoinPhase(group);
  }

  maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  /** Completes the join phase when every member rejoined, except during the initial rebalance's delay. */
  maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance') || group.previousState === 'Empty' || !group.hasAllMembersJoined()) return;
    this.completeJoinPhase(group);
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    // Members waiting for their assignment must rejoin instead.
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    group.pendingSyncMembers.clear();
    group.cancel(SYNC_TIMER);

    const initial = group.is('Empty');
    if (initial) {
      // A new group waits group.initial.rebalance.delay.ms for more members, extended while members keep coming.
      const delayMs = this.initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      group.schedule(JOIN_TIMER, delayMs, () => this.safely(group, () => this.tryCompleteInitialRebalance(group, delayMs, remainingMs)));
    }
    group.transitionTo('PreparingRebalance');
    this.log.info(`group ${group.groupId}: preparing to rebalance at generation ${group.generationId} (${reason})`);
    if (initial) return;
    if (group.hasAllMembersJoined()) this.completeJoinPhase(group);
    else group.schedule(JOIN_TIMER, group.rebalanceTimeoutMs(), () => this.safely(group, () => this.completeJoinPhase(group)));
  }

  private tryCompleteInitialRebalance(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    if (group.is('Dead')) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const nextDelay = Math.min(this.initialRebalanceDelayMs, remainingMs);
      const nextRemaining = Math.max(remainingMs - delayMs, 0);
      group.schedule(JOIN_TIMER, nextDelay, () => this.safely(group, () => this.tryCompleteInitialRebalance(group, nextDelay, nextRemaining)));
    } else {
      this.completeJoinPhase(group);
    }
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped, the generation moves on, and every
   * parked JoinGroup is answered (the leader gets the member list). An emptied group is written as such.
   */
  completeJoinPhase(group: ClassicGroup): void {
    group.cancel(JOIN_TIMER);
    if (group.is('Dead') || !group.is('PreparingRebalance')) return;
    for (const m of [...group.members.values()]) {
      if (m.joinWaiter === null && m.groupInstanceId === null) {
        group.remove(m.memberId);
        group.cancel(heartbeatTimer(m.memberId));
        this.log.info(`group ${group.groupId}: removed member ${m.memberId}, which did not rejoin in time`);
      }
    }
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Nobody rejoined (only static members that did not come back): wait again until their sessions expire.
      group.schedule(JOIN_TIMER, group.rebalanceTimeoutMs(), () => this.safely(group, () => this.completeJoinPhase(group)));
      return;
    }
    group.initNextGeneration();
    if (group.is('Empty')) {
      this.log.info(`group ${group.groupId} is empty at generation ${group.generationId}`);
      this.writeAfter(group, group.metadataRecord(new Map()));
      return;
    }
    this.log.info(`group ${group.groupId}: generation ${group.generationId} with ${group.members.size} members, protocol ${group.protocolName}`);
    for (const m of [...group.members.values()]) {
      group.completeJoin(m, group.joinResult(m.memberId, group.isLeader(m.memberId)));
      this.rescheduleHeartbeat(group, m);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    const generation = group.generationId;
    group.schedule(SYNC_TIMER, group.rebalanceTimeoutMs(), () => this.safely(group, () => this.expirePendingSync(group, generation)));
  }

  /** Members that got their JoinGroup answer but never sent SyncGroup are dropped, and the group rebalances. */
  private expirePendingSync(group: ClassicGroup, generation: number): void {
    if (generation !== group.generationId) return;
    if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSyncMembers.size === 0) return;
    const late = [...group.pendingSyncMembers];
    for (const id of late) {
      group.remove(id);
      group.cancel(heartbeatTimer(id));
    }
    this.prepareRebalance(group, `members ${late.join(', ')} did not send SyncGroup in time`);
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSyncMembers.size === 0) group.cancel(SYNC_TIMER);
  }

  private resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, errorCode);
  }

  /** Answers every parked SyncGroup; each answered member's session timer starts again. */
  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.members.values()) {
      const answered = group.completeSync(m, {
        errorCode,
        protocolType: ok ? group.protocolTypeName : null,
        protocolName: ok ? group.protocolName : null,
        assignment: m.assignment,
      });
      if (answered) this.rescheduleHeartbeat(group, m);
    }
  }
}

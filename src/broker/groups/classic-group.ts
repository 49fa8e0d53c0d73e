/**
 * One classic group's state (Kafka's ClassicGroup): its members, generation, chosen protocol and state machine
 * Empty → PreparingRebalance → CompletingRebalance → Stable (→ Dead when deleted or unloaded). The rebalance
 * protocol that drives it (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, timers) is in classic-groups.ts and
 * classic-join.ts; this file holds the group's bookkeeping and what the shared group APIs (offsets, describe,
 * list, delete) ask of a classic group.
 */
import { ErrorCode } from '../../protocol/index.js';
import { ConsumerProtocolSubscription } from '../../protocol/messages/consumer-protocol-subscription.js';
import { RecordType, type CoordinatorRecord } from './records.js';
import { GroupError, type DescribedGroupEntry, type Group, type OffsetCommitContext } from './types.js';

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The states a group may come from into each state (Kafka's ClassicGroupState.validPreviousStates). */
const VALID_PREVIOUS: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/** The version of GroupMetadataValue Kafka writes (GroupCoordinatorRecordHelpers: 3, non-flexible). */
export const GROUP_METADATA_VALUE_VERSION = 3;

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

/** A JoinGroup answer as the coordinator builds it; the handler fits it to the request's version. */
export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

/** A SyncGroup answer. */
export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export const EMPTY_ASSIGNMENT = Buffer.alloc(0);

export function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT };
}

export interface ClassicMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  /** The member's protocols in its order of preference: name and metadata. */
  protocols: MemberProtocol[];
  /** What SyncGroup handed the member (empty until then). */
  assignment: Buffer;
  /** The parked JoinGroup of this member, answered when the join phase completes. */
  joinWaiter: ((r: JoinResult) => void) | null;
  /** The parked SyncGroup of this member, answered when the leader's assignment is stored. */
  syncWaiter: ((r: SyncResult) => void) | null;
  /** Joined in the current rebalance and not yet answered: its session may expire while it waits. */
  isNew: boolean;
}

export function newMember(fields: Omit<ClassicMember, 'joinWaiter' | 'syncWaiter' | 'isNew' | 'assignment'> & { assignment?: Buffer }): ClassicMember {
  return { assignment: EMPTY_ASSIGNMENT, ...fields, joinWaiter: null, syncWaiter: null, isNew: false };
}

/** Same protocols, same order, same metadata (ClassicGroupMember.matches): a rejoin that changes nothing. */
function sameProtocols(a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}

export class ClassicGroup implements Group {
  readonly type = 'classic' as const;
  state: ClassicGroupState = 'Empty';
  previousState: ClassicGroupState = 'Empty';
  generationId = 0;
  /** The group's protocol type (e.g. "consumer", "connect"); null until the first member joins. */
  protocolTypeName: string | null = null;
  /** The protocol chosen for the current generation. */
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  /** Static members: group.instance.id → member id (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED whose JoinGroup has not come back yet (KIP-394). */
  readonly pendingJoinMembers = new Set<string>();
  /** Members answered by the join phase that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** How many members support each protocol name: a protocol is a candidate when all of them do. */
  private readonly protocolCounts = new Map<string, number>();
  private awaitingJoin = 0;
  /** A member joined during the initial rebalance delay: the delay is extended once more. */
  newMemberAdded = false;
  /** When the group last changed state (GroupMetadataValue.currentStateTimestamp). */
  currentStateTimestamp = -1;
  /** The group's timers by key (join phase, sync phase, each member's session): cleared when the group goes. */
  readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(readonly groupId: string) {}

  // ---- state machine ----

  transitionTo(next: ClassicGroupState, now = Date.now()): void {
    if (!VALID_PREVIOUS[next].includes(this.state)) throw new Error(`group ${this.groupId}: invalid transition ${this.state} → ${next}`);
    this.previousState = this.state;
    this.state = next;
    this.currentStateTimestamp = now;
  }

  is(state: ClassicGroupState): boolean {
    return this.state === state;
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  // ---- members ----

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  numAwaitingJoin(): number {
    return this.awaitingJoin;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoin && this.pendingJoinMembers.size === 0;
  }

  /** The largest rebalance timeout of the members: how long a join or sync phase waits. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  add(member: ClassicMember, joinWaiter: ((r: JoinResult) => void) | null): void {
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.members.size === 0) this.protocolTypeName = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member.protocols, 1);
    member.joinWaiter = joinWaiter;
    if (joinWaiter !== null) this.awaitingJoin++;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const removed = this.members.get(memberId);
    if (removed !== undefined) {
      // Whatever the member still has parked is answered: no request of a removed member is left hanging.
      this.completeJoin(removed, joinError(ErrorCode.UNKNOWN_MEMBER_ID));
      this.completeSync(removed, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      this.members.delete(memberId);
      this.countProtocols(removed.protocols, -1);
      if (removed.groupInstanceId !== null) this.staticMembers.delete(removed.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** Changes a member's protocols and timeouts and parks (or unparks) its JoinGroup. */
  updateMember(member: ClassicMember, protocols: MemberProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, joinWaiter: ((r: JoinResult) => void) | null): void {
    this.countProtocols(member.protocols, -1);
    member.protocols = protocols;
    this.countProtocols(protocols, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (joinWaiter !== null && member.joinWaiter === null) this.awaitingJoin++;
    else if (joinWaiter === null && member.joinWaiter !== null) this.awaitingJoin--;
    member.joinWaiter = joinWaiter;
  }

  memberMatches(member: ClassicMember, protocols: readonly MemberProtocol[]): boolean {
    return sameProtocols(member.protocols, protocols);
  }

  /**
   * A static member rejoined without its member id: the new id takes the old member's place (same assignment,
   * same leadership). Whoever still waits under the old id is fenced with FENCED_INSTANCE_ID.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const old = this.members.get(oldMemberId);
    if (old === undefined) throw new Error(`cannot replace unknown member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.completeJoin(old, { ...joinError(ErrorCode.FENCED_INSTANCE_ID, oldMemberId), generationId: -1 });
    this.completeSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
    const replaced = newMember({ ...old, memberId: newMemberId });
    this.members.set(newMemberId, replaced);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return replaced;
  }

  completeJoin(member: ClassicMember, result: JoinResult): boolean {
    const waiter = member.joinWaiter;
    if (waiter === null) return false;
    member.joinWaiter = null;
    this.awaitingJoin--;
    waiter(result);
    return true;
  }

  completeSync(member: ClassicMember, result: SyncResult): boolean {
    const waiter = member.syncWaiter;
    if (waiter === null) return false;
    member.syncWaiter = null;
    waiter(result);
    return true;
  }

  /** The leader rejoined, or another member that did becomes leader; false when nobody rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader !== undefined && leader.joinWaiter !== null) return true;
    for (const m of this.members.values()) {
      if (m.joinWaiter !== null) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  // ---- protocols ----

  private countProtocols(protocols: readonly MemberProtocol[], delta: number): void {
    for (const p of protocols) this.protocolCounts.set(p.name, (this.protocolCounts.get(p.name) ?? 0) + delta);
  }

  /** Whether a member with these protocols may join: same protocol type, one protocol every member supports. */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && protocols.length > 0;
    return this.protocolTypeName === protocolType && protocols.some((p) => (this.protocolCounts.get(p.name) ?? 0) === this.members.size);
  }

  /** Each member votes for its most preferred protocol that every member supports; most votes wins. */
  selectProtocol(): string {
    const candidates = new Set([...this.protocolCounts].filter(([, n]) => n === this.members.size).map(([name]) => name));
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => candidates.has(p.name))?.name;
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = 0;
    for (const [name, n] of votes) {
      if (n > bestVotes) [best, bestVotes] = [name, n];
    }
    if (best === null) throw new Error(`group ${this.groupId}: no protocol supported by every member`);
    return best;
  }

  memberMetadata(member: ClassicMember): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY_ASSIGNMENT;
  }

  /** Next generation: a protocol is chosen and the group awaits SyncGroup, or it is Empty. */
  initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.transitionTo('Empty');
    }
    this.pendingSyncMembers.clear();
  }

  /** The members as the leader's JoinGroup answer lists them, with their metadata for the chosen protocol. */
  joinMembers(): JoinResult['members'] {
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: this.memberMetadata(m) }));
  }

  /** The JoinGroup answer of the current generation for one member (the leader also gets the members). */
  joinResult(memberId: string, withMembers: boolean, skipAssignment = false): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolType: this.protocolTypeName,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      skipAssignment,
      memberId,
      members: withMembers ? this.joinMembers() : [],
    };
  }

  // ---- records ----

  /** The group as Kafka stores it: GroupMetadataValue with each member's subscription and assignment. */
  metadataRecord(assignment: ReadonlyMap<string, Buffer>): CoordinatorRecord {
    return {
      type: RecordType.GROUP_METADATA,
      key: { group: this.groupId },
      value: {
        version: GROUP_METADATA_VALUE_VERSION,
        data: {
          protocolType: this.protocolTypeName ?? '',
          generation: this.generationId,
          protocol: this.protocolName,
          leader: this.leaderId,
          currentStateTimestamp: BigInt(this.currentStateTimestamp),
          members: [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            rebalanceTimeout: m.rebalanceTimeoutMs,
            sessionTimeout: m.sessionTimeoutMs,
            subscription: this.memberMetadata(m),
            assignment: assignment.get(m.memberId) ?? EMPTY_ASSIGNMENT,
          })),
        },
      },
    };
  }

  /** The record of a group just created by a JoinGroup (Kafka's newEmptyGroupMetadataRecord). */
  emptyRecord(): CoordinatorRecord {
    return {
      type: RecordType.GROUP_METADATA,
      key: { group: this.groupId },
      value: {
        version: GROUP_METADATA_VALUE_VERSION,
        data: { protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: BigInt(this.currentStateTimestamp), members: [] },
      },
    };
  }

  // ---- timers ----

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.cancel(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      fn();
    }, Math.max(0, delayMs));
    t.unref?.();
    this.timers.set(key, t);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
  }

  // ---- the Group interface ----

  stateName(): string {
    return this.state;
  }

  protocolType(): string {
    return this.protocolTypeName ?? '';
  }

  isEmpty(): boolean {
    return this.state === 'Empty';
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  /** ClassicGroup.validateMember: static members are checked by instance id (FENCED_INSTANCE_ID). */
  validateMember(memberId: string, groupInstanceId: string | null): void {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID);
      if (existing !== memberId) throw new GroupError(ErrorCode.FENCED_INSTANCE_ID);
    }
    if (!this.members.has(memberId)) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID);
  }

  validateOffsetCommit(ctx: OffsetCommitContext): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // Generation -1: the admin client or a consumer without group management, allowed while the group is empty.
    if (ctx.generationIdOrMemberEpoch < 0 && this.state === 'Empty') return;
    if (ctx.generationIdOrMemberEpoch >= 0 || ctx.memberId !== '' || ctx.groupInstanceId !== null) {
      this.validateMember(ctx.memberId, ctx.groupInstanceId);
      if (ctx.generationIdOrMemberEpoch !== this.generationId) throw new GroupError(ErrorCode.ILLEGAL_GENERATION);
    } else if (!ctx.isTransactional && this.state !== 'Empty') {
      // No member and no generation (OffsetCommit v0): only while the group is empty.
      throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    // The member has its JoinGroup answer but not yet its assignment: let it retry after SyncGroup.
    if (!ctx.isTransactional && this.state === 'CompletingRebalance') throw new GroupError(ErrorCode.REBALANCE_IN_PROGRESS);
  }

  validateOffsetFetch(): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
  }

  validateOffsetDelete(): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
    if (this.state !== 'Empty' && this.protocolTypeName !== 'consumer')
      throw new GroupError(ErrorCode.NON_EMPTY_GROUP, `Group ${this.groupId} is non-empty and is not using the consumer group protocol.`);
  }

  validateDeleteGroup(): void {
    if (this.state === 'Dead') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
    if (this.state !== 'Empty') throw new GroupError(ErrorCode.NON_EMPTY_GROUP);
  }

  /** The topics the members subscribe to, from their "consumer" protocol metadata; undefined when unknown. */
  subscribedTopics(): Set<string> | undefined {
    if (this.protocolTypeName !== 'consumer' || this.protocolName === null) return undefined;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const metadata = m.protocols.find((p) => p.name === this.protocolName)?.metadata;
      if (metadata === undefined || metadata.length < 2) return undefined;
      try {
        const version = metadata.readInt16BE(0);
        const sub = ConsumerProtocolSubscription.decode(Math.min(version, ConsumerProtocolSubscription.maxVersion), metadata.subarray(2));
        for (const t of sub.topics) topics.add(t);
      } catch {
        return undefined;
      }
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics()?.has(topic) ?? false;
  }

  deletionRecords(): CoordinatorRecord[] {
    return [{ type: RecordType.GROUP_METADATA, key: { group: this.groupId }, value: null }];
  }

  describe(): DescribedGroupEntry {
    const stable = this.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId: this.groupId,
      groupState: this.state,
      protocolType: this.protocolType(),
      protocolData: stable ? (this.protocolName ?? '') : '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? this.memberMetadata(m) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /**
   * The group goes (partition unloaded, broker shutdown, group deleted): timers stop and parked requests are
   * answered NOT_COORDINATOR, as Kafka's onUnloaded does, so the clients find the coordinator again.
   */
  shutdown(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.state !== 'Dead') this.transitionTo('Dead');
    for (const m of this.members.values()) {
      this.completeJoin(m, joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
      this.completeSync(m, syncError(ErrorCode.NOT_COORDINATOR));
    }
  }
}

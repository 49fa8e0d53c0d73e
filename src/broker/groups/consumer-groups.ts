/**
 * Consumer groups (KIP-848): ConsumerGroupHeartbeat and ConsumerGroupDescribe, after Kafka's
 * GroupMetadataManager. A heartbeat
 *
 *   1. creates or updates the member; a changed subscription (names, regex, or the subscribed topics' metadata)
 *      bumps the group epoch;
 *   2. when the group epoch is ahead of the target assignment, runs the server-side assignor (`uniform` or
 *      `range`, as the members ask) for a new target;
 *   3. reconciles the member's current assignment towards its target (current-assignment.ts): partitions are
 *      revoked from their old owner before the new one gets them.
 *
 * Every change is a list of records written to `__consumer_offsets` first and then applied to memory by the same
 * code that replays them at load, so what survives a restart is exactly what members were told. Session and
 * rebalance timeouts fence members (their partitions go back to the group with a new epoch).
 */
import { ConfigResourceType, randomKafkaUuid, type MetadataDelta } from '../../metadata/index.js';
import { ErrorCode } from '../../protocol/index.js';
import type { ConsumerGroupHeartbeatRequest } from '../../protocol/messages/consumer-group-heartbeat-request.js';
import type { DescribedGroup as CgDescribed } from '../../protocol/messages/consumer-group-describe-response.js';
import { isInternalTopic } from '../admin-common.js';
import {
  assignmentFromList,
  assignmentToList,
  assignmentsEqual,
  emptyAssignment,
  type Assignment,
} from './assignment.js';
import { configuredAssignors, type AssignmentMember, type AssignmentTopic, type PartitionAssignor } from './assignors/index.js';
import { ClassicGroup } from './classic-group.js';
import { ConsumerGroup } from './consumer-group.js';
import {
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  MemberState,
  copyMember,
  isReconciledTo,
  memberMetadataChanged,
  memberStateFrom,
  newMember,
  sameNames,
  type ConsumerGroupMember,
} from './consumer-group-member.js';
import * as R from './consumer-group-records.js';
import { reconcile, sameCurrentAssignment, type OwnedPartitions } from './current-assignment.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { RecordType, type CoordinatorRecord } from './records.js';
import { RegexSyntaxError, compileTopicRegex } from './topic-regex.js';
import { GroupError } from './types.js';

export interface HeartbeatContext {
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

export interface HeartbeatResult {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: { topicId: string; partitions: number[] }[] } | null;
}

/** ConsumerGroupHeartbeat v1 requires the client to generate its member id (KIP-1082). */
const CONSUMER_GENERATED_MEMBER_ID_REQUIRED_VERSION = 1;

const err = (code: number, message: string) => new GroupError(code, message);

export class ConsumerGroups {
  private readonly unsubscribe: () => void;

  constructor(readonly coordinator: GroupCoordinator) {
    this.unsubscribe = coordinator.broker.metadata.subscribe((delta) => this.onMetadata(delta));
  }

  private get broker() {
    return this.coordinator.broker;
  }

  get assignors(): PartitionAssignor[] {
    return configuredAssignors(this.broker.config.raw.get('group.consumer.assignors'));
  }

  /** A group-level dynamic config (IncrementalAlterConfigs on a GROUP resource), else the broker's group.* one. */
  private groupConfig(groupId: string, name: string, brokerName: string): number {
    const override = this.broker.metadata.resourceConfigs(ConfigResourceType.GROUP, groupId).get(name);
    const n = override === undefined ? NaN : Number(override);
    return Number.isFinite(n) ? n : this.coordinator.numberConfig(brokerName);
  }

  heartbeatIntervalMs(groupId: string): number {
    return this.groupConfig(groupId, 'consumer.heartbeat.interval.ms', 'group.consumer.heartbeat.interval.ms');
  }

  sessionTimeoutMs(groupId: string): number {
    return this.groupConfig(groupId, 'consumer.session.timeout.ms', 'group.consumer.session.timeout.ms');
  }

  // ---- ConsumerGroupHeartbeat ----

  heartbeat(req: ConsumerGroupHeartbeatRequest, ctx: HeartbeatContext): HeartbeatResult {
    this.validate(req, ctx.apiVersion);
    this.coordinator.checkCoordinator(req.groupId);
    if (req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) return this.leave(req);
    return this.join(req, ctx);
  }

  /** GroupCoordinatorService.throwIfConsumerGroupHeartbeatRequestIsInvalid, and the regex check. */
  private validate(req: ConsumerGroupHeartbeatRequest, apiVersion: number): void {
    const invalid = (message: string) => err(ErrorCode.INVALID_REQUEST, message);
    if ((apiVersion >= CONSUMER_GENERATED_MEMBER_ID_REQUIRED_VERSION || req.memberEpoch > 0 || req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) && req.memberId === '')
      throw invalid("MemberId can't be empty.");
    if (req.groupId === '') throw invalid("GroupId can't be empty.");
    if (req.instanceId === '') throw invalid("InstanceId can't be empty.");
    if (req.rackId === '') throw invalid("RackId can't be empty.");
    if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs === -1) throw invalid('RebalanceTimeoutMs must be provided in first request.');
      if (req.topicPartitions === null || req.topicPartitions.length > 0) throw invalid('TopicPartitions must be empty when (re-)joining.');
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null)
        throw invalid('Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
    } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (req.instanceId === null) throw invalid("InstanceId can't be null.");
    } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      throw invalid('MemberEpoch is invalid.');
    }
    const assignors = this.assignors;
    if (req.serverAssignor !== null && !assignors.some((a) => a.name === req.serverAssignor)) {
      throw err(
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${assignors.map((a) => a.name).join(', ')}.`,
      );
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '' && req.memberEpoch >= 0) {
      try {
        compileTopicRegex(req.subscribedTopicRegex);
      } catch (e) {
        if (!(e instanceof RegexSyntaxError)) throw e;
        throw err(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${req.subscribedTopicRegex}\` is not a valid regular expression: ${e.message}.`);
      }
    }
  }

  /** The consumer group of this id, or GROUP_ID_NOT_FOUND as Kafka words it. */
  consumerGroup(groupId: string): ConsumerGroup {
    const g = this.coordinator.group(groupId);
    if (g === undefined) throw err(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
    if (!(g instanceof ConsumerGroup)) throw err(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
    return g;
  }

  /**
   * Kafka's getOrMaybeCreateConsumerGroup: a new group is a detached object (it enters the map when its first record
   * is applied); an empty classic group is replaced (its tombstone goes into `records`); a classic group with
   * members is refused (group.consumer.migration.policy=disabled).
   */
  private getOrMaybeCreate(groupId: string, create: boolean, records: CoordinatorRecord[]): ConsumerGroup {
    const g = this.coordinator.group(groupId);
    if (g === undefined) {
      if (!create) throw err(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`);
      return new ConsumerGroup(groupId);
    }
    if (g instanceof ConsumerGroup) return g;
    if (create && g.type === 'classic' && g.isEmpty()) {
      records.push(...g.deletionRecords());
      return new ConsumerGroup(groupId);
    }
    throw err(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
  }

  private join(req: ConsumerGroupHeartbeatRequest, ctx: HeartbeatContext): HeartbeatResult {
    const now = Date.now();
    const groupId = req.groupId;
    const records: CoordinatorRecord[] = [];
    const create = req.memberEpoch === 0;
    let group = this.getOrMaybeCreate(groupId, create, records);
    const maxSize = this.coordinator.numberConfig('group.consumer.max.size');
    if (group.members.size >= maxSize && (req.memberId === '' || !group.members.has(req.memberId))) {
      throw err(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${maxSize} members.`);
    }
    const memberId = req.memberId === '' ? randomKafkaUuid() : req.memberId;
    const owned: OwnedPartitions = req.topicPartitions;

    let member: ConsumerGroupMember;
    if (req.instanceId === null) {
      member = this.dynamicMember(group, memberId, req.memberEpoch, owned, create);
    } else {
      const found = this.staticMember(group, memberId, req.memberEpoch, req.instanceId, owned);
      if (found.replaced !== undefined) {
        // The static member comes back under a new member id: it takes over the old one's assignment at epoch 0.
        // Written at once (with any classic-group tombstone), so the rest of the heartbeat sees the group after it.
        this.commit(groupId, [...records, ...this.replaceMemberRecords(group, found.replaced, found.member)]);
        records.length = 0;
        this.cancelTimers(group, found.replaced.memberId);
        group = this.consumerGroup(groupId);
      }
      member = found.member;
    }

    // 1. The member as this heartbeat leaves it (null fields: unchanged since the last heartbeat).
    const updated = copyMember(member, {
      instanceId: req.instanceId ?? member.instanceId,
      rackId: req.rackId ?? member.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignorName: req.serverAssignor ?? member.serverAssignorName,
      subscribedTopicNames: req.subscribedTopicNames ?? member.subscribedTopicNames,
      subscribedTopicRegex: req.subscribedTopicRegex ?? member.subscribedTopicRegex,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
    });

    // A new group must move away from epoch 0.
    let bumpGroupEpoch = group.groupEpoch === 0;
    if (!group.members.has(updated.memberId) || memberMetadataChanged(member, updated)) {
      records.push(R.memberSubscriptionRecord(groupId, updated));
      if (!sameNames(member.subscribedTopicNames, updated.subscribedTopicNames) || member.subscribedTopicRegex !== updated.subscribedTopicRegex) bumpGroupEpoch = true;
    }
    const regexes = new Map<string, string[] | null>();
    bumpGroupEpoch = this.updateRegexes(group, member, updated, regexes, records, now) || bumpGroupEpoch;

    let groupEpoch = group.groupEpoch;
    const refreshing = group.metadataRefresh;
    if (bumpGroupEpoch || refreshing) {
      if (refreshing && this.refreshRegexes(group, regexes, records, now)) bumpGroupEpoch = true;
      const hash = this.metadataHash(group.subscribedTopicNames(member, updated, regexes));
      if (hash !== group.metadataHash) bumpGroupEpoch = true;
      if (bumpGroupEpoch) {
        groupEpoch += 1;
        records.push(R.groupEpochRecord(groupId, groupEpoch, hash));
      }
    }

    // 2. A new target assignment when the group epoch moved past it.
    let targetEpoch: number;
    let target: Assignment;
    if (groupEpoch > group.assignmentEpoch) {
      target = this.updateTargetAssignment(group, groupEpoch, member, updated, regexes, records, now);
      targetEpoch = groupEpoch;
    } else {
      targetEpoch = group.assignmentEpoch;
      target = group.targetOf(updated.memberId);
    }

    // 3. Reconcile the member towards its target.
    let next = updated;
    if (!isReconciledTo(updated, targetEpoch)) {
      next = reconcile({ member: updated, targetEpoch, target, owned, currentPartitionEpoch: (t, p) => group.currentPartitionEpoch(t, p) });
    }
    if (!group.members.has(next.memberId) || !sameCurrentAssignment(next, member)) records.push(R.currentAssignmentRecord(groupId, next));

    this.commit(groupId, records);
    const live = this.consumerGroup(groupId);
    if (refreshing) live.metadataRefresh = false;
    this.scheduleSessionTimeout(live, next.memberId);
    if (!sameCurrentAssignment(next, member)) {
      if (next.state === MemberState.UNREVOKED_PARTITIONS) this.scheduleRebalanceTimeout(live, next);
      else this.cancelRebalanceTimeout(live, next.memberId);
    }

    const full =
      req.memberEpoch === 0 ||
      (req.rebalanceTimeoutMs !== -1 && (req.subscribedTopicNames !== null || req.subscribedTopicRegex !== null) && req.topicPartitions !== null);
    return {
      memberId: next.memberId,
      memberEpoch: next.memberEpoch,
      heartbeatIntervalMs: this.heartbeatIntervalMs(groupId),
      assignment: full || !assignmentsEqual(member.assignedPartitions, next.assignedPartitions) ? { topicPartitions: assignmentToList(next.assignedPartitions) } : null,
    };
  }

  private dynamicMember(group: ConsumerGroup, memberId: string, epoch: number, owned: OwnedPartitions, create: boolean): ConsumerGroupMember {
    const existing = group.members.get(memberId);
    if (existing === undefined) {
      if (!create) throw err(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${group.groupId}.`);
      return newMember(memberId);
    }
    if (!create) this.checkMemberEpoch(existing, epoch, owned);
    return existing;
  }

  /** Kafka's getOrMaybeSubscribeStaticConsumerGroupMember. */
  private staticMember(
    group: ConsumerGroup,
    memberId: string,
    epoch: number,
    instanceId: string,
    owned: OwnedPartitions,
  ): { member: ConsumerGroupMember; replaced?: ConsumerGroupMember } {
    const existing = group.staticMember(instanceId);
    if (epoch === 0) {
      if (existing === undefined) return { member: group.members.get(memberId) ?? newMember(memberId) };
      // The instance id is only free once its previous member left with epoch -2 (or was fenced).
      if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        throw err(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member with instance id ${instanceId} cannot join the group ${group.groupId} since the instance id is already in use.`);
      }
      return { member: copyMember(existing, { memberId, memberEpoch: 0, previousMemberEpoch: 0 }), replaced: existing };
    }
    if (existing === undefined) throw err(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
    if (existing.memberId !== memberId) {
      throw err(ErrorCode.FENCED_INSTANCE_ID, `Static member ${memberId} with instance id ${instanceId} is fenced by existing member ${existing.memberId}.`);
    }
    this.checkMemberEpoch(existing, epoch, owned);
    return { member: existing };
  }

  private replaceMemberRecords(group: ConsumerGroup, old: ConsumerGroupMember, replacement: ConsumerGroupMember): CoordinatorRecord[] {
    return [
      ...R.memberRemovalRecords(group.groupId, old.memberId),
      R.memberSubscriptionRecord(group.groupId, replacement),
      R.targetAssignmentRecord(group.groupId, replacement.memberId, group.targetOf(old.memberId)),
      R.currentAssignmentRecord(group.groupId, replacement),
    ];
  }

  /** Kafka's throwIfMemberEpochIsInvalid: the previous epoch is accepted when the bump's answer may have been lost. */
  private checkMemberEpoch(m: ConsumerGroupMember, received: number, owned: OwnedPartitions): void {
    const abandon = 'The member must abandon all its partitions and rejoin.';
    if (received > m.memberEpoch) {
      throw err(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). ${abandon}`);
    }
    if (received < m.memberEpoch) {
      const subset = owned !== null && owned.every((tp) => tp.partitions.every((p) => m.assignedPartitions.get(tp.topicId)?.has(p) ?? false));
      if (received !== m.previousMemberEpoch || !subset) {
        throw err(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${m.memberEpoch}). ${abandon}`);
      }
    }
  }

  private leave(req: ConsumerGroupHeartbeatRequest): HeartbeatResult {
    const group = this.consumerGroup(req.groupId);
    const answer: HeartbeatResult = { memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
    if (req.instanceId === null) {
      const member = group.members.get(req.memberId);
      if (member === undefined) throw err(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${group.groupId}.`);
      this.fence(group, member);
      return answer;
    }
    const member = group.staticMember(req.instanceId);
    if (member === undefined) throw err(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`);
    if (member.memberId !== req.memberId) {
      throw err(ErrorCode.FENCED_INSTANCE_ID, `Static member ${req.memberId} with instance id ${req.instanceId} is fenced by existing member ${member.memberId}.`);
    }
    if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // Leaving for now: the member keeps its partitions (no one else gets them) until it rejoins or its session expires.
      const away = copyMember(member, { memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: emptyAssignment() });
      this.commit(group.groupId, [R.currentAssignmentRecord(group.groupId, away)]);
      return { ...answer, memberId: member.memberId, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH };
    }
    this.fence(group, member);
    return answer;
  }

  /** Kafka's consumerGroupFenceMember: the member's records go, and the group epoch moves on without it. */
  private fence(group: ConsumerGroup, member: ConsumerGroupMember): void {
    const records = R.memberRemovalRecords(group.groupId, member.memberId);
    const regexes = new Map<string, string[] | null>();
    const regex = member.subscribedTopicRegex;
    if (regex !== null && regex !== '' && group.regexSubscribers(regex) === 1) {
      records.push(R.regexTombstone(group.groupId, regex));
      regexes.set(regex, null);
    }
    const hash = this.metadataHash(group.subscribedTopicNames(member, undefined, regexes));
    records.push(R.groupEpochRecord(group.groupId, group.groupEpoch + 1, hash));
    this.commit(group.groupId, records);
    this.cancelTimers(group, member.memberId);
    this.broker.log.info(`consumer group ${group.groupId}: member ${member.memberId} left or was fenced; group epoch ${group.groupEpoch}`);
  }

  // ---- regular expressions ----

  /** Topic names a regex matches now (internal topics excluded). */
  private resolveRegex(regex: string): string[] {
    const re = compileTopicRegex(regex);
    return [...this.broker.metadata.image.topicsByName.keys()].filter((t) => !isInternalTopic(t) && re.test(t)).sort();
  }

  /**
   * Kafka's maybeUpdateRegularExpressions: a regex no member uses any more is removed; a new one is resolved (here
   * at once, where Kafka resolves it in the background and bumps the epoch when done). True: bump the epoch.
   */
  private updateRegexes(
    group: ConsumerGroup,
    member: ConsumerGroupMember,
    updated: ConsumerGroupMember,
    overlay: Map<string, string[] | null>,
    records: CoordinatorRecord[],
    now: number,
  ): boolean {
    const before = member.subscribedTopicRegex;
    const after = updated.subscribedTopicRegex;
    if (before === after) return false;
    let bump = false;
    if (before !== null && before !== '' && group.members.has(member.memberId) && group.regexSubscribers(before) === 1) {
      records.push(R.regexTombstone(group.groupId, before));
      overlay.set(before, null);
      bump = true;
    }
    if (after !== null && after !== '') {
      if (!group.resolvedRegexes.has(after)) {
        const topics = this.resolveRegex(after);
        records.push(R.regexRecord(group.groupId, after, topics, BigInt(this.broker.metadata.image.offset), now));
        overlay.set(after, topics);
      }
      bump = true;
    }
    return bump;
  }

  /** After topics were created or deleted: re-resolve the group's regexes; true when one matches other topics now. */
  private refreshRegexes(group: ConsumerGroup, overlay: Map<string, string[] | null>, records: CoordinatorRecord[], now: number): boolean {
    let changed = false;
    for (const [regex, resolved] of group.resolvedRegexes) {
      if (overlay.has(regex)) continue;
      const topics = this.resolveRegex(regex);
      if (sameNames(topics, resolved.topics)) continue;
      records.push(R.regexRecord(group.groupId, regex, topics, BigInt(this.broker.metadata.image.offset), now));
      overlay.set(regex, topics);
      changed = true;
    }
    return changed;
  }

  // ---- target assignment ----

  /** A hash of the subscribed topics' ids and partition counts (ConsumerGroupMetadataValue.metadataHash): FNV-1a 64. */
  metadataHash(names: ReadonlySet<string>): bigint {
    const parts: string[] = [];
    for (const name of [...names].sort()) {
      const t = this.broker.metadata.topic(name);
      if (t !== undefined) parts.push(`${name}\u0000${t.topicId}\u0000${t.partitions.size}`);
    }
    if (parts.length === 0) return 0n;
    let h = 0xcbf29ce484222325n;
    for (const b of Buffer.from(parts.join('\u0001'))) {
      h ^= BigInt(b);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return BigInt.asIntN(64, h);
  }

  private topicIdsOf(m: ConsumerGroupMember, group: ConsumerGroup, overlay: ReadonlyMap<string, string[] | null>, topics: Map<string, AssignmentTopic>): Set<string> {
    const names = new Set(m.subscribedTopicNames);
    const regex = m.subscribedTopicRegex;
    if (regex !== null && regex !== '') for (const t of overlay.has(regex) ? (overlay.get(regex) ?? []) : (group.resolvedRegexes.get(regex)?.topics ?? [])) names.add(t);
    const ids = new Set<string>();
    for (const name of names) {
      const t = this.broker.metadata.topic(name);
      if (t === undefined || t.partitions.size === 0) continue;
      topics.set(t.topicId, { topicId: t.topicId, name, numPartitions: t.partitions.size });
      ids.add(t.topicId);
    }
    return ids;
  }

  /** Kafka's updateTargetAssignment: runs the assignor and writes each member whose target changed, then the epoch. */
  private updateTargetAssignment(
    group: ConsumerGroup,
    groupEpoch: number,
    member: ConsumerGroupMember,
    updated: ConsumerGroupMember,
    overlay: ReadonlyMap<string, string[] | null>,
    records: CoordinatorRecord[],
    now: number,
  ): Assignment {
    const name = group.preferredAssignor(member, updated);
    const assignors = this.assignors;
    const assignor = assignors.find((a) => a.name === name) ?? assignors[0]!;
    const topics = new Map<string, AssignmentTopic>();
    const everyone = [...[...group.members.values()].filter((m) => m.memberId !== member.memberId && m.memberId !== updated.memberId), updated];
    const specs: AssignmentMember[] = everyone.map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      subscribedTopicIds: this.topicIdsOf(m, group, overlay, topics),
      assignment: group.targetOf(m.memberId),
    }));
    const result = assignor.assign(specs, topics);
    for (const spec of specs) {
      const next = result.get(spec.memberId) ?? emptyAssignment();
      const previous = group.targetAssignment.get(spec.memberId);
      if (previous === undefined || !assignmentsEqual(previous, next)) records.push(R.targetAssignmentRecord(group.groupId, spec.memberId, next));
    }
    records.push(R.targetAssignmentEpochRecord(group.groupId, groupEpoch, now));
    return result.get(updated.memberId) ?? emptyAssignment();
  }

  // ---- records: written first, then applied exactly as at load ----

  private commit(groupId: string, records: CoordinatorRecord[]): void {
    if (records.length === 0) return;
    this.coordinator.write(groupId, records);
    for (const r of records) {
      if (r.type === RecordType.GROUP_METADATA) {
        // The empty classic group this consumer group replaces.
        const g = this.coordinator.group(String(r.key.group));
        if (g instanceof ClassicGroup && r.value === null) this.coordinator.removeGroup(g.groupId);
        continue;
      }
      this.replay(r);
    }
  }

  /**
   * The consumer group of a record being applied, created when absent; a simple classic group (made by an
   * OffsetCommit, backed by no record) is replaced, as Kafka's getOrMaybeCreatePersistedConsumerGroup does.
   */
  private persistedGroup(groupId: string, create: boolean): ConsumerGroup | undefined {
    const g = this.coordinator.group(groupId);
    if (g instanceof ConsumerGroup) return g;
    if (!create) return undefined;
    if (g !== undefined && !(g.type === 'classic' && g.isEmpty() && g.protocolType() === '')) {
      this.broker.log.warn(`consumer group record for ${groupId}, which is a ${g.type} group: skipped`);
      return undefined;
    }
    if (g !== undefined) this.coordinator.removeGroup(groupId);
    const created = new ConsumerGroup(groupId);
    this.coordinator.groups.set(groupId, created);
    return created;
  }

  /** A ConsumerGroup* record read back from the log (or just written). */
  replay(record: CoordinatorRecord): void {
    const groupId = String(record.key.groupId);
    const memberId = String(record.key.memberId ?? '');
    const v = record.value?.data;
    switch (record.type) {
      case RecordType.CONSUMER_GROUP_METADATA: {
        if (v === undefined) {
          if (this.persistedGroup(groupId, false) !== undefined) this.coordinator.removeGroup(groupId);
          return;
        }
        const g = this.persistedGroup(groupId, true);
        if (g === undefined) return;
        g.groupEpoch = Number(v.epoch);
        g.metadataHash = BigInt((v.metadataHash as bigint | undefined) ?? 0n);
        return;
      }
      case RecordType.CONSUMER_GROUP_PARTITION_METADATA:
        // Kafka before 4.1 kept the subscribed topics' metadata here; the metadata hash replaces it.
        return;
      case RecordType.CONSUMER_GROUP_MEMBER_METADATA: {
        const g = this.persistedGroup(groupId, v !== undefined);
        if (g === undefined) return;
        if (v === undefined) {
          g.removeMember(memberId);
          return;
        }
        const old = g.members.get(memberId) ?? newMember(memberId);
        g.updateMember(
          copyMember(old, {
            instanceId: (v.instanceId as string | null) ?? null,
            rackId: (v.rackId as string | null) ?? null,
            clientId: String(v.clientId),
            clientHost: String(v.clientHost),
            subscribedTopicNames: [...(v.subscribedTopicNames as string[])],
            subscribedTopicRegex: (v.subscribedTopicRegex as string | null) ?? null,
            rebalanceTimeoutMs: Number(v.rebalanceTimeoutMs),
            serverAssignorName: (v.serverAssignor as string | null) ?? null,
          }),
        );
        return;
      }
      case RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA: {
        const g = this.persistedGroup(groupId, v !== undefined);
        if (g !== undefined) g.assignmentEpoch = v === undefined ? 0 : Number(v.assignmentEpoch);
        return;
      }
      case RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER: {
        const g = this.persistedGroup(groupId, v !== undefined);
        if (g === undefined) return;
        if (v === undefined) g.targetAssignment.delete(memberId);
        else g.targetAssignment.set(memberId, assignmentFromList(v.topicPartitions as { topicId: string; partitions: number[] }[]));
        return;
      }
      case RecordType.CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT: {
        const g = this.persistedGroup(groupId, v !== undefined);
        if (g === undefined) return;
        const old = g.members.get(memberId);
        if (v === undefined) {
          // The member is leaving: it holds nothing from here on (its subscription tombstone follows).
          if (old !== undefined)
            g.updateMember(copyMember(old, { memberEpoch: LEAVE_GROUP_MEMBER_EPOCH, previousMemberEpoch: LEAVE_GROUP_MEMBER_EPOCH, assignedPartitions: emptyAssignment(), partitionsPendingRevocation: emptyAssignment() }));
          return;
        }
        type TPs = { topicId: string; partitions: number[] }[];
        g.updateMember(
          copyMember(old ?? newMember(memberId), {
            memberEpoch: Number(v.memberEpoch),
            previousMemberEpoch: Number(v.previousMemberEpoch),
            state: memberStateFrom(Number(v.state)),
            assignedPartitions: assignmentFromList(v.assignedPartitions as TPs),
            partitionsPendingRevocation: assignmentFromList(v.partitionsPendingRevocation as TPs),
          }),
        );
        return;
      }
      case RecordType.CONSUMER_GROUP_REGULAR_EXPRESSION: {
        const g = this.persistedGroup(groupId, v !== undefined);
        if (g === undefined) return;
        const regex = String(record.key.regularExpression);
        if (v === undefined) g.resolvedRegexes.delete(regex);
        else g.resolvedRegexes.set(regex, { topics: [...(v.topics as string[])], version: BigInt(v.version as bigint), timestamp: BigInt(v.timestamp as bigint) });
        return;
      }
      default:
        return;
    }
  }

  /** The partition's records are all replayed: start the restored members' timers (Kafka's onLoaded). */
  loaded(partition: number): void {
    for (const g of this.coordinator.groups.values()) {
      if (!(g instanceof ConsumerGroup) || this.coordinator.partitionOf(g.groupId) !== partition) continue;
      // Topics may have changed while the broker was down: the next heartbeat re-checks the metadata.
      g.metadataRefresh = true;
      for (const m of g.members.values()) {
        this.scheduleSessionTimeout(g, m.memberId);
        if (m.state === MemberState.UNREVOKED_PARTITIONS) this.scheduleRebalanceTimeout(g, m);
      }
    }
  }

  // ---- timers ----

  private scheduleSessionTimeout(group: ConsumerGroup, memberId: string): void {
    const previous = group.sessionTimers.get(memberId);
    if (previous !== undefined) clearTimeout(previous);
    const timer = setTimeout(() => this.expire(group.groupId, memberId, 'session timeout'), this.sessionTimeoutMs(group.groupId));
    timer.unref();
    group.sessionTimers.set(memberId, timer);
  }

  private scheduleRebalanceTimeout(group: ConsumerGroup, member: ConsumerGroupMember): void {
    this.cancelRebalanceTimeout(group, member.memberId);
    const epoch = member.memberEpoch;
    const timer = setTimeout(() => this.expire(group.groupId, member.memberId, 'rebalance timeout', epoch), Math.max(0, member.rebalanceTimeoutMs));
    timer.unref();
    group.rebalanceTimers.set(member.memberId, timer);
  }

  private cancelRebalanceTimeout(group: ConsumerGroup, memberId: string): void {
    const t = group.rebalanceTimers.get(memberId);
    if (t !== undefined) clearTimeout(t);
    group.rebalanceTimers.delete(memberId);
  }

  private cancelTimers(group: ConsumerGroup, memberId: string): void {
    const t = group.sessionTimers.get(memberId);
    if (t !== undefined) clearTimeout(t);
    group.sessionTimers.delete(memberId);
    this.cancelRebalanceTimeout(group, memberId);
    const live = this.coordinator.group(group.groupId);
    if (live instanceof ConsumerGroup && live !== group) this.cancelTimers(live, memberId);
  }

  /** A timer fired: fence the member if it is still the one the timer was set for. */
  private expire(groupId: string, memberId: string, why: string, revokingEpoch?: number): void {
    try {
      const group = this.coordinator.group(groupId);
      if (!(group instanceof ConsumerGroup) || group.dead) return;
      const member = group.members.get(memberId);
      if (member === undefined) return;
      if (revokingEpoch !== undefined) {
        group.rebalanceTimers.delete(memberId);
        if (member.state !== MemberState.UNREVOKED_PARTITIONS || member.memberEpoch !== revokingEpoch) return;
      } else {
        group.sessionTimers.delete(memberId);
      }
      this.coordinator.checkCoordinator(groupId);
      this.broker.log.info(`consumer group ${groupId}: member ${memberId} fenced (${why})`);
      this.fence(group, member);
    } catch (e) {
      this.broker.log.warn(`consumer group ${groupId}: could not fence member ${memberId} after ${why}: ${(e as Error).message}`);
    }
  }

  // ---- metadata changes ----

  /** Topics created, deleted or grown: groups re-check their subscribed topics at their next heartbeat. */
  private onMetadata(delta: MetadataDelta): void {
    if (delta.topicsCreated.length === 0 && delta.topicsDeleted.length === 0 && delta.partitionsCreated.length === 0) return;
    const touched = new Set<string>([...delta.topicsCreated.map((t) => t.name), ...delta.topicsDeleted.map((t) => t.name), ...delta.partitionsCreated.map((p) => p.topic)]);
    const topicsAddedOrRemoved = delta.topicsCreated.length > 0 || delta.topicsDeleted.length > 0;
    for (const g of this.coordinator.groups.values()) {
      if (!(g instanceof ConsumerGroup) || g.members.size === 0) continue;
      if ((topicsAddedOrRemoved && g.resolvedRegexes.size > 0) || [...g.subscribedTopicNames()].some((t) => touched.has(t))) g.metadataRefresh = true;
    }
  }

  close(): void {
    this.unsubscribe();
  }

  // ---- ConsumerGroupDescribe ----

  /** One ConsumerGroupDescribe entry (Kafka's ConsumerGroup.asDescribedGroup). */
  describe(groupId: string): Omit<CgDescribed, 'authorizedOperations'> & { authorizedOperations: number } {
    const failed = (code: number, message: string | null) => ({
      errorCode: code,
      errorMessage: message,
      groupId,
      groupState: '',
      groupEpoch: 0,
      assignmentEpoch: 0,
      assignorName: '',
      members: [],
      authorizedOperations: -2147483648,
    });
    if (groupId === '') return failed(ErrorCode.INVALID_GROUP_ID, null);
    let group: ConsumerGroup;
    try {
      this.coordinator.checkCoordinator(groupId);
      group = this.consumerGroup(groupId);
    } catch (e) {
      if (e instanceof GroupError) return failed(e.code, e.code === ErrorCode.GROUP_ID_NOT_FOUND ? e.message : null);
      throw e;
    }
    const topicList = (a: Assignment) =>
      assignmentToList(a).flatMap((tp) => {
        const t = this.broker.metadata.topicById(tp.topicId);
        return t === undefined ? [] : [{ topicId: tp.topicId, topicName: t.name, partitions: tp.partitions }];
      });
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: group.state(),
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: group.preferredAssignor() ?? this.assignors[0]!.name,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...m.subscribedTopicNames],
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: { topicPartitions: topicList(m.assignedPartitions) },
        targetAssignment: { topicPartitions: topicList(group.targetOf(m.memberId)) },
        memberType: 1,
      })),
      authorizedOperations: -2147483648,
    };
  }
}

/**
 * What every kind of group offers the coordinator's shared APIs (OffsetCommit, OffsetFetch, OffsetDelete,
 * DescribeGroups, ListGroups, DeleteGroups): Kafka's `Group` interface (group-coordinator's Group.java).
 * Classic groups (classic-group.ts) and consumer groups (consumer-group.ts, KIP-848) implement it; a group id
 * names one group of one type.
 */
import type { CoordinatorRecord } from './records.js';

export type GroupType = 'classic' | 'consumer';

/** A failure answered with a Kafka error code (and, where the API has one, a message). */
export class GroupError extends Error {
  constructor(
    readonly code: number,
    message?: string,
  ) {
    super(message ?? `group error ${code}`);
  }
}

export interface OffsetCommitContext {
  memberId: string;
  groupInstanceId: string | null;
  /** The generation (classic) or member epoch (consumer); -1 for a commit from outside the group. */
  generationIdOrMemberEpoch: number;
  isTransactional: boolean;
  /** The OffsetCommit/TxnOffsetCommit request version (consumer groups answer old versions differently). */
  apiVersion: number;
}

export interface Group {
  readonly groupId: string;
  readonly type: GroupType;
  /** The state as ListGroups/DescribeGroups name it: classic Empty, PreparingRebalance, CompletingRebalance, Stable, Dead; consumer Empty, Assigning, Reconciling, Stable, Dead. */
  stateName(): string;
  /** ListGroups' protocolType: the classic group's protocol type ('' when none), 'consumer' for consumer groups. */
  protocolType(): string;
  isEmpty(): boolean;
  /** Throws GroupError when this commit may not be made (Kafka's Group.validateOffsetCommit). */
  validateOffsetCommit(ctx: OffsetCommitContext): void;
  /** Throws GroupError when this fetch may not be made (Group.validateOffsetFetch); memberId null: an admin fetch. */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): void;
  /** Throws GroupError when offsets may not be deleted now (Group.validateOffsetDelete). */
  validateOffsetDelete(): void;
  /** Throws GroupError (NON_EMPTY_GROUP, …) when the group may not be deleted (Group.validateDeleteGroup). */
  validateDeleteGroup(): void;
  /** Whether a member subscribes to the topic (OffsetDelete answers GROUP_SUBSCRIBED_TO_TOPIC). */
  isSubscribedToTopic(topic: string): boolean;
  /** The tombstones that remove the group's own records (not its offsets) from the log. */
  deletionRecords(): CoordinatorRecord[];
  /** The group as DescribeGroups shows it (classic layout; consumer groups convert theirs). */
  describe(): DescribedGroupEntry;
  /** Stops the group's timers and fails its pending requests (group deleted, partition unloaded, shutdown). */
  shutdown(): void;
  /**
   * Optional (Kafka's Group.offsetExpirationCondition): the timestamp an offset's retention counts from, or null
   * while the group's offsets may not expire. Without it expiration.ts applies Kafka's rules from the state above.
   */
  offsetExpirationCondition?(): OffsetExpirationBase | null;
  /** Optional: a commit passed validateOffsetCommit (classic groups reschedule the member's session, as Kafka does). */
  onOffsetCommit?(ctx: OffsetCommitContext): void;
}

/** One committed offset (Kafka's OffsetAndMetadata). */
export interface OffsetAndMetadata {
  committedOffset: bigint;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only commits of OffsetCommit v2-4 with a retention time carry one. */
  expireTimestampMs: number | null;
}

/** Which timestamp an offset's retention counts from (Kafka's OffsetExpirationCondition base timestamp). */
export type OffsetExpirationBase = (offset: OffsetAndMetadata) => number;

/** One DescribeGroups entry (the response's DescribedGroup, as Input). */
export interface DescribedGroupEntry {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }[];
}

/**
 * The records a consumer group writes to `__consumer_offsets` (Kafka's GroupCoordinatorRecordHelpers for the
 * consumer protocol): group epoch, member subscription, target assignment (per member, and its epoch), current
 * member assignment, resolved regular expressions; a null value is the tombstone that removes one.
 */
import { assignmentToList, type Assignment } from './assignment.js';
import type { ConsumerGroupMember } from './consumer-group-member.js';
import { RecordType, type CoordinatorRecord } from './records.js';

export const groupEpochRecord = (groupId: string, epoch: number, metadataHash: bigint): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_METADATA,
  key: { groupId },
  value: { version: 0, data: { epoch, metadataHash } },
});

export const groupEpochTombstone = (groupId: string): CoordinatorRecord => ({ type: RecordType.CONSUMER_GROUP_METADATA, key: { groupId }, value: null });

/** Written by Kafka before 4.1 (subscription metadata); removed when a group is deleted, never written here. */
export const partitionMetadataTombstone = (groupId: string): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_PARTITION_METADATA,
  key: { groupId },
  value: null,
});

export const memberSubscriptionRecord = (groupId: string, m: ConsumerGroupMember): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_MEMBER_METADATA,
  key: { groupId, memberId: m.memberId },
  value: {
    version: 0,
    data: {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignorName,
      classicMemberMetadata: null,
    },
  },
});

export const memberSubscriptionTombstone = (groupId: string, memberId: string): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_MEMBER_METADATA,
  key: { groupId, memberId },
  value: null,
});

export const targetAssignmentRecord = (groupId: string, memberId: string, a: Assignment): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER,
  key: { groupId, memberId },
  value: { version: 0, data: { topicPartitions: assignmentToList(a) } },
});

export const targetAssignmentTombstone = (groupId: string, memberId: string): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER,
  key: { groupId, memberId },
  value: null,
});

export const targetAssignmentEpochRecord = (groupId: string, assignmentEpoch: number, now: number): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA,
  key: { groupId },
  value: { version: 0, data: { assignmentEpoch, assignmentTimestamp: BigInt(now) } },
});

export const targetAssignmentEpochTombstone = (groupId: string): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA,
  key: { groupId },
  value: null,
});

export const currentAssignmentRecord = (groupId: string, m: ConsumerGroupMember): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT,
  key: { groupId, memberId: m.memberId },
  value: {
    version: 0,
    data: {
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assignedPartitions: assignmentToList(m.assignedPartitions).map((tp) => ({ ...tp, assignmentEpochs: null })),
      partitionsPendingRevocation: assignmentToList(m.partitionsPendingRevocation).map((tp) => ({ ...tp, assignmentEpochs: null })),
    },
  },
});

export const currentAssignmentTombstone = (groupId: string, memberId: string): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT,
  key: { groupId, memberId },
  value: null,
});

export const regexRecord = (groupId: string, regex: string, topics: readonly string[], version: bigint, now: number): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_REGULAR_EXPRESSION,
  key: { groupId, regularExpression: regex },
  value: { version: 0, data: { topics: [...topics], version, timestamp: BigInt(now) } },
});

export const regexTombstone = (groupId: string, regex: string): CoordinatorRecord => ({
  type: RecordType.CONSUMER_GROUP_REGULAR_EXPRESSION,
  key: { groupId, regularExpression: regex },
  value: null,
});

/** Kafka's removeMember: current assignment, target assignment, then subscription. */
export const memberRemovalRecords = (groupId: string, memberId: string): CoordinatorRecord[] => [
  currentAssignmentTombstone(groupId, memberId),
  targetAssignmentTombstone(groupId, memberId),
  memberSubscriptionTombstone(groupId, memberId),
];

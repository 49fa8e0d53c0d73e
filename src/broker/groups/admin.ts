/**
 * The group APIs that see every kind of group, through the Group interface only (Kafka's GroupMetadataManager
 * describeGroups / listGroups and GroupCoordinatorShard.deleteGroups): DescribeGroups, ListGroups, DeleteGroups.
 */
import { ErrorCode, describeError as readable } from '../../protocol/index.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { GroupError, type DescribedGroupEntry, type GroupType } from './types.js';

const notFound = (groupId: string) => `Group ${groupId} not found.`;

/** A DescribeGroups entry for an error (DescribeGroupsResponse.groupError). */
function describeError(groupId: string, code: number, message: string | null): DescribedGroupEntry {
  return { errorCode: code, errorMessage: message, groupId, groupState: '', protocolType: '', protocolData: '', members: [] };
}

/**
 * DescribeGroups of each id. Only classic groups are described (consumer groups answer ConsumerGroupDescribe): an
 * unknown or other-typed group is "Dead" with no error before v6, GROUP_ID_NOT_FOUND from v6 (KIP-1043).
 */
export function describeGroups(coordinator: GroupCoordinator, groupIds: readonly string[], version: number): DescribedGroupEntry[] {
  return groupIds.map((groupId) => {
    try {
      coordinator.checkCoordinator(groupId);
    } catch (e) {
      if (!(e instanceof GroupError)) throw e;
      return describeError(groupId, e.code, null);
    }
    const group = coordinator.group(groupId);
    if (group !== undefined && group.type === 'classic') return group.describe();
    const message = group === undefined ? notFound(groupId) : `Group ${groupId} is not a classic group.`;
    const dead = { ...describeError(groupId, ErrorCode.NONE, null), groupState: 'Dead' };
    return version >= 6 ? { ...dead, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: message } : dead;
  });
}

export interface ListedGroupEntry {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: GroupType;
}

/**
 * ListGroups over the groups of every partition this node coordinates. States match case-insensitively (Kafka
 * lower-cases both sides); types by name, case-insensitively (an unknown type matches no group).
 */
export function listGroups(coordinator: GroupCoordinator, statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroupEntry[] {
  const states = new Set(statesFilter.map((s) => s.trim().toLowerCase()));
  const types = new Set(typesFilter.map((t) => t.trim().toLowerCase()));
  const out: ListedGroupEntry[] = [];
  for (const g of coordinator.groups.values()) {
    if (states.size > 0 && !states.has(g.stateName().toLowerCase())) continue;
    if (types.size > 0 && !types.has(g.type)) continue;
    out.push({ groupId: g.groupId, protocolType: g.protocolType(), groupState: g.stateName(), groupType: g.type });
  }
  return out;
}

export interface DeletedGroupEntry {
  groupId: string;
  errorCode: number;
  errorMessage: string | null;
}

/**
 * DeleteGroups: each group the group allows to go (validateDeleteGroup: NON_EMPTY_GROUP while it has members) is
 * deleted with all its offsets: tombstones written first, then memory. An unknown group is GROUP_ID_NOT_FOUND.
 */
export function deleteGroups(coordinator: GroupCoordinator, groupIds: readonly string[]): DeletedGroupEntry[] {
  return groupIds.map((groupId) => {
    try {
      coordinator.checkCoordinator(groupId);
      const group = coordinator.group(groupId);
      if (group === undefined) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, notFound(groupId));
      group.validateDeleteGroup();
      coordinator.write(groupId, [...coordinator.offsets.deletionRecords(groupId), ...group.deletionRecords()]);
      coordinator.offsets.forget(groupId);
      coordinator.removeGroup(groupId);
      return { groupId, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      if (!(e instanceof GroupError)) throw e;
      return { groupId, errorCode: e.code, errorMessage: messageOf(e) };
    }
  });
}

/** The error's own message, or a readable form of its code when it was raised without one. */
function messageOf(e: GroupError): string {
  return e.message === `group error ${e.code}` ? readable(e.code) : e.message;
}

/**
 * Classic groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): Kafka's classic rebalance protocol.
 * SKELETON: filled in by the classic-protocol work.
 */
import { ErrorCode } from '../../protocol/index.js';
import { ClassicGroup } from './classic-group.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { GroupError } from './types.js';
import type { CoordinatorRecord } from './records.js';

export class ClassicGroups {
  constructor(readonly coordinator: GroupCoordinator) {}

  /**
   * The classic group of this id, created empty when there is none (OffsetCommit from outside a group does
   * this, as Kafka's getOrMaybeCreateClassicGroup); a consumer group of that id fails with GROUP_ID_NOT_FOUND.
   */
  getOrCreate(groupId: string): ClassicGroup {
    const existing = this.coordinator.group(groupId);
    if (existing instanceof ClassicGroup) return existing;
    if (existing !== undefined) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a classic group.`);
    const group = new ClassicGroup(groupId);
    this.coordinator.groups.set(groupId, group);
    return group;
  }

  /** A GroupMetadata record read back from the log (value null: the group was deleted). */
  replay(record: CoordinatorRecord): void {
    void record;
  }

  /** The partition's records are all replayed: start the restored members' session timers. */
  loaded(partition: number): void {
    void partition;
  }
}

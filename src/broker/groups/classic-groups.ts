/**
 * Classic groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): Kafka's classic rebalance protocol.
 * SKELETON: filled in by the classic-protocol work.
 */
import type { GroupCoordinator } from './group-coordinator.js';
import type { CoordinatorRecord } from './records.js';

export class ClassicGroups {
  constructor(readonly coordinator: GroupCoordinator) {}

  /** A GroupMetadata record read back from the log (value null: the group was deleted). */
  replay(record: CoordinatorRecord): void {
    void record;
  }

  /** The partition's records are all replayed: start the restored members' session timers. */
  loaded(partition: number): void {
    void partition;
  }
}

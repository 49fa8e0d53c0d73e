/**
 * Consumer groups (KIP-848): ConsumerGroupHeartbeat, ConsumerGroupDescribe, server-side assignors.
 * SKELETON: filled in by the KIP-848 work.
 */
import type { GroupCoordinator } from './group-coordinator.js';
import type { CoordinatorRecord } from './records.js';

export class ConsumerGroups {
  constructor(readonly coordinator: GroupCoordinator) {}

  /** A ConsumerGroup* record read back from the log. */
  replay(record: CoordinatorRecord): void {
    void record;
  }

  /** The partition's records are all replayed: start the restored members' session timers. */
  loaded(partition: number): void {
    void partition;
  }
}

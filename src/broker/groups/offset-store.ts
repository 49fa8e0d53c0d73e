/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete, and their retention.
 * SKELETON: filled in by the offsets work.
 */
import type { GroupCoordinator } from './group-coordinator.js';
import type { CoordinatorRecord } from './records.js';

export class OffsetStore {
  constructor(readonly coordinator: GroupCoordinator) {}

  /** An OffsetCommit record read back from the log (value null: the offset was deleted). */
  replay(record: CoordinatorRecord): void {
    void record;
  }

  loaded(partition: number): void {
    void partition;
  }

  unloaded(partition: number): void {
    void partition;
  }

  close(): void {}
}

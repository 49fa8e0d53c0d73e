/**
 * The part of the storage layer (src/storage) the metadata layer uses, as structural types: the real
 * LogManager satisfies them, and so does the in-memory fake some tests use.
 */

export type AppendResultLike =
  | { ok: true; baseOffset: number; lastOffset: number }
  | { ok: false; errorCode: number; message: string };

export interface PartitionLogLike {
  logStartOffset(): number;
  logEndOffset(): number;
  append(records: Buffer, opts?: { leaderEpoch?: number; origin?: 'client' | 'internal' }): AppendResultLike;
  read(fromOffset: number, maxBytes: number, opts?: { maxOffset?: number }): { records: Buffer; firstOffset: number; nextOffset: number };
  /** The partition's directory: snapshots and quorum-state live next to its segments. */
  readonly dir: string;
  /** Advances the log start offset (whole segments below it are deleted). Optional. */
  deleteRecordsBefore?(offset: number): number;
  /** The segment files (for the size-based retention of the metadata log). Optional. */
  segments?(): { baseOffset: number; size: number }[];
  /** Records the leader epoch of later appends. Optional. */
  setLeaderEpoch?(epoch: number): void;
}

export interface LogManagerLike<Config = unknown> {
  /** Creates the partition, or returns the existing one (updating its config). */
  createPartition(p: { topic: string; partition: number; topicId: string }, config: Config): PartitionLogLike;
  partition(topic: string, partition: number): PartitionLogLike | undefined;
}

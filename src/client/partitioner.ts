/**
 * Kafka's default partitioner, as the Java client has it since 3.3 (BuiltInPartitioner, KIP-794):
 * a keyed record goes to `toPositive(murmur2(key)) % numPartitions`, so every Java-compatible client (kafkajs's
 * default, librdkafka's `murmur2_random`) puts a key on the same partition; a record without a key sticks to one
 * partition until about batch.size bytes went there, then moves to another one picked at random, so keyless
 * records fill whole batches instead of spreading thin ones over every partition.
 */

/** Kafka's Utils.murmur2: MurmurHash2 (32-bit) with seed 0x9747b28c, as a signed 32-bit int like Java's. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  switch (length & 3) {
    case 3:
      h ^= data[tail + 2]! << 16;
    // falls through
    case 2:
      h ^= data[tail + 1]! << 8;
    // falls through
    case 1:
      h ^= data[tail]!;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: drops the sign bit (not Math.abs, which would differ for negative numbers). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition of a keyed record, as BuiltInPartitioner.partitionForKey computes it. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

/** Partitions that have a leader, or a function that lists them (called only when a partition is picked). */
export type Available = readonly number[] | (() => readonly number[] | undefined) | undefined;

function resolve(available: Available): readonly number[] | undefined {
  return typeof available === 'function' ? available() : available;
}

/**
 * The sticky choice for keyless records of one topic (BuiltInPartitioner's uniform sticky mode, without the
 * adaptive weighting by queue size). `append` is told how many bytes each keyless record added and whether the
 * partition's open batch just filled up; the partition changes once ~batchSize bytes went to it.
 */
export class StickyPartitioner {
  private current = -1;
  private produced = 0;

  constructor(
    private readonly batchSize: number,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The partition for the next keyless record. `available` lists partitions with a leader (undefined: all); it is
   * asked only when a new partition is picked.
   */
  partition(numPartitions: number, available?: Available): number {
    if (this.current < 0 || this.current >= numPartitions) this.current = this.pick(numPartitions, resolve(available));
    return this.current;
  }

  /**
   * Counts bytes sent to the sticky partition. As in Java, it moves on once batchSize bytes went there and a batch
   * was just completed (so batches stay whole), or unconditionally at twice batchSize.
   */
  onAppend(bytes: number, batchFull: boolean, numPartitions: number, available?: Available): void {
    this.produced += bytes;
    if ((this.produced >= this.batchSize && batchFull) || this.produced >= 2 * this.batchSize) {
      this.produced = 0;
      this.current = this.pick(numPartitions, resolve(available), this.current);
    }
  }

  private pick(numPartitions: number, available: readonly number[] | undefined, previous = -1): number {
    const from = available !== undefined && available.length > 0 ? available : undefined;
    const n = from?.length ?? numPartitions;
    if (n <= 1) return from?.[0] ?? 0;
    // Never the same partition twice in a row when there is a choice, as Java's nextPartition avoids it.
    let i = Math.floor(this.random() * n);
    let p = from !== undefined ? from[i]! : i;
    if (p === previous) {
      i = (i + 1 + Math.floor(this.random() * (n - 1))) % n;
      p = from !== undefined ? from[i]! : i;
    }
    return p;
  }
}

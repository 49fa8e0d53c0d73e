/**
 * Replica placement without racks, as Kafka's rack-unaware assignment (AdminUtils.assignReplicasToBrokers):
 * partition p's first replica — its leader — is broker (start + p) mod n, so leaders go round-robin over the
 * usable brokers; followers follow at a shift that changes every n partitions. `start` and the shift are
 * random, as in Kafka, unless the caller passes its own random source.
 */

export class PlacementError extends Error {}

export interface PlacementRequest {
  /** Usable (registered, unfenced) broker ids. */
  brokers: readonly number[];
  /** Brokers registered at all, fenced ones included (for the error message). */
  registeredCount: number;
  /** First partition id to place (existing partition count when adding partitions). */
  startPartition: number;
  numPartitions: number;
  replicationFactor: number;
  random?: () => number;
}

export function placeReplicas(req: PlacementRequest): number[][] {
  const { replicationFactor: rf, numPartitions } = req;
  if (rf < 1) throw new PlacementError(`Invalid replication factor ${rf}: the replication factor must be positive.`);
  if (req.registeredCount < rf) {
    throw new PlacementError(
      `The target replication factor of ${rf} cannot be reached because only ${req.registeredCount} broker(s) are registered.`,
    );
  }
  const brokers = [...req.brokers].sort((a, b) => a - b);
  const n = brokers.length;
  if (n === 0) throw new PlacementError('All brokers are currently fenced.');
  if (n < rf) {
    throw new PlacementError(
      `The target replication factor of ${rf} cannot be reached because only ${n} broker(s) are unfenced.`,
    );
  }
  const random = req.random ?? Math.random;
  const startIndex = Math.floor(random() * n);
  let shift = Math.floor(random() * n);
  const out: number[][] = [];
  let partitionId = Math.max(0, req.startPartition);
  for (let i = 0; i < numPartitions; i++, partitionId++) {
    if (partitionId > 0 && partitionId % n === 0) shift++;
    const first = (partitionId + startIndex) % n;
    const replicas = [brokers[first]!];
    for (let j = 0; j < rf - 1; j++) {
      const step = 1 + ((shift + j) % (n - 1));
      replicas.push(brokers[(first + step) % n]!);
    }
    out.push(replicas);
  }
  return out;
}

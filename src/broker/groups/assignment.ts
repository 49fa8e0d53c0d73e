/**
 * A consumer group member's partitions, as the KIP-848 records and APIs carry them: topic id → partition ids.
 * Plain maps of sets; helpers convert to and from the wire's `{topicId, partitions}` lists.
 */
export type Assignment = Map<string, Set<number>>;

export const emptyAssignment = (): Assignment => new Map();

export function copyAssignment(a: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, ps] of a) out.set(t, new Set(ps));
  return out;
}

/** From the wire/record form; duplicate topics merge, empty topics are dropped. */
export function assignmentFromList(list: readonly { topicId: string; partitions: readonly number[] }[] | null | undefined): Assignment {
  const out: Assignment = new Map();
  for (const tp of list ?? []) {
    if (tp.partitions.length === 0) continue;
    let set = out.get(tp.topicId);
    if (set === undefined) out.set(tp.topicId, (set = new Set()));
    for (const p of tp.partitions) set.add(p);
  }
  return out;
}

/** To the wire/record form, partitions ascending (Kafka's HashSet of small ints iterates that way too). */
export function assignmentToList(a: Assignment): { topicId: string; partitions: number[] }[] {
  const out: { topicId: string; partitions: number[] }[] = [];
  for (const [topicId, ps] of a) if (ps.size > 0) out.push({ topicId, partitions: [...ps].sort((x, y) => x - y) });
  return out;
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  let sizeA = 0;
  for (const [t, ps] of a) {
    if (ps.size === 0) continue;
    sizeA++;
    const other = b.get(t);
    if (other === undefined || other.size !== ps.size) return false;
    for (const p of ps) if (!other.has(p)) return false;
  }
  let sizeB = 0;
  for (const ps of b.values()) if (ps.size > 0) sizeB++;
  return sizeA === sizeB;
}

export function assignmentSize(a: Assignment): number {
  let n = 0;
  for (const ps of a.values()) n += ps.size;
  return n;
}

export function addPartition(a: Assignment, topicId: string, partition: number): void {
  let set = a.get(topicId);
  if (set === undefined) a.set(topicId, (set = new Set()));
  set.add(partition);
}

export function removePartition(a: Assignment, topicId: string, partition: number): void {
  const set = a.get(topicId);
  if (set === undefined) return;
  set.delete(partition);
  if (set.size === 0) a.delete(topicId);
}

export function hasPartition(a: Assignment, topicId: string, partition: number): boolean {
  return a.get(topicId)?.has(partition) ?? false;
}

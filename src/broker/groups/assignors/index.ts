/**
 * The server-side assignors a consumer group member may name (ConsumerGroupHeartbeat's ServerAssignor), as
 * Kafka's `group.consumer.assignors` default lists them: the first is the group's default.
 */
import { rangeAssignor } from './range.js';
import type { PartitionAssignor } from './types.js';
import { uniformAssignor } from './uniform.js';

export type { AssignmentMember, AssignmentTopic, PartitionAssignor } from './types.js';

const KNOWN: readonly PartitionAssignor[] = [uniformAssignor, rangeAssignor];

/** The assignors `group.consumer.assignors` names (class names or short names), in its order; unknown names skipped. */
export function configuredAssignors(setting: string | undefined): PartitionAssignor[] {
  if (setting === undefined || setting.trim() === '') return [...KNOWN];
  const out: PartitionAssignor[] = [];
  for (const raw of setting.split(',')) {
    const name = raw.trim();
    const found = KNOWN.find((a) => a.name === name || name.endsWith(`.${a.name[0]!.toUpperCase()}${a.name.slice(1)}Assignor`));
    if (found !== undefined && !out.includes(found)) out.push(found);
  }
  return out.length > 0 ? out : [...KNOWN];
}

/**
 * How `gregor group …` prints: tables with kafka-consumer-groups' columns for people, plain objects for --json.
 */
import type {
  DeleteOffsetsResult,
  GroupListing,
  GroupMemberDescription,
  GroupOffsetsView,
  PartitionLag,
  TopicPartition,
} from '../../client/admin/groups.js';
import type { ResetPlan } from '../../client/admin/offsets-reset.js';
import { stdoutColor } from '../colors.js';
import { renderTable } from '../output.js';

export function renderGroupList(groups: readonly GroupListing[]): string {
  return renderTable(groups, [
    { header: 'GROUP', value: (g) => g.groupId },
    { header: 'TYPE', value: (g) => g.type },
    { header: 'STATE', value: (g) => g.state },
    { header: 'PROTOCOL-TYPE', value: (g) => (g.protocolType === '' ? null : g.protocolType) },
  ]);
}

/** `topic(0,1) other(2)`, as kafka-consumer-groups --members --verbose shows an assignment. */
export function formatAssignment(partitions: readonly TopicPartition[]): string {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic].map(([t, ps]) => `${t}(${ps.join(',')})`).join(' ');
}

function summary(view: GroupOffsetsView): string {
  const d = view.description;
  const rows: [string, string][] = [
    ['GROUP', d.groupId],
    ['TYPE', d.type],
    ['STATE', d.state],
    ['COORDINATOR', `${d.coordinator.nodeId} (${d.coordinator.host}:${d.coordinator.port})`],
    ['ASSIGNOR', d.assignor === '' ? '-' : d.assignor],
    ['MEMBERS', String(d.members.length)],
  ];
  if (d.groupEpoch !== null) rows.push(['GROUP-EPOCH', String(d.groupEpoch)], ['ASSIGNMENT-EPOCH', String(d.assignmentEpoch)]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${stdoutColor.bold(k.padEnd(width))}${v}`).join('\n');
}

export function renderOffsets(groupId: string, partitions: readonly PartitionLag[]): string {
  return renderTable(partitions, [
    { header: 'GROUP', value: () => groupId },
    { header: 'TOPIC', value: (p) => p.topic },
    { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
    { header: 'CURRENT-OFFSET', value: (p) => p.currentOffset, align: 'right' },
    { header: 'LOG-END-OFFSET', value: (p) => p.logEndOffset, align: 'right' },
    { header: 'LAG', value: (p) => p.lag, align: 'right' },
    { header: 'CONSUMER-ID', value: (p) => p.consumerId },
    { header: 'HOST', value: (p) => p.host },
    { header: 'CLIENT-ID', value: (p) => p.clientId },
  ]);
}

export function renderMembers(groupId: string, members: readonly GroupMemberDescription[]): string {
  return renderTable(members, [
    { header: 'GROUP', value: () => groupId },
    { header: 'CONSUMER-ID', value: (m) => m.memberId },
    { header: 'HOST', value: (m) => m.clientHost },
    { header: 'CLIENT-ID', value: (m) => m.clientId },
    { header: '#PARTITIONS', value: (m) => m.assignment.length, align: 'right' },
    { header: 'ASSIGNMENT', value: (m) => (m.assignment.length === 0 ? null : formatAssignment(m.assignment)) },
  ]);
}

/** The group's summary, its partitions with offsets and lag, then its members (or only the members). */
export function renderDescribe(view: GroupOffsetsView, options: { membersOnly?: boolean } = {}): string {
  const d = view.description;
  if (options.membersOnly === true) return renderMembers(d.groupId, d.members);
  const parts = [summary(view)];
  if (view.partitions.length > 0) parts.push(renderOffsets(d.groupId, view.partitions));
  if (d.members.length > 0) parts.push(renderMembers(d.groupId, d.members));
  return parts.join('\n\n');
}

export function describeJson(view: GroupOffsetsView): Record<string, unknown> {
  const d = view.description;
  return {
    group: d.groupId,
    type: d.type,
    state: d.state,
    protocolType: d.protocolType,
    assignor: d.assignor,
    coordinator: { nodeId: d.coordinator.nodeId, host: d.coordinator.host, port: d.coordinator.port },
    ...(d.groupEpoch !== null ? { groupEpoch: d.groupEpoch, assignmentEpoch: d.assignmentEpoch } : {}),
    members: d.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      subscribedTopics: m.subscribedTopics,
      assignment: m.assignment,
      ...(m.memberEpoch !== null ? { memberEpoch: m.memberEpoch, targetAssignment: m.targetAssignment } : {}),
    })),
    offsets: view.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      currentOffset: p.currentOffset,
      logEndOffset: p.logEndOffset,
      lag: p.lag,
      consumerId: p.consumerId,
      host: p.host,
      clientId: p.clientId,
    })),
  };
}

/** The reset plan as kafka-consumer-groups prints it: GROUP TOPIC PARTITION NEW-OFFSET. */
export function renderResetPlan(plan: ResetPlan): string {
  return renderTable(plan.offsets, [
    { header: 'GROUP', value: () => plan.groupId },
    { header: 'TOPIC', value: (o) => o.topic },
    { header: 'PARTITION', value: (o) => o.partition, align: 'right' },
    { header: 'NEW-OFFSET', value: (o) => o.offset, align: 'right' },
  ]);
}

export function renderDeletedOffsets(result: DeleteOffsetsResult): string {
  return renderTable(result.partitions, [
    { header: 'TOPIC', value: (p) => p.topic },
    { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
    { header: 'STATUS', value: (p) => (p.error === null ? 'Successful' : `Error: ${p.error}`) },
  ]);
}

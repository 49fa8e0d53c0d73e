/**
 * Setup and inspection for the group checks, with kafkajs (independent of the client under test; no vitest here,
 * so that bench/groups.ts can use it too): producing, DescribeGroups, OffsetFetch.
 */
import { require } from './drivers.js';

const kafkajs = require('kafkajs');

/** What a client's admin shows of a group, assignments decoded by the client (topic → partitions). */
export interface DescribedGroup {
  state: string;
  protocolType?: string | null;
  protocol?: string | null;
  error?: unknown;
  found?: false;
  members: { memberId: string; clientId: string; assignment: Record<string, number[]> }[];
}

/** kafkajs's admin describeGroups, assignments decoded with its AssignerProtocol (kafka-consumer-groups' view). */
export async function kafkajsDescribe(bootstrap: string, group: string): Promise<DescribedGroup> {
  const kafka = new kafkajs.Kafka({ clientId: 'gregor-groups-kafkajs-admin', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    const g = groups[0];
    return {
      state: g.state,
      protocolType: g.protocolType,
      protocol: g.protocol,
      error: g.errorCode ? { code: g.errorCode } : null,
      members: g.members.map((m: any) => {
        const decoded = m.memberAssignment?.length ? kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
        const assignment: Record<string, number[]> = {};
        for (const [t, ps] of Object.entries((decoded?.assignment ?? {}) as Record<string, number[]>)) assignment[t] = [...ps].sort((a, b) => a - b);
        return { memberId: m.memberId, clientId: m.clientId, assignment };
      }),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of a group for a topic (kafkajs admin fetchOffsets: OffsetFetch), by partition. */
export async function committedOffsets(bootstrap: string, group: string, topic: string): Promise<Record<number, number>> {
  const kafka = new kafkajs.Kafka({ clientId: 'gregor-groups-kafkajs-admin', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [res] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries(res.partitions.map((p: any) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** `perPartition` records to each partition of `topic`, values `<tag>-<partition>-<i>`; returns the values. */
export async function produceTo(bootstrap: string, topic: string, partitions: number, perPartition: number, tag: string, connected?: any): Promise<string[]> {
  const producer = connected ?? new kafkajs.Kafka({ clientId: 'gregor-groups-setup', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING }).producer({ allowAutoTopicCreation: false });
  if (!connected) await producer.connect();
  const values: string[] = [];
  try {
    const messages = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < perPartition; i++) {
        const value = `${tag}-${p}-${i}`;
        values.push(value);
        messages.push({ partition: p, key: `k-${value}`, value });
      }
    }
    await producer.send({ topic, acks: -1, messages });
  } finally {
    if (!connected) await producer.disconnect();
  }
  return values;
}

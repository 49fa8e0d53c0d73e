/**
 * Each client's group member and describe-groups, for the group suite (groups-suite.ts, groups-*.test.ts).
 */
import { join } from 'node:path';
import { runWithNode22 } from '../helpers/node22.js';
import { kafkajsMember, kcatMember, platformaticMember, pythonMember, type MemberOptions } from './group-members.js';
import { kafkajsDescribe, type DescribedGroup } from './group-setup.js';
import { HERE, runPython } from './support.js';

async function runPlatformaticGroup(command: Record<string, unknown>, timeoutMs = 60_000): Promise<any> {
  const res = await runWithNode22(join(HERE, 'platformatic-group.mjs'), [], { input: JSON.stringify(command), timeoutMs });
  const line = res.stdout.trim().split('\n').pop() ?? '';
  let parsed: any;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`platformatic-group.mjs ${String(command.op)}: no JSON result (exit ${res.code ?? res.signal}); stderr:\n${res.stderr.slice(-3000)}`);
  }
  if (parsed?.error?.stack) throw new Error(`platformatic-group.mjs ${String(command.op)}: ${parsed.error.message}\n${parsed.error.stack}`);
  return parsed;
}

async function pythonDescribe(script: string, bootstrap: string, group: string): Promise<DescribedGroup> {
  const res = await runPython(script, { op: 'describe', bootstrap, group }, 60_000);
  return res as DescribedGroup;
}

export const groupClients = {
  kafkajs: {
    member: (bootstrap: string, o: MemberOptions) => kafkajsMember(bootstrap, o),
    describe: kafkajsDescribe,
  },
  platformatic: {
    member: (bootstrap: string, o: MemberOptions) => platformaticMember(bootstrap, o),
    describe: (bootstrap: string, group: string): Promise<DescribedGroup> => runPlatformaticGroup({ op: 'describe', bootstrap, group }),
  },
  kcat: {
    member: (bootstrap: string, o: MemberOptions) => kcatMember(bootstrap, o),
  },
  'confluent-kafka': {
    member: (bootstrap: string, o: MemberOptions) => pythonMember('groups_confluent.py', `confluent-kafka member of ${o.group}`, bootstrap, o),
    describe: (bootstrap: string, group: string) => pythonDescribe('groups_confluent.py', bootstrap, group),
  },
  'kafka-python': {
    member: (bootstrap: string, o: MemberOptions) => pythonMember('groups_kafkapython.py', `kafka-python member of ${o.group}`, bootstrap, o),
    describe: (bootstrap: string, group: string) => pythonDescribe('groups_kafkapython.py', bootstrap, group),
  },
};

/** ConsumerGroupDescribe (KIP-848) through @platformatic/kafka's API. */
export interface DescribedConsumerGroup {
  errorCode: number;
  state: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignor: string;
  members: { memberId: string; memberEpoch: number; clientId: string; subscribed: string[]; assignment: Record<string, number[]>; target: Record<string, number[]> }[];
}

export function platformaticConsumerGroupDescribe(bootstrap: string, group: string): Promise<DescribedConsumerGroup> {
  return runPlatformaticGroup({ op: 'consumer_group_describe', bootstrap, group });
}

/** ConsumerGroupDescribe in the shape of DescribedGroup (what `kafka-consumer-groups --describe` uses for a consumer group). */
export async function platformaticConsumerGroupLive(bootstrap: string, group: string): Promise<DescribedGroup> {
  const d = await platformaticConsumerGroupDescribe(bootstrap, group);
  return {
    state: d.errorCode === 0 ? d.state : `error ${d.errorCode}`,
    protocolType: 'consumer',
    protocol: d.assignor,
    members: (d.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId, assignment: m.assignment })),
  };
}

// Consumer groups against a real `gregor serve`, each figure beside a reference measured in the same run:
//  - time from a member starting to its first record, with 1 (reference), 3 and 30 members starting together in a
//    new group on a 30-partition topic: classic protocol with kafkajs and kcat -G (librdkafka), consumer protocol
//    (KIP-848) with @platformatic/kafka; floor: kcat -C (no group) to its first record;
//  - OffsetCommit at 1,000 commits/s (one partition each, a simple group): broker CPU and p50/p99 latency, beside
//    ApiVersions (a no-op) at the same rate on the same connection kind.
// Run: npm run build && npx tsx bench/groups.ts [--quick]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ApiKey, ZERO_UUID } from '../src/protocol/index.js';
import { RawClient } from '../test/broker/raw-client.js';
import { kafkajsMember, kcatMember, platformaticMember, type GroupMember, type MemberOptions } from '../test/clients/group-members.js';
import { require } from '../test/clients/drivers.js';
import { produceTo } from '../test/clients/group-setup.js';
import { startGregor, uniqueName, type GregorProcess } from '../test/helpers/gregor-server.js';

const quick = process.argv.includes('--quick');
const kafkajs = require('kafkajs');
/** The steady producer of the join runs (kafkajs, connected once gregor is up). */
let producer: any;
const PARTITIONS = 30;

function line(label: string, value: string, ref = ''): void {
  console.log(`${label.padEnd(58)} ${value.padStart(22)}  ${ref}`);
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function createTopic(port: number, name: string, partitions: number): Promise<void> {
  const c = await RawClient.connect(port);
  const r = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1 }], timeoutMs: 10000 });
  c.close();
  if (r.topics[0].errorCode !== 0) throw new Error(`create ${name}: ${r.topics[0].errorCode}`);
}

type Start = (bootstrap: string, o: MemberOptions) => GroupMember | Promise<GroupMember>;

/**
 * A group of `n - 1` members settles on a 30-partition topic that receives records all the time; then one more
 * member starts: the time from its start to its first record (the whole group rebalances to make room for it).
 */
async function joinToFirstRecord(gregor: GregorProcess, topic: string, start: Start, n: number, protocol: 'classic' | 'consumer'): Promise<number> {
  const group = uniqueName('bench-join');
  const others = await Promise.all(Array.from({ length: n - 1 }, () => start(gregor.bootstrap, { group, topic, protocol })));
  const deadline = Date.now() + 120_000;
  const covered = () => {
    const all = others.flatMap((m) => m.assignment ?? []);
    return others.every((m) => m.assignment !== null) && new Set(all).size === PARTITIONS && all.length === PARTITIONS;
  };
  while (n > 1 && !covered()) {
    if (Date.now() > deadline) throw new Error(`${n - 1} members did not settle in 120 s; one log:\n${others[0]?.log()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  let producing = true;
  const flow = (async () => {
    for (let round = 0; producing; round++) {
      await produceTo(gregor.bootstrap, topic, PARTITIONS, 1, `flow-${round}`, producer);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const began = performance.now();
    const m = await start(gregor.bootstrap, { group, topic, protocol });
    others.push(m);
    while (m.records.length === 0) {
      if (Date.now() > deadline) throw new Error(`the new member got no record in 120 s; log:\n${m.log()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    return performance.now() - began;
  } finally {
    producing = false;
    await flow;
    await Promise.allSettled(others.map((m) => m.close()));
  }
}

/** kcat -C (no group) from start to its first record: the floor of "start → first record" for a librdkafka process. */
function kcatPlainFirstRecord(bootstrap: string, topic: string): number {
  const t0 = performance.now();
  const r = spawnSync('kcat', ['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '1', '-q', '-X', 'fetch.wait.max.ms=100'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`kcat -C: ${r.stderr}`);
  return performance.now() - t0;
}

/** One request every 1 ms for `seconds`: latency per request and the broker's CPU over the run. */
async function atRate(port: number, pid: number, seconds: number, send: (c: RawClient, i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; cpu: number; rate: number }> {
  const c = await RawClient.connect(port);
  const n = Math.round(seconds * 1000);
  for (let i = 0; i < 200; i++) await send(c, i); // warm-up
  const samples: number[] = [];
  const cpu0 = cpuSeconds(pid);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = start + i - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    await send(c, i);
    samples.push(performance.now() - t);
  }
  const elapsed = (performance.now() - start) / 1000;
  const cpu = (cpuSeconds(pid) - cpu0) / elapsed;
  c.close();
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), cpu, rate: n / elapsed };
}

async function main(): Promise<void> {
  const gregor = await startGregor(['--log-level', 'warn']);
  const topic = 'bench-groups';
  await createTopic(gregor.port, topic, PARTITIONS);
  await produceTo(gregor.bootstrap, topic, PARTITIONS, 20, 'bench');
  producer = new kafkajs.Kafka({ clientId: 'bench-groups', brokers: [gregor.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).producer();
  await producer.connect();

  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const floor = kcatPlainFirstRecord(gregor.bootstrap, topic);
  line('kcat -C (no group): start to first record', ms(floor), '(floor for a librdkafka process)');
  const clients: [string, Start, 'classic' | 'consumer'][] = [
    ['kafkajs, classic', kafkajsMember, 'classic'],
    ['kcat -G (librdkafka), classic', kcatMember, 'classic'],
    // KIP-848: the others give up partitions at their next heartbeat (group.consumer.heartbeat.interval.ms, Kafka's 5 s).
    ['platformatic, consumer protocol (KIP-848)', platformaticMember, 'consumer'],
  ];
  const sizes = quick ? [1, 3, 10] : [1, 3, 30];
  for (const [label, start, protocol] of clients) {
    let one = 0;
    for (const n of sizes) {
      const t = await joinToFirstRecord(gregor, topic, start, n, protocol);
      if (n === 1) one = t;
      line(`${label}: member ${n} of ${n} start to first record`, ms(t), n === 1 ? '(reference: alone in the group)' : `${(t / one).toFixed(1)}x the lone member`);
    }
  }

  const seconds = quick ? 2 : 5;
  const group = uniqueName('bench-commit');
  const noop = await atRate(gregor.port, gregor.child.pid!, seconds, (c) => c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'bench', clientSoftwareVersion: '1' }));
  const commit = await atRate(gregor.port, gregor.child.pid!, seconds, async (c, i) => {
    const r = await c.request(ApiKey.OffsetCommit, 8, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [{ name: topic, topicId: ZERO_UUID, partitions: [{ partitionIndex: i % PARTITIONS, committedOffset: BigInt(i), commitTimestamp: -1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    const code = r.topics[0].partitions[0].errorCode;
    if (code !== 0) throw new Error(`OffsetCommit error ${code}`);
  });
  const fmt = (x: { p50: number; p99: number; cpu: number; rate: number }) => `p50 ${x.p50.toFixed(2)} p99 ${x.p99.toFixed(2)} ms`;
  line(`ApiVersions at ${noop.rate.toFixed(0)}/s (reference)`, fmt(noop), `broker CPU ${(100 * noop.cpu).toFixed(1)}% of a core`);
  line(`OffsetCommit at ${commit.rate.toFixed(0)}/s, 1 partition each`, fmt(commit), `broker CPU ${(100 * commit.cpu).toFixed(1)}% of a core (${(100 * (commit.cpu - noop.cpu)).toFixed(1)} points over ApiVersions)`);
  await producer.disconnect();
  await gregor.stop();
}

await main();

/**
 * `gregor group list|describe|reset-offsets|delete|delete-offsets` against a real `gregor serve`, with the groups
 * driven and cross-checked by clients we did not write: kafkajs consumers and admin (describeGroups, fetchOffsets,
 * setOffsets), and @platformatic/kafka KIP-848 consumers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { require } from '../clients/drivers.js';
import { groupClients, platformaticConsumerGroupDescribe } from '../clients/group-clients.js';
import { until, type GroupMember } from '../clients/group-members.js';
import { committedOffsets, kafkajsDescribe, produceTo } from '../clients/group-setup.js';
import { createTopics, deleteRecordsBefore } from '../clients/suite.js';
import { parseDateTime, parseDuration, parseResetFile, parseTopicArg } from '../../src/client/admin/offsets-reset.js';

const kafkajs = require('kafkajs');

let gregor: GregorProcess;
let kafka: any;
let admin: any;
let dir: string;

/** The CLI against this file's broker. */
function cli(...args: string[]): Promise<CliResult> {
  return runCli([...args, '-b', gregor.bootstrap]);
}

/** stdout's table rows (after the header), split on runs of spaces. */
function rows(stdout: string): string[][] {
  const lines = stdout.trim().split('\n');
  return lines.slice(1).map((l) => l.trim().split(/\s+/));
}

/** kafkajs admin: the group's committed offsets for a topic, by partition (-1: none). */
async function fetched(group: string, topic: string): Promise<Record<number, number>> {
  return committedOffsets(gregor.bootstrap, group, topic);
}

async function setOffsets(group: string, topic: string, offsets: Record<number, number>): Promise<void> {
  await admin.setOffsets({ groupId: group, topic, partitions: Object.entries(offsets).map(([p, o]) => ({ partition: Number(p), offset: String(o) })) });
}

beforeAll(async () => {
  gregor = await startGregor([
    '--config', 'num.partitions=3',
    // KIP-848 members learn of assignments at their next heartbeat (Kafka's minimum of 5 s would make this slow).
    '--config', 'group.consumer.min.heartbeat.interval.ms=250',
    '--config', 'group.consumer.heartbeat.interval.ms=250',
  ]);
  kafka = new kafkajs.Kafka({ clientId: 'gregor-group-cli-test', brokers: [gregor.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  dir = mkdtempSync(join(tmpdir(), 'gregor-group-test-'));
}, 30_000);

afterAll(async () => {
  await admin?.disconnect();
  await gregor?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('a classic group of kafkajs consumers', () => {
  const topic = uniqueName('gd');
  const group = uniqueName('gd-group');
  let members: GroupMember[] = [];

  afterAll(async () => {
    await Promise.all(members.map((m) => m.close().catch(() => undefined)));
  });

  it('describe: offsets, log end, lag and members match kafkajs describeGroups and fetchOffsets; active groups are protected', async () => {
    await createTopics(gregor.bootstrap, [topic], 3);
    await produceTo(gregor.bootstrap, topic, 3, 5, 'a');
    members = [
      await groupClients.kafkajs.member(gregor.bootstrap, { group, topic, clientId: 'gd-client-a' }),
      await groupClients.kafkajs.member(gregor.bootstrap, { group, topic, clientId: 'gd-client-b' }),
    ];
    await until(
      () => members.reduce((n, m) => n + (m.assignment?.length ?? 0), 0) === 3 && members.every((m) => m.assignment !== null && m.assignment.length > 0),
      () => `both members assigned: ${members.map((m) => JSON.stringify(m.assignment)).join(' ')}`,
    );
    // Each member has read to the end of each partition it now owns (the first may have read them all before the
    // second joined; only what a member owns now is committed).
    await until(
      () => members.every((m) => m.assignment!.every((p) => m.records.some((r) => r.partition === p && r.offset === 4))),
      () => 'each member at the end of its partitions',
    );
    await Promise.all(members.map((m) => m.commit()));
    await produceTo(gregor.bootstrap, topic, 3, 2, 'b');

    const res = await cli('group', 'describe', group, '--json');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const [d] = JSON.parse(res.stdout);
    const theirs = await kafkajsDescribe(gregor.bootstrap, group);
    expect(d.state).toBe(theirs.state);
    expect(d.type).toBe('classic');
    expect(d.protocolType).toBe('consumer');
    expect(d.assignor).toBe(theirs.protocol);
    const mine = d.members
      .map((m: any) => ({ memberId: m.memberId, clientId: m.clientId, assignment: { [topic]: m.assignment.map((tp: any) => tp.partition) } }))
      .sort((a: any, b: any) => a.memberId.localeCompare(b.memberId));
    expect(mine).toEqual([...theirs.members].sort((a, b) => a.memberId.localeCompare(b.memberId)));
    expect(d.members.map((m: any) => m.subscribedTopics)).toEqual([[topic], [topic]]);

    const committed = await fetched(group, topic);
    expect(committed).toEqual({ 0: 5, 1: 5, 2: 5 });
    const byPartition = Object.fromEntries(d.offsets.map((o: any) => [o.partition, o]));
    for (const p of [0, 1, 2]) {
      expect(byPartition[p].currentOffset).toBe(committed[p]);
      expect(byPartition[p].logEndOffset).toBe(7);
      expect(byPartition[p].lag).toBe(2);
      const owner = theirs.members.find((m) => m.assignment[topic]?.includes(p))!;
      expect(byPartition[p].consumerId).toBe(owner.memberId);
      expect(byPartition[p].clientId).toBe(owner.clientId);
    }

    // The text form: the summary, kafka-consumer-groups' columns, one row per partition, then the members.
    const text = await cli('group', 'describe', group);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^GROUP\\s+${group}$`, 'm'));
    expect(text.stdout).toMatch(/^STATE\s+Stable$/m);
    expect(text.stdout).toMatch(/^TYPE\s+classic$/m);
    expect(text.stdout).toMatch(/^COORDINATOR\s+\d+ \(.+:\d+\)$/m);
    expect(text.stdout).toMatch(/^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID$/m);
    for (const p of [0, 1, 2]) {
      expect(text.stdout).toMatch(new RegExp(`^${group}\\s+${topic}\\s+${p}\\s+5\\s+7\\s+2\\s+${byPartition[p].consumerId}\\s+\\S+\\s+gd-client-[ab]$`, 'm'));
    }
    const onlyMembers = await cli('group', 'describe', group, '--members');
    expect(onlyMembers.code).toBe(0);
    expect(onlyMembers.stdout.split('\n')[0]).toMatch(/^GROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s+ASSIGNMENT$/);
    expect(rows(onlyMembers.stdout).map((r) => r[4]).sort()).toEqual(['1', '2']);

    // While it has members: reset refused in Kafka's words, delete refused, offsets of a subscribed topic kept.
    const reset = await cli('group', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--execute');
    expect(reset.code).toBe(1);
    expect(reset.stdout).toBe('');
    expect(reset.stderr).toBe(`error: Assignments can only be reset if the group '${group}' is inactive, but the current state is Stable.\n`);
    const del = await cli('group', 'delete', group);
    expect(del.code).toBe(1);
    expect(del.stderr).toBe(`error: Group '${group}' could not be deleted due to: The group is not empty.\n`);
    const delOffsets = await cli('group', 'delete-offsets', group, '--topic', topic);
    expect(delOffsets.code).toBe(1);
    expect(delOffsets.stderr).toMatch(/^error: could not delete the offsets .*: The consumer group is actively subscribed to the topic\.\n$/);
    expect(await fetched(group, topic)).toEqual({ 0: 5, 1: 5, 2: 5 });
  }, 60_000);

  it('list: every group with its type and state, filtered by state and type', async () => {
    const all = await cli('group', 'list', '--json');
    expect(all.code).toBe(0);
    const listed = JSON.parse(all.stdout);
    expect(listed).toContainEqual({ group, type: 'classic', state: 'Stable', protocolType: 'consumer' });
    const theirs = await admin.listGroups();
    expect(listed.map((g: any) => g.group).sort()).toEqual(theirs.groups.map((g: any) => g.groupId).sort());

    const text = await cli('group', 'list');
    expect(text.stdout.split('\n')[0]).toMatch(/^GROUP\s+TYPE\s+STATE\s+PROTOCOL-TYPE$/);
    expect(text.stdout).toMatch(new RegExp(`^${group}\\s+classic\\s+Stable\\s+consumer$`, 'm'));

    const stable = JSON.parse((await cli('group', 'list', '--state', 'stable', '--json')).stdout);
    expect(stable.map((g: any) => g.group)).toContain(group);
    expect(stable.every((g: any) => g.state === 'Stable')).toBe(true);
    const empty = JSON.parse((await cli('group', 'list', '--state', 'Empty', '--json')).stdout);
    expect(empty.map((g: any) => g.group)).not.toContain(group);
    const classic = JSON.parse((await cli('group', 'list', '--type', 'classic', '--json')).stdout);
    expect(classic.map((g: any) => g.group)).toContain(group);
    const consumer = JSON.parse((await cli('group', 'list', '--type', 'consumer', '--json')).stdout);
    expect(consumer.map((g: any) => g.group)).not.toContain(group);

    const bad = await cli('group', 'list', '--state', 'Sleeping');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: Invalid state 'Sleeping'\. Valid states are: .*Stable.*\n$/);
  }, 30_000);

  it('after the members leave: Empty, committed partitions without a consumer; delete-offsets then OffsetFetch shows -1', async () => {
    await Promise.all(members.map((m) => m.close()));
    members = [];
    const res = await cli('group', 'describe', group, '--json');
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(`Consumer group '${group}' has no active members.\n`);
    const [d] = JSON.parse(res.stdout);
    expect(d.state).toBe('Empty');
    expect(d.members).toEqual([]);
    expect(d.offsets).toEqual([0, 1, 2].map((partition) => ({ topic, partition, currentOffset: 5, logEndOffset: 7, lag: 2, consumerId: null, host: null, clientId: null })));
    const text = await cli('group', 'describe', group);
    expect(text.stdout).toMatch(new RegExp(`^${group}\\s+${topic}\\s+0\\s+5\\s+7\\s+2\\s+-\\s+-\\s+-$`, 'm'));

    const del = await cli('group', 'delete-offsets', group, '--topic', `${topic}:0,2`);
    expect(del.stderr).toBe('');
    expect(del.code).toBe(0);
    expect(del.stdout).toContain(`Request succeeded for deleting offsets from group ${group}.`);
    expect(del.stdout).toMatch(/^TOPIC\s+PARTITION\s+STATUS$/m);
    expect(del.stdout).toMatch(new RegExp(`^${topic}\\s+0\\s+Successful$`, 'm'));
    expect(del.stdout).toMatch(new RegExp(`^${topic}\\s+2\\s+Successful$`, 'm'));
    expect(await fetched(group, topic)).toEqual({ 0: -1, 1: 5, 2: -1 });
  }, 30_000);
});

describe('reset-offsets', () => {
  const topic = uniqueName('rs');
  const group = uniqueName('rs-group');
  // Partition 0: 10 records, one every 10 minutes from `base`; partition 1: 4 records on the same clock.
  const base = Date.now() - 3 * 3600_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '');

  beforeAll(async () => {
    await createTopics(gregor.bootstrap, [topic], 2);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const messages = [
      ...Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `p0-${i}`, timestamp: String(base + i * 600_000) })),
      ...Array.from({ length: 4 }, (_, i) => ({ partition: 1, value: `p1-${i}`, timestamp: String(base + i * 600_000) })),
    ];
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
    await setOffsets(group, topic, { 0: 5, 1: 2 });
  }, 30_000);

  /** The dry-run plan: NEW-OFFSET by partition, with the header checked and nothing committed. */
  async function plan(...args: string[]): Promise<{ offsets: Record<number, number>; stderr: string }> {
    const res = await cli('group', 'reset-offsets', group, ...args);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET$/);
    const offsets: Record<number, number> = {};
    for (const r of rows(res.stdout)) {
      expect(r[0]).toBe(group);
      expect(r[1]).toBe(topic);
      offsets[Number(r[2])] = Number(r[3]);
    }
    expect(res.stderr).toContain('Dry run: nothing was changed');
    return { offsets, stderr: res.stderr };
  }

  it('plans each strategy as Kafka does, clamped into the log, and changes nothing without --execute', async () => {
    expect((await plan('--topic', topic, '--to-earliest')).offsets).toEqual({ 0: 0, 1: 0 });
    expect((await plan('--topic', topic, '--to-latest')).offsets).toEqual({ 0: 10, 1: 4 });
    expect((await plan('--all-topics', '--to-current')).offsets).toEqual({ 0: 5, 1: 2 });
    expect((await plan('--topic', `${topic}:1`, '--to-latest')).offsets).toEqual({ 1: 4 });

    const toOffset = await plan('--topic', topic, '--to-offset', '7');
    expect(toOffset.offsets).toEqual({ 0: 7, 1: 4 });
    expect(toOffset.stderr).toContain(`warning: New offset (7) is higher than latest offset for topic partition ${topic}-1. Value will be set to 4.`);

    expect((await plan('--topic', topic, '--shift-by', '2')).offsets).toEqual({ 0: 7, 1: 4 });
    const back = await plan('--all-topics', '--shift-by=-3');
    expect(back.offsets).toEqual({ 0: 2, 1: 0 });
    expect(back.stderr).toContain(`warning: New offset (-1) is lower than earliest offset for topic partition ${topic}-1. Value will be set to 0.`);

    // The first record at or after the time; partition 1 has none, so its log end (with Kafka's warning).
    const at = await plan('--topic', topic, '--to-datetime', iso(base + 35 * 60_000));
    expect(at.offsets).toEqual({ 0: 4, 1: 4 });
    expect(at.stderr).toContain(`warning: Partition 1 from topic ${topic} is empty. Falling back to latest known offset.`);
    // The same instant written with a zone: 2 hours ahead of UTC.
    const zoned = iso(base + 35 * 60_000 + 2 * 3600_000) + '+02:00';
    expect((await plan('--topic', topic, '--to-datetime', zoned)).offsets).toEqual({ 0: 4, 1: 4 });
    expect((await plan('--topic', topic, '--to-datetime', iso(base - 60_000) + 'Z')).offsets).toEqual({ 0: 0, 1: 0 });
    // Now minus 2 h 5 min: base + 55 min, before record 6 of partition 0 (base + 60 min).
    expect((await plan('--topic', topic, '--by-duration', 'PT2H5M')).offsets).toEqual({ 0: 6, 1: 4 });
    expect((await plan('--topic', topic, '--by-duration', 'P1D')).offsets).toEqual({ 0: 0, 1: 0 });

    const file = join(dir, 'plan.csv');
    writeFileSync(file, `${topic},0,3\n${topic},1,99\n`);
    const fromFile = await plan('--from-file', file);
    expect(fromFile.offsets).toEqual({ 0: 3, 1: 4 });
    writeFileSync(file, `other-group,${topic},0,1\n${group},${topic},0,8\n`);
    expect((await plan('--from-file', file)).offsets).toEqual({ 0: 8 });

    expect(await fetched(group, topic)).toEqual({ 0: 5, 1: 2 });

    const json = await cli('group', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ group, executed: false, offsets: [{ topic, partition: 0, offset: 0 }, { topic, partition: 1, offset: 0 }] });
  }, 60_000);

  it('clamps to the log start after records were deleted', async () => {
    await deleteRecordsBefore(gregor.bootstrap, topic, 0, 2);
    const res = await plan('--topic', `${topic}:0`, '--to-offset', '1');
    expect(res.offsets).toEqual({ 0: 2 });
    expect(res.stderr).toContain(`warning: New offset (1) is lower than earliest offset for topic partition ${topic}-0. Value will be set to 2.`);
    expect((await plan('--topic', `${topic}:0`, '--to-earliest')).offsets).toEqual({ 0: 2 });
  }, 30_000);

  it('--execute commits the plan; a kafkajs consumer of the group starts exactly there; while it runs the reset is refused', async () => {
    const res = await cli('group', 'reset-offsets', group, '--topic', topic, '--to-offset', '3', '--execute');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(rows(res.stdout)).toEqual([
      [group, topic, '0', '3'],
      [group, topic, '1', '3'],
    ]);
    expect(await fetched(group, topic)).toEqual({ 0: 3, 1: 3 });

    const member = await groupClients.kafkajs.member(gregor.bootstrap, { group, topic });
    try {
      await until(() => member.records.length >= 8, () => `8 records (7 of partition 0, 1 of partition 1), got ${member.records.length}`);
      const first = (p: number) => Math.min(...member.records.filter((r) => r.partition === p).map((r) => r.offset));
      expect(first(0)).toBe(3);
      expect(first(1)).toBe(3);
      expect(member.records.map((r) => r.value).sort()).toEqual(['p0-3', 'p0-4', 'p0-5', 'p0-6', 'p0-7', 'p0-8', 'p0-9', 'p1-3']);

      const refused = await cli('group', 'reset-offsets', group, '--all-topics', '--to-earliest', '--execute');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error: Assignments can only be reset if the group '${group}' is inactive, but the current state is Stable.\n`);
    } finally {
      await member.close();
    }
  }, 60_000);

  it('delete: an empty group goes, then does not exist', async () => {
    const res = await cli('group', 'delete', group);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`Deletion of requested consumer groups ('${group}') was successful.\n`);
    const gone = await cli('group', 'describe', group);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toBe(`error: Consumer group '${group}' does not exist.\n`);
    const theirs = await admin.listGroups();
    expect(theirs.groups.map((g: any) => g.groupId)).not.toContain(group);
  }, 30_000);
});

describe('a group without offsets', () => {
  it('--all-topics has nothing to reset: no plan, a note on stderr, exit 0', async () => {
    const res = await cli('group', 'reset-offsets', uniqueName('nothing'), '--all-topics', '--to-earliest', '--execute');
    expect(res).toEqual({ code: 0, stdout: '', stderr: expect.stringMatching(/^Nothing to reset: group '.*' has no committed offsets\.\n$/) });
  });
});

describe('bad input', () => {
  it('fails with one line and exit 1', async () => {
    const topic = uniqueName('bad');
    await createTopics(gregor.bootstrap, [topic], 2);
    const g = uniqueName('bad-group');
    const cases: [string[], RegExp][] = [
      [['group', 'describe', g], new RegExp(`^error: Consumer group '${g}' does not exist\\.\\n$`)],
      [['group', 'reset-offsets', g, '--topic', 'no-such-topic-x', '--to-earliest'], /^error: topic "no-such-topic-x" does not exist\n$/],
      [['group', 'reset-offsets', g, '--topic', `${topic}:5`, '--to-earliest'], new RegExp(`^error: The partitions "${topic}-5" do not exist\\n$`)],
      [['group', 'reset-offsets', g, '--topic', `${topic}:x`, '--to-earliest'], /^error: Invalid partition 'x' specified in topic arg/],
      [['group', 'reset-offsets', g, '--topic', topic, '--by-duration', '1h'], /^error: invalid --by-duration "1h": Text cannot be parsed to a Duration/],
      [['group', 'reset-offsets', g, '--topic', topic, '--by-duration', 'PT'], /^error: invalid --by-duration "PT"/],
      [['group', 'reset-offsets', g, '--topic', topic, '--to-datetime', '2024-13-01T00:00:00.000'], /^error: invalid --to-datetime "2024-13-01T00:00:00.000": expected yyyy-MM-ddTHH:mm:ss.SSS/],
      [['group', 'reset-offsets', g, '--topic', topic, '--to-datetime', 'yesterday'], /^error: invalid --to-datetime "yesterday"/],
      [['group', 'reset-offsets', g, '--topic', topic], /^error: give one strategy: --to-earliest, --to-latest/],
      [['group', 'reset-offsets', g, '--topic', topic, '--to-earliest', '--to-latest'], /^error: give only one strategy, not --to-earliest and --to-latest\n$/],
      [['group', 'reset-offsets', g, '--to-earliest'], /^error: One of the reset scopes should be defined: --all-topics, --topic\.\n$/],
      [['group', 'reset-offsets', g, '--topic', topic, '--to-offset', 'ten'], /^error: --to-offset needs an integer, not "ten"\n$/],
      [['group', 'reset-offsets', g, '--topic', topic, '--shift-by=-1'], new RegExp(`^error: Cannot shift offset for partition ${topic}-0 since there is no current committed offset\\n$`)],
      [['group', 'reset-offsets', g, '--from-file', join(dir ?? '/tmp', 'missing.csv')], /^error: cannot read .*missing\.csv: no such file\n$/],
      [['group', 'delete', g], new RegExp(`^error: Group '${g}' could not be deleted due to: The group id does not exist\\.\\n$`)],
      [['group', 'delete-offsets', g, '--topic', 'no-such-topic-y'], /^error: topic "no-such-topic-y" does not exist\n$/],
      [['group', 'list', '--type', 'modern'], /^error: Invalid type 'modern'\. Valid types are: classic, consumer, share, streams\n$/],
    ];
    for (const [args, want] of cases) {
      const res = await cli(...args);
      expect({ args, code: res.code, stdout: res.stdout, stderr: res.stderr }).toEqual({ args, code: 1, stdout: '', stderr: expect.stringMatching(want) });
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
    const down = await runCli(['group', 'list', '-b', '127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr).toBe('error: could not connect to 127.0.0.1:1: connection refused\n');
    const downDescribe = await runCli(['group', 'describe', 'x', '-b', '127.0.0.1:1']);
    expect(downDescribe.code).toBe(1);
    expect(downDescribe.stderr).toMatch(/^error: .*connection refused\n$/);
  }, 60_000);
});

describe('a KIP-848 group of @platformatic/kafka consumers', () => {
  it('describe: ConsumerGroupDescribe state, assignor, members and lag match what platformatic reports', async () => {
    const topic = uniqueName('kip848');
    const group = uniqueName('kip848-group');
    await createTopics(gregor.bootstrap, [topic], 2);
    await produceTo(gregor.bootstrap, topic, 2, 3, 'k');
    const member = await groupClients.platformatic.member(gregor.bootstrap, { group, topic, protocol: 'consumer', commitEach: true, clientId: 'kip848-client' });
    try {
      await until(() => member.records.length >= 6, () => `6 records consumed:\n${member.log()}`, 30_000);
      await produceTo(gregor.bootstrap, topic, 2, 1, 'more');
      // Its commits of the first 6 records are awaited one by one; the 2 new ones may be read too, so wait for them.
      await until(() => member.records.length >= 8, () => `8 records consumed:\n${member.log()}`, 30_000);
      let committed: Record<number, number> = {};
      await waitFor(async () => {
        committed = await fetched(group, topic);
        return committed[0] === 4 && committed[1] === 4;
      }, () => `committed offsets 4/4, got ${JSON.stringify(committed)}`);

      const res = await cli('group', 'describe', group, '--json');
      expect(res.code, res.stderr).toBe(0);
      const [d] = JSON.parse(res.stdout);
      const theirs = await platformaticConsumerGroupDescribe(gregor.bootstrap, group);
      expect(d.type).toBe('consumer');
      expect(d.state).toBe(theirs.state);
      expect(d.assignor).toBe(theirs.assignor);
      expect(d.groupEpoch).toBe(theirs.groupEpoch);
      expect(d.members.map((m: any) => ({ memberId: m.memberId, clientId: m.clientId, memberEpoch: m.memberEpoch, subscribed: m.subscribedTopics }))).toEqual(
        theirs.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, memberEpoch: m.memberEpoch, subscribed: m.subscribed })),
      );
      expect(d.members[0].assignment).toEqual([{ topic, partition: 0 }, { topic, partition: 1 }]);
      expect(d.offsets).toEqual([0, 1].map((partition) => ({ topic, partition, currentOffset: 4, logEndOffset: 4, lag: 0, consumerId: d.members[0].memberId, host: d.members[0].host, clientId: 'kip848-client' })));

      const listed = JSON.parse((await cli('group', 'list', '--type', 'consumer', '--json')).stdout);
      expect(listed).toContainEqual({ group, type: 'consumer', state: theirs.state, protocolType: 'consumer' });
      const refused = await cli('group', 'reset-offsets', group, '--all-topics', '--to-earliest');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error: Assignments can only be reset if the group '${group}' is inactive, but the current state is ${theirs.state}.\n`);
    } finally {
      await member.close();
    }
  }, 90_000);
});

async function waitFor(cond: () => Promise<boolean>, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('parsing reset arguments (Kafka formats)', () => {
  it('--to-datetime: yyyy-MM-ddTHH:mm:ss.SSS, UTC without a zone, Z / ±hh:mm / ±hhmm / ±hh zones', () => {
    const utc = Date.UTC(2024, 0, 1, 0, 0, 0, 0);
    expect(parseDateTime('2024-01-01T00:00:00.000')).toBe(BigInt(utc));
    expect(parseDateTime('2024-01-01T00:00:00.000Z')).toBe(BigInt(utc));
    expect(parseDateTime('2024-01-01T02:00:00.000+02:00')).toBe(BigInt(utc));
    expect(parseDateTime('2024-01-01T02:30:00.000+0230')).toBe(BigInt(utc));
    expect(parseDateTime('2023-12-31T19:00:00.000-05')).toBe(BigInt(utc));
    expect(parseDateTime('2024-02-29T12:34:56.789')).toBe(BigInt(Date.UTC(2024, 1, 29, 12, 34, 56, 789)));
    for (const bad of ['2024-01-01', '2024-01-01T00:00:00', '2023-02-29T00:00:00.000', '2024-01-01T24:00:00.000', '2024-01-01 00:00:00.000', '2024-01-01T00:00:00.000+25:00']) {
      expect(() => parseDateTime(bad), bad).toThrow(/^invalid --to-datetime/);
    }
  });

  it('--by-duration: Java Duration syntax', () => {
    expect(parseDuration('PT1H30M')).toBe(5_400_000n);
    expect(parseDuration('P1DT12H')).toBe(129_600_000n);
    expect(parseDuration('P2D')).toBe(172_800_000n);
    expect(parseDuration('PT0.5S')).toBe(500n);
    expect(parseDuration('pt15m')).toBe(900_000n);
    expect(parseDuration('-PT1M')).toBe(-60_000n);
    expect(parseDuration('PT-1H30M')).toBe(-1_800_000n);
    for (const bad of ['P', 'PT', '1h', 'P1H', 'PT1D', 'P1W', '']) expect(() => parseDuration(bad), bad).toThrow(/Text cannot be parsed to a Duration/);
  });

  it('--topic and --from-file', () => {
    expect(parseTopicArg('orders')).toEqual({ topic: 'orders', partitions: null });
    expect(parseTopicArg('orders:0,2')).toEqual({ topic: 'orders', partitions: [0, 2] });
    expect(() => parseTopicArg('orders:')).toThrow("Invalid partition '' specified in topic arg 'orders:'");
    expect(() => parseTopicArg('a:1:2')).toThrow("Invalid topic arg 'a:1:2', expected topic name and partitions");
    expect(parseResetFile('t,0,5\n\nt,1,-1\n', 'g')).toEqual([{ topic: 't', partition: 0, offset: 5n }, { topic: 't', partition: 1, offset: -1n }]);
    expect(parseResetFile('g,t,0,5\nh,t,1,6\r\n', 'g')).toEqual([{ topic: 't', partition: 0, offset: 5n }]);
    expect(() => parseResetFile('h,t,1,6\n', 'g')).toThrow('No reset plan for group g found.');
    expect(() => parseResetFile('t,zero,5\n', 'g')).toThrow(/^line 1 of the reset file: expected topic,partition,offset/);
  });
});

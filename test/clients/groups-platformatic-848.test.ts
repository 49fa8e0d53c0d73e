/**
 * Consumer groups with the consumer protocol (KIP-848): @platformatic/kafka 2.x consumers (under Node 22) with
 * `groupProtocol: 'consumer'` (ConsumerGroupHeartbeat, server-side assignment). The group is looked at with
 * ConsumerGroupDescribe v0 (platformatic's API; it has no Admin method for it); its states are driven by raw
 * ConsumerGroupHeartbeat members.
 *
 * Members learn of a new assignment at their next heartbeat: Kafka's default interval (5 s, and its minimum
 * group.consumer.min.heartbeat.interval.ms 5 s) would make each rebalance take seconds, so these brokers run with
 * 250 ms (both set, as Kafka requires interval ≥ minimum).
 */
import { expect, it } from 'vitest';
import { uniqueName } from '../helpers/gregor-server.js';
import { groupClients, platformaticConsumerGroupDescribe, platformaticConsumerGroupLive } from './group-clients.js';
import { until } from './group-members.js';
import { consumedExactlyOnce, consumedSince, defineGroupSuite, expectOwnPartitions, produceTo, settled } from './groups-suite.js';
import { RawConsumerMember, deleteGroup } from './raw-group.js';
import { createTopics } from './suite.js';
import { require } from './drivers.js';
import { sleep } from './support.js';
import { RawClient } from '../broker/raw-client.js';
import { ApiKey } from '../../src/protocol/index.js';

const kafkajs = require('kafkajs');


/**
 * Polls ConsumerGroupDescribe (raw, v0) every 20 ms: the members owning each partition over time, and any moment
 * a partition was in two members' current assignments.
 */
async function watchOwners(port: number, group: string) {
  const client = await RawClient.connect(port);
  const state = { samples: 0, doubleOwned: [] as string[], owners: new Map<number, Set<string>>(), stop: () => {} };
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await client.request(ApiKey.ConsumerGroupDescribe, 0, { groupIds: [group], includeAuthorizedOperations: false });
      const seen = new Map<number, string>();
      for (const m of r.groups[0]?.members ?? []) {
        for (const tp of m.assignment.topicPartitions) {
          for (const p of tp.partitions) {
            if (seen.has(p)) state.doubleOwned.push(`partition ${p}: ${seen.get(p)} and ${m.memberId}`);
            seen.set(p, m.memberId);
            if (!state.owners.has(p)) state.owners.set(p, new Set());
            state.owners.get(p)!.add(m.memberId);
          }
        }
      }
      state.samples++;
      await sleep(20);
    }
  })();
  state.stop = () => {
    running = false;
    void loop.finally(() => client.close());
  };
  return state;
}

defineGroupSuite('platformatic (KIP-848)', {
  ...groupClients.platformatic,
  protocol: 'consumer',
  describeLive: platformaticConsumerGroupLive,
  brokerArgs: ['--config', 'group.consumer.min.heartbeat.interval.ms=250', '--config', 'group.consumer.heartbeat.interval.ms=250'],
  more: ({ gregor, join, slug }) => {
    it('[group-midstream] members join and leave while records flow: one owner per partition at a time, every record consumed', async () => {
      const topic = uniqueName(`${slug}-mid`);
      const group = uniqueName(`${slug}-mid`);
      await createTopics(gregor().bootstrap, [topic], 6);
      // Each record is committed before the next is taken: KIP-848 revokes a partition from its owner (which
      // acknowledges in its next heartbeat) before another member gets it, so the new owner starts where the old
      // one stopped. (With platformatic's autocommit, records come twice: it commits on a timer, and on every
      // assignment change it resets the partitions it keeps to their committed offsets.)
      const a = await join(group, topic, { commitEach: true });
      const b = await join(group, topic, { commitEach: true });
      const members = [a, b];
      await settled(members, 6, [3, 3]);
      const watch = await watchOwners(gregor().port, group);
      const kafka = new kafkajs.Kafka({ clientId: 'gregor-groups-setup', brokers: [gregor().bootstrap], logLevel: kafkajs.logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const produced: string[] = [];
      let producing = true;
      const flow = (async () => {
        for (let round = 0; producing; round++) {
          const messages = [0, 1, 2, 3, 4, 5].map((p) => ({ partition: p, value: `m-${p}-${round}` }));
          await producer.send({ topic, acks: -1, messages });
          produced.push(...messages.map((m) => m.value));
          await sleep(50);
        }
      })();
      try {
        await until(() => produced.length >= 60, () => 'records flowing');
        const c = await join(group, topic, { commitEach: true });
        members.push(c);
        await settled(members, 6, [2, 2, 2]);
        await until(() => c.records.length >= 6, () => `the new member consuming:\n${c.log()}`);
        await b.close();
        await settled([a, c], 6, [3, 3]);
        const seen = produced.length;
        await until(() => produced.length >= seen + 60, () => 'more records flowing');
      } finally {
        producing = false;
        await flow;
        await producer.disconnect();
        watch.stop();
      }
      // The broker's guarantee: a partition has one owner at a time (sampled with ConsumerGroupDescribe all along).
      expect(watch.samples, 'ConsumerGroupDescribe samples taken').toBeGreaterThan(20);
      expect(watch.doubleOwned, 'partitions owned by two members at once').toEqual([]);
      // Every record consumed. A record may come twice, but only at a hand-over and boundedly: platformatic
      // acknowledges a revocation without waiting for a fetch of that partition already in flight (its
      // #revokePartitions), so the old owner may still deliver what the new owner reads from the committed offset;
      // and it resets kept partitions to their committed offsets on every assignment change.
      await until(
        () => new Set(consumedSince(members)).size >= produced.length,
        () => `all ${produced.length} records, got ${new Set(consumedSince(members)).size} distinct`,
        30_000,
      );
      const owners = new Map<string, Set<number>>();
      members.forEach((m, i) => m.records.forEach((r) => owners.set(r.value!, (owners.get(r.value!) ?? new Set()).add(i))));
      const byTwo = [...owners].filter(([, who]) => who.size > 1).map(([v]) => v);
      const moved = (value: string) => watch.owners.get(Number(value.split('-')[1]))!.size > 1;
      expect(byTwo.filter((v) => !moved(v)), 'records consumed by two members of a partition that never moved').toEqual([]);
      expect(byTwo.length, `records consumed by two members at a hand-over: ${byTwo.join(', ')}`).toBeLessThanOrEqual(4);
      expect([...owners.keys()].sort()).toEqual([...produced].sort());
      const again = consumedSince(members).length - owners.size;
      expect(again, 'records a member took twice (platformatic re-reads after an assignment change)').toBeLessThanOrEqual(6);
      const rest = [a, members[2]!];
      const mark = rest.map((m) => m.records.length);
      const tail = await produceTo(gregor().bootstrap, topic, 6, 2, 'z');
      await consumedExactlyOnce(rest, tail, mark);
      expectOwnPartitions(rest, mark);
    });

    it('[group-describe] ConsumerGroupDescribe shows Stable, Reconciling, Empty and Dead as Kafka does, with member epochs and assignments', async () => {
      const topic = uniqueName(`${slug}-ds`);
      const group = uniqueName(`${slug}-ds`);
      const port = gregor().port;
      await createTopics(gregor().bootstrap, [topic], 4);
      const a = await RawConsumerMember.connect(port, group, topic);
      const b = await RawConsumerMember.connect(port, group, topic);
      const seen: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      const look = async (step: string, expected: Record<string, unknown>) => {
        const d = await platformaticConsumerGroupDescribe(gregor().bootstrap, group);
        const got: Record<string, unknown> = { state: d.errorCode === 69 ? 'Dead (GROUP_ID_NOT_FOUND)' : d.state };
        if ('members' in expected) {
          got.members = Object.fromEntries(
            (d.members ?? []).map((m) => [m.memberId, { epoch: m.memberEpoch, assignment: m.assignment[topic] ?? [], target: m.target[topic] ?? [], subscribed: m.subscribed }]),
          );
          got.groupEpoch = d.groupEpoch;
        }
        seen[step] = got;
        want[step] = expected;
      };
      const member = (epoch: number, assignment: number[], target: number[]) => ({ epoch, assignment, target, subscribed: [topic] });
      // The uniform assignor splits 4 partitions 2 + 2; which two each gets is the assignor's choice.
      let aTarget: number[] = [];
      let bTarget: number[] = [];
      try {
        await a.heartbeat(0); // joins: group epoch 1, a gets all four partitions
        await a.heartbeat();
        expect(a.partitions()).toEqual([0, 1, 2, 3]);
        await look('a alone', { state: 'Stable', groupEpoch: 1, members: { [a.memberId]: member(1, [0, 1, 2, 3], [0, 1, 2, 3]) } });
        await b.heartbeat(0); // group epoch 2: a must give up two partitions before b gets them
        const d = await platformaticConsumerGroupDescribe(gregor().bootstrap, group);
        const target = (id: string) => d.members.find((m) => m.memberId === id)?.target[topic] ?? [];
        aTarget = target(a.memberId);
        bTarget = target(b.memberId);
        expect([...aTarget, ...bTarget].sort(), 'the targets split the four partitions').toEqual([0, 1, 2, 3]);
        expect(aTarget.length, 'two each').toBe(2);
        await look('b joined', {
          state: 'Reconciling',
          groupEpoch: 2,
          members: { [a.memberId]: member(1, [0, 1, 2, 3], aTarget), [b.memberId]: member(2, [], bTarget) },
        });
        await a.heartbeat(); // learns its new target (revoke), then acknowledges it
        await a.heartbeat();
        await b.heartbeat();
        await b.heartbeat();
        await look('both reconciled', {
          state: 'Stable',
          groupEpoch: 2,
          members: { [a.memberId]: member(2, aTarget, aTarget), [b.memberId]: member(2, bTarget, bTarget) },
        });
        // DescribeGroups describes classic groups only: Kafka 4.x answers Dead for a consumer group (v0-5).
        const classicView = await groupClients.platformatic.describe(gregor().bootstrap, group);
        seen['DescribeGroups'] = classicView.state;
        want['DescribeGroups'] = 'Dead';
        await a.heartbeat(-1);
        await b.heartbeat(-1);
        await look('both left', { state: 'Empty', groupEpoch: 4, members: {} });
        await deleteGroup(port, group);
        await look('deleted', { state: 'Dead (GROUP_ID_NOT_FOUND)' });
      } finally {
        a.close();
        b.close();
      }
      expect(seen).toEqual(want);

    });
  },
});


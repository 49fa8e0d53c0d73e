/**
 * Consumer groups: @platformatic/kafka 2.x consumers (under Node 22), with the classic protocol and with the
 * consumer protocol (KIP-848, `groupProtocol: 'consumer'`: ConsumerGroupHeartbeat, server-side assignment).
 * Describing: Admin#describeGroups (DescribeGroups) and ConsumerGroupDescribe v0 (platformatic's API, no Admin
 * method), the consumer-protocol states driven by raw ConsumerGroupHeartbeat members.
 */
import { expect, it } from 'vitest';
import { uniqueName } from '../helpers/gregor-server.js';
import { groupClients, platformaticConsumerGroupDescribe, platformaticConsumerGroupLive } from './group-clients.js';
import { until } from './group-members.js';
import { consumedExactlyOnce, defineGroupSuite, expectOwnPartitions, produceTo, settled } from './groups-suite.js';
import { RawConsumerMember, deleteGroup } from './raw-group.js';
import { createTopics } from './suite.js';
import { require } from './drivers.js';
import { sleep } from './support.js';

const kafkajs = require('kafkajs');

defineGroupSuite('platformatic', groupClients.platformatic);

defineGroupSuite('platformatic (KIP-848)', {
  ...groupClients.platformatic,
  protocol: 'consumer',
  describeLive: platformaticConsumerGroupLive,
  more: ({ gregor, join, slug }) => {
    it('[group-midstream] members join and leave while records flow: every record consumed exactly once', async () => {
      const topic = uniqueName(`${slug}-mid`);
      const group = uniqueName(`${slug}-mid`);
      await createTopics(gregor().bootstrap, [topic], 6);
      // Autocommit: platformatic commits what it fetched when a partition is revoked (KIP-848 revokes a
      // partition from its owner before it is assigned to another member), and when it closes.
      const a = await join(group, topic, { autoCommit: true });
      const b = await join(group, topic, { autoCommit: true });
      const members = [a, b];
      await settled(members, 6, [3, 3]);
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
        const c = await join(group, topic, { autoCommit: true });
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
      }
      await consumedExactlyOnce(members, produced, undefined, 30_000);
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


// @platformatic/kafka in a consumer group, for test/clients/groups-* (run under Node 22 by runWithNode22).
//
//   platformatic-group.mjs member   a group member speaking JSON lines (see group-members.ts), classic or
//                                   consumer protocol (KIP-848, groupProtocol: 'consumer')
//   platformatic-group.mjs          one JSON command on stdin, one JSON result on stdout:
//                                   describe (Admin#describeGroups), consumer_group_describe (ConsumerGroupDescribe v0)
import { createInterface } from 'node:readline';
import { Admin, Connection, Consumer, consumerGroupDescribeV0 } from '@platformatic/kafka';
import { answerOneCommand, errorTree } from './json-command.mjs';

const emit = (ev) => process.stdout.write(JSON.stringify(ev) + '\n');
const text = (b) => (b === null || b === undefined ? null : Buffer.from(b).toString('utf8'));

async function member() {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const cfg = JSON.parse((await lines.next()).value);
  const group =
    cfg.protocol === 'consumer'
      ? { groupProtocol: 'consumer', rebalanceTimeout: cfg.rebalance_timeout_ms, sessionTimeout: cfg.session_timeout_ms } // platformatic checks rebalance ≥ session (default 30 s) for both protocols
      : { sessionTimeout: cfg.session_timeout_ms, heartbeatInterval: cfg.heartbeat_interval_ms, rebalanceTimeout: cfg.rebalance_timeout_ms };
  const consumer = new Consumer({
    clientId: cfg.client_id ?? 'gregor-groups-platformatic',
    bootstrapBrokers: [cfg.bootstrap],
    groupId: cfg.group,
    maxWaitTime: 100,
    retries: 20,
    retryDelay: 100,
    timeout: 10_000,
    ...group,
  });
  const positions = new Map(); // partition -> { offset: next offset to commit, leaderEpoch }
  let taken = 0;
  let stopped = false;
  let last = 'null';
  // The assignment, whenever it changes (platformatic keeps it in consumer.assignments).
  const watch = setInterval(() => {
    const mine = consumer.assignments === null ? null : (consumer.assignments.find((a) => a.topic === cfg.topic)?.partitions ?? []);
    const now = JSON.stringify(mine === null ? null : [...mine].sort((a, b) => a - b));
    if (now !== last) {
      last = now;
      // Positions of partitions now owned by others must not be committed again (they would move the new
      // owner's committed offsets back).
      for (const p of [...positions.keys()]) if (!(mine ?? []).includes(p)) positions.delete(p);
      if (mine !== null) emit({ ev: 'assigned', partitions: JSON.parse(now) });
    }
  }, 20);
  for (const ev of ['consumer:group:join', 'consumer:group:leave', 'consumer:group:rebalance', 'consumer:heartbeat:error']) {
    consumer.on(ev, (p) => emit({ ev: 'log', msg: `${ev} ${JSON.stringify(p ?? {}, (_k, v) => (typeof v === 'bigint' ? String(v) : v instanceof Map ? [...v] : v))}` }));
  }
  const commit = async () => {
    const offsets = [...positions].map(([partition, p]) => ({ topic: cfg.topic, partition, offset: p.offset, leaderEpoch: p.leaderEpoch }));
    if (offsets.length > 0) await consumer.commit({ offsets });
  };
  const close = async () => {
    // With autocommit, platformatic commits what it fetched when the stream closes, and the records it has
    // buffered are still handed out before the end: keep reporting them. Without, stop at once.
    if (!cfg.auto_commit) stopped = true;
    await stream.close();
    stopped = true;
    clearInterval(watch);
    await consumer.close(true);
  };
  const stream = await consumer.consume({
    topics: [cfg.topic],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: cfg.auto_commit ? 100 : false,
  });
  // commit_each: every record is committed (awaited, the stream paused) before the next is taken, so that what was
  // taken and what is committed never differ, whatever the client does on an assignment change.
  const take = (m) => {
    const offset = Number(m.offset);
    positions.set(m.partition, { offset: m.offset + 1n, leaderEpoch: m.metadata?.leaderEpoch ?? -1 });
    emit({ ev: 'records', records: [[m.partition, offset, text(m.key), text(m.value)]] });
    taken++;
  };
  stream.on('data', (m) => {
    if (stopped) return;
    if (cfg.commit_each) {
      stream.pause();
      take(m);
      consumer
        .commit({ offsets: [{ topic: cfg.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.metadata?.leaderEpoch ?? -1 }] })
        .catch((e) => emit({ ev: 'log', msg: `commit failed: ${JSON.stringify(errorTree(e))}` }))
        .finally(() => stream.resume());
      return;
    }
    take(m);
    if (cfg.limit !== null && taken >= cfg.limit) {
      stopped = true;
      (async () => {
        await commit();
        await close();
        process.exit(0);
      })().catch((e) => {
        emit({ ev: 'log', msg: `finish failed: ${JSON.stringify(errorTree(e))}` });
        process.exit(1);
      });
    }
  });
  stream.on('error', (e) => emit({ ev: 'log', msg: `stream error: ${JSON.stringify(errorTree(e))}` }));
  for (;;) {
    const next = await lines.next();
    const cmd = next.done ? { cmd: 'close', id: null } : JSON.parse(next.value);
    try {
      if (cmd.cmd === 'commit') await commit();
      else if (cmd.cmd === 'close') await close();
      emit({ ev: 'done', id: cmd.id });
    } catch (e) {
      emit({ ev: 'failed', id: cmd.id, error: errorTree(e) });
    }
    if (cmd.cmd === 'close') process.exit(0);
  }
}

const ops = {
  async describe({ bootstrap, group }) {
    const admin = new Admin({ clientId: 'gregor-groups-platformatic-admin', bootstrapBrokers: [bootstrap], retries: 2 });
    try {
      const g = (await admin.describeGroups({ groups: [group] })).get(group);
      if (g === undefined) return { found: false };
      return {
        state: g.state,
        protocolType: g.protocolType,
        protocol: g.protocol,
        error: null,
        members: [...g.members.values()].map((m) => ({
          memberId: m.id,
          clientId: m.clientId,
          assignment: Object.fromEntries([...(m.assignments ?? new Map())].map(([topic, a]) => [topic, [...a.partitions].sort((x, y) => x - y)])),
        })),
      };
    } finally {
      await admin.close();
    }
  },

  /** ConsumerGroupDescribe v0 (platformatic has the API but no Admin method for it) on a connection to the coordinator. */
  async consumer_group_describe({ bootstrap, group }) {
    const admin = new Admin({ clientId: 'gregor-groups-platformatic-admin', bootstrapBrokers: [bootstrap], retries: 2 });
    const [coordinator] = await admin.findCoordinator({ keyType: 0, keys: [group] });
    await admin.close();
    const connection = new Connection('gregor-groups-platformatic-admin');
    try {
      await connection.connect(coordinator.host, coordinator.port);
      let res;
      try {
        res = await consumerGroupDescribeV0.api.async(connection, [group], false);
      } catch (e) {
        // platformatic throws on a group's error code; its response is on the error.
        if (e.response) res = e.response;
        else throw e;
      }
      const g = res.groups[0];
      return {
        errorCode: g.errorCode,
        state: g.groupState,
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignor: g.assignorName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          subscribed: m.subscribedTopicNames,
          assignment: Object.fromEntries(m.assignment.topicPartitions.map((t) => [t.topicName, [...t.partitions].sort((x, y) => x - y)])),
          target: Object.fromEntries(m.targetAssignment.topicPartitions.map((t) => [t.topicName, [...t.partitions].sort((x, y) => x - y)])),
        })),
      };
    } finally {
      await connection.close();
    }
  },
};

if (process.argv[2] === 'member') {
  await member();
} else {
  await answerOneCommand(ops);
}

// @platformatic/kafka driver for test/clients (run under Node 22 by runWithNode22): one JSON command on stdin,
// one JSON result on stdout. Reads use Consumer#fetch (a plain Fetch to the leader, no group).
import { Admin, ConfigResourceTypes, Consumer, Producer } from '@platformatic/kafka';
import { answerOneCommand, errorTree } from './json-command.mjs';

const CLIENT = { clientId: 'gregor-client-matrix', retries: 2, retryDelay: 200, timeout: 20_000 };

const text = (b) => (b === null || b === undefined ? null : Buffer.from(b).toString('utf8'));

function valueOf(r) {
  if (r.valueSize !== undefined && r.valueSize !== null) return Buffer.alloc(r.valueSize, 'x');
  return r.value === null || r.value === undefined ? null : Buffer.from(r.value);
}

function outRecord(partition, offset, key, value, headers, timestamp, timestampType) {
  const r = { partition, offset, key: text(key), timestamp, timestampType, headers: headers.map(([k, v]) => [text(k), text(v)]) };
  if (value && value.length > 4096) {
    r.value = null;
    r.valueLen = value.length;
    r.valueAllX = value.equals(Buffer.alloc(value.length, 'x'));
  } else {
    r.value = text(value);
    r.valueLen = value ? value.length : null;
  }
  return r;
}

async function steps(list) {
  const out = [];
  for (const [step, fn] of list) {
    try {
      const value = await fn();
      out.push({ step, ok: true, value: value ?? null });
    } catch (e) {
      out.push({ step, ok: false, error: errorTree(e) });
    }
  }
  return { steps: out };
}

const ops = {
  async metadata({ bootstrap, topics }) {
    const admin = new Admin({ ...CLIENT, bootstrapBrokers: [bootstrap] });
    try {
      const names = topics ?? (await admin.listTopics());
      const md = await admin.metadata({ topics: names, forceUpdate: true });
      return {
        clusterId: md.id,
        controllerId: md.controllerId,
        brokers: [...md.brokers].map(([id, b]) => ({ id, host: b.host, port: b.port })),
        topics: [...md.topics].map(([name, t]) => ({
          name,
          id: t.id,
          partitions: t.partitions.map((p, id) => ({ id, leader: p.leader, replicas: p.replicas, isr: p.isr })),
        })),
      };
    } finally {
      await admin.close();
    }
  },

  async admin({ bootstrap, topic }) {
    const admin = new Admin({ ...CLIENT, bootstrapBrokers: [bootstrap] });
    const partitions = async () => {
      const md = await admin.metadata({ topics: [topic], forceUpdate: true });
      return md.topics.get(topic)?.partitions.length ?? null;
    };
    const configs = async () => {
      const [res] = await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }],
      });
      return Object.fromEntries(
        res.configs.filter((c) => ['retention.ms', 'max.message.bytes', 'segment.ms'].includes(c.name)).map((c) => [c.name, c.value]),
      );
    };
    try {
      return await steps([
        ['create', () => admin.createTopics({ topics: [topic], partitions: 2, replicas: 1, configs: [{ name: 'retention.ms', value: '3600000' }, { name: 'segment.ms', value: '86400000' }] }).then(() => null)],
        ['create-again', () => admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 }).then(() => null)],
        ['partitions-after-create', partitions],
        ['describe-configs', configs],
        [
          'alter-configs',
          () =>
            admin.incrementalAlterConfigs({
              resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: 0, value: '7200000' }] }],
            }),
        ],
        ['describe-after-alter', configs],
        ['grow', () => admin.createPartitions({ topics: [{ name: topic, count: 4 }] })],
        ['partitions-after-grow', partitions],
        ['delete', () => admin.deleteTopics({ topics: [topic] })],
        ['exists-after-delete', async () => (await admin.listTopics()).includes(topic)],
      ]);
    } finally {
      await admin.close();
    }
  },

  async admin_errors({ bootstrap, topic }) {
    const admin = new Admin({ ...CLIENT, retries: 0, bootstrapBrokers: [bootstrap] });
    const missing = `${topic}-missing`;
    const describe = async (resourceType, resourceName) => {
      const [res] = await admin.describeConfigs({ resources: [{ resourceType, resourceName }] });
      return Object.fromEntries(res.configs.filter((c) => ['message.max.bytes', 'num.partitions'].includes(c.name)).map((c) => [c.name, c.value]));
    };
    try {
      return await steps([
        ['create-invalid-name', () => admin.createTopics({ topics: ['bad/name'], partitions: 1, replicas: 1 })],
        ['create-invalid-config', () => admin.createTopics({ topics: [`${topic}-badcfg`], partitions: 1, replicas: 1, configs: [{ name: 'retention.ms', value: 'abc' }] })],
        ['shrink-partitions', () => admin.createPartitions({ topics: [{ name: topic, count: 2 }] })],
        ['delete-unknown', () => admin.deleteTopics({ topics: [missing] })],
        ['describe-unknown', () => describe(ConfigResourceTypes.TOPIC, missing)],
        ['describe-broker', () => describe(ConfigResourceTypes.BROKER, '1')],
      ]);
    } finally {
      await admin.close();
    }
  },

  async produce({ bootstrap, topic, records, acks, compression }) {
    const producer = new Producer({ ...CLIENT, bootstrapBrokers: [bootstrap], autocreateTopics: false });
    const messages = records.map((r) => ({
      topic,
      partition: r.partition ?? 0,
      key: r.key === null ? undefined : Buffer.from(r.key),
      value: valueOf(r),
      headers: new Map((r.headers ?? []).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
      ...(r.timestamp !== undefined && r.timestamp !== null ? { timestamp: BigInt(r.timestamp) } : {}),
    }));
    try {
      const res = await producer.send({ messages, acks: acks === 'all' ? -1 : Number(acks), compression });
      // acks=0: no response, so no offsets; the test checks the records arrived.
      if (acks !== 'all' && Number(acks) === 0) return { reports: messages.map((m) => ({ partition: m.partition, offset: -1 })), local: [] };
      // One send = one batch per partition: a record's offset is its partition's base offset plus its index there.
      const base = new Map((res.offsets ?? []).map((o) => [o.partition, Number(o.offset)]));
      const seen = new Map();
      const reports = messages.map((m) => {
        const i = seen.get(m.partition) ?? 0;
        seen.set(m.partition, i + 1);
        return base.has(m.partition) ? { partition: m.partition, offset: base.get(m.partition) + i } : null;
      });
      return { reports, local: [] };
    } catch (e) {
      return { reports: messages.map(() => ({ error: errorTree(e) })), local: [] };
    } finally {
      await producer.close();
    }
  },

  async consume({ bootstrap, topic, partition, partitions, offset, count, timeout_ms, max_bytes }) {
    const consumer = new Consumer({ ...CLIENT, bootstrapBrokers: [bootstrap], groupId: 'unused-fetch-only' });
    const out = [];
    const errors = [];
    const parts = partitions ?? [partition];
    try {
      const md = await consumer.metadata({ topics: [topic], forceUpdate: true });
      const t = md.topics.get(topic);
      const leaders = new Set(parts.map((p) => t.partitions[p].leader));
      if (leaders.size !== 1) throw new Error(`partitions ${parts} have leaders ${[...leaders]}, expected one`);
      const [leader] = leaders;
      const next = new Map();
      if (offset === -1) {
        const res = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: parts }, timestamp: -1n });
        for (const p of parts) next.set(p, res.get(topic)[p]);
      } else if (offset !== null && offset !== undefined && !partitions) next.set(parts[0], BigInt(offset));
      else {
        // The beginning: the log start offsets, from ListOffsets (earliest).
        const res = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: parts }, timestamp: -2n });
        for (const p of parts) next.set(p, res.get(topic)[p]);
      }
      const deadline = Date.now() + timeout_ms;
      while (out.length < count && Date.now() < deadline && errors.length === 0) {
        let res;
        try {
          res = await consumer.fetch({
            node: leader,
            maxWaitTime: 200,
            maxBytes: max_bytes ?? 10_485_760,
            topics: [
              {
                topicId: t.id,
                partitions: parts.map((p) => ({
                  partition: p,
                  currentLeaderEpoch: -1,
                  fetchOffset: next.get(p),
                  lastFetchedEpoch: -1,
                  partitionMaxBytes: max_bytes ?? 1_048_576,
                })),
              },
            ],
          });
        } catch (e) {
          // A partition's error (e.g. OFFSET_OUT_OF_RANGE) fails the whole fetch in platformatic.
          errors.push(errorTree(e));
          break;
        }
        for (const p of res.responses[0]?.partitions ?? []) {
          if (p.errorCode !== 0) {
            errors.push({ partition: p.partitionIndex, errorCode: p.errorCode });
            continue;
          }
          for (const batch of p.records ?? []) {
            // Attribute bit 3: LogAppendTime, the broker's time in maxTimestamp. (platformatic's own MessagesStream
            // ignores it and reports firstTimestamp + delta; this driver applies it, as Kafka's clients do.)
            const logAppend = (batch.attributes & 8) !== 0;
            for (const r of batch.records) {
              const off = batch.firstOffset + BigInt(r.offsetDelta);
              if (off < next.get(p.partitionIndex)) continue;
              const ts = logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta;
              out.push(outRecord(p.partitionIndex, Number(off), r.key, r.value, r.headers, Number(ts), logAppend ? 'logappend' : 'create'));
              next.set(p.partitionIndex, off + 1n);
            }
          }
        }
      }
      return { records: out, errors };
    } finally {
      await consumer.close();
    }
  },

  async offsets({ bootstrap, topic, partition, timestamps }) {
    const consumer = new Consumer({ ...CLIENT, bootstrapBrokers: [bootstrap], groupId: 'unused-offsets-only' });
    try {
      const at = async (timestamp) => {
        const res = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp: BigInt(timestamp) });
        return Number(res.get(topic)[partition]);
      };
      const byTimestamp = [];
      for (const ts of timestamps) byTimestamp.push({ timestamp: ts, offset: await at(ts) });
      return { earliest: await at(-2), latest: await at(-1), byTimestamp };
    } finally {
      await consumer.close();
    }
  },
};

await answerOneCommand(ops);

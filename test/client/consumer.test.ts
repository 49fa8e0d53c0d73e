import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cluster } from '../../src/client/cluster.js';
import { Consumer, READ_COMMITTED } from '../../src/client/consumer.js';
import { decodeHeaders, newRecordView, walkRecords, type RecordView } from '../../src/client/fetched-records.js';
import { runGroupConsumer } from '../../src/client/group/group-consumer.js';
import { fetchCommitted } from '../../src/client/group/offsets.js';
import { cooperativeStickyAssign, rangeAssign, roundRobinAssign } from '../../src/client/group/assignors.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../src/client/group/classic-member.js';
import { parseOffsetSpec } from '../../src/client/start-offsets.js';
import { OutputSink, compileFormat, printJsonLine, printValueLine } from '../../src/cli/consume-format.js';
import { ApiKey } from '../../src/protocol/index.js';
import {
  CompressionType,
  buildEndTxnMarkerBatch,
  buildLegacyMessageSet,
  buildRecordBatch,
} from '../../src/protocol/records/index.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';

interface Seen {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

function walk(records: Buffer, options: { position?: number; readCommitted?: boolean; aborted?: { producerId: bigint; firstOffset: bigint }[] } = {}) {
  const seen: Seen[] = [];
  const result = walkRecords(
    records,
    newRecordView('t', 0),
    { position: options.position ?? 0, readCommitted: options.readCommitted ?? false, abortedTransactions: options.aborted ?? null },
    (v: RecordView) => {
      seen.push({
        offset: v.offset,
        key: v.keyEnd < 0 ? null : v.keyBuf.toString('utf8', v.keyStart, v.keyEnd),
        value: v.valueEnd < 0 ? null : v.valueBuf.toString('utf8', v.valueStart, v.valueEnd),
        timestamp: v.timestamp,
      });
      return true;
    },
  );
  return { seen, result };
}

const txBatch = (producerId: number, baseOffset: number, values: string[]) =>
  buildRecordBatch(values.map((value) => ({ value })), { baseOffset, producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true, now: 1000 });
const marker = (producerId: number, baseOffset: number, commit: boolean) =>
  buildEndTxnMarkerBatch({ producerId, producerEpoch: 0, commit, coordinatorEpoch: 0, baseOffset, timestamp: 1000 });

describe('walking fetched records', () => {
  it('reads plain and compressed batches, from the middle of a batch, and skips a partial trailing batch', () => {
    const a = buildRecordBatch(
      [{ key: 'k0', value: 'v0', headers: [{ key: 'h', value: 'x' }], timestamp: 5000 }, { key: null, value: 'v1', timestamp: 5001 }, { key: 'k2', value: null, timestamp: 5002 }],
      { baseOffset: 10, now: 5000 },
    );
    const b = buildRecordBatch([{ value: 'z3' }, { value: 'z4' }], { baseOffset: 13, compression: CompressionType.GZIP, now: 6000 });
    const c = buildRecordBatch([{ value: 'cut' }], { baseOffset: 15 });
    const records = Buffer.concat([a, b, c.subarray(0, c.length - 3)]);
    const { seen, result } = walk(records, { position: 11 });
    expect(seen).toEqual([
      { offset: 11, key: null, value: 'v1', timestamp: 5001 },
      { offset: 12, key: 'k2', value: null, timestamp: 5002 },
      { offset: 13, key: null, value: 'z3', timestamp: 6000 },
      { offset: 14, key: null, value: 'z4', timestamp: 6000 },
    ]);
    expect(result).toEqual({ position: 15, delivered: 4, stopped: false });
    const view = newRecordView('t', 0);
    walkRecords(a, view, { position: 0, readCommitted: false, abortedTransactions: null }, () => false);
    expect(decodeHeaders(view)).toEqual([{ key: 'h', value: Buffer.from('x') }]);
  });

  it('stops right after the record the callback refuses', () => {
    const a = buildRecordBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }], { baseOffset: 0 });
    let n = 0;
    const result = walkRecords(a, newRecordView('t', 0), { position: 0, readCommitted: false, abortedTransactions: null }, () => ++n < 2);
    expect(result).toEqual({ position: 2, delivered: 2, stopped: true });
  });

  it('reads magic 0 and 1 message sets, compressed or not', () => {
    const v0 = buildLegacyMessageSet([{ key: 'a', value: '1' }, { value: '2' }], { magic: 0, baseOffset: 0 });
    const v1 = buildLegacyMessageSet([{ value: '3', timestamp: 7000 }, { value: '4', timestamp: 7001 }], { magic: 1, baseOffset: 2, compression: CompressionType.GZIP });
    const { seen, result } = walk(Buffer.concat([v0, v1]));
    expect(seen.map((s) => [s.offset, s.key, s.value])).toEqual([[0, 'a', '1'], [1, null, '2'], [2, null, '3'], [3, null, '4']]);
    expect(seen[2]!.timestamp).toBe(7000);
    expect(result.position).toBe(4);
  });

  // Layout: p1 txn (aborted) 0-1, p2 txn 2-3 (committed), p1 ABORT marker 4, p2 COMMIT marker 5,
  // plain 6, p1 new txn 7 (committed later, not aborted), p1 COMMIT 8.
  const log = Buffer.concat([
    txBatch(1, 0, ['a0', 'a1']),
    txBatch(2, 2, ['c2', 'c3']),
    marker(1, 4, false),
    marker(2, 5, true),
    buildRecordBatch([{ value: 'plain6' }], { baseOffset: 6 }),
    txBatch(1, 7, ['c7']),
    marker(1, 8, true),
  ]);
  const aborted = [{ producerId: 1n, firstOffset: 0n }];

  it('read_committed drops aborted transactions as Kafka\'s Fetcher does; control batches are never shown', () => {
    const committed = walk(log, { readCommitted: true, aborted });
    expect(committed.seen.map((s) => s.value)).toEqual(['c2', 'c3', 'plain6', 'c7']);
    expect(committed.result.position).toBe(9);
    const all = walk(log, { readCommitted: false, aborted });
    expect(all.seen.map((s) => s.value)).toEqual(['a0', 'a1', 'c2', 'c3', 'plain6', 'c7']);
    // Starting past the ABORT marker: the marker still ends producer 1's aborted transaction.
    const late = walk(log, { readCommitted: true, aborted, position: 6 });
    expect(late.seen.map((s) => s.value)).toEqual(['plain6', 'c7']);
  });
});

describe('format strings and output', () => {
  const batch = buildRecordBatch([{ key: 'key', value: 'val', headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }], timestamp: 1234 }], {
    baseOffset: 42,
  });
  const render = (printer: ReturnType<typeof compileFormat>): string => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    const out = new OutputSink(stream);
    walkRecords(batch, newRecordView('orders', 3), { position: 0, readCommitted: false, abortedTransactions: null }, (v) => {
      printer(v, out);
      return true;
    });
    void out.flush();
    return Buffer.concat(chunks).toString('latin1');
  };

  it('prints every kcat token and escape', () => {
    expect(render(compileFormat('%t|%p|%o|%T|%k|%s|%K|%S|%h|100%%\\t\\x41\\\\\\n'))).toBe('orders|3|42|1234|key|val|3|3|a=1,b=|100%\tA\\\n');
    expect(render(compileFormat('%R%s'))).toBe('\u0000\u0000\u0000\u0003val');
    expect(render(printValueLine)).toBe('val\n');
    expect(JSON.parse(render(printJsonLine))).toEqual({
      topic: 'orders',
      partition: 3,
      offset: 42,
      timestamp: 1234,
      key: 'key',
      value: 'val',
      headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }],
    });
  });

  it('rejects a bad format string with one message', () => {
    expect(() => compileFormat('%s %x')).toThrow('bad format string "%s %x": unknown token "%x"');
    expect(() => compileFormat('%')).toThrow(/lone "%"/);
    expect(() => compileFormat('\\q')).toThrow(/unknown escape "\\q"/);
  });

  it('parses every -o form and rejects others', () => {
    expect(parseOffsetSpec('beginning')).toEqual({ kind: 'beginning' });
    expect(parseOffsetSpec('end')).toEqual({ kind: 'end' });
    expect(parseOffsetSpec('17')).toEqual({ kind: 'offset', offset: 17n });
    expect(parseOffsetSpec('-5')).toEqual({ kind: 'tail', n: 5n });
    expect(parseOffsetSpec('@1700000000000')).toEqual({ kind: 'timestamp', timestamp: 1700000000000n });
    expect(parseOffsetSpec('s@1700000000000')).toEqual({ kind: 'timestamp', timestamp: 1700000000000n });
    expect(parseOffsetSpec('@2024-05-01T12:00:00Z')).toEqual({ kind: 'timestamp', timestamp: BigInt(Date.parse('2024-05-01T12:00:00Z')) });
    for (const bad of ['soon', '@yesterday', '1.5', '--3', '']) expect(() => parseOffsetSpec(bad)).toThrow(/bad offset/);
  });
});

describe('classic assignors and the consumer protocol codecs', () => {
  it('divide partitions as Kafka\'s RangeAssignor and RoundRobinAssignor', () => {
    const members = [{ memberId: 'b', topics: ['t', 'u'] }, { memberId: 'a', topics: ['t'] }];
    const counts = new Map([['t', 5], ['u', 2]]);
    const range = rangeAssign(members, counts);
    expect(Object.fromEntries(range.get('a')!)).toEqual({ t: [0, 1, 2] });
    expect(Object.fromEntries(range.get('b')!)).toEqual({ t: [3, 4], u: [0, 1] });
    const rr = roundRobinAssign(members, counts);
    expect(Object.fromEntries(rr.get('a')!)).toEqual({ t: [0, 2, 4] });
    expect(Object.fromEntries(rr.get('b')!)).toEqual({ t: [1, 3], u: [0, 1] });
  });

  it('cooperative-sticky keeps what members own, balances, and holds back partitions that change owner for a round', () => {
    const counts = new Map([['t', 3]]);
    const first = cooperativeStickyAssign(
      [
        { memberId: 'a', topics: ['t'], owned: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }], generation: 1 },
        { memberId: 'b', topics: ['t'], owned: [], generation: -1 },
      ],
      counts,
    );
    expect(Object.fromEntries(first.get('a')!)).toEqual({ t: [0, 1] });
    expect(Object.fromEntries(first.get('b')!)).toEqual({});
    const second = cooperativeStickyAssign(
      [
        { memberId: 'a', topics: ['t'], owned: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }], generation: 2 },
        { memberId: 'b', topics: ['t'], owned: [], generation: 2 },
      ],
      counts,
    );
    expect(Object.fromEntries(second.get('a')!)).toEqual({ t: [0, 1] });
    expect(Object.fromEntries(second.get('b')!)).toEqual({ t: [2] });
    // A claim from an older generation loses to the newer one; nothing is given twice.
    const claims = cooperativeStickyAssign(
      [
        { memberId: 'a', topics: ['t'], owned: [{ topic: 't', partition: 0 }], generation: 1 },
        { memberId: 'b', topics: ['t'], owned: [{ topic: 't', partition: 0 }], generation: 3 },
        { memberId: 'c', topics: ['t'], owned: [], generation: -1 },
      ],
      counts,
    );
    const given = [...claims.values()].flatMap((m) => m.get('t') ?? []);
    expect(given.sort()).toEqual([0, 1, 2]);
    expect(claims.get('b')!.get('t')).toEqual([0]);
  });

  it('round-trips subscriptions and assignments with the version prefix', () => {
    expect(decodeSubscription(encodeSubscription(['x', 'y']))).toEqual({ topics: ['x', 'y'], owned: [], generation: -1 });
    expect(decodeSubscription(encodeSubscription(['x'], [{ topic: 'x', partition: 1 }], 7))).toEqual({ topics: ['x'], owned: [{ topic: 'x', partition: 1 }], generation: 7 });
    expect(decodeAssignment(encodeAssignment(new Map([['x', [0, 2]]])))).toEqual([{ topic: 'x', partition: 0 }, { topic: 'x', partition: 2 }]);
    expect(encodeSubscription(['x']).readInt16BE(0)).toBe(2);
  });
});

describe('consumer against a broker', () => {
  let gregor: GregorProcess;
  beforeAll(async () => {
    gregor = await startGregor(['--config', 'num.partitions=2']);
  });
  afterAll(async () => {
    await gregor?.stop();
  });

  it('sends isolation level 1 with read_committed and stops at the end of every partition', async () => {
    const topic = uniqueName('cons-rc');
    const kcat = spawnSync('kcat', ['-P', '-b', gregor.bootstrap, '-t', topic, '-p', '1'], { input: 'one\ntwo\n' });
    expect(kcat.status, 'kcat -P').toBe(0);
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      const spy = vi.spyOn(cluster, 'requestNode');
      const values: string[] = [];
      const consumer = new Consumer(cluster, {
        isolationLevel: READ_COMMITTED,
        exitAtEnd: true,
        onRecord: (v) => {
          values.push(`${v.partition}:${v.offset}:${v.valueBuf.toString('utf8', v.valueStart, v.valueEnd)}`);
          return true;
        },
      });
      await cluster.topic(topic);
      const run = consumer.run();
      consumer.assign([{ topic, partition: 0, offset: 0n }, { topic, partition: 1, offset: 0n }]);
      await run;
      expect(values).toEqual(['1:0:one', '1:1:two']);
      const fetches = spy.mock.calls.filter((c) => c[1] === ApiKey.Fetch);
      expect(fetches.length).toBeGreaterThan(0);
      for (const call of fetches) {
        expect((call[2] as { isolationLevel: number }).isolationLevel).toBe(1);
        expect(call[3]?.minVersion).toBe(4);
      }
      expect(consumer.positions().map((p) => p.offset)).toEqual([0n, 2n]);
    } finally {
      await cluster.close();
    }
  });
  it('stops at the count with partitions on two leaders, and positions cover only drained output', async () => {
    const topic = uniqueName('cons-count');
    for (const p of ['0', '1']) {
      const kcat = spawnSync('kcat', ['-P', '-b', gregor.bootstrap, '-t', topic, '-p', p], { input: 'a\nb\nc\n' });
      expect(kcat.status, 'kcat -P').toBe(0);
    }
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      // Partition 1 seems led by another node (requests to it go to the real one): two fetch loops.
      const info = await cluster.topic(topic);
      const real = info.partitions[1]!.leader;
      const other = real + 1000;
      info.partitions[1]!.leader = other;
      const requestNode = cluster.requestNode.bind(cluster) as (...a: unknown[]) => Promise<unknown>;
      vi.spyOn(cluster, 'requestNode').mockImplementation(((nodeId: number, ...rest: unknown[]) =>
        requestNode(nodeId === other ? real : nodeId, ...rest)) as never);
      let left = 2;
      const got: string[] = [];
      const whileDraining: bigint[][] = [];
      const consumer = new Consumer(cluster, {
        onRecord: (v) => {
          got.push(`${v.partition}:${v.offset}`);
          return --left > 0;
        },
        // A slow reader of stdout: the other loop's records arrive while this output drains.
        onBatchDone: async () => {
          whileDraining.push(consumer.positions().map((p) => p.offset));
          await new Promise((r) => setTimeout(r, 300));
        },
      });
      const run = consumer.run();
      consumer.assign([{ topic, partition: 0, offset: 0n }, { topic, partition: 1, offset: 0n }]);
      await run;
      expect(got).toHaveLength(2);
      const partition = Number(got[0]!.split(':')[0]);
      expect(got).toEqual([`${partition}:0`, `${partition}:1`]);
      expect(whileDraining).toEqual([[0n, 0n]]);
      const positions = new Map(consumer.positions().map((p) => [p.partition, p.offset]));
      expect(positions).toEqual(new Map([[partition, 2n], [1 - partition, 0n]]));
    } finally {
      await cluster.close();
    }
  });
});

describe('consumer recovery', () => {
  let gregor: GregorProcess;
  let topic: string;
  beforeAll(async () => {
    gregor = await startGregor(['--config', 'num.partitions=1']);
    topic = uniqueName('cons-recover');
    const kcat = spawnSync('kcat', ['-P', '-b', gregor.bootstrap, '-t', topic, '-p', '0'], { input: 'r0\nr1\nr2\n' });
    expect(kcat.status, 'kcat -P').toBe(0);
  });
  afterAll(async () => {
    await gregor?.stop();
  });

  const consumeAll = async (cluster: Cluster, offset: bigint, resetPolicy: 'earliest' | 'latest'): Promise<string[]> => {
    const got: string[] = [];
    const consumer = new Consumer(cluster, {
      exitAtEnd: true,
      resetPolicy,
      onRecord: (v) => {
        got.push(`${v.offset}:${v.valueBuf.toString('utf8', v.valueStart, v.valueEnd)}`);
        return true;
      },
    });
    await cluster.topic(topic);
    const run = consumer.run();
    consumer.assign([{ topic, partition: 0, offset }]);
    await run;
    return got;
  };

  it('OFFSET_OUT_OF_RANGE resets the position by the reset policy', async () => {
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      expect(await consumeAll(cluster, 100n, 'earliest')).toEqual(['0:r0', '1:r1', '2:r2']);
      expect(await consumeAll(cluster, 100n, 'latest')).toEqual([]);
    } finally {
      await cluster.close();
    }
  });

  it('NOT_LEADER_OR_FOLLOWER refreshes metadata and fetches again', async () => {
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      const real = cluster.requestNode.bind(cluster);
      let refused = 0;
      vi.spyOn(cluster, 'requestNode').mockImplementation((async (nodeId: number, apiKey: number, body: unknown, options: unknown) => {
        const response = await (real as (...a: unknown[]) => Promise<any>)(nodeId, apiKey, body, options);
        if (apiKey === ApiKey.Fetch && refused < 2) {
          refused++;
          for (const t of response.responses) for (const p of t.partitions) Object.assign(p, { errorCode: 6, records: null });
        }
        return response;
      }) as never);
      const refresh = vi.spyOn(cluster, 'refreshMetadata');
      expect(await consumeAll(cluster, 0n, 'latest')).toEqual(['0:r0', '1:r1', '2:r2']);
      expect(refused).toBe(2);
      expect(refresh).toHaveBeenCalled();
    } finally {
      await cluster.close();
    }
  });

  it('opens a fetch session: later Fetches are incremental, and records that arrive meanwhile are delivered', async () => {
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      const spy = vi.spyOn(cluster, 'requestNode');
      const got: string[] = [];
      const consumer = new Consumer(cluster, {
        onRecord: (v) => {
          got.push(v.valueBuf.toString('utf8', v.valueStart, v.valueEnd));
          return got.length < 4;
        },
      });
      await cluster.topic(topic);
      const run = consumer.run();
      consumer.assign([{ topic, partition: 0, offset: 0n }]);
      const deadline = Date.now() + 10_000;
      while (spy.mock.calls.filter((c) => c[1] === ApiKey.Fetch).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      spawnSync('kcat', ['-P', '-b', gregor.bootstrap, '-t', topic, '-p', '0'], { input: 'late\n' });
      await run;
      expect(got).toEqual(['r0', 'r1', 'r2', 'late']);
      const bodies = spy.mock.calls.filter((c) => c[1] === ApiKey.Fetch).map((c) => c[2] as { sessionId: number; sessionEpoch: number; topics: unknown[] });
      expect(bodies[0]).toMatchObject({ sessionId: 0, sessionEpoch: 0 });
      expect(bodies[0]!.topics).toHaveLength(1);
      const later = bodies.slice(2);
      expect(later.length).toBeGreaterThan(0);
      for (const b of later) {
        expect(b.sessionId).not.toBe(0);
        expect(b.sessionEpoch).toBeGreaterThan(0);
      }
      // Nothing moved while waiting at the end: the incremental request names no partition.
      expect(later.some((b) => b.topics.length === 0)).toBe(true);
    } finally {
      await cluster.close();
    }
  });

  it('a classic member waits before rejoining, and one that fails still commits and leaves the group', async () => {
    const topic = uniqueName('cons-fail');
    const kcat = spawnSync('kcat', ['-P', '-b', gregor.bootstrap, '-t', topic, '-p', '0'], { input: 'r0\nr1\nr2\n' });
    expect(kcat.status, 'kcat -P').toBe(0);
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      const real = cluster.requestCoordinator.bind(cluster) as (...a: unknown[]) => Promise<unknown>;
      const calls: { apiKey: number; at: number }[] = [];
      const got: string[] = [];
      let joins = 0;
      vi.spyOn(cluster, 'requestCoordinator').mockImplementation((async (...args: unknown[]) => {
        const apiKey = args[2] as number;
        calls.push({ apiKey, at: Date.now() });
        // The coordinator is rebalancing at first; later the member is refused (non-retriable) once it has read all.
        if (apiKey === ApiKey.JoinGroup && joins++ === 0) return { errorCode: 27 };
        if (apiKey === ApiKey.Heartbeat && got.length === 3) return { throttleTimeMs: 0, errorCode: 30 };
        return real(...args);
      }) as never);
      const consumer = new Consumer(cluster, {
        onRecord: (v) => {
          got.push(v.valueBuf.toString('utf8', v.valueStart, v.valueEnd));
          return true;
        },
      });
      const group = uniqueName('g');
      const run = runGroupConsumer(cluster, consumer, { group, topics: [topic], spec: { kind: 'beginning' }, isolationLevel: 0, protocol: 'classic', heartbeatIntervalMs: 100 });
      await expect(run).rejects.toThrow(/heartbeat/);
      expect(got).toEqual(['r0', 'r1', 'r2']);
      const [first, second] = calls.filter((c) => c.apiKey === ApiKey.JoinGroup);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(cluster.options.retryBackoffMs - 5);
      const failed = calls.map((c) => c.apiKey).lastIndexOf(ApiKey.Heartbeat);
      const after = calls.slice(failed + 1).map((c) => c.apiKey);
      expect(after).toContain(ApiKey.OffsetCommit);
      expect(after).toContain(ApiKey.LeaveGroup);
      const committed = await fetchCommitted(cluster, group, [{ topic, partition: 0 }]);
      expect([...committed.values()]).toEqual([3n]);
    } finally {
      await cluster.close();
    }
  });

  it('falls back to the classic group protocol when the broker does not run KIP-848 groups', async () => {
    const cluster = new Cluster({ brokers: gregor.bootstrap });
    try {
      const real = cluster.requestCoordinator.bind(cluster);
      const apis: number[] = [];
      vi.spyOn(cluster, 'requestCoordinator').mockImplementation((async (...args: unknown[]) => {
        const apiKey = args[2] as number;
        apis.push(apiKey);
        // What a broker with group.version 0 answers.
        if (apiKey === ApiKey.ConsumerGroupHeartbeat) {
          return { throttleTimeMs: 0, errorCode: 35, errorMessage: 'The new group coordinator is not enabled', memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
        }
        return (real as (...a: unknown[]) => Promise<unknown>)(...args);
      }) as never);
      const got: string[] = [];
      const consumer = new Consumer(cluster, {
        exitAtEnd: true,
        onRecord: (v) => {
          got.push(v.valueBuf.toString('utf8', v.valueStart, v.valueEnd));
          return true;
        },
      });
      await runGroupConsumer(cluster, consumer, { group: uniqueName('g'), topics: [topic], spec: { kind: 'beginning' }, isolationLevel: 0 });
      expect(got.slice(0, 3)).toEqual(['r0', 'r1', 'r2']);
      expect(apis).toContain(ApiKey.JoinGroup);
      expect(apis).toContain(ApiKey.OffsetCommit);
      expect(apis).toContain(ApiKey.LeaveGroup);
    } finally {
      await cluster.close();
    }
  });
});

/**
 * The idempotent producer on the wire: InitProducerId, and Produce's producer-state checks (duplicates answered
 * with the original offsets, sequence gaps, fenced epochs) as Kafka 4.x answers them, across Produce versions;
 * the state survives a restart of `gregor serve` on the same data dir.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/broker/serve.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { readRecords, scanBatches } from '../../src/protocol/records/index.js';
import { startGregor } from '../helpers/gregor-server.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { RawClient, batch, createTopic, fetchOnce, startBroker, uniqueName } from './data-helpers.js';

let server: RunningServer;
let c: RawClient;

beforeAll(async () => {
  server = await startBroker();
  c = await RawClient.connect(server.address.port);
});
afterAll(async () => {
  c.close();
  await server.close();
});

/**
 * Record timestamps: recent, since producers expire producer.id.expiration.ms (1 day) after their last batch's
 * timestamp, checked when the state is rebuilt at a restart.
 */
const T0 = Date.now() - 60_000;

/** A batch of `n` records from producer `pid` at `epoch`, first sequence `seq`, all stamped `ts`. */
function idem(pid: bigint, epoch: number, seq: number, n = 1, ts = T0 + seq): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ key: `k${seq + i}`, value: `s${seq + i}`, timestamp: ts }));
  return batch(records, { producerId: pid, producerEpoch: epoch, baseSequence: seq });
}

type Topic = { name: string; topicId: string };

async function produceV(v: number, t: Topic, records: Buffer): Promise<any> {
  const topicData = [{ ...(v >= 13 ? { topicId: t.topicId } : { name: t.name }), partitionData: [{ index: 0, records }] }];
  const r = await c.request(0, v, { acks: -1, timeoutMs: 5000, topicData });
  return r.responses[0].partitionResponses[0];
}

async function values(t: Topic): Promise<string[]> {
  const r = await fetchOnce(c, 11, t.name, [{ partition: 0, fetchOffset: 0 }]);
  const p = r.responses[0].partitions[0];
  return scanBatches(p.records).batches.flatMap((b) => readRecords(p.records, b.position)).map((x) => x.value!.toString());
}

async function initProducerId(v: number, body: Record<string, unknown> = {}): Promise<any> {
  return c.request(22, v, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1, ...body });
}

let nextPid = 900_000n;
const freshPid = () => nextPid++;

describe('InitProducerId', () => {
  it.each([0, 1, 2, 3, 4, 5, 6])('v%i hands an idempotent producer a new id at epoch 0, ids from one block', async (v) => {
    const a = await initProducerId(v);
    const b = await initProducerId(v);
    expect(a).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(b).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(a.producerId).toBeGreaterThanOrEqual(0n);
    expect(b.producerId).toBe(a.producerId + 1n);
  });

  it('v3+: an existing id and epoch (KIP-360) still gets a new id at epoch 0 without a transactional id', async () => {
    const first = await initProducerId(4);
    const again = await initProducerId(4, { producerId: first.producerId, producerEpoch: 0 });
    expect(again.errorCode).toBe(0);
    expect(again.producerEpoch).toBe(0);
    expect(again.producerId).not.toBe(first.producerId);
  });

  it('an id without an epoch (or the reverse) is INVALID_REQUEST, and so is an empty transactional id', async () => {
    expect(await initProducerId(3, { producerId: 5n, producerEpoch: -1 })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 });
    expect((await initProducerId(5, { producerId: -1n, producerEpoch: 2 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await initProducerId(2, { transactionalId: '' })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('a transactional id is answered UNSUPPORTED_VERSION (transactions are not served yet)', async () => {
    for (const v of [0, 3, 6]) {
      expect(await initProducerId(v, { transactionalId: 'tx-1' })).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION, producerId: -1n, producerEpoch: -1 });
    }
  });

  it('ids handed out before a block boundary are never handed out again', async () => {
    const seen = new Set<bigint>();
    for (let i = 0; i < 1100; i++) seen.add((await initProducerId(2)).producerId);
    expect(seen.size).toBe(1100);
  });
});

describe.each([3, 9, 13])('Produce v%i with a producer id', (v) => {
  const topic = (configs: Record<string, string> = {}) => createTopic(server, `idem-v${v}`, { configs });
  const logStart = v >= 5 ? 0n : -1n;

  it('acknowledges a retried batch with its original offsets and does not append it again', async () => {
    const t = topic();
    const pid = freshPid();
    expect(await produceV(v, t, idem(pid, 0, 0, 3))).toMatchObject({ errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n });
    expect(await produceV(v, t, idem(pid, 0, 3, 2))).toMatchObject({ errorCode: 0, baseOffset: 3n });
    // Kafka answers a duplicate with the original batch's offsets and its max timestamp as the append time.
    const dup = await produceV(v, t, idem(pid, 0, 0, 3));
    expect(dup).toMatchObject({ errorCode: 0, baseOffset: 0n, logAppendTimeMs: BigInt(T0), logStartOffset: logStart });
    expect((await produceV(v, t, idem(pid, 0, 3, 2))).baseOffset).toBe(3n);
    expect(await produceV(v, t, idem(pid, 0, 5, 1))).toMatchObject({ errorCode: 0, baseOffset: 5n });
    expect(await values(t)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
  });

  it('answers a sequence gap OUT_OF_ORDER_SEQUENCE_NUMBER and appends nothing', async () => {
    const t = topic();
    const pid = freshPid();
    await produceV(v, t, idem(pid, 0, 0, 2));
    const gap = await produceV(v, t, idem(pid, 0, 3));
    expect(gap).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n, logStartOffset: v >= 5 ? 0n : -1n });
    if (v >= 8) expect(gap.errorMessage).toBe(null);
    // A batch overlapping the last one without matching it exactly is out of order too.
    expect((await produceV(v, t, idem(pid, 0, 1, 2))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produceV(v, t, idem(pid, 0, 2))).baseOffset).toBe(2n);
    expect(await values(t)).toEqual(['s0', 's1', 's2']);
  });

  it('fences an older epoch with INVALID_PRODUCER_EPOCH; a new epoch must start at sequence 0', async () => {
    const t = topic();
    const pid = freshPid();
    await produceV(v, t, idem(pid, 1, 0, 2));
    expect((await produceV(v, t, idem(pid, 0, 2))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await produceV(v, t, idem(pid, 0, 0))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await produceV(v, t, idem(pid, 2, 2))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await produceV(v, t, idem(pid, 2, 0))).toMatchObject({ errorCode: 0, baseOffset: 2n });
    // The old epoch's batches are forgotten: a retry of one is fenced, not a duplicate.
    expect((await produceV(v, t, idem(pid, 1, 0, 2))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await values(t)).toEqual(['s0', 's1', 's0']);
  });

  it('accepts any first sequence from a producer it does not know, then checks from there', async () => {
    const t = topic();
    const pid = freshPid();
    expect(await produceV(v, t, idem(pid, 3, 42))).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect((await produceV(v, t, idem(pid, 3, 43))).errorCode).toBe(0);
    expect((await produceV(v, t, idem(pid, 3, 45))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('remembers the last 5 batches: an older retry is out of order', async () => {
    const t = topic();
    const pid = freshPid();
    for (let s = 0; s < 6; s++) expect((await produceV(v, t, idem(pid, 0, s))).baseOffset).toBe(BigInt(s));
    expect(await produceV(v, t, idem(pid, 0, 1))).toMatchObject({ errorCode: 0, baseOffset: 1n });
    expect((await produceV(v, t, idem(pid, 0, 0))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await values(t)).length).toBe(6);
  });

  it('wraps sequences at 2^31-1 to 0', async () => {
    const t = topic();
    const pid = freshPid();
    const MAX = 2147483647;
    const wrapped = idem(pid, 0, MAX - 1, 3, T0); // sequences MAX-1, MAX, 0
    expect((await produceV(v, t, wrapped)).errorCode).toBe(0);
    expect(await produceV(v, t, idem(pid, 0, MAX - 1, 3, T0))).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await produceV(v, t, idem(pid, 0, 1))).toMatchObject({ errorCode: 0, baseOffset: 3n });
    expect((await produceV(v, t, idem(pid, 0, 3))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('answers a duplicate on a LogAppendTime topic with the original append time', async () => {
    const t = topic({ 'message.timestamp.type': 'LogAppendTime' });
    const pid = freshPid();
    const first = await produceV(v, t, idem(pid, 0, 0, 2));
    expect(first.logAppendTimeMs).toBeGreaterThan(BigInt(T0 + 1000));
    await new Promise((r) => setTimeout(r, 5));
    const dup = await produceV(v, t, idem(pid, 0, 0, 2));
    expect(dup).toMatchObject({ errorCode: 0, baseOffset: 0n, logAppendTimeMs: first.logAppendTimeMs });
  });
});

describe('producer state and the log', () => {
  it('keeps producers apart, per partition', async () => {
    const t = createTopic(server, 'idem-parts', { partitions: 2 });
    const [a, b] = [freshPid(), freshPid()];
    const send = async (partition: number, records: Buffer) =>
      (await c.request(0, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: t.name, partitionData: [{ index: partition, records }] }] })).responses[0]
        .partitionResponses[0];
    await send(0, idem(a, 0, 0, 2));
    await send(0, idem(b, 0, 0));
    expect(await send(1, idem(a, 0, 7))).toMatchObject({ errorCode: 0, baseOffset: 0n }); // unknown there
    expect(await send(0, idem(a, 0, 2))).toMatchObject({ errorCode: 0, baseOffset: 3n });
    expect(await send(0, idem(b, 0, 0))).toMatchObject({ errorCode: 0, baseOffset: 2n });
  });

  it('DescribeProducers reads the same state', async () => {
    const t = createTopic(server, 'idem-describe');
    const pid = freshPid();
    await produceV(9, t, idem(pid, 4, 10, 3, T0 + 123));
    const r = await c.request(61, 0, { topics: [{ name: t.name, partitionIndexes: [0] }] });
    expect(r.topics[0].partitions[0].activeProducers).toEqual([
      { producerId: pid, producerEpoch: 4, lastSequence: 12, lastTimestamp: BigInt(T0 + 123), coordinatorEpoch: -1, currentTxnStartOffset: -1n },
    ]);
  });

  it('a batch without a producer id is never checked', async () => {
    const t = createTopic(server, 'idem-plain');
    expect((await produceV(9, t, batch(2))).baseOffset).toBe(0n);
    expect((await produceV(9, t, batch(2))).baseOffset).toBe(2n);
  });
});

describe('after a restart', () => {
  it('still recognises a retried batch and accepts the next sequence', async () => {
    const dir = tmpDir();
    const name = uniqueName('idem-restart');
    let g = await startGregor(['--data-dir', dir]);
    let rc = await RawClient.connect(g.port);
    const create = await rc.request(19, 5, {
      topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(create.topics[0].errorCode).toBe(0);
    const { producerId } = await rc.request(22, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    const send = async (records: Buffer) =>
      (await rc.request(0, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name, partitionData: [{ index: 0, records }] }] })).responses[0]
        .partitionResponses[0];
    for (let s = 0; s < 9; s += 3) expect((await send(idem(producerId, 0, s, 3))).baseOffset).toBe(BigInt(s));
    rc.close();
    expect(await g.stop()).toBe(0);

    g = await startGregor(['--data-dir', dir]);
    rc = await RawClient.connect(g.port);
    try {
      expect(await send(idem(producerId, 0, 6, 3))).toMatchObject({ errorCode: 0, baseOffset: 6n });
      expect(await send(idem(producerId, 0, 3, 3))).toMatchObject({ errorCode: 0, baseOffset: 3n });
      expect((await send(idem(producerId, 0, 10))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
      expect(await send(idem(producerId, 0, 9))).toMatchObject({ errorCode: 0, baseOffset: 9n });
      // A new producer id after the restart is from a new block, never one handed out before.
      const next = await rc.request(22, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
      expect(next.producerId).toBeGreaterThan(producerId);
    } finally {
      rc.close();
      await g.stop();
    }
  });
});

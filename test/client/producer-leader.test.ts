/**
 * A leader that moves, on a cluster of two nodes: a scripted Kafka-protocol server in this process (gregor serves
 * one node, so it cannot move a leader). Node 1 leads the partition until it answers the first Produce with
 * NOT_LEADER_OR_FOLLOWER; from then on Metadata names node 2. The producer must refresh metadata, resend the
 * same batches (same sequences) to node 2, and the records must arrive there once each, in order.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '../../src/client/cluster.js';
import { Producer } from '../../src/client/producer.js';
import { ApiKey, decodeRequestFrame, encodeResponseFrame, ErrorCode, FrameSplitter } from '../../src/protocol/index.js';
import { readBatchHeader, readRecords, scanBatches } from '../../src/protocol/records/index.js';

const TOPIC = 'moving';
let leader = 1;
const produceCalls = { 1: 0, 2: 0 } as Record<number, number>;
const log: { value: string; sequence: number }[] = [];
const servers: Server[] = [];
const ports: Record<number, number> = {};

function serveNode(nodeId: number, socket: Socket): void {
  const splitter = new FrameSplitter(1 << 30);
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    for (const frame of splitter.push(chunk)) {
      const { header, body } = decodeRequestFrame(frame) as { header: { requestApiKey: number; requestApiVersion: number; correlationId: number }; body: any };
      const reply = (response: unknown) => socket.write(encodeResponseFrame(header.requestApiKey, header.requestApiVersion, header.correlationId, response));
      switch (header.requestApiKey) {
        case ApiKey.ApiVersions:
          reply({
            errorCode: 0,
            apiKeys: [
              { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 9 },
              { apiKey: ApiKey.Metadata, minVersion: 1, maxVersion: 9 },
              { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
              { apiKey: ApiKey.InitProducerId, minVersion: 0, maxVersion: 4 },
            ],
          });
          break;
        case ApiKey.Metadata:
          reply({
            brokers: [1, 2].map((id) => ({ nodeId: id, host: '127.0.0.1', port: ports[id], rack: null })),
            clusterId: 'fake',
            controllerId: 1,
            topics: [{ errorCode: 0, name: TOPIC, isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: leader, leaderEpoch: leader, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] }] }],
          });
          break;
        case ApiKey.InitProducerId:
          reply({ errorCode: 0, producerId: 42n, producerEpoch: 0 });
          break;
        case ApiKey.Produce: {
          produceCalls[nodeId]!++;
          const part = body.topicData[0].partitionData[0];
          if (nodeId !== leader || (nodeId === 1 && produceCalls[1] === 2)) {
            // The second Produce node 1 sees is its last: the leadership moves to node 2.
            leader = 2;
            reply({ responses: [{ name: TOPIC, partitionResponses: [{ index: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1n }] }] });
            break;
          }
          const baseOffset = BigInt(log.length);
          for (const span of scanBatches(part.records).batches) {
            const h = readBatchHeader(part.records, span.position);
            readRecords(part.records, span.position).forEach((r, i) => log.push({ value: r.value!.toString(), sequence: h.baseSequence + i }));
          }
          reply({ responses: [{ name: TOPIC, partitionResponses: [{ index: 0, errorCode: 0, baseOffset, logAppendTimeMs: -1n, logStartOffset: 0n }] }] });
          break;
        }
        default:
          socket.destroy();
      }
    }
  });
}

beforeAll(async () => {
  for (const nodeId of [1, 2]) {
    const server = createServer((s) => serveNode(nodeId, s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports[nodeId] = (server.address() as { port: number }).port;
    servers.push(server);
  }
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

it('follows a partition leader that moved to another node, resending the same sequences there', async () => {
  const cluster = new Cluster({ brokers: `127.0.0.1:${ports[1]}`, retryBackoffMs: 10 });
  try {
    const producer = new Producer(cluster, { batchSize: 1000, lingerMs: 0, retryBackoffMs: 10 });
    for (let i = 0; i < 500; i++) {
      const w = producer.send({ topic: TOPIC, value: Buffer.from(`m${i}`) });
      if (w) await w;
    }
    await producer.close();
    expect(produceCalls[1]).toBeGreaterThanOrEqual(2);
    expect(produceCalls[2]).toBeGreaterThan(0);
    expect(producer.retries).toBeGreaterThan(0);
    expect(log.map((r) => r.value)).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    expect(log.map((r) => r.sequence)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  } finally {
    await cluster.close();
  }
});

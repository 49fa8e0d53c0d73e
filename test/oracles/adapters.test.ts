// Self-checks of the oracle adapters, independent of OUR codec (these run whether or not src/protocol exists):
//   * @platformatic/kafka loads and works on this Node (it declares >= 22), and the quirks found on Node 20;
//   * both libraries' header-version choices agree with Kafka's rules (from the JSON flexibleVersions);
//   * kafkajs and @platformatic/kafka encode byte-identical request bodies for the same logical request;
//   * response bytes written BY HAND from the Kafka JSON definitions decode, through both adapters and their
//     rename tables, to the same values (so the mappings the oracle tests rely on are right);
//   * record batches made by one library decode with the other, and their CRC-32C checks out;
//   * library bugs found while writing the oracles are pinned here.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import * as plt from './platformatic.js';
import * as kjs from './kafkajs.js';
import { inRange, messageDef, uuidToHex, hexToUuid } from './schema.js';
import { libView } from './helpers.js';
import { kafkajsResponseCases } from './cases/kafkajs-responses.js';
import { platformaticResponseCases } from './cases/platformatic-responses.js';
import { GROUP, MEMBER, INSTANCE, TOPIC, TOPIC2, TXN, TS, TOPIC_ID, TOPIC_ID_HEX } from './fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const require = createRequire(import.meta.url);
const { crc32c } = require('@node-rs/crc32') as { crc32c: (b: Buffer, init?: number) => number };
const b = (s: string) => Buffer.from(s, 'utf8');

// ---- a tiny hand writer for Kafka primitive types (used only to spell out expected bytes) ------------------------
const W = {
  i8: (n: number) => Buffer.from([n & 0xff]),
  i16: (n: number) => { const x = Buffer.alloc(2); x.writeInt16BE(n); return x; },
  i32: (n: number) => { const x = Buffer.alloc(4); x.writeInt32BE(n); return x; },
  i64: (n: bigint) => { const x = Buffer.alloc(8); x.writeBigInt64BE(n); return x; },
  uvar: (n: number) => { const o: number[] = []; while (n >= 0x80) { o.push((n & 0x7f) | 0x80); n >>>= 7; } o.push(n); return Buffer.from(o); },
  str: (s: string | null) => (s === null ? W.i16(-1) : Buffer.concat([W.i16(Buffer.byteLength(s)), b(s)])),
  cstr: (s: string | null) => (s === null ? W.uvar(0) : Buffer.concat([W.uvar(Buffer.byteLength(s) + 1), b(s)])),
  bytes: (x: Buffer | null) => (x === null ? W.i32(-1) : Buffer.concat([W.i32(x.length), x])),
  arr: (items: Buffer[]) => Buffer.concat([W.i32(items.length), ...items]),
  carr: (items: Buffer[] | null) => (items === null ? W.uvar(0) : Buffer.concat([W.uvar(items.length + 1), ...items])),
  tags: (fields: [number, Buffer][] = []) => Buffer.concat([W.uvar(fields.length), ...fields.flatMap(([t, d]) => [W.uvar(t), W.uvar(d.length), d])]),
  cat: (...x: Buffer[]) => Buffer.concat(x),
};

describe('platformatic on this Node', () => {
  it('loads every API module and exposes createRequest/parseResponse through api → connection.send', () => {
    const inv = plt.inventory();
    expect(inv.length).toBe(61);
    expect(inv.reduce((n, e) => n + e.versions.length, 0)).toBe(259);
    for (const { apiKey, versions } of inv) {
      for (const v of versions) {
        const cap = plt.capture(apiKey, v, []);
        expect(typeof cap.parser).toBe('function');
        expect(typeof cap.createPayload).toBe('function');
      }
    }
  });

  it('chooses request header v2 / response header v1 exactly for flexible versions (ApiVersions: response v0)', () => {
    const wrong: string[] = [];
    for (const { apiKey, versions } of plt.inventory()) {
      for (const v of versions) {
        const flexible = inRange(messageDef(apiKey, 'request', v).flexibleVersions, v);
        const e = plt.apiVersion(apiKey, v);
        if (e.requestHeaderTagged !== flexible) wrong.push(`${apiKey} v${v} request header`);
        if (e.responseHeaderTagged !== (flexible && apiKey !== 18)) wrong.push(`${apiKey} v${v} response header`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('NODE 20 QUIRK: promise-style Connection.connect() needs Promise.withResolvers (Node >= 22)', async () => {
    const hasResolvers = typeof (Promise as any).withResolvers === 'function';
    const { Connection } = await import('@platformatic/kafka');
    const conn = new (Connection as any)('x', { connectTimeout: 100 });
    if (!hasResolvers) {
      expect(() => conn.connect('127.0.0.1', 1)).toThrow(/withResolvers is not a function/);
    } else {
      await conn.connect('127.0.0.1', 1).catch(() => undefined);
    }
  });

  it('uuid text forms: platformatic hex ↔ Kafka base64url', () => {
    expect(uuidToHex(TOPIC_ID)).toBe(TOPIC_ID_HEX);
    expect(hexToUuid(TOPIC_ID_HEX)).toBe(TOPIC_ID);
    expect(TOPIC_ID).toHaveLength(22);
    const w = plt.Writer.create().appendUUID(TOPIC_ID_HEX);
    expect(Buffer.from(w.buffer).toString('base64url')).toBe(TOPIC_ID);
  });
});

describe('kafkajs inventory', () => {
  it('has 33 APIs / 110 versions; only AlterPartitionReassignments v0 and ListPartitionReassignments v0 are flexible', () => {
    const inv = kjs.inventory();
    expect(inv.length).toBe(33);
    expect(inv.reduce((n, e) => n + e.versions.length, 0)).toBe(110);
    const flexible = inv.flatMap((e) => e.versions.filter((v) => inRange(messageDef(e.apiKey, 'request', v).flexibleVersions, v)).map((v) => `${e.name} v${v}`));
    expect(flexible).toEqual(['AlterPartitionReassignments v0', 'ListPartitionReassignments v0']);
  });

  it('kafkajs flexible requests carry the header tag buffer as the first body byte (adapter strips it)', async () => {
    const enc = await kjs.encodeRequest('ListPartitionReassignments', 0, { timeout: 1000, topics: null }, { correlationId: 7, clientId: 'c' });
    // body per ListPartitionReassignmentsRequest v0: TimeoutMs int32, Topics compact nullable array, tag buffer
    expect(enc.body.toString('hex')).toBe(W.cat(W.i32(1000), W.uvar(0), W.tags()).toString('hex'));
    // frame: size, header v2 (key, version, correlation id, client id INT16 string, tag buffer), body
    const header = W.cat(W.i16(46), W.i16(0), W.i32(7), W.str('c'), W.tags());
    expect(enc.frame.toString('hex')).toBe(W.cat(W.i32(header.length + enc.body.length), header, enc.body).toString('hex'));
  });
});

// ---- the same logical request encoded by both libraries must be the same bytes --------------------------------
interface Pair {
  apiKey: number;
  versions: number[];
  kjs: (v: number) => any;
  plt: (v: number) => unknown[];
}
const protocols = [{ name: 'range', metadata: Buffer.from([0, 1, 2]) }, { name: 'rr', metadata: Buffer.alloc(0) }];
const PAIRS: Pair[] = [
  { apiKey: 3, versions: [0, 1, 2, 3, 4, 5, 6], kjs: () => ({ topics: [TOPIC, TOPIC2], allowAutoTopicCreation: false }), plt: () => [[TOPIC, TOPIC2], false] },
  { apiKey: 2, versions: [0, 1, 2, 3], kjs: () => ({ replicaId: -1, isolationLevel: 1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, timestamp: -1 }] }] }), plt: () => [-1, 1, [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }]] },
  {
    apiKey: 1, versions: [4, 5, 6, 7, 8, 9, 10, 11],
    kjs: () => ({ replicaId: -1, maxWaitTime: 100, minBytes: 1, maxBytes: 1000, isolationLevel: 1, sessionId: 3, sessionEpoch: 4, forgottenTopics: [{ topic: TOPIC2, partitions: [1] }], rackId: 'r', topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: 2, fetchOffset: '10', logStartOffset: -1, maxBytes: 500 }] }] }),
    plt: () => [100, 1, 1000, 1, 3, 4, [{ topicId: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: 2, fetchOffset: 10n, lastFetchedEpoch: -1, partitionMaxBytes: 500 }] }], [{ topicId: TOPIC2, partitions: [1] }], 'r'],
  },
  {
    apiKey: 8, versions: [0, 1, 2, 3, 4, 5],
    kjs: () => ({ groupId: GROUP, groupGenerationId: 3, memberId: MEMBER, retentionTime: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '5', timestamp: -1, metadata: 'm' }] }] }),
    plt: () => [GROUP, 3, MEMBER, null, [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: 'm' }] }]],
  },
  { apiKey: 9, versions: [1, 2, 3, 4], kjs: () => ({ groupId: GROUP, topics: [{ topic: TOPIC, partitions: [{ partition: 0 }, { partition: 2 }] }] }), plt: () => [[{ groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0, 2] }] }], false] },
  { apiKey: 10, versions: [0, 1, 2], kjs: () => ({ groupId: GROUP, coordinatorType: 0 }), plt: () => [0, [GROUP]] },
  {
    apiKey: 11, versions: [0, 1, 2, 3, 4, 5],
    kjs: () => ({ groupId: GROUP, sessionTimeout: 1000, rebalanceTimeout: 2000, memberId: MEMBER, groupInstanceId: INSTANCE, protocolType: 'consumer', groupProtocols: protocols }),
    plt: () => [GROUP, 1000, 2000, MEMBER, INSTANCE, 'consumer', protocols, null],
  },
  { apiKey: 12, versions: [0, 1, 2, 3], kjs: () => ({ groupId: GROUP, groupGenerationId: 9, memberId: MEMBER, groupInstanceId: INSTANCE }), plt: () => [GROUP, 9, MEMBER, INSTANCE] },
  { apiKey: 13, versions: [0, 1, 2, 3], kjs: () => ({ groupId: GROUP, memberId: MEMBER, groupInstanceId: INSTANCE }), plt: () => [GROUP, [{ memberId: MEMBER, groupInstanceId: INSTANCE }]] },
  {
    apiKey: 14, versions: [0, 1, 2, 3],
    kjs: () => ({ groupId: GROUP, generationId: 2, memberId: MEMBER, groupInstanceId: INSTANCE, groupAssignment: [{ memberId: MEMBER, memberAssignment: Buffer.from([1]) }] }),
    plt: () => [GROUP, 2, MEMBER, INSTANCE, null, null, [{ memberId: MEMBER, assignment: Buffer.from([1]) }]],
  },
  { apiKey: 15, versions: [0, 1, 2], kjs: () => ({ groupIds: [GROUP] }), plt: () => [[GROUP], false] },
  { apiKey: 16, versions: [0, 1, 2], kjs: () => ({}), plt: () => [] },
  { apiKey: 17, versions: [0, 1], kjs: () => ({ mechanism: 'PLAIN' }), plt: () => ['PLAIN'] },
  { apiKey: 18, versions: [0, 1, 2], kjs: () => ({}), plt: () => ['x', 'y'] },
  {
    apiKey: 19, versions: [0, 1, 2, 3],
    kjs: () => ({ timeout: 5000, validateOnly: true, topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1, replicaAssignment: [{ partition: 0, replicas: [1] }], configEntries: [{ name: 'a', value: 'b' }] }] }),
    plt: () => [[{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: 'a', value: 'b' }] }], 5000, true],
  },
  { apiKey: 20, versions: [0, 1], kjs: () => ({ topics: [TOPIC, TOPIC2], timeout: 5000 }), plt: () => [[{ name: TOPIC }, { name: TOPIC2 }], 5000] },
  { apiKey: 21, versions: [0, 1], kjs: () => ({ topics: [{ topic: TOPIC, partitions: [{ partition: 1, offset: '9' }] }], timeout: 5000 }), plt: () => [[{ name: TOPIC, partitions: [{ partitionIndex: 1, offset: 9n }] }], 5000] },
  { apiKey: 22, versions: [0, 1], kjs: () => ({ transactionalId: TXN, transactionTimeout: 3000 }), plt: () => [TXN, 3000] },
  { apiKey: 24, versions: [0, 1], kjs: () => ({ transactionalId: TXN, producerId: '7', producerEpoch: 1, topics: [{ topic: TOPIC, partitions: [0, 3] }] }), plt: () => [[{ transactionalId: TXN, producerId: 7n, producerEpoch: 1, topics: [{ name: TOPIC, partitions: [0, 3] }] }]] },
  { apiKey: 25, versions: [0, 1], kjs: () => ({ transactionalId: TXN, producerId: '7', producerEpoch: 1, groupId: GROUP }), plt: () => [TXN, 7n, 1, GROUP] },
  { apiKey: 26, versions: [0, 1], kjs: () => ({ transactionalId: TXN, producerId: '7', producerEpoch: 1, transactionResult: true }), plt: () => [TXN, 7n, 1, true] },
  {
    apiKey: 28, versions: [0, 1],
    kjs: () => ({ transactionalId: TXN, groupId: GROUP, producerId: '7', producerEpoch: 1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '3', metadata: null }] }] }),
    plt: () => [TXN, GROUP, 7n, 1, -1, '', null, [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: null }] }]],
  },
  {
    apiKey: 29, versions: [0, 1],
    kjs: () => ({ resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: null, host: '*', operation: 1, permissionType: 1 }),
    plt: () => [{ resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: null, host: '*', operation: 1, permissionType: 1 }],
  },
  {
    apiKey: 30, versions: [0, 1],
    kjs: () => ({ creations: [{ resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: 'User:a', host: '*', operation: 2, permissionType: 3 }] }),
    plt: () => [[{ resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: 'User:a', host: '*', operation: 2, permissionType: 3 }]],
  },
  {
    apiKey: 31, versions: [0, 1],
    kjs: () => ({ filters: [{ resourceType: 2, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1 }] }),
    plt: () => [[{ resourceType: 2, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1 }]],
  },
  { apiKey: 32, versions: [0, 1, 2], kjs: () => ({ resources: [{ type: 2, name: TOPIC, configNames: ['a'] }], includeSynonyms: true }), plt: () => [[{ resourceType: 2, resourceName: TOPIC, configurationKeys: ['a'] }], true] },
  { apiKey: 33, versions: [0, 1], kjs: () => ({ validateOnly: true, resources: [{ type: 2, name: TOPIC, configEntries: [{ name: 'a', value: null }] }] }), plt: () => [[{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'a', value: null }] }], true] },
  { apiKey: 37, versions: [0, 1], kjs: () => ({ timeout: 100, validateOnly: true, topicPartitions: [{ topic: TOPIC, count: 4, assignments: [[1, 2]] }] }), plt: () => [[{ name: TOPIC, count: 4, assignments: [{ brokerIds: [1, 2] }] }], 100, true] },
  { apiKey: 42, versions: [0, 1], kjs: () => [GROUP, 'g2'], plt: () => [[GROUP, 'g2']] },
  { apiKey: 45, versions: [0], kjs: () => ({ timeout: 100, topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: [1, 2] }] }] }), plt: () => [100, true, [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [1, 2] }] }]] },
  { apiKey: 46, versions: [0], kjs: () => ({ timeout: 100, topics: [{ topic: TOPIC, partitions: [0] }] }), plt: () => [100, [{ name: TOPIC, partitionIndexes: [0] }]] },
];

describe('kafkajs and platformatic encode the same request to the same bytes', () => {
  for (const p of PAIRS) {
    for (const v of p.versions) {
      it(`${messageDef(p.apiKey, 'request', v).name} v${v}`, async () => {
        const k = await kjs.encodeRequest(kjs.nameOf(p.apiKey), v, p.kjs(v));
        const l = await plt.encodeRequest(p.apiKey, v, p.plt(v));
        expect(k.body.toString('hex')).toBe(l.toString('hex'));
      });
    }
  }

  it('Produce v3-v7: same messages → same record batch bytes from both libraries', async () => {
    for (const v of [3, 4, 5, 6, 7]) {
      const k = await kjs.encodeRequest('Produce', v, {
        acks: -1, timeout: 1000,
        topicData: [{ topic: TOPIC, partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v-ü', timestamp: Number(TS), headers: { h: 'x' } }, { key: null, value: 'w', timestamp: Number(TS) + 3 }] }] }],
      });
      const l = await plt.encodeRequest(0, v, [-1, 1000, [
        { topic: TOPIC, partition: 2, key: b('k'), value: b('v-ü'), timestamp: TS, headers: new Map([[b('h'), b('x')]]) },
        { topic: TOPIC, partition: 2, key: undefined, value: b('w'), timestamp: TS + 3n },
      ], {}]);
      expect(k.body.toString('hex'), `Produce v${v}`).toBe(l.toString('hex'));
    }
  });
});

// ---- hand-written response bytes (from the Kafka JSON definitions) through both adapters -------------------------
function viewWith(lib: 'kafkajs' | 'platformatic', apiKey: number, v: number, parsed: any) {
  const c = (lib === 'kafkajs' ? kafkajsResponseCases : platformaticResponseCases).find((x) => x.apiKey === apiKey && !x.label)!;
  const view = typeof c.view === 'function' ? c.view(v) : c.view;
  return libView(apiKey, 'response', v, parsed, view);
}
async function both(apiKey: number, v: number, body: Buffer) {
  const k = viewWith('kafkajs', apiKey, v, await kjs.decodeResponse(kjs.nameOf(apiKey), v, body));
  const d = plt.decodeResponse(apiKey, v, body);
  expect(d.remaining).toBe(0);
  return { k, p: viewWith('platformatic', apiKey, v, d.parsed), pRaw: d.parsed };
}

describe('hand-written response bytes decode to the same values through both adapters', () => {
  it('ApiVersions v0 and v2 (throttle after the array)', async () => {
    const keys = W.arr([W.cat(W.i16(0), W.i16(0), W.i16(9)), W.cat(W.i16(18), W.i16(0), W.i16(3))]);
    const apiKeys = [{ apiKey: 0, minVersion: 0, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }];
    const v0 = await both(18, 0, W.cat(W.i16(0), keys));
    expect(v0.k).toEqual({ errorCode: 0, apiKeys });
    expect(v0.p).toEqual(v0.k);
    const v2 = await both(18, 2, W.cat(W.i16(0), keys, W.i32(250)));
    expect(v2.k).toEqual({ errorCode: 0, apiKeys, throttleTimeMs: 250 });
    expect(v2.p).toEqual(v2.k);
  });

  it('ApiVersions v3 (platformatic only): compact arrays and tagged fields 0 and 3', () => {
    const body = W.cat(
      W.i16(0),
      W.carr([W.cat(W.i16(1), W.i16(4), W.i16(17), W.tags())]),
      W.i32(5),
      W.tags([
        [0, W.carr([W.cat(W.cstr('metadata.version'), W.i16(1), W.i16(20), W.tags())])],
        [3, W.i8(1)],
      ]),
    );
    const d = plt.decodeResponse(18, 3, body);
    expect(d.remaining).toBe(0);
    expect(viewWith('platformatic', 18, 3, d.parsed)).toEqual({
      errorCode: 0, apiKeys: [{ apiKey: 1, minVersion: 4, maxVersion: 17 }], throttleTimeMs: 5,
      supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: true,
    });
  });

  it('Metadata v1: brokers with nullable rack, controller id, topics with isInternal', async () => {
    const body = W.cat(
      W.arr([W.cat(W.i32(1), W.str('h1'), W.i32(9092), W.str(null)), W.cat(W.i32(2), W.str('h2'), W.i32(9093), W.str('r2'))]),
      W.i32(2),
      W.arr([W.cat(W.i16(0), W.str(TOPIC), W.i8(0), W.arr([W.cat(W.i16(0), W.i32(0), W.i32(1), W.arr([W.i32(1), W.i32(2)]), W.arr([W.i32(1)]))]))]),
    );
    const r = await both(3, 1, body);
    expect(r.k).toEqual({
      brokers: [{ nodeId: 1, host: 'h1', port: 9092, rack: null }, { nodeId: 2, host: 'h2', port: 9093, rack: 'r2' }],
      controllerId: 2,
      topics: [{ errorCode: 0, name: TOPIC, isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1] }] }],
    });
    expect(r.p).toEqual(r.k);
  });

  it('Produce v5: int64 offsets beyond 2^53, throttle after the array', async () => {
    const body = W.cat(
      W.arr([W.cat(W.str(TOPIC), W.arr([W.cat(W.i32(3), W.i16(0), W.i64(9_007_199_254_740_993n), W.i64(-1n), W.i64(7n))]))]),
      W.i32(42),
    );
    const r = await both(0, 5, body);
    expect(r.k).toEqual({
      responses: [{ name: TOPIC, partitionResponses: [{ index: 3, errorCode: 0, baseOffset: 9_007_199_254_740_993n, logAppendTimeMs: -1n, logStartOffset: 7n }] }],
      throttleTimeMs: 42,
    });
    expect(r.p).toEqual(r.k);
  });

  it('Fetch v4: a kafkajs-made batch is decoded by platformatic and a platformatic-made one by kafkajs', async () => {
    const records = Buffer.concat([
      await kjs.recordBatch([{ key: 'a', value: 'from-kafkajs', timestamp: Number(TS) }], { baseTimestamp: Number(TS) }),
      plt.recordBatch([{ topic: TOPIC, value: b('from-platformatic'), timestamp: TS }]),
    ]);
    const body = W.cat(
      W.i32(0),
      W.arr([W.cat(W.str(TOPIC), W.arr([W.cat(W.i32(0), W.i16(0), W.i64(2n), W.i64(2n), W.arr([W.cat(W.i64(5n), W.i64(1n))]), W.bytes(records))]))]),
    );
    const k = await kjs.decodeResponse('Fetch', 4, body);
    expect(k.responses[0].partitions[0].messages.map((m: any) => m.value.toString())).toEqual(['from-kafkajs', 'from-platformatic']);
    const p = plt.decodeResponse(1, 4, body);
    expect(p.remaining).toBe(0);
    expect(p.parsed.responses[0].partitions[0].records.flatMap((x: any) => x.records.map((r: any) => r.value.toString()))).toEqual(['from-kafkajs', 'from-platformatic']);
    const view = { throttleTimeMs: 0, responses: [{ topic: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 2n, lastStableOffset: 2n, abortedTransactions: [{ producerId: 5n, firstOffset: 1n }] }] }] };
    expect(viewWith('kafkajs', 1, 4, k)).toEqual(view);
    expect(viewWith('platformatic', 1, 4, p.parsed)).toEqual(view);
  });

  it('FindCoordinator v1 and ListPartitionReassignments v0 (flexible, kafkajs header-tag quirk)', async () => {
    const fc = await both(10, 1, W.cat(W.i32(3), W.i16(0), W.str(null), W.i32(1), W.str('h'), W.i32(9092)));
    expect(fc.k).toEqual({ throttleTimeMs: 3, errorCode: 0, errorMessage: null, nodeId: 1, host: 'h', port: 9092 });
    expect(fc.p).toEqual(fc.k);
    const body = W.cat(W.i32(1), W.i16(0), W.cstr(null), W.carr([W.cat(W.cstr(TOPIC), W.carr([W.cat(W.i32(0), W.carr([W.i32(1)]), W.carr([]), W.carr([W.i32(1)]), W.tags())]), W.tags())]), W.tags());
    const lr = await both(46, 0, body);
    expect(lr.k).toEqual({ throttleTimeMs: 1, errorCode: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [1], addingReplicas: [], removingReplicas: [1] }] }] });
    expect(lr.p).toEqual({ ...lr.k, errorMessage: null });
  });
});

describe('record batches', () => {
  const crcOk = (batch: Buffer) => batch.readUInt32BE(17) === crc32c(batch.subarray(21)) >>> 0;

  it('both libraries write a valid CRC-32C (checked with @node-rs/crc32) and magic 2', async () => {
    const k = await kjs.recordBatch([{ key: 'k', value: 'v', timestamp: Number(TS), headers: { a: 'b' } }], { baseTimestamp: Number(TS) });
    const p = plt.recordBatch([{ topic: TOPIC, key: b('k'), value: b('v'), timestamp: TS, headers: new Map([[b('a'), b('b')]]) }]);
    for (const x of [k, p]) {
      expect(x.readInt8(16)).toBe(2);
      expect(x.readInt32BE(8)).toBe(x.length - 12);
      expect(crcOk(x)).toBe(true);
    }
    // same input, same bytes
    expect(k.toString('hex')).toBe(p.toString('hex'));
  });

  it('kafkajs gzip batches decode with platformatic', async () => {
    const k = await kjs.recordBatch([{ key: 'k', value: 'compressed ü'.repeat(20), timestamp: Number(TS) }], { baseTimestamp: Number(TS), compression: kjs.Compression.Types.GZIP });
    expect(crcOk(k)).toBe(true);
    const [batch] = plt.decodeRecordBatches(k);
    expect(batch.attributes & 7).toBe(1);
    expect(batch.records[0].value.toString()).toBe('compressed ü'.repeat(20));
  });
});

describe('library bugs pinned', () => {
  it('KAFKAJS BUG: Fetch v0-3 with NULL records desynchronises the decoder (MessageSetDecoder forward(-1))', async () => {
    // FetchResponse v1: throttle, [topic [partition error hw records]] — two partitions, the first with null records
    const part = (i: number, records: Buffer | null) => W.cat(W.i32(i), W.i16(0), W.i64(10n), W.bytes(records));
    const body = W.cat(W.i32(0), W.arr([W.cat(W.str('t'), W.arr([part(0, null), part(1, Buffer.alloc(0))]))]));
    const decoded = await kjs.decodeResponse('Fetch', 1, body).catch((e: Error) => e);
    // correct would be partitions [0, 1]; kafkajs steps back one byte (into the 0xff of the -1 size) and reads
    // partition 1 as -16777216 with error code 256
    expect(decoded instanceof Error ? decoded : decoded.responses[0].partitions.map((x: any) => [x.partition, x.errorCode])).toEqual([[0, 0], [-16777216, 256]]);
    // with EMPTY record sets (what Kafka brokers send) it is fine
    const ok = await kjs.decodeResponse('Fetch', 1, W.cat(W.i32(0), W.arr([W.cat(W.str('t'), W.arr([part(0, Buffer.alloc(0)), part(1, Buffer.alloc(0))]))])));
    expect(ok.responses[0].partitions.map((x: any) => x.partition)).toEqual([0, 1]);
  });

  it('KAFKAJS BUG: DeleteGroups v1 loses the throttle time (clientSideThrottleTime from a key v0 never sets)', async () => {
    const d = await kjs.decodeResponse('DeleteGroups', 1, W.cat(W.i32(500), W.arr([W.cat(W.str(GROUP), W.i16(0))])));
    expect(d.clientSideThrottleTime).toBeUndefined();
    expect(d.throttleTimeMs).toBe(500);
  });

  it('KAFKAJS QUIRK: Metadata v1+ sends an empty topic list as null (= all topics)', async () => {
    const enc = await kjs.encodeRequest('Metadata', 1, { topics: [] });
    expect(enc.body.toString('hex')).toBe('ffffffff');
  });

  it('PLATFORMATIC QUIRK: gzip Produce goes through Promise.withResolvers (fails on Node 20)', async () => {
    const hasResolvers = typeof (Promise as any).withResolvers === 'function';
    const run = plt.encodeRequest(0, 9, [1, 100, [{ topic: 't', value: b('x'), timestamp: TS }], { compression: 'gzip' }]);
    if (hasResolvers) await expect(run).resolves.toBeInstanceOf(Buffer);
    else await expect(run).rejects.toThrow(/withResolvers/);
  });
});

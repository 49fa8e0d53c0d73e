// Well-formed but random requests, every API the broker serves at every version it serves (the codecs' random
// message generator, as the round-trip tests use it), half of their names, ids and partition numbers pointed at a
// real topic and a real group so that the handlers get past "unknown topic": the broker answers or closes the
// connection, no handler throws (a thrown handler is logged as "handler failed"), and afterwards it still serves a
// fresh client.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ApiKey, encodeRequestFrame } from '../../src/protocol/index.js';
import { generated, loadCodecs } from '../protocol/codecs.js';
import { randomMessage, rng } from '../protocol/random-message.js';
import { RawClient } from './raw-client.js';

const SEEDS = 6;
let server: RunningServer;
const log: string[] = [];

beforeAll(async () => {
  server = await serve(
    { host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: { 'group.min.session.timeout.ms': '1', 'group.max.session.timeout.ms': '2000' } },
    { handleSignals: false, logWrite: (l) => log.push(l) },
  );
  const c = await RawClient.connect(server.address.port);
  const created = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: 3, replicationFactor: 1 }], timeoutMs: 5000 });
  expect(created.topics[0].errorCode).toBe(0);
  topicId = server.broker.metadata.topic(TOPIC)!.topicId;
  await c.request(ApiKey.FindCoordinator, 3, { key: GROUP, keyType: 0 });
  const committed = await c.request(ApiKey.OffsetCommit, 8, {
    groupId: GROUP,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
  });
  expect(committed.topics[0].partitions[0].errorCode).toBe(0);
  c.close();
});
afterAll(async () => {
  await server?.close();
});

const TOPIC = 'fuzz-topic';
const GROUP = 'fuzz-group';
let topicId = '';

/** Points about half of the message's names, ids and partitions at the real topic and group (in place). */
function aim(value: unknown, next: () => number): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] === 'string' && next() < 0.5) value[i] = next() < 0.5 ? TOPIC : GROUP;
      else aim(value[i], next);
    }
    return;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  const o = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) {
    const hit = next() < 0.5;
    if (typeof v === 'string' && hit && /^(name|topic|topicName|resourceName)$/.test(k)) o[k] = TOPIC;
    else if (typeof v === 'string' && hit && /^(groupId|key|transactionalId)$/.test(k)) o[k] = GROUP;
    else if (typeof v === 'string' && hit && /^topicId$/.test(k)) o[k] = topicId;
    else if (typeof v === 'number' && hit && /^(partition|partitionIndex|index|partitionId)$/.test(k)) o[k] = Math.floor(next() * 3);
    else aim(v, next);
  }
}

/** One request on its own connection: answered, closed, or still pending after `waitMs` (a parked JoinGroup). */
async function sendOne(frame: Buffer, waitMs: number): Promise<'answered' | 'closed' | 'pending'> {
  const c = await RawClient.connect(server.address.port);
  try {
    c.sendRaw(frame);
    const response = await c.nextFrame(waitMs).catch(() => undefined);
    return response === undefined ? 'pending' : response === null ? 'closed' : 'answered';
  } finally {
    c.close();
  }
}

it('answers random well-formed requests of every served API and version without a handler failing', async () => {
  const codecs = await loadCodecs();
  const requests = [...generated().messages].filter(([, m]) => m.type === 'request');
  const frames: { label: string; frame: Buffer }[] = [];
  for (const h of server.broker.handlers.values()) {
    const entry = requests.find(([, m]) => m.apiKey === h.apiKey);
    expect(entry, `request schema of API ${h.apiKey}`).toBeDefined();
    const [file, m] = entry!;
    const codec = codecs.get(file)!;
    for (let v = h.minVersion; v <= h.maxVersion; v++) {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const next = rng(h.apiKey * 10_000 + v * 10 + seed);
        const body = randomMessage(m, codec.make, v, next, { large: 0, unknownTags: true });
        const header = { apiKey: h.apiKey, apiVersion: v, correlationId: seed, clientId: 'fuzz' };
        const aimed = structuredClone(body);
        aim(aimed, next);
        let frame: Buffer;
        try {
          frame = encodeRequestFrame(header, aimed);
        } catch {
          frame = encodeRequestFrame(header, body); // aimed at a field this version does not carry
        }
        frames.push({ label: `${m.name} v${v} seed ${seed}`, frame });
      }
    }
  }
  const outcomes = new Map<string, number>();
  for (let i = 0; i < frames.length; i += 32) {
    const results = await Promise.all(frames.slice(i, i + 32).map((f) => sendOne(f.frame, 1500)));
    for (const r of results) outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
  }
  const failures = log.filter((l) => l.includes('handler failed'));
  expect(failures.map((l) => l.split('\n')[0]), 'handlers that threw').toEqual([]);
  expect(frames.length).toBeGreaterThan(1000);
  expect(outcomes.get('answered') ?? 0, JSON.stringify(Object.fromEntries(outcomes))).toBeGreaterThan(frames.length / 2);

  const c = await RawClient.connect(server.address.port);
  const versions = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'after-fuzz', clientSoftwareVersion: '1' });
  expect(versions.errorCode).toBe(0);
  const metadata = await c.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  expect(metadata.brokers).toHaveLength(1);
  c.close();
}, 240_000);

// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs over the raw protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ApiKey, ErrorCode } from '../../src/protocol/index.js';
import { uniqueName } from '../helpers/gregor-server.js';
import { RawClient } from './raw-client.js';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const GROUP = 32;
const Source = { TOPIC_CONFIG: 1, DYNAMIC_BROKER_CONFIG: 2, DYNAMIC_DEFAULT_BROKER_CONFIG: 3, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5, GROUP_CONFIG: 8 };
const Op = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 };

let server: RunningServer;
let client: RawClient;

beforeAll(async () => {
  server = await serve(
    { host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: { 'log.segment.bytes': '2097152', 'num.partitions': '1' } },
    { handleSignals: false, logWrite: () => {} },
  );
  client = await RawClient.connect(server.address.port);
});
afterAll(async () => {
  client.close();
  await server.close();
});

const name = (p: string) => uniqueName(p).slice(0, 60);

async function create(topic: string, configs: { name: string; value: string }[] = []) {
  const r = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, configs }], timeoutMs: 5000 });
  expect(r.topics[0].errorCode).toBe(0);
}

async function topicConfigs(topic: string, keys: string[] | null = null, v = 4) {
  const r = await client.request(ApiKey.DescribeConfigs, v, {
    resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: keys }],
    includeSynonyms: v >= 1,
    includeDocumentation: v >= 3,
  });
  expect(r.results[0].errorCode).toBe(0);
  return Object.fromEntries(r.results[0].configs.map((c: any) => [c.name, c]));
}

describe('DescribeConfigs', () => {
  it('v0 says is_default; v1 gives sources and synonyms; v3 types and documentation', async () => {
    const topic = name('dc');
    await create(topic, [{ name: 'retention.ms', value: '3600000' }]);
    const v0 = await topicConfigs(topic, null, 0);
    expect(v0['retention.ms']).toMatchObject({ value: '3600000', isDefault: false, readOnly: false, isSensitive: false });
    expect(v0['cleanup.policy']).toMatchObject({ value: 'delete', isDefault: true });
    // segment.bytes comes from the broker's static log.segment.bytes.
    expect(v0['segment.bytes']).toMatchObject({ value: '2097152', isDefault: false });

    const v1 = await topicConfigs(topic, null, 1);
    expect(v1['retention.ms']).toMatchObject({ value: '3600000', configSource: Source.TOPIC_CONFIG });
    expect(v1['retention.ms'].synonyms[0]).toEqual({ name: 'retention.ms', value: '3600000', source: Source.TOPIC_CONFIG });
    expect(v1['segment.bytes']).toMatchObject({ configSource: Source.STATIC_BROKER_CONFIG });
    expect(v1['segment.bytes'].synonyms[0]).toEqual({ name: 'log.segment.bytes', value: '2097152', source: Source.STATIC_BROKER_CONFIG });
    expect(v1['cleanup.policy']).toMatchObject({ value: 'delete', configSource: Source.DEFAULT_CONFIG });

    const v4 = await topicConfigs(topic, null, 4);
    expect(v4['retention.ms']).toMatchObject({ configType: 5, documentation: expect.any(String) });
    expect(v4['cleanup.policy'].configType).toBe(7);
    expect(v4['preallocate'].configType).toBe(1);
    expect(v4['compression.type'].configType).toBe(2);
    expect(Object.keys(v4)).toHaveLength(33);

    const noSyn = await client.request(ApiKey.DescribeConfigs, 2, { resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: ['retention.ms'] }], includeSynonyms: false });
    expect(noSyn.results[0].configs).toEqual([expect.objectContaining({ name: 'retention.ms', synonyms: [] })]);
  });

  it('lists only the keys asked for (unknown keys left out); an empty list means all', async () => {
    const topic = name('keys');
    await create(topic);
    expect(Object.keys(await topicConfigs(topic, ['retention.ms', 'no.such.key']))).toEqual(['retention.ms']);
    expect(Object.keys(await topicConfigs(topic, []))).toHaveLength(33);
  });

  it('answers per resource: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, INVALID_REQUEST for another broker', async () => {
    const r = await client.request(ApiKey.DescribeConfigs, 3, {
      resources: [
        { resourceType: TOPIC, resourceName: name('missing'), configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'bad/name', configurationKeys: null },
        { resourceType: BROKER, resourceName: '7', configurationKeys: null },
        { resourceType: BROKER, resourceName: 'one', configurationKeys: null },
        { resourceType: GROUP, resourceName: '', configurationKeys: null },
      ],
    });
    expect(r.results.map((x: any) => x.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
    ]);
    expect(r.results[2].errorMessage).toBe('Unexpected broker id, expected 1 or empty string, but received 7');
    expect(r.results[3].errorMessage).toBe('Broker id must be an integer, but it is: one');
    for (const x of r.results) expect(x.configs).toEqual([]);
  });

  it('fails the whole request for an unknown resource type', async () => {
    const r = await client.request(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: 99, resourceName: 'x', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'y', configurationKeys: null },
      ],
    });
    expect(r.results.map((x: any) => x.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  });

  it('describes the broker: read-only for static-only configs, sources, the cluster default resource', async () => {
    const r = await client.request(ApiKey.DescribeConfigs, 4, {
      resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: null }],
      includeSynonyms: true,
      includeDocumentation: false,
    });
    const c = Object.fromEntries(r.results[0].configs.map((x: any) => [x.name, x]));
    expect(c['num.partitions']).toMatchObject({ value: '1', readOnly: true, configSource: Source.STATIC_BROKER_CONFIG, configType: 3, documentation: null });
    expect(c['auto.create.topics.enable']).toMatchObject({ value: 'true', readOnly: true, configSource: Source.DEFAULT_CONFIG });
    expect(c['log.segment.bytes']).toMatchObject({ value: '2097152', readOnly: false, configSource: Source.STATIC_BROKER_CONFIG });
    expect(c['log.segment.bytes'].synonyms).toEqual([
      { name: 'log.segment.bytes', value: '2097152', source: Source.STATIC_BROKER_CONFIG },
      { name: 'log.segment.bytes', value: '1073741824', source: Source.DEFAULT_CONFIG },
    ]);
    expect(c['log.retention.ms']).toMatchObject({ value: null, readOnly: false, configSource: Source.DEFAULT_CONFIG });
    expect(c['node.id']).toMatchObject({ value: '1', readOnly: true });
    // gregor's own default (Kafka's shipped server.properties value), reported as what runs.
    expect(c['group.initial.rebalance.delay.ms']).toMatchObject({ value: '0', configSource: Source.DEFAULT_CONFIG });
    expect(c['log.dirs'].value).toBe(server.dataDir);

    const cluster = await client.request(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: '', configurationKeys: null }] });
    expect(cluster.results[0]).toMatchObject({ errorCode: 0, configs: [] });
  });

  it('describes group configs and the broker logger', async () => {
    const r = await client.request(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: GROUP, resourceName: 'g1', configurationKeys: ['consumer.session.timeout.ms'] },
        { resourceType: BROKER_LOGGER, resourceName: '1', configurationKeys: null },
      ],
    });
    expect(r.results[0].configs).toEqual([expect.objectContaining({ name: 'consumer.session.timeout.ms', value: '45000', configSource: Source.DEFAULT_CONFIG })]);
    expect(r.results[1].configs).toEqual([expect.objectContaining({ name: 'root', value: 'WARN', configSource: 6 })]);
  });
});

describe('AlterConfigs', () => {
  it.each([0, 1, 2])('v%i replaces the whole set of topic overrides', async (v) => {
    const topic = name(`ac${v}`);
    await create(topic, [{ name: 'retention.ms', value: '1000' }]);
    const r = await client.request(ApiKey.AlterConfigs, v, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
      validateOnly: false,
    });
    expect(r.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: topic }]);
    const c = await topicConfigs(topic, ['retention.ms', 'cleanup.policy']);
    expect(c['cleanup.policy']).toMatchObject({ value: 'compact', configSource: Source.TOPIC_CONFIG });
    expect(c['retention.ms']).toMatchObject({ value: '604800000', configSource: Source.DEFAULT_CONFIG });
  });

  it('validates only when asked, and answers INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST', async () => {
    const topic = name('acv');
    await create(topic);
    const missing = name('missing');
    const r = await client.request(ApiKey.AlterConfigs, 1, {
      resources: [
        { resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', value: '5' }] },
        { resourceType: TOPIC, resourceName: missing, configs: [{ name: 'retention.ms', value: '5' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', value: '3' }] },
        { resourceType: BROKER, resourceName: '2', configs: [{ name: 'log.retention.ms', value: '3' }] },
      ],
      validateOnly: true,
    });
    expect(r.responses.map((x: any) => x.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect(r.responses[2].errorMessage).toContain('Cannot update these configs dynamically: Set(num.partitions)');
    expect((await topicConfigs(topic, ['retention.ms']))['retention.ms'].configSource).toBe(Source.DEFAULT_CONFIG);

    const bad = await client.request(ApiKey.AlterConfigs, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: topic, configs: [{ name: 'no.such.config', value: '1' }] },
        { resourceType: TOPIC, resourceName: topic, configs: [] },
      ],
      validateOnly: false,
    });
    expect(bad.responses.map((x: any) => x.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    const unknown = await client.request(ApiKey.AlterConfigs, 2, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'no.such.config', value: '1' }] }],
    });
    expect(unknown.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });
});

describe('IncrementalAlterConfigs', () => {
  it.each([0, 1])('v%i applies SET, DELETE, APPEND and SUBTRACT', async (v) => {
    const topic = name(`iac${v}`);
    await create(topic, [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: '100000' }]);
    const alter = (configs: object[]) =>
      client.request(ApiKey.IncrementalAlterConfigs, v, { resources: [{ resourceType: TOPIC, resourceName: topic, configs }], validateOnly: false });
    let r = await alter([
      { name: 'retention.ms', configOperation: Op.SET, value: '2000' },
      { name: 'segment.ms', configOperation: Op.DELETE, value: null },
      { name: 'cleanup.policy', configOperation: Op.APPEND, value: 'compact' },
    ]);
    expect(r.responses[0]).toMatchObject({ errorCode: 0, resourceName: topic });
    let c = await topicConfigs(topic, ['retention.ms', 'segment.ms', 'cleanup.policy']);
    expect(c['retention.ms'].value).toBe('2000');
    expect(c['segment.ms']).toMatchObject({ value: '604800000', configSource: Source.DEFAULT_CONFIG });
    expect(c['cleanup.policy']).toMatchObject({ value: 'delete,compact', configSource: Source.TOPIC_CONFIG });
    r = await alter([{ name: 'cleanup.policy', configOperation: Op.SUBTRACT, value: 'delete' }]);
    expect(r.responses[0].errorCode).toBe(0);
    c = await topicConfigs(topic, ['cleanup.policy']);
    expect(c['cleanup.policy'].value).toBe('compact');
  });

  it('answers INVALID_CONFIG for unknown configs and APPEND on a non-list; INVALID_REQUEST for duplicates and nulls', async () => {
    const topic = name('iacerr');
    await create(topic);
    const r = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'no.such.config', configOperation: Op.SET, value: '1' }] }],
    });
    expect(r.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    const append = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: Op.APPEND, value: '1' }] }],
    });
    expect(append.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    const value = await client.request(ApiKey.IncrementalAlterConfigs, 0, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: Op.SET, value: 'x' }] }],
    });
    expect(value.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    const dupKeys = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: topic,
          configs: [
            { name: 'retention.ms', configOperation: Op.SET, value: '1' },
            { name: 'retention.ms', configOperation: Op.SET, value: '2' },
          ],
        },
      ],
    });
    expect(dupKeys.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Error due to duplicate config keys' });
    const nulls = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: Op.SET, value: null }] }],
    });
    expect(nulls.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Null value not supported for : retention.ms' });
    const unknownType = await client.request(ApiKey.IncrementalAlterConfigs, 1, { resources: [{ resourceType: 3, resourceName: 'x', configs: [] }] });
    expect(unknownType.responses[0].errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('validate_only changes nothing', async () => {
    const topic = name('iacv');
    await create(topic);
    const r = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: Op.SET, value: '5' }] }],
      validateOnly: true,
    });
    expect(r.responses[0].errorCode).toBe(0);
    expect((await topicConfigs(topic, ['retention.ms']))['retention.ms'].value).toBe('604800000');
  });

  it('sets dynamic broker configs (per broker and cluster-wide) and refuses static ones', async () => {
    const topic = name('brk');
    await create(topic);
    const set = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: Op.SET, value: '7200000' }] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.bytes', configOperation: Op.SET, value: '1000000' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', configOperation: Op.SET, value: '3' }] },
        { resourceType: BROKER, resourceName: '9', configs: [{ name: 'log.retention.ms', configOperation: Op.SET, value: '1' }] },
      ],
    });
    // The first and third name the same resource: Kafka refuses both.
    expect(set.responses.map((x: any) => x.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, 0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect(set.responses[0].errorMessage).toBe('Each resource must appear at most once.');
    expect(set.responses[3].errorMessage).toBe('Unexpected broker id, expected 1, but received 9');

    const one = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: Op.SET, value: '7200000' }] }],
    });
    expect(one.responses[0].errorCode).toBe(0);
    const c = await topicConfigs(topic, ['retention.ms', 'retention.bytes']);
    expect(c['retention.ms']).toMatchObject({ value: '7200000', configSource: Source.DYNAMIC_BROKER_CONFIG });
    expect(c['retention.bytes']).toMatchObject({ value: '1000000', configSource: Source.DYNAMIC_DEFAULT_BROKER_CONFIG });
    const cluster = await client.request(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: '', configurationKeys: null }], includeSynonyms: true });
    expect(cluster.results[0].configs).toEqual([
      expect.objectContaining({
        name: 'log.retention.bytes',
        value: '1000000',
        configSource: Source.DYNAMIC_DEFAULT_BROKER_CONFIG,
        synonyms: [{ name: 'log.retention.bytes', value: '1000000', source: Source.DYNAMIC_DEFAULT_BROKER_CONFIG }],
      }),
    ]);
    // Back to the defaults.
    const reset = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: Op.DELETE, value: null }] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.bytes', configOperation: Op.DELETE, value: null }] },
      ],
    });
    expect(reset.responses.map((x: any) => x.errorCode)).toEqual([0, 0]);
    expect((await topicConfigs(topic, ['retention.ms']))['retention.ms'].configSource).toBe(Source.DEFAULT_CONFIG);
  });

  it('checks broker logger levels', async () => {
    const r = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: BROKER_LOGGER, resourceName: '1', configs: [{ name: 'kafka.server', configOperation: Op.SET, value: 'LOUD' }] }],
    });
    expect(r.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
    const ok = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: BROKER_LOGGER, resourceName: '1', configs: [{ name: 'kafka.server', configOperation: Op.SET, value: 'DEBUG' }] }],
    });
    expect(ok.responses[0].errorCode).toBe(0);
  });
});

describe('DescribeConfigs quirks Kafka has', () => {
  it('a static log.retention.hours sets retention.ms, yet the source stays DEFAULT_CONFIG with no synonyms', async () => {
    const s = await serve(
      { host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: { 'log.retention.hours': '1' } },
      { handleSignals: false, logWrite: () => {} },
    );
    const c = await RawClient.connect(s.address.port);
    try {
      const topic = name('hours');
      await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
      const r = await c.request(ApiKey.DescribeConfigs, 4, {
        resources: [
          { resourceType: TOPIC, resourceName: topic, configurationKeys: ['retention.ms'] },
          { resourceType: BROKER, resourceName: '1', configurationKeys: ['log.retention.hours', 'log.retention.ms', 'listeners'] },
        ],
        includeSynonyms: true,
      });
      expect(r.results[0].configs).toEqual([expect.objectContaining({ name: 'retention.ms', value: '3600000', configSource: Source.DEFAULT_CONFIG, synonyms: [] })]);
      const b = Object.fromEntries(r.results[1].configs.map((x: any) => [x.name, x]));
      expect(b['log.retention.hours']).toMatchObject({ value: '1', readOnly: true, configSource: Source.STATIC_BROKER_CONFIG });
      expect(b['log.retention.ms']).toMatchObject({ value: null, readOnly: false, configSource: Source.DEFAULT_CONFIG, synonyms: [] });
      expect(b['listeners'].value).toBe(`PLAINTEXT://127.0.0.1:${s.address.port}`);
    } finally {
      c.close();
      await s.close();
    }
  });
});

describe('broker-level log configs reach the partition logs', () => {
  it('a dynamic cluster-wide log.retention.ms reconfigures existing topics', async () => {
    const { serve } = await import('../../src/broker/serve.js');
    const server = await serve({ host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs: {} }, { handleSignals: false });
    try {
      const m = server.broker.metadata;
      m.createTopics([{ name: 'retained', numPartitions: 1, replicationFactor: 1 }]);
      expect(server.broker.logs.partition('retained', 0)!.config().retentionMs).toBe(604800000);
      const r = m.incrementalAlterConfigs([{ resourceType: 4, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '1234' }] }]);
      expect(r[0]!.errorCode).toBe(0);
      expect(server.broker.logs.partition('retained', 0)!.config().retentionMs).toBe(1234);
    } finally {
      await server.close();
    }
  });
});

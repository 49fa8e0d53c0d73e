// kafkajs 2.2.4's admin client against a real `gregor serve`: what it gets back must be what Apache Kafka answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';

let gregor: GregorProcess;
let admin: Admin;

beforeAll(async () => {
  gregor = await startGregor(['--config', 'num.partitions=2']);
  const kafka = new Kafka({ clientId: 'admin-test', brokers: [gregor.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  await gregor?.stop();
});

const name = (p: string) => uniqueName(p).slice(0, 60);

describe('kafkajs admin', () => {
  it('describeCluster: this broker, its cluster id, itself as controller', async () => {
    const c = await admin.describeCluster();
    expect(c.brokers).toEqual([{ nodeId: 1, host: 'localhost', port: gregor.port }]);
    expect(c.controller).toBe(1);
    expect(c.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(gregor.banner).toContain(c.clusterId);
  });

  it('createTopics (with configs), fetchTopicMetadata, createPartitions, deleteTopics', async () => {
    const topic = name('kjs');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })).toBe(true);
    // Kafka answers TOPIC_ALREADY_EXISTS, which kafkajs turns into false.
    expect(await admin.createTopics({ topics: [{ topic }] })).toBe(false);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics).toEqual([
      {
        name: topic,
        partitions: [0, 1, 2].map((partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: 1,
          replicas: [1],
          isr: [1],
          offlineReplicas: [],
        })),
      },
    ]);
    expect(await admin.listTopics()).toContain(topic);

    await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(5);
    await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });

    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
    await expect(admin.deleteTopics({ topics: [topic] })).rejects.toThrow();
  });

  it('createTopics uses num.partitions by default, validates only when asked, and reports Kafka errors', async () => {
    const topic = name('kjsdef');
    await admin.createTopics({ topics: [{ topic }] });
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(2);

    const only = name('kjsval');
    expect(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: only, numPartitions: 1 }] })).toBe(true);
    expect(await admin.listTopics()).not.toContain(only);

    await expect(admin.createTopics({ topics: [{ topic: name('rf'), replicationFactor: 3 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    });
    await expect(admin.createTopics({ topics: [{ topic: name('cfg'), configEntries: [{ name: 'retention.ms', value: 'never' }] }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })],
    });
  });

  it('describeConfigs and alterConfigs on a topic and on the broker', async () => {
    const topic = name('kjscfg');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
    const described = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
    });
    const res = described.resources[0]!;
    expect(res).toMatchObject({ errorCode: 0, resourceType: ConfigResourceTypes.TOPIC, resourceName: topic });
    const byName = Object.fromEntries(res.configEntries.map((e) => [e.configName, e]));
    expect(byName['retention.ms']).toEqual({
      configName: 'retention.ms',
      configValue: '86400000',
      readOnly: false,
      isDefault: false,
      configSource: 1,
      isSensitive: false,
      // As Kafka: log.retention.ms has no default and log.retention.hours=168 is not listed under retention.ms.
      configSynonyms: [{ configName: 'retention.ms', configValue: '86400000', configSource: 1 }],
    });
    expect(byName['cleanup.policy']).toMatchObject({
      configValue: 'delete',
      isDefault: true,
      configSource: 5,
      configSynonyms: [{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }],
    });

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const after = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }] });
    const afterByName = Object.fromEntries(after.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    // AlterConfigs replaces every override: retention.ms is back to its default.
    expect(afterByName).toEqual({ 'retention.ms': '604800000', 'cleanup.policy': 'compact' });

    // validateOnly changes nothing.
    await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '5' }] }] });
    const unchanged = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] });
    expect(unchanged.resources[0]!.configEntries[0]).toMatchObject({ configName: 'cleanup.policy', configValue: 'compact', configSource: 1 });

    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'no.such.config', value: '1' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });

    const brokerCfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['num.partitions', 'message.max.bytes'] }] });
    const b = Object.fromEntries(brokerCfg.resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(b['num.partitions']).toMatchObject({ configValue: '2', readOnly: true, configSource: 4 });
    expect(b['message.max.bytes']).toMatchObject({ configValue: '1048588', readOnly: false, configSource: 5 });
  });
});

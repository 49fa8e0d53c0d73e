/** Shared by the data-path tests: an in-process broker, topics made through the controller, raw produce. */
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { buildRecordBatch, type RecordInput } from '../../src/protocol/records/index.js';
import { uniqueName } from '../helpers/gregor-server.js';
import { RawClient } from './raw-client.js';

export { uniqueName };

export async function startBroker(configs: Record<string, string> = {}): Promise<RunningServer> {
  return serve(
    { host: '127.0.0.1', port: 0, ephemeral: true, logLevel: 'warn', configs },
    { handleSignals: false, logWrite: () => {} },
  );
}

/** Creates a topic through the controller (until CreateTopics is served); returns its name and id. */
export function createTopic(
  server: RunningServer,
  prefix: string,
  { partitions = 1, configs = {} }: { partitions?: number; configs?: Record<string, string> } = {},
): { name: string; topicId: string } {
  const name = uniqueName(prefix);
  const [result] = server.broker.metadata.createTopics([
    { name, numPartitions: partitions, replicationFactor: 1, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) },
  ]);
  if (result!.errorCode !== 0) throw new Error(`createTopics ${name}: ${result!.errorCode} ${result!.errorMessage}`);
  return { name, topicId: result!.topicId };
}

export function batch(records: RecordInput[] | number, options: Parameters<typeof buildRecordBatch>[1] = {}): Buffer {
  const list = typeof records === 'number' ? Array.from({ length: records }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) : records;
  return buildRecordBatch(list, options);
}

export async function produce(
  c: RawClient,
  topic: string,
  partition: number,
  records: Buffer,
  { version = 9, acks = -1 }: { version?: number; acks?: number } = {},
): Promise<any> {
  const r = await c.request(0, version, {
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return r.responses[0].partitionResponses[0];
}

export async function fetchOnce(
  c: RawClient,
  version: number,
  topic: string | { topicId: string },
  partitions: { partition: number; fetchOffset: number; partitionMaxBytes?: number; currentLeaderEpoch?: number }[],
  extra: Record<string, unknown> = {},
): Promise<any> {
  const t = typeof topic === 'string' ? { topic } : { topicId: topic.topicId };
  return c.request(1, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 50 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        ...t,
        partitions: partitions.map((p) => ({
          partition: p.partition,
          fetchOffset: BigInt(p.fetchOffset),
          partitionMaxBytes: p.partitionMaxBytes ?? 1 << 20,
          currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
          logStartOffset: -1n,
          lastFetchedEpoch: -1,
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
    ...extra,
  });
}

export { RawClient };

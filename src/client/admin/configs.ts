/**
 * Configs of topics (and brokers) as Kafka's Admin client reads and changes them: DescribeConfigs, and
 * IncrementalAlterConfigs with SET / DELETE per key (what kafka-configs.sh and rpk send; the old AlterConfigs
 * replaces every dynamic config of a resource at once).
 *
 * A topic resource can go to any broker (it forwards to the controller); a broker resource must go to that broker.
 */
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { KafkaError } from '../errors.js';

/** ConfigResource.Type ids on the wire. */
export const ConfigResourceType = {
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  GROUP: 32,
} as const;
export type ConfigResourceTypeId = (typeof ConfigResourceType)[keyof typeof ConfigResourceType];

/** ConfigEntry.ConfigSource by wire id (DescribeConfigs v1+). */
const SOURCE_NAMES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
] as const;
export type ConfigSourceName = (typeof SOURCE_NAMES)[number];

export function configSourceName(id: number): ConfigSourceName {
  return SOURCE_NAMES[id] ?? 'UNKNOWN';
}

export interface ConfigEntry {
  name: string;
  /** null for sensitive configs (the broker never sends their value) and unset nullable ones. */
  value: string | null;
  source: ConfigSourceName;
  readOnly: boolean;
  sensitive: boolean;
  /** Kafka's ConfigEntry.isDefault(): the value comes from no setting at all. */
  isDefault: boolean;
}

export interface ConfigResource {
  type: ConfigResourceTypeId;
  name: string;
}

/** One resource's answer: its configs, or the error the broker gave for it. */
export type DescribeConfigsResult = { resource: ConfigResource; configs: ConfigEntry[] } | { resource: ConfigResource; error: KafkaError };

/** What a failure means for a resource, in Kafka's words (`topic "x" does not exist`). */
export type ResourceErrorFactory = (resource: ConfigResource, code: number, message: string | null) => KafkaError;

const defaultError: ResourceErrorFactory = (r, code, message) => new KafkaError(code, resourceLabel(r), message);

export function resourceLabel(r: ConfigResource): string {
  if (r.type === ConfigResourceType.TOPIC) return `topic "${r.name}"`;
  if (r.type === ConfigResourceType.BROKER) return r.name === '' ? 'cluster-wide broker defaults' : `broker ${r.name}`;
  if (r.type === ConfigResourceType.GROUP) return `group "${r.name}"`;
  return `resource ${r.type}/${r.name}`;
}

/** The node a resource's request must go to: a broker's own configs live on that broker. */
function targetOf(r: ConfigResource): number | undefined {
  if ((r.type === ConfigResourceType.BROKER || r.type === ConfigResourceType.BROKER_LOGGER) && /^\d+$/.test(r.name)) return Number(r.name);
  return undefined;
}

function byTarget<T extends { resource: ConfigResource }>(items: T[]): Map<number | undefined, T[]> {
  const out = new Map<number | undefined, T[]>();
  for (const item of items) {
    const key = targetOf(item.resource);
    out.set(key, [...(out.get(key) ?? []), item]);
  }
  return out;
}

/**
 * Every config of each resource (or only `keys`), in request order. A resource the broker refuses (a topic that
 * does not exist) comes back with its error; the call itself only throws when no broker answers.
 */
export async function describeConfigs(
  cluster: Cluster,
  resources: (ConfigResource & { keys?: string[] })[],
  options: { errorOf?: ResourceErrorFactory } = {},
): Promise<DescribeConfigsResult[]> {
  const errorOf = options.errorOf ?? defaultError;
  // No retrying when no broker answers at all: the user hears so at once.
  await cluster.anyConnection();
  const answers = new Map<string, DescribeConfigsResult>();
  const key = (type: number, name: string) => `${type}\u0000${name}`;
  await Promise.all(
    [...byTarget(resources.map((resource) => ({ resource })))].map(async ([node, items]) => {
      const body = {
        resources: items.map(({ resource: r }) => ({
          resourceType: r.type,
          resourceName: r.name,
          configurationKeys: (r as { keys?: string[] }).keys ?? null,
        })),
        includeSynonyms: false,
      };
      const response = await cluster.retry('describing configs', () =>
        node === undefined ? cluster.requestAny(ApiKey.DescribeConfigs, body) : cluster.requestNode(node, ApiKey.DescribeConfigs, body),
      );
      for (const result of response.results) {
        const resource = { type: result.resourceType as ConfigResourceTypeId, name: result.resourceName };
        if (result.errorCode !== ErrorCode.NONE) {
          answers.set(key(result.resourceType, result.resourceName), { resource, error: errorOf(resource, result.errorCode, result.errorMessage) });
          continue;
        }
        const configs = result.configs.map((c): ConfigEntry => {
          // v0 has no source, only is_default.
          const source = c.configSource > 0 ? configSourceName(c.configSource) : c.isDefault ? 'DEFAULT_CONFIG' : 'UNKNOWN';
          return { name: c.name, value: c.value, source, readOnly: c.readOnly, sensitive: c.isSensitive, isDefault: source === 'DEFAULT_CONFIG' };
        });
        configs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        answers.set(key(result.resourceType, result.resourceName), { resource, configs });
      }
    }),
  );
  return resources.map((r) => {
    const answer = answers.get(key(r.type, r.name));
    if (answer !== undefined) return answer;
    const resource = { type: r.type, name: r.name };
    return { resource, error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, resourceLabel(resource), 'the broker did not answer for this resource') };
  });
}

/** IncrementalAlterConfigs operations. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigChange {
  resource: ConfigResource;
  /** Keys to set, in order. */
  set?: [string, string][];
  /** Keys to return to their default. */
  delete?: string[];
}

export interface AlterConfigsResult {
  resource: ConfigResource;
  error?: KafkaError;
}

/** Applies each resource's changes; a resource the broker refuses comes back with its error, the others are applied. */
export async function alterConfigs(
  cluster: Cluster,
  changes: ConfigChange[],
  options: { validateOnly?: boolean; errorOf?: ResourceErrorFactory } = {},
): Promise<AlterConfigsResult[]> {
  const errorOf = options.errorOf ?? defaultError;
  await cluster.anyConnection();
  const answers = new Map<string, AlterConfigsResult>();
  const key = (type: number, name: string) => `${type}\u0000${name}`;
  await Promise.all(
    [...byTarget(changes)].map(async ([node, items]) => {
      const body = {
        resources: items.map((c) => ({
          resourceType: c.resource.type,
          resourceName: c.resource.name,
          configs: [
            ...(c.set ?? []).map(([name, value]) => ({ name, configOperation: AlterConfigOp.SET, value })),
            ...(c.delete ?? []).map((name) => ({ name, configOperation: AlterConfigOp.DELETE, value: null })),
          ],
        })),
        validateOnly: options.validateOnly ?? false,
      };
      const response = await cluster.retry('altering configs', () =>
        node === undefined ? cluster.requestAny(ApiKey.IncrementalAlterConfigs, body) : cluster.requestNode(node, ApiKey.IncrementalAlterConfigs, body),
      );
      for (const r of response.responses) {
        const resource = { type: r.resourceType as ConfigResourceTypeId, name: r.resourceName };
        answers.set(
          key(r.resourceType, r.resourceName),
          r.errorCode === ErrorCode.NONE ? { resource } : { resource, error: errorOf(resource, r.errorCode, r.errorMessage) },
        );
      }
    }),
  );
  return changes.map(
    (c) =>
      answers.get(key(c.resource.type, c.resource.name)) ?? {
        resource: c.resource,
        error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, resourceLabel(c.resource), 'the broker did not answer for this resource'),
      },
  );
}

/**
 * What a Kafka broker checks of AlterConfigs and IncrementalAlterConfigs before it forwards them to the controller
 * (ConfigAdminManager.preprocess, ControllerApis): resources named twice, config keys named twice, null values,
 * broker resources naming another node or a config that cannot change at runtime, broker loggers (handled on the
 * broker), unknown resource types. Resources that pass go to the MetadataController.
 */
import { ConfigResourceType } from '../metadata/index.js';
import { ErrorCode } from '../protocol/index.js';
import { BROKER_CONFIG_BY_NAME } from './config-docs.js';

export interface PreprocessError {
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterResourceInput {
  resourceType: number;
  resourceName: string;
  configs: readonly { name: string; value: string | null; configOperation?: number }[];
}

const KNOWN_TYPES: ReadonlySet<number> = new Set([
  ConfigResourceType.TOPIC,
  ConfigResourceType.BROKER,
  ConfigResourceType.BROKER_LOGGER,
  ConfigResourceType.CLIENT_METRICS,
  ConfigResourceType.GROUP,
]);

const LOG_LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'OFF']);
const OPS = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

const invalid = (message: string): PreprocessError => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message });

function checkNodeId(name: string, nodeId: number): PreprocessError | null {
  if (!/^[+-]?\d+$/.test(name.trim())) return invalid(`Node id must be an integer, but it is: ${name}`);
  if (Number(name) !== nodeId) return invalid(`Unexpected broker id, expected ${nodeId}, but received ${name}`);
  return null;
}

/**
 * Errors found before the controller, by index of the resource in the request; `null` entries go to the
 * controller. `incremental` says which API (incremental configs carry an operation; DELETE may have no value).
 * Broker loggers that pass come back as NONE (gregor has one log level for the whole process).
 */
export function preprocessAlterConfigs(resources: readonly AlterResourceInput[], nodeId: number, incremental: boolean): (PreprocessError | null)[] {
  const seen = new Map<string, number>();
  const results: (PreprocessError | null)[] = resources.map(() => null);
  resources.forEach((r, i) => {
    const key = `${r.resourceType}\0${r.resourceName}`;
    const first = seen.get(key);
    if (first !== undefined) {
      results[first] = invalid('Each resource must appear at most once.');
      results[i] = invalid('Each resource must appear at most once.');
    } else seen.set(key, i);
  });
  resources.forEach((r, i) => {
    if (results[i] !== null) return;
    if (!KNOWN_TYPES.has(r.resourceType)) {
      results[i] = { errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: `Unknown resource type ${r.resourceType}.` };
      return;
    }
    const names = r.configs.map((c) => c.name);
    if (new Set(names).size !== names.length) {
      results[i] = invalid('Error due to duplicate config keys');
      return;
    }
    const nulls = r.configs.filter((c) => c.value === null && (!incremental || c.configOperation !== 1)).map((c) => c.name);
    if (nulls.length > 0) {
      results[i] = invalid(`Null value not supported for : ${nulls.join(', ')}`);
      return;
    }
    if (r.resourceType === ConfigResourceType.BROKER_LOGGER) {
      if (!incremental) {
        results[i] = invalid('AlterConfigs is deprecated and does not support the resource type BROKER_LOGGER');
        return;
      }
      results[i] = checkNodeId(r.resourceName, nodeId) ?? checkLoggers(r);
      return;
    }
    if (r.resourceType === ConfigResourceType.BROKER) {
      if (r.resourceName !== '') {
        const bad = checkNodeId(r.resourceName, nodeId);
        if (bad !== null) {
          results[i] = bad;
          return;
        }
      }
      for (const c of r.configs) {
        if (incremental && c.configOperation !== undefined && OPS[c.configOperation] === undefined) {
          results[i] = invalid(`Unknown operations type ${c.configOperation}`);
          return;
        }
      }
      const fixed = r.configs
        .filter((c) => !incremental || c.configOperation !== 1)
        .map((c) => c.name)
        .filter((name) => BROKER_CONFIG_BY_NAME.get(name)?.dynamic === false)
        .sort();
      if (fixed.length > 0) {
        results[i] = invalid(
          `Invalid config value for resource ConfigResource(type=BROKER, name='${r.resourceName}'): Cannot update these configs dynamically: Set(${fixed.join(', ')})`,
        );
      }
    }
  });
  return results;
}

/** ConfigAdminManager.validateLogLevelConfigs. */
function checkLoggers(r: AlterResourceInput): PreprocessError {
  for (const c of r.configs) {
    const op = c.configOperation ?? 0;
    if (op === 0) {
      if (!LOG_LEVELS.has(c.value ?? '')) {
        return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Cannot set the log level of ${c.name} to ${c.value} as it is not a supported log level. Valid log levels are ${[...LOG_LEVELS].join(', ')}` };
      }
    } else if (op === 1) {
      if (c.name === 'root') return invalid('Removing the log level of the root logger is not allowed');
    } else {
      return invalid(`${OPS[op] ?? op} operation is not allowed for the BROKER_LOGGER resource`);
    }
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null };
}

/**
 * The shape both AlterConfigs and IncrementalAlterConfigs answer with: resources the broker refuses itself get
 * their error, the rest go to the controller in one call, and the results come back in request order.
 */
export function alterConfigsResponse<R extends AlterResourceInput>(
  resources: readonly R[],
  nodeId: number,
  incremental: boolean,
  forward: (accepted: R[]) => PreprocessError[],
) {
  const early = preprocessAlterConfigs(resources, nodeId, incremental);
  const results = forward(resources.filter((_, i) => early[i] === null));
  let next = 0;
  return {
    throttleTimeMs: 0,
    responses: resources.map((r, i) => {
      const e = early[i] ?? results[next++]!;
      return { errorCode: e.errorCode, errorMessage: e.errorMessage, resourceType: r.resourceType, resourceName: r.resourceName };
    }),
  };
}

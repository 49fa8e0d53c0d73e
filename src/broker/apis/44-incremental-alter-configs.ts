import { defineHandler } from '../api.js';
import { preprocessAlterConfigs } from '../alter-configs-common.js';

// IncrementalAlterConfigs (44), v0-1 (KIP-339): per-key SET, DELETE, APPEND and SUBTRACT (the last two on LIST
// configs, starting from the default when the key is not set). v1: flexible.
//
// ConfigAdminManager.preprocess runs on the broker (resources or keys given twice, null values for anything but
// DELETE, broker resources naming another node or a config that can't change at runtime: INVALID_REQUEST; broker
// loggers are checked and answered here), the rest goes to the controller: TOPIC (UNKNOWN_TOPIC_OR_PARTITION,
// INVALID_TOPIC_EXCEPTION; an unknown config name or a bad value is INVALID_CONFIG; APPEND/SUBTRACT on a non-list
// config too), BROKER (this node's id, or "" for the cluster-wide defaults) and GROUP. validate_only checks
// without changing anything. An unknown resource type is UNSUPPORTED_VERSION.
export default defineHandler({
  apiKey: 44,
  minVersion: 0,
  maxVersion: 1,
  handle(request, { broker, connection }) {
    const early = preprocessAlterConfigs(request.resources, connection.nodeId, true);
    const forwarded = request.resources.filter((_, i) => early[i] === null);
    const results = broker.metadata.incrementalAlterConfigs(
      forwarded.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs })),
      { validateOnly: request.validateOnly },
    );
    let next = 0;
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r, i) => {
        const e = early[i] ?? results[next++]!;
        return { errorCode: e.errorCode, errorMessage: e.errorMessage, resourceType: r.resourceType, resourceName: r.resourceName };
      }),
    };
  },
});

import { defineHandler } from '../api.js';
import { alterConfigsResponse } from '../alter-configs-common.js';

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
    return alterConfigsResponse(request.resources, connection.nodeId, true, (accepted) =>
      broker.metadata.incrementalAlterConfigs(
        accepted.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs })),
        { validateOnly: request.validateOnly },
      ),
    );
  },
});

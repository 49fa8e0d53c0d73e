import { defineHandler } from '../api.js';
import { alterConfigsResponse } from '../alter-configs-common.js';

// AlterConfigs (33), v0-2: the legacy, replace-everything config update (ConfigAdminManager.preprocess on the broker,
// then ControllerApis.handleLegacyAlterConfigs). v1: same as v0. v2: flexible.
//
// A resource's dynamic configs become exactly the ones sent: keys left out return to their defaults. TOPIC, BROKER
// (this node's id, or "" for the cluster-wide defaults) and GROUP resources. Errors per resource: INVALID_CONFIG
// (unknown topic config, bad value), UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, INVALID_REQUEST (a
// resource or key given twice, a null value, another broker's id, a broker config that can't change at runtime,
// BROKER_LOGGER), UNSUPPORTED_VERSION (unknown resource type). validate_only checks without changing anything.
export default defineHandler({
  apiKey: 33,
  minVersion: 0,
  maxVersion: 2,
  handle(request, { broker, connection }) {
    return alterConfigsResponse(request.resources, connection.nodeId, false, (accepted) =>
      broker.metadata.alterConfigs(
        accepted.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs })),
        { validateOnly: request.validateOnly },
      ),
    );
  },
});

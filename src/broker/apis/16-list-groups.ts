import { defineHandler } from '../api.js';
import { listGroups } from '../groups/admin.js';

// ListGroups (16), v0-5. v1 adds the throttle time; v2 is v1 (throttling behaviour); v3 is flexible; v4 adds the
// states filter and each group's state (KIP-518); v5 adds the types filter and each group's type (KIP-848). Every
// group of the __consumer_offsets partitions this node leads is listed, simple groups (offsets only) included.

export default defineHandler({
  apiKey: 16,
  minVersion: 0,
  maxVersion: 5,
  handle(request, { broker, version }) {
    const groups = listGroups(broker.groups, version >= 4 ? request.statesFilter : [], version >= 5 ? request.typesFilter : []);
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
});

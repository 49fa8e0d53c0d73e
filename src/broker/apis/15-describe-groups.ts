import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_AUTHORIZED_OPERATIONS } from '../admin-common.js';
import { defineHandler } from '../api.js';
import { describeGroups } from '../groups/admin.js';

// DescribeGroups (15), v0-6. v1 adds the throttle time; v2 is v1 (throttling behaviour); v3 adds
// includeAuthorizedOperations and the groups' authorized operations (every group operation: no authorizer);
// v4 adds the members' group instance id (KIP-345); v5 is flexible; v6 answers GROUP_ID_NOT_FOUND with a message
// for an unknown group, where earlier versions describe it as "Dead" (KIP-1043). The work is groups/admin.ts.

export default defineHandler({
  apiKey: 15,
  minVersion: 0,
  maxVersion: 6,
  handle(request, { broker, version }) {
    const withOperations = version >= 3 && request.includeAuthorizedOperations;
    const groups = describeGroups(broker.groups, request.groups, version).map((g) => ({
      ...g,
      authorizedOperations: withOperations && g.errorCode === 0 ? GROUP_AUTHORIZED_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    }));
    return { throttleTimeMs: 0, groups };
  },
});

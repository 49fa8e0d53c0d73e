import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_AUTHORIZED_OPERATIONS } from '../admin-common.js';
import { defineHandler } from '../api.js';

// ConsumerGroupDescribe (69), v0-1: KIP-848 groups as their coordinator sees them: state (Empty, Assigning,
// Reconciling, Stable), group and assignment epochs, the assignor, and each member's subscription, current and
// target assignment. v1 adds each member's MemberType (1: consumer protocol). The work is ConsumerGroups.describe.

export default defineHandler({
  apiKey: 69,
  minVersion: 0,
  maxVersion: 1,
  handle(request, { broker }) {
    return {
      throttleTimeMs: 0,
      groups: request.groupIds.map((groupId) => {
        const described = broker.groups.consumer.describe(groupId);
        const ops = request.includeAuthorizedOperations && described.errorCode === 0 ? GROUP_AUTHORIZED_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
        return { ...described, authorizedOperations: ops };
      }),
    };
  },
});

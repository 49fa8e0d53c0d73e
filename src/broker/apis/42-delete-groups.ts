import { defineHandler } from '../api.js';
import { deleteGroups } from '../groups/admin.js';

// DeleteGroups (42), v0-3. v1 is v0 (throttling behaviour); v2 is flexible; v3 adds a per-group error message.
// A group is deleted with its offsets when it has no members (NON_EMPTY_GROUP otherwise); an unknown group is
// GROUP_ID_NOT_FOUND. The work is groups/admin.ts.

export default defineHandler({
  apiKey: 42,
  minVersion: 0,
  maxVersion: 3,
  handle(request, { broker }) {
    return { throttleTimeMs: 0, results: deleteGroups(broker.groups, request.groupsNames) };
  },
});

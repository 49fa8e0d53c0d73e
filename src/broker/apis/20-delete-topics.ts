import { ErrorCode, ZERO_UUID, type Input } from '../../protocol/index.js';
import type { DeletableTopicResult } from '../../protocol/messages/delete-topics-response.js';
import { timedOut } from '../admin-common.js';
import { defineHandler } from '../api.js';

// DeleteTopics (20), v0-6, as ControllerApis.deleteTopics answers it.
// v1: throttle time. v2, v3: same as v1 (v3 answers TOPIC_DELETION_DISABLED rather than INVALID_REQUEST). v4:
// flexible. v5: error messages; quota violations throttle (KIP-599). v6: topics by name or by id (KIP-516).
//
// Errors: UNKNOWN_TOPIC_OR_PARTITION (name), UNKNOWN_TOPIC_ID (id), INVALID_REQUEST (a name or id given twice, a
// name and an id in one entry, neither). A timeout of zero or less expires before the controller runs the
// operation: REQUEST_TIMED_OUT for every topic, nothing deleted.
export default defineHandler({
  apiKey: 20,
  minVersion: 0,
  maxVersion: 6,
  handle(request, { broker, version }) {
    const asked = version >= 6 ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    if (timedOut(request.timeoutMs)) {
      return {
        throttleTimeMs: 0,
        responses: asked.map((t) => ({ name: t.name, topicId: t.topicId, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: null })),
      };
    }
    const key = (t: { name: string | null; topicId: string }) =>
      t.name !== null && t.topicId === ZERO_UUID ? `n:${t.name}` : t.name === null && t.topicId !== ZERO_UUID ? `i:${t.topicId}` : null;
    const count = new Map<string, number>();
    for (const t of asked) {
      const k = key(t);
      if (k !== null) count.set(k, (count.get(k) ?? 0) + 1);
    }
    const responses: Input<DeletableTopicResult>[] = [];
    const unique = asked.filter((t) => {
      const k = key(t);
      return k === null || count.get(k) === 1;
    });
    for (const r of broker.metadata.deleteTopics(unique)) {
      responses.push({ name: r.name, topicId: version >= 6 ? r.topicId : ZERO_UUID, errorCode: r.errorCode, errorMessage: r.errorMessage });
    }
    for (const [k, n] of count) {
      if (n < 2) continue;
      if (k.startsWith('n:')) responses.push({ name: k.slice(2), topicId: ZERO_UUID, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
      else responses.push({ name: null, topicId: k.slice(2), errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic id.' });
    }
    return { throttleTimeMs: 0, responses };
  },
});

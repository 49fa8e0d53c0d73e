// The server-side assignors as pure functions: Kafka's range (sticky ranges) and uniform rules.
import { describe, expect, it } from 'vitest';
import { rangeAssignor } from '../../src/broker/groups/assignors/range.js';
import { uniformAssignor } from '../../src/broker/groups/assignors/uniform.js';
import type { AssignmentMember, AssignmentTopic } from '../../src/broker/groups/assignors/index.js';
import type { Assignment } from '../../src/broker/groups/assignment.js';

const topics = new Map<string, AssignmentTopic>([
  ['T1', { topicId: 'T1', name: 'a', numPartitions: 6 }],
  ['T2', { topicId: 'T2', name: 'b', numPartitions: 6 }],
  ['T3', { topicId: 'T3', name: 'c', numPartitions: 7 }],
]);

function member(memberId: string, subscribed: string[], owned: Record<string, number[]> = {}): AssignmentMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    subscribedTopicIds: new Set(subscribed),
    assignment: new Map(Object.entries(owned).map(([t, ps]) => [t, new Set(ps)])),
  };
}

const view = (a: Map<string, Assignment>) =>
  Object.fromEntries([...a].map(([m, as]) => [m, Object.fromEntries([...as].filter(([, ps]) => ps.size > 0).map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)]))]));

describe('range', () => {
  it('hands out contiguous ranges, the extra partitions to the first members', () => {
    expect(view(rangeAssignor.assign([member('m1', ['T3']), member('m2', ['T3']), member('m3', ['T3'])], topics))).toEqual({
      m1: { T3: [0, 1, 2] },
      m2: { T3: [3, 4] },
      m3: { T3: [5, 6] },
    });
  });

  it('gives co-partitioned topics the same partition numbers per member', () => {
    const r = view(rangeAssignor.assign([member('m1', ['T1', 'T2']), member('m2', ['T1', 'T2'])], topics));
    expect(r).toEqual({ m1: { T1: [0, 1, 2], T2: [0, 1, 2] }, m2: { T1: [3, 4, 5], T2: [3, 4, 5] } });
  });

  it('is sticky: a new member takes what the others give up, they keep their lowest partitions', () => {
    const r = view(
      rangeAssignor.assign([member('m1', ['T1'], { T1: [0, 1, 2] }), member('m2', ['T1'], { T1: [3, 4, 5] }), member('m0', ['T1'])], topics),
    );
    expect(r).toEqual({ m1: { T1: [0, 1] }, m2: { T1: [3, 4] }, m0: { T1: [2, 5] } });
  });

  it('only subscribers of a topic share it', () => {
    const r = view(rangeAssignor.assign([member('m1', ['T1', 'T3']), member('m2', ['T1'])], topics));
    expect(r).toEqual({ m1: { T1: [0, 1, 2], T3: [0, 1, 2, 3, 4, 5, 6] }, m2: { T1: [3, 4, 5] } });
  });
});

describe('uniform', () => {
  const count = (a: Assignment | undefined) => [...(a ?? new Map()).values()].reduce((n, s) => n + s.size, 0);

  it('balances the total over topics to within one partition, every partition once', () => {
    const r = uniformAssignor.assign([member('m1', ['T1', 'T3']), member('m2', ['T1', 'T3']), member('m3', ['T1', 'T3'])], topics);
    const sizes = [...r.values()].map(count).sort();
    expect(sizes).toEqual([4, 4, 5]);
    const all = [...r.values()].flatMap((a) => [...a].flatMap(([t, ps]) => [...ps].map((p) => `${t}:${p}`)));
    expect(new Set(all).size).toBe(13);
  });

  it('moves as little as possible when a member joins', () => {
    const before = { m1: { T1: [0, 1, 2] }, m2: { T1: [3, 4, 5] } };
    const r = uniformAssignor.assign([member('m1', ['T1'], before.m1), member('m2', ['T1'], before.m2), member('m3', ['T1'])], topics);
    const kept = (m: 'm1' | 'm2') => before[m].T1.filter((p) => r.get(m)!.get('T1')?.has(p)).length;
    expect(kept('m1') + kept('m2')).toBe(4);
    expect(count(r.get('m3'))).toBe(2);
  });
});

/**
 * Classic-protocol features that live mostly in the client, with confluent-kafka (librdkafka 2.0.2) against a real
 * `gregor serve`:
 * - incremental cooperative rebalancing (KIP-429, `partition.assignment.strategy=cooperative-sticky`): the client
 *   rebalances twice per change and must only ever give up the partitions that move;
 * - static membership (KIP-345, `group.instance.id`): a static member that closes sends no LeaveGroup, and coming
 *   back within the session timeout it gets its partitions again without a rebalance of the others.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, debianPythonEnv } from '../helpers/debian-clients.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { createTopics, need } from './suite.js';
import { HERE, run } from './support.js';

let gregor: GregorProcess;
beforeAll(async () => {
  gregor = await startGregor();
});
afterAll(async () => {
  await gregor?.stop();
});

describe('confluent-kafka', () => {
  it('[group-cooperative] cooperative-sticky: members join one by one and one leaves; only moved partitions are revoked, every record once', async (ctx) => {
    need('confluent-kafka', ctx);
    const topic = uniqueName('coop');
    await createTopics(gregor.bootstrap, [topic], 6);
    const res = await run(DEBIAN_PYTHON, [join(HERE, 'py', 'groups_cooperative.py')], {
      input: JSON.stringify({ bootstrap: gregor.bootstrap, topic, group: uniqueName('coop-group'), partitions: 6 }),
      timeoutMs: 90_000,
      env: debianPythonEnv(),
    });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect(out.settled, JSON.stringify(out)).toEqual([true, true, true, true]);
    // Three members: 2 partitions each, all six covered.
    expect(Object.values(out.joined as Record<string, number[]>).map((ps) => ps.length)).toEqual([2, 2, 2]);
    expect(new Set(Object.values(out.joined as Record<string, number[]>).flat()).size).toBe(6);
    // c0 left: the other two have 3 each.
    expect(out.left.c0).toEqual([]);
    expect([out.left.c1.length, out.left.c2.length]).toEqual([3, 3]);
    // Incremental: while members join and leave, no member has everything it owns revoked (the eager protocol
    // revokes all; cooperative revokes only what moves), and some partitions did move. A member's own close
    // revokes all of its partitions: those events are marked `closing`.
    const events = Object.entries(out.revocations as Record<string, { revoked: number[]; owned: number[]; closing: boolean }[]>).flatMap(([member, es]) =>
      es.filter((e) => !e.closing).map((e) => ({ member, ...e })),
    );
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.revoked.length, JSON.stringify(e)).toBeLessThan(e.owned.length);
    // Every record consumed exactly once across the group.
    const consumed = out.consumed as Record<string, string[]>;
    expect(Object.keys(consumed).length).toBe(180);
    expect(Object.entries(consumed).filter(([, who]) => who.length > 1)).toEqual([]);
  });

  it('[group-static] group.instance.id: a static member closes and returns within the session timeout; the others are not rebalanced', async (ctx) => {
    need('confluent-kafka', ctx);
    const topic = uniqueName('static');
    await createTopics(gregor.bootstrap, [topic], 4);
    const res = await run(DEBIAN_PYTHON, [join(HERE, 'py', 'groups_static.py')], {
      input: JSON.stringify({ bootstrap: gregor.bootstrap, topic, group: uniqueName('static-group') }),
      timeoutMs: 60_000,
      env: debianPythonEnv(),
    });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    const last = (events: [string, string, number[]][], who: string, kind: string) => events.filter(([m, k]) => m === who && k === kind).pop()?.[2];
    const aBefore = last(out.before, 'a', 'assign')!;
    const bBefore = last(out.before, 'b', 'assign')!;
    expect([...aBefore, ...bBefore].sort()).toEqual([0, 1, 2, 3]);
    expect(aBefore).toHaveLength(2);
    // a's close revokes its own partitions locally; b hears of no rebalance while a is away, nor when it returns.
    expect(out.closed.filter(([m]: [string]) => m === 'b')).toEqual([]);
    expect(out.after).toEqual([['a', 'assign', aBefore]]);
  });
});

/**
 * @platformatic/kafka's KIP-848 consumer (`groupProtocol: 'consumer'`) against a real `gregor serve`: three
 * members of one group split a six-partition topic two partitions each; a fourth joins mid-stream and leaves
 * again; every record is consumed exactly once across the rebalances.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ApiKey } from '../../src/protocol/index.js';
import { RawClient } from '../broker/raw-client.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { runWithNode22 } from '../helpers/node22.js';

const SCRIPT = fileURLToPath(new URL('./platformatic-consumer-group.mjs', import.meta.url));
let gregor: GregorProcess;

beforeAll(async () => {
  gregor = await startGregor(['--config', 'group.consumer.heartbeat.interval.ms=300']);
});
afterAll(async () => {
  await gregor.stop();
});

it('three consumers share six partitions, a fourth joins and leaves, every record is consumed once', async () => {
  const topic = uniqueName('kip848-pt');
  const groupId = uniqueName('kip848-group');
  const c = await RawClient.connect(gregor.port);
  const created = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 6, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(created.topics[0].errorCode).toBe(0);
  c.close();

  const batch = 120;
  const run = await runWithNode22(SCRIPT, [], { input: JSON.stringify({ bootstrap: gregor.bootstrap, topic, groupId, batch }), timeoutMs: 90_000 });
  expect(run.stderr).not.toMatch(/Error/);
  const report = JSON.parse(run.stdout);
  expect(report.error).toBeUndefined();
  expect(report.produced).toBe(4 * batch);

  // Three members: two partitions each, all six covered.
  const three = Object.values(report.steps.threeMembers) as number[][];
  expect(three.map((ps) => ps.length)).toEqual([2, 2, 2]);
  expect(new Set(three.flat()).size).toBe(6);
  const four = Object.values(report.steps.fourMembers) as number[][];
  expect(four).toHaveLength(4);
  expect(new Set(four.flat()).size).toBe(6);
  expect((Object.values(report.steps.afterLeave) as number[][]).map((ps) => ps.length)).toEqual([2, 2, 2]);

  // Every record once: no key missing, none delivered twice.
  const keys = (report.seen as [string, string, number, number][]).map((s) => s[1]);
  expect(new Set(keys).size).toBe(report.produced);
  const dupes = keys.length - new Set(keys).size;
  const byKey = new Map<string, unknown[]>();
  for (const s of report.seen as unknown[][]) byKey.set(s[1] as string, [...(byKey.get(s[1] as string) ?? []), s]);
  const twice = [...byKey.values()].filter((l) => l.length > 1).slice(0, 10);
  expect(dupes, JSON.stringify({ events: report.events, twice, steps: report.steps })).toBe(0);
  // The fourth member did consume while it was in the group.
  expect((report.seen as [string][]).some((s) => s[0] === 'c4')).toBe(true);
}, 120_000);

// What an uncompacted `__consumer_offsets` costs at start: the group coordinator replays every record of the
// partitions it leads. Commits N offset records (100 partitions per OffsetCommit, one group), then restarts gregor
// on the same data dir and times start → banner, beside a restart of the same broker with no group state (the
// same-run reference). Until compaction exists every commit ever made stays in the log.
// Run: npm run build && npx tsx bench/groups-replay.ts [--quick]
import { ApiKey } from '../src/protocol/index.js';
import { RawClient } from '../test/broker/raw-client.js';
import { startGregor, uniqueName } from '../test/helpers/gregor-server.js';
import { createTmpDir, type TmpDir } from '../test/helpers/tmp-dir.js';

const quick = process.argv.includes('--quick');
const PARTITIONS = 100;

async function timedStart(dataDir: string): Promise<{ ms: number; stop: () => Promise<unknown>; port: number }> {
  const t0 = performance.now();
  const g = await startGregor(['--data-dir', dataDir, '--log-level', 'warn']);
  return { ms: performance.now() - t0, stop: () => g.stop(), port: g.port };
}

async function fill(port: number, records: number): Promise<number> {
  const c = await RawClient.connect(port);
  const topic = uniqueName('replay');
  await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 1 }], timeoutMs: 10000 });
  const group = uniqueName('replay-group');
  // As a client does first: this creates __consumer_offsets.
  await c.request(ApiKey.FindCoordinator, 3, { key: group, keyType: 0 });
  const t0 = performance.now();
  for (let i = 0; i < records / PARTITIONS; i++) {
    const r = await c.request(ApiKey.OffsetCommit, 8, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: topic, partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(i), committedLeaderEpoch: -1, committedMetadata: '' })) }],
    });
    if (r.topics[0].partitions[0].errorCode !== 0) throw new Error(`commit: ${r.topics[0].partitions[0].errorCode}`);
  }
  c.close();
  return performance.now() - t0;
}

const dirs: TmpDir[] = [];
function tmpDir(prefix: string): string {
  const d = createTmpDir(prefix);
  dirs.push(d);
  return d.path;
}

async function main(): Promise<void> {
  const sizes = quick ? [10_000] : [100_000, 1_000_000];
  console.log('records in __consumer_offsets     restart → banner    empty-broker restart (reference)   fill time');
  for (const n of sizes) {
    const dir = tmpDir('gregor-replay-');
    const first = await timedStart(dir);
    const fillMs = await fill(first.port, n);
    await first.stop();
    const full = await timedStart(dir);
    await full.stop();
    const emptyDir = tmpDir('gregor-replay-empty-');
    await (await timedStart(emptyDir)).stop();
    const empty = await timedStart(emptyDir);
    await empty.stop();
    console.log(
      `${String(n).padStart(12)}                  ${full.ms.toFixed(0).padStart(6)} ms        ${empty.ms.toFixed(0).padStart(6)} ms (${(full.ms / empty.ms).toFixed(1)}x)              ${(fillMs / 1000).toFixed(1)} s`,
    );
  }
}

try {
  await main();
} finally {
  for (const d of dirs) d.remove();
}

/**
 * Metadata start-up time: opening a node whose __cluster_metadata log holds N metadata records, replaying
 * the whole log (no snapshots) versus loading the newest snapshot and replaying the tail after it.
 *
 *   live:  every record is still part of the image (N/4 topics of 3 partitions: TopicRecord + 3 PartitionRecords)
 *   churn: topics created and deleted again, so the image stays small while the log grows
 *
 * With snapshots the time follows the size of the image, not the length of the log. Prints figures;
 * asserts nothing.
 *
 *   npx tsx bench/metadata-startup.ts [--records 10000] [--runs 5]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LONG_MAX, LogManager } from '../src/storage/index.js';
import { METADATA_LOG_CONFIG, MetadataController, openDataDir } from '../src/metadata/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg('records', 10_000);
const RUNS = arg('runs', 5);
// Generating the log fsyncs nothing: the figures measured are the opens.
const metadataLogConfig = { ...METADATA_LOG_CONFIG, flushMessages: LONG_MAX };

type Shape = 'live' | 'churn';

function open(dir: string, snapshots: boolean) {
  const info = openDataDir(dir, { nodeId: 1 });
  const logManager = LogManager.open({ dataDir: dir });
  const controller = MetadataController.open({
    logManager,
    dataDir: info,
    metadataLogConfig,
    snapshotEveryRecords: snapshots ? 1000 : Number.MAX_SAFE_INTEGER,
    snapshotEveryBytes: snapshots ? 20 * 1024 * 1024 : Number.MAX_SAFE_INTEGER,
  });
  return { logManager, controller };
}

/** Writes about `records` metadata records; returns the number written. */
export function generate(dir: string, records: number, shape: Shape, snapshots: boolean): number {
  const { logManager, controller } = open(dir, snapshots);
  controller.registerBroker({ brokerId: 1, endpoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }] });
  let written = 1;
  let i = 0;
  while (written < records) {
    const name = `topic-${i++}`;
    controller.createTopics([{ name, numPartitions: 3 }]);
    written += 4;
    if (shape === 'churn' && written < records) {
      controller.deleteTopics([{ name }]);
      written += 1;
    }
  }
  controller.close();
  logManager.close();
  return written;
}

export function measureOpen(dir: string, snapshots: boolean): { ms: number; replayed: number; snapshot: boolean; topics: number } {
  const t0 = process.hrtime.bigint();
  const { logManager, controller } = open(dir, snapshots);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const result = { ms, replayed: controller.startup.recordsReplayed, snapshot: controller.startup.snapshot !== null, topics: controller.image.topicsByName.size };
  controller.close();
  logManager.close();
  return result;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-bench-metadata-'));
  console.log(`metadata start-up, ${RECORDS} records, median of ${RUNS} opens (each open also appends its LeaderChange batch)\n`);
  for (const shape of ['live', 'churn'] as const) {
    for (const snapshots of [false, true]) {
      const dir = path.join(root, `${shape}-${snapshots ? 'snap' : 'nosnap'}`);
      const written = generate(dir, RECORDS, shape, snapshots);
      const runs = Array.from({ length: RUNS }, () => measureOpen(dir, snapshots));
      const last = runs[runs.length - 1]!;
      console.log(
        `${shape.padEnd(5)} ${snapshots ? 'snapshot   ' : 'no snapshot'}  ${String(written).padStart(6)} records  ` +
          `open ${median(runs.map((r) => r.ms)).toFixed(1).padStart(7)} ms  replayed ${String(last.replayed).padStart(6)} records` +
          `${last.snapshot ? ' after a snapshot' : ''}  (${last.topics} topics)`,
      );
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
}

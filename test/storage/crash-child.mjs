// Child process for the crash tests: appends batches to several partitions through the compiled
// storage layer (dist/), and prints one line per acknowledged batch:
//   A <topic> <partition> <baseOffset> <lastOffset> <trial> <counter>
// until it is killed. The batch for (trial, counter) is a pure function of those numbers, so the
// parent can rebuild the exact bytes it expects to find in the log.
//
//   node test/storage/crash-child.mjs <dataDir> <trial> [seed]
import { pathToFileURL } from 'node:url';
import { buildRecordBatch, CompressionType } from '../../dist/src/protocol/records/index.js';
import { DEFAULT_LOG_CONFIG, LogManager } from '../../dist/src/storage/index.js';

export const TOPICS = [
  { topic: 'crash', partitions: 3, config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 48 * 1024, retentionMs: -1 } },
  // Also a topic with the fsync policy on, and one stamped with LogAppendTime. Record timestamps are
  // from 2023: retention.ms -1 keeps runRetention (called now and then) from deleting them.
  { topic: 'flushed', partitions: 1, config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 32 * 1024, flushMessages: 25, retentionMs: -1 } },
  { topic: 'lat', partitions: 1, config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 40 * 1024, timestampType: 'LogAppendTime', retentionMs: -1 } },
];

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The batch appended as (trial, counter): base sequence = counter, and a producer id of its own
 * (trial << 32 | counter), which the log's sequence checks accept at any sequence (a producer it does not know).
 */
export function makeBatch(trial, counter) {
  const rand = prng(trial * 1_000_003 + counter * 7919 + 1);
  const count = 1 + Math.floor(rand() * 8);
  const records = [];
  for (let i = 0; i < count; i++) {
    const size = Math.floor(rand() * 400);
    records.push({
      key: rand() < 0.2 ? null : `k-${trial}-${counter}-${i}`,
      value: Buffer.alloc(size, 97 + ((counter + i) % 26)),
      timestamp: 1_700_000_000_000 + trial * 1_000_000 + counter * 10 + i,
    });
  }
  return buildRecordBatch(records, {
    compression: rand() < 0.3 ? CompressionType.GZIP : CompressionType.NONE,
    producerId: (BigInt(trial) << 32n) | BigInt(counter),
    producerEpoch: 0,
    baseSequence: counter,
    now: 1_700_000_000_000,
  });
}

function main() {
  const [dataDir, trialArg, seedArg] = process.argv.slice(2);
  const trial = Number(trialArg);
  const rand = prng(Number(seedArg ?? trial) + 17);
  const manager = LogManager.open({ dataDir, log: (line) => process.stderr.write(line + '\n') });
  const logs = [];
  for (const t of TOPICS) {
    for (let p = 0; p < t.partitions; p++) {
      logs.push(manager.createPartition({ topic: t.topic, partition: p, topicId: `${t.topic}-id` }, t.config));
    }
  }
  process.stdout.write('READY\n');
  let counter = 0;
  for (;;) {
    // A produce request: 1..all partitions, sometimes two entries for the same one.
    const entries = [];
    for (const log of logs) if (rand() < 0.5) entries.push({ log, records: makeBatch(trial, counter++) });
    if (rand() < 0.2) entries.push({ log: logs[0], records: makeBatch(trial, counter++) });
    if (entries.length === 0) continue;
    const results = manager.appendMany(entries);
    let out = '';
    results.forEach((r, i) => {
      if (!r.ok) throw new Error(`append failed: ${r.message}`);
      const e = entries[i];
      const seq = e.records.readInt32BE(53);
      out += `A ${e.log.topic} ${e.log.partition} ${r.baseOffset} ${r.lastOffset} ${trial} ${seq}\n`;
    });
    // Pipes are synchronous on Linux: a printed line is an acknowledged batch.
    process.stdout.write(out);
    if (rand() < 0.01) manager.runRetention();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

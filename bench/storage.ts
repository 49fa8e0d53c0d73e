/**
 * Storage benchmark: append and read throughput of gregor's partition logs next to plain fs.writeSync /
 * fs.readSync of the same bytes in the same run, and the time to open a data dir of 1,000 partitions
 * × 5 segments. Prints figures; asserts nothing.
 *
 *   npx tsx bench/storage.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRecordBatch, verifyBatch } from '../src/protocol/records/index.js';
import { DEFAULT_LOG_CONFIG, LogManager } from '../src/storage/index.js';

const quick = process.argv.includes('--quick');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gregor-bench-'));
const MiB = 1024 * 1024;

function batchOf(size: number): Buffer {
  // One record whose value fills the batch to about `size` bytes.
  const value = Buffer.alloc(Math.max(0, size - 61 - 12), 0x61);
  return buildRecordBatch([{ value, timestamp: 1_700_000_000_000 }]);
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function copiesOf(template: Buffer, count: number): Buffer[] {
  return Array.from({ length: Math.min(count, 64) }, () => Buffer.from(template));
}

function rawAppend(dir: string, template: Buffer, count: number): number {
  const file = path.join(dir, 'raw.log');
  const fd = fs.openSync(file, 'w+');
  let pos = 0;
  const copies = copiesOf(template, count);
  const seconds = time(() => {
    for (let i = 0; i < count; i++) {
      const buf = copies[i % copies.length]!;
      pos += fs.writeSync(fd, buf, 0, buf.length, pos);
    }
  });
  fs.closeSync(fd);
  fs.rmSync(file);
  return seconds;
}

function gregorAppend(dir: string, template: Buffer, count: number): { seconds: number; manager: LogManager } {
  const manager = LogManager.open({ dataDir: dir });
  const log = manager.createPartition({ topic: 'bench', partition: 0, topicId: 'bench' }, { ...DEFAULT_LOG_CONFIG, maxMessageBytes: 2 * MiB });
  // Each append rewrites its buffer's header in place, so give every request its own copy (made
  // before the clock starts, as a request buffer arrives from the socket).
  const copies = copiesOf(template, count);
  const seconds = time(() => {
    for (let i = 0; i < count; i++) {
      const r = log.append(copies[i % copies.length]!);
      if (!r.ok) throw new Error(r.message);
    }
  });
  return { seconds, manager };
}

function line(label: string, ...cols: string[]): void {
  console.log(label.padEnd(34) + cols.map((c) => c.padStart(14)).join(''));
}

// Volumes stay well inside the page cache (and every file is deleted right after its run), so the
// figures measure gregor's path, not the disk's writeback.
const sizes: [string, number, number][] = [
  ['1 KiB', 1024, quick ? 20_000 : 65_536],
  ['64 KiB', 64 * 1024, quick ? 1_000 : 4_096],
  ['1 MiB', MiB, quick ? 64 : 256],
];
const ROUNDS = quick ? 2 : 3;

console.log(`node ${process.version}, ${os.cpus().length} cpu(s), data in ${root}`);
line('append (one request per batch)', 'gregor MB/s', 'raw MB/s', 'ratio', 'batches/s');
const readFigures: [string, number, number, number][] = [];
const appendFigures = { raw64: NaN, ours64: NaN };
for (const [label, size, count] of sizes) {
  const template = batchOf(size);
  const bytes = template.length * count;
  // Alternate raw / gregor and keep the best of each: the machine may be busy with other work.
  let raw = Infinity;
  let ours = Infinity;
  let manager: LogManager | undefined;
  let managerDir = '';
  for (let round = 0; round < ROUNDS; round++) {
    const rawDir = fs.mkdtempSync(path.join(root, 'raw-'));
    raw = Math.min(raw, rawAppend(rawDir, template, count));
    fs.rmSync(rawDir, { recursive: true });
    if (manager) {
      manager.close();
      fs.rmSync(managerDir, { recursive: true });
    }
    managerDir = fs.mkdtempSync(path.join(root, 'g-'));
    const r = gregorAppend(managerDir, template, count);
    ours = Math.min(ours, r.seconds);
    manager = r.manager;
  }
  line(`  ${label} batches`, (bytes / MiB / ours).toFixed(0), (bytes / MiB / raw).toFixed(0), (raw / ours).toFixed(2), (count / ours).toFixed(0));
  if (size === 64 * 1024) {
    appendFigures.raw64 = bytes / MiB / raw;
    appendFigures.ours64 = bytes / MiB / ours;
  }

  // Read it all back: 1 MiB per read (a consumer's max.partition.fetch.bytes), vs raw readSync.
  const log = manager!.partitions()[0]!;
  const maxBytes = MiB;
  let readBytes = 0;
  let readSeconds = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    let offset = 0;
    readBytes = 0;
    readSeconds = Math.min(
      readSeconds,
      time(() => {
        while (offset < log.logEndOffset()) {
          const r = log.read(offset, maxBytes);
          readBytes += r.records.length;
          offset = r.nextOffset;
        }
      }),
    );
  }
  // Raw: readSync of the same bytes, 1 MiB at a time, into a new buffer per read (a fetch hands its
  // buffer to the socket, so it cannot reuse one), and into one reused buffer (the ceiling).
  const rawRead = (fresh: boolean): number => {
    let best = 0;
    for (let round = 0; round < ROUNDS; round++) best = Math.max(best, rawReadOnce(fresh));
    return best;
  };
  const rawReadOnce = (fresh: boolean): number => {
    let bytes = 0;
    const seconds = time(() => {
      let buf = Buffer.allocUnsafe(maxBytes);
      for (const seg of log.segments()) {
        const fd = fs.openSync(seg.file, 'r');
        for (let pos = 0; pos < seg.size; pos += maxBytes) {
          if (fresh) buf = Buffer.allocUnsafe(maxBytes);
          bytes += fs.readSync(fd, buf, 0, maxBytes, pos);
        }
        fs.closeSync(fd);
      }
    });
    return bytes / MiB / seconds;
  };
  readFigures.push([label, readBytes / MiB / readSeconds, rawRead(true), rawRead(false)]);
  manager!.close();
  fs.rmSync(managerDir, { recursive: true });
}
// Where a 64 KiB append's time goes beyond the write itself.
{
  const template = batchOf(64 * 1024);
  const n = quick ? 2_000 : 10_000;
  const crc = time(() => {
    for (let i = 0; i < n; i++) verifyBatch(template);
  });
  const perBatch = (1e6 * template.length) / MiB;
  console.log(
    `  64 KiB breakdown (µs per batch): raw write ${(perBatch / appendFigures.raw64).toFixed(1)}, gregor ${(perBatch / appendFigures.ours64).toFixed(1)}, ` +
      `of which CRC check ${((crc / n) * 1e6).toFixed(1)} (@node-rs/crc32), the rest index commit and bookkeeping`,
  );
}
line('read (1 MiB per read)', 'gregor MB/s', 'raw new buf', 'ratio', 'raw reused', 'ratio');
for (const [label, ours, fresh, reused] of readFigures) {
  line(`  ${label} batches`, ours.toFixed(0), fresh.toFixed(0), (ours / fresh).toFixed(2), reused.toFixed(0), (ours / reused).toFixed(2));
}

// Multi-partition produce requests: one appendMany over 10 partitions (one 16 KiB batch each).
{
  const dir = fs.mkdtempSync(path.join(root, 'multi-'));
  const manager = LogManager.open({ dataDir: dir });
  const logs = Array.from({ length: 10 }, (_, i) => manager.createPartition({ topic: 'multi', partition: i, topicId: 'm' }, DEFAULT_LOG_CONFIG));
  const template = batchOf(16 * 1024);
  const requests = quick ? 1_000 : 1_600;
  const copies = Array.from({ length: 10 }, () => Buffer.from(template));
  const seconds = time(() => {
    for (let i = 0; i < requests; i++) manager.appendMany(logs.map((log, k) => ({ log, records: copies[k]! })));
  });
  const bytes = template.length * 10 * requests;
  line('appendMany, 10 partitions × 16 KiB', `${(bytes / MiB / seconds).toFixed(0)} MB/s`, `${(requests / seconds).toFixed(0)} req/s`);
  manager.close();
  fs.rmSync(dir, { recursive: true });
}

// Open time: 1,000 partitions × 5 segments, clean shutdown, then an unclean one.
{
  const dir = fs.mkdtempSync(path.join(root, 'open-'));
  let manager = LogManager.open({ dataDir: dir });
  const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 4096 };
  const template = batchOf(1500);
  const logs = Array.from({ length: 1000 }, (_, i) => manager.createPartition({ topic: `t${i % 10}`, partition: Math.floor(i / 10), topicId: 'x' }, config));
  // 2 batches per segment (3,000 bytes), 10 batches → 5 segments per partition.
  for (let round = 0; round < 10; round++) manager.appendMany(logs.map((log) => ({ log, records: Buffer.from(template) })));
  const segs = logs.reduce((n, l) => n + l.segments().length, 0);
  manager.close();
  const cleanSeconds = time(() => {
    manager = LogManager.open({ dataDir: dir });
  });
  const count = manager.partitions().length;
  // Leave without close(): the next open is an unclean one (checks every partition's unflushed tail).
  (manager as unknown as { index: { close(): void } }).index.close();
  const uncleanSeconds = time(() => {
    manager = LogManager.open({ dataDir: dir });
  });
  manager.close();
  fs.rmSync(path.join(dir, 'gregor.db'));
  const rebuildSeconds = time(() => {
    manager = LogManager.open({ dataDir: dir });
  });
  manager.close();
  console.log(
    `open ${count} partitions × ${segs / count} segments: clean ${(cleanSeconds * 1000).toFixed(0)} ms, ` +
      `after kill -9 ${(uncleanSeconds * 1000).toFixed(0)} ms, gregor.db deleted (rebuild) ${(rebuildSeconds * 1000).toFixed(0)} ms`,
  );
}

fs.rmSync(root, { recursive: true, force: true });

// This machine's ceilings (socket→file, file→socket), from ../shared/tools/limit.mjs when present.
const limit = path.resolve(import.meta.dirname ?? '.', '../../shared/tools/limit.mjs');
if (!quick && fs.existsSync(limit)) {
  try {
    const out = execFileSync(process.execPath, [limit, '256'], { encoding: 'utf8', timeout: 120_000 });
    console.log('reference (limit.mjs 256 MiB):');
    for (const l of out.trim().split('\n')) console.log('  ' + l);
  } catch (err) {
    console.log(`reference: limit.mjs failed (${(err as Error).message.split('\n')[0]})`);
  }
}

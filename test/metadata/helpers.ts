/** Shared helpers for the metadata tests: a controller over the real storage, image projections, a fake log. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ControlRecordType, iterateRecords, parseControlRecordKey, readBatchHeader, scanBatches } from '../../src/protocol/records/index.js';
import {
  MetadataController,
  openDataDir,
  type DataDirInfo,
  type LogManagerLike,
  type MetadataControllerOptions,
  type MetadataImage,
  type PartitionLogLike,
} from '../../src/metadata/index.js';
import { LogManager, type LogConfig } from '../../src/storage/index.js';

export const PLAINTEXT = 0;

export interface Node {
  dir: string;
  info: DataDirInfo;
  logManager: LogManager;
  controller: MetadataController;
  lines: string[];
  /** Closes the controller and the storage (a clean shutdown). */
  close(): void;
}

export type NodeOptions = Partial<Omit<MetadataControllerOptions, 'logManager' | 'dataDir'>> & { nodeId?: number };

/** Opens (formatting when new) a data dir, its storage and its controller; deterministic placement. */
export function openNode(dir: string, options: NodeOptions = {}): Node {
  const info = openDataDir(dir, { nodeId: options.nodeId ?? 1 });
  const lines: string[] = [];
  const logManager = LogManager.open({ dataDir: dir, log: (l) => lines.push(`storage: ${l}`) });
  let controller: MetadataController;
  try {
    controller = MetadataController.open({
      random: () => 0,
      log: (l) => lines.push(l),
      ...options,
      logManager,
      dataDir: info,
    });
  } catch (err) {
    logManager.close();
    throw err;
  }
  return {
    dir,
    info,
    logManager,
    controller,
    lines,
    close() {
      controller.close();
      logManager.close();
    },
  };
}

/** Registers brokers 1..n with one PLAINTEXT listener each. */
export function registerBrokers(controller: MetadataController, n: number, directoryId?: string | null): void {
  for (let id = 1; id <= n; id++) {
    const r = controller.registerBroker({
      brokerId: id,
      endpoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9091 + id, securityProtocol: PLAINTEXT }],
      logDirs: id === 1 && directoryId ? [directoryId] : [],
    });
    if (r.errorCode !== 0) throw new Error(`registerBroker ${id}: ${r.errorMessage}`);
  }
}

/** The persistent content of an image (what a restart must rebuild), as plain sorted JSON-able data. */
export function imageContent(image: MetadataImage): unknown {
  const sortMap = <K, V>(m: Map<K, V>, f: (v: V) => unknown = (v) => v) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, f(v)]);
  return JSON.parse(
    JSON.stringify(
      {
        clusterId: image.clusterId,
        features: sortMap(image.features),
        brokers: sortMap(image.brokers),
        topicsByName: sortMap(image.topicsByName, (t) => ({ ...t, partitions: sortMap(t.partitions) })),
        topicIds: sortMap(image.topicsById, (t) => t.name),
        configs: sortMap(image.configs, (byName) => sortMap(byName, (c) => sortMap(c))),
        producerIds: image.producerIds,
      },
      (_, v) => (typeof v === 'bigint' ? `${v}n` : v),
    ),
  );
}

/** Every batch of a partition log, with its control record types (for asserting the log's layout). */
export function logBatches(log: PartitionLogLike): { baseOffset: number; epoch: number; isControl: boolean; control: number[]; count: number }[] {
  const { records } = log.read(log.logStartOffset(), 1 << 30);
  return scanBatches(records).batches.map((span) => {
    const h = readBatchHeader(records, span.position);
    const control = h.isControl ? [...iterateRecords(records, span.position)].map((r) => parseControlRecordKey(r.key).type) : [];
    return { baseOffset: Number(h.baseOffset), epoch: h.partitionLeaderEpoch, isControl: h.isControl, control, count: h.recordCount };
  });
}

export { ControlRecordType };

/**
 * An in-memory LogManagerLike: offsets assigned and leader epochs stamped on append as the storage does
 * (neither is covered by the batch CRC). `failAppends` makes appends fail like a full disk.
 */
export class FakeLogManager implements LogManagerLike<LogConfig> {
  readonly logs = new Map<string, FakeLog>();
  constructor(readonly dataDir: string) {}
  createPartition(p: { topic: string; partition: number; topicId: string }): FakeLog {
    const key = `${p.topic}-${p.partition}`;
    let log = this.logs.get(key);
    if (!log) {
      log = new FakeLog(join(this.dataDir, key));
      this.logs.set(key, log);
    }
    return log;
  }
  partition(topic: string, partition: number): FakeLog | undefined {
    return this.logs.get(`${topic}-${partition}`);
  }
}

export class FakeLog implements PartitionLogLike {
  batches: { base: number; last: number; bytes: Buffer }[] = [];
  failAppends = false;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  logStartOffset(): number {
    return this.batches[0]?.base ?? 0;
  }
  logEndOffset(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? last.last + 1 : 0;
  }
  append(records: Buffer, opts?: { leaderEpoch?: number }) {
    if (this.failAppends) return { ok: false as const, errorCode: 56, message: 'disk full' };
    const base = this.logEndOffset();
    const bytes = Buffer.from(records);
    bytes.writeBigInt64BE(BigInt(base), 0);
    if (opts?.leaderEpoch !== undefined) bytes.writeInt32BE(opts.leaderEpoch, 12);
    const last = base + bytes.readInt32BE(23);
    this.batches.push({ base, last, bytes });
    return { ok: true as const, baseOffset: base, lastOffset: last };
  }
  read(fromOffset: number, maxBytes: number) {
    const out: Buffer[] = [];
    let size = 0;
    let first = -1;
    let next = fromOffset;
    for (const b of this.batches) {
      if (b.last < fromOffset) continue;
      if (out.length > 0 && size + b.bytes.length > maxBytes) break;
      if (first < 0) first = b.base;
      out.push(b.bytes);
      size += b.bytes.length;
      next = b.last + 1;
    }
    return { records: Buffer.concat(out), firstOffset: first < 0 ? fromOffset : first, nextOffset: next };
  }
}

/**
 * Start-up: snapshot + log replay gives back the image a node had before it stopped, with and without
 * snapshots, after a damaged tail, after a lost index; each start is a new leader epoch.
 */
import { appendFileSync, copyFileSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iterateRecords, parseControlRecordKey, readBatchHeader, scanBatches } from '../../src/protocol/records/index.js';
import {
  AlterConfigOp,
  ConfigResourceType,
  ElectionType,
  listSnapshots,
  MetadataController,
  MetadataLogError,
  openDataDir,
  readSnapshot,
  snapshotFileName,
} from '../../src/metadata/index.js';
import { buildMetadataBatch } from '../../src/metadata/batches.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { ControlRecordType, FakeLogManager, imageContent, logBatches, openNode, registerBrokers, type Node, type NodeOptions } from './helpers.js';

const NO_SNAPSHOTS: NodeOptions = { snapshotEveryRecords: 1e12, snapshotEveryBytes: 1e12 };

/** Every kind of change the controller makes, over 3 brokers. */
function workload(n: Node): void {
  const c = n.controller;
  registerBrokers(c, 3, n.info.directoryId);
  const created = c.createTopics([
    { name: 'orders', numPartitions: 6, replicationFactor: 3, configs: [{ name: 'cleanup.policy', value: 'compact' }] },
    { name: 'payments', numPartitions: 3, replicationFactor: 2 },
    { name: 'doomed', numPartitions: 2 },
    { name: 'with.dots', numPartitions: 1 },
  ]);
  expect(created.every((r) => r.errorCode === 0)).toBe(true);
  expect(c.createPartitions([{ name: 'payments', count: 5 }])[0]!.errorCode).toBe(0);
  expect(c.deleteTopics([{ name: 'doomed' }])[0]!.errorCode).toBe(0);
  const alter = c.incrementalAlterConfigs([
    { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', configOperation: AlterConfigOp.SET, value: '3600000' }] },
    { resourceType: ConfigResourceType.BROKER, resourceName: '', configs: [{ name: 'log.retention.hours', configOperation: AlterConfigOp.SET, value: '48' }] },
    { resourceType: ConfigResourceType.BROKER, resourceName: '2', configs: [{ name: 'log.cleaner.threads', configOperation: AlterConfigOp.SET, value: '2' }] },
    { resourceType: ConfigResourceType.GROUP, resourceName: 'g1', configs: [{ name: 'share.auto.offset.reset', configOperation: AlterConfigOp.SET, value: 'earliest' }] },
  ]);
  expect(alter.every((r) => r.errorCode === 0)).toBe(true);
  expect(c.allocateProducerIds(1).errorCode).toBe(0);
  expect(c.allocateProducerIds(2).errorCode).toBe(0);
  expect(c.fenceBroker(3).errorCode).toBe(0);
  expect(c.unfenceBroker(3).errorCode).toBe(0);
  c.electLeaders(ElectionType.PREFERRED, null);
  expect(c.updateFeatures([{ feature: 'share.version', maxVersionLevel: 0, upgradeType: 2 }]).errorCode).toBe(0);
  for (let i = 0; i < 20; i++) c.createTopics([{ name: `t${i}`, numPartitions: 2, replicationFactor: 2 }]);
  c.deleteTopics([{ name: 't3' }, { name: 't7' }]);
}

function restart(n: Node, options: NodeOptions = {}): Node {
  n.close();
  return openNode(n.dir, options);
}

function metadataDir(n: Node): string {
  return join(n.dir, '__cluster_metadata-0');
}

describe('replay', () => {
  it('rebuilds the same image from the log alone', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const before = imageContent(n.controller.image);
    const again = restart(n, NO_SNAPSHOTS);
    expect(again.controller.startup.snapshot).toBeNull();
    expect(again.controller.startup.recordsReplayed).toBeGreaterThan(100);
    expect(imageContent(again.controller.image)).toEqual(before);
    expect(listSnapshots(metadataDir(again))).toEqual([]);
    // The image is live: operations continue from where it was.
    expect(again.controller.allocateProducerIds(1).producerIdStart).toBe(2000n);
    expect(again.controller.createTopics([{ name: 'orders' }])[0]!.errorCode).toBe(36);
    again.close();
  });

  it('rebuilds the same image from snapshots, keeping the newest two', () => {
    const n = openNode(tmpDir(), { snapshotEveryRecords: 25 });
    workload(n);
    const before = imageContent(n.controller.image);
    const snapshots = listSnapshots(metadataDir(n));
    expect(snapshots).toHaveLength(2);
    const again = restart(n, { snapshotEveryRecords: 25 });
    const loaded = again.controller.startup.snapshot!;
    expect(loaded).toEqual({ offset: snapshots[0]!.offset, epoch: snapshots[0]!.epoch });
    const held = readSnapshot(snapshots[0]!.path, snapshots[0]!).records.length;
    expect(again.controller.startup.recordsReplayed).toBeLessThan(Math.max(25, held / 2));
    expect(imageContent(again.controller.image)).toEqual(before);
    again.close();
  });

  it('replays the records after a snapshot', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const id = n.controller.snapshot();
    expect(id.offset).toBe(n.controller.highWatermark);
    n.controller.createTopics([{ name: 'after', numPartitions: 4 }]);
    n.controller.deleteTopics([{ name: 'orders' }]);
    n.controller.allocateProducerIds(1);
    n.controller.incrementalAlterConfigs([
      { resourceType: ConfigResourceType.TOPIC, resourceName: 'payments', configs: [{ name: 'retention.ms', configOperation: AlterConfigOp.SET, value: '1' }] },
    ]);
    const before = imageContent(n.controller.image);
    const again = restart(n, NO_SNAPSHOTS);
    expect(again.controller.startup.snapshot).toEqual(id);
    expect(again.controller.startup.recordsReplayed).toBe(4 + 1 + 1 + 1 + 1);
    expect(imageContent(again.controller.image)).toEqual(before);
    expect(again.controller.topic('orders')).toBeUndefined();
    again.close();
  });

  it('writes snapshots as Kafka does: name, header (+ kraft.version, voters), records, footer', () => {
    const n = openNode(tmpDir(), { ...NO_SNAPSHOTS, controllerEndpoints: [{ name: 'CONTROLLER', host: 'localhost', port: 9093 }] });
    workload(n);
    const id = n.controller.snapshot();
    const file = join(metadataDir(n), snapshotFileName(id));
    expect(snapshotFileName({ offset: 42, epoch: 3 })).toBe('00000000000000000042-0000000003.checkpoint');
    const buf = readFileSync(file);
    const spans = scanBatches(buf).batches;
    const headers = spans.map((s) => readBatchHeader(buf, s.position));
    expect(headers[0]!.isControl).toBe(true);
    expect(headers[headers.length - 1]!.isControl).toBe(true);
    expect(headers.every((h) => h.partitionLeaderEpoch === id.epoch)).toBe(true);
    let expected = 0n;
    for (const h of headers) {
      expect(h.baseOffset).toBe(expected);
      expected += BigInt(h.recordCount);
    }
    const firstTypes = [...iterateRecords(buf, spans[0]!.position)].map((r) => parseControlRecordKey(r.key).type);
    expect(firstTypes).toEqual([ControlRecordType.SNAPSHOT_HEADER, ControlRecordType.KRAFT_VERSION, ControlRecordType.KRAFT_VOTERS]);
    const lastTypes = [...iterateRecords(buf, spans[spans.length - 1]!.position)].map((r) => parseControlRecordKey(r.key).type);
    expect(lastTypes).toEqual([ControlRecordType.SNAPSHOT_FOOTER]);
    const contents = readSnapshot(file, id);
    expect(contents.kraftVersion).toBe(1);
    expect(contents.voters!.voters[0]).toMatchObject({ voterId: 1, voterDirectoryId: n.info.directoryId, endpoints: [{ name: 'CONTROLLER', host: 'localhost', port: 9093 }] });
    expect(contents.records[0]).toEqual({ apiKey: 12, version: 0, message: { name: 'metadata.version', featureLevel: 29 } });
    n.close();
  });

  it('bumps the leader epoch on every start and writes a LeaderChangeMessage for it', () => {
    const n = openNode(tmpDir());
    registerBrokers(n.controller, 1, n.info.directoryId);
    n.controller.createTopics([{ name: 'x' }]);
    expect(n.controller.epoch).toBe(1);
    let node = restart(n);
    expect(node.controller.epoch).toBe(2);
    node = restart(node);
    expect(node.controller.epoch).toBe(3);
    const batches = logBatches(node.logManager.partition('__cluster_metadata', 0)!);
    const leaderChanges = batches.filter((b) => b.control.includes(ControlRecordType.LEADER_CHANGE));
    expect(leaderChanges.map((b) => b.epoch)).toEqual([1, 2, 3]);
    expect(leaderChanges.map((b) => b.control)).toEqual([[2, 5, 6], [2], [2]]);
    expect(JSON.parse(readFileSync(join(metadataDir(node), 'quorum-state'), 'utf8'))).toEqual({
      leaderId: 1,
      leaderEpoch: 3,
      votedId: 1,
      votedDirectoryId: node.info.directoryId,
      data_version: 1,
    });
    node.controller.createTopics([{ name: 'y' }]);
    expect(logBatches(node.logManager.partition('__cluster_metadata', 0)!).at(-1)!.epoch).toBe(3);
    // Bootstrap records are written once, by the first leader only.
    expect(batches.filter((b) => !b.isControl && b.baseOffset < 5)).toHaveLength(1);
    node.close();
  });
});

describe('records the image does not model', () => {
  it('are skipped at start-up, and reported', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    registerBrokers(n.controller, 1);
    const log = n.logManager.partition('__cluster_metadata', 0)!;
    const acl = { apiKey: 18, version: 0, message: { id: 'AAAAAAAAAAAAAAAAAAAAAw', resourceType: 2, resourceName: 'x', patternType: 3, principal: 'User:a', host: '*', operation: 3, permissionType: 3 } };
    const noop = { apiKey: 20, version: 0, message: {} };
    const r = log.append(buildMetadataBatch([acl, noop], { baseOffset: 0, epoch: 1, now: Date.now() }), { origin: 'internal' });
    expect(r.ok).toBe(true);
    const before = imageContent(n.controller.image);
    const again = restart(n, NO_SNAPSHOTS);
    expect(imageContent(again.controller.image)).toEqual(before);
    expect(again.lines).toContain('metadata: ignored records the image does not model (1 of type 18); snapshots will not carry them');
    again.close();
  });
});

describe('damage', () => {
  function segment(n: Node): string {
    const dir = metadataDir(n);
    const logs = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
    return join(dir, logs[logs.length - 1]!);
  }

  it('a partial last batch (a torn write) is cut by storage recovery: the image is the one before that operation', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const before = imageContent(n.controller.image);
    n.controller.createTopics([{ name: 'torn', numPartitions: 3 }]);
    n.close();
    const file = segment(n);
    truncateSync(file, statSync(file).size - 20);
    const again = openNode(n.dir, NO_SNAPSHOTS);
    expect(again.lines.some((l) => l.startsWith('storage: __cluster_metadata-0:'))).toBe(true);
    expect(again.controller.topic('torn')).toBeUndefined();
    expect(imageContent(again.controller.image)).toEqual(before);
    // The offsets the torn batch had are reused cleanly.
    expect(again.controller.createTopics([{ name: 'torn', numPartitions: 3 }])[0]!.errorCode).toBe(0);
    const third = restart(again, NO_SNAPSHOTS);
    expect(third.controller.topic('torn')!.partitions.size).toBe(3);
    third.close();
  });

  it('garbage after the last batch is cut; nothing is lost', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const before = imageContent(n.controller.image);
    n.close();
    appendFileSync(segment(n), Buffer.from('0000000000000000ffff', 'hex'));
    const again = openNode(n.dir, NO_SNAPSHOTS);
    expect(imageContent(again.controller.image)).toEqual(before);
    again.close();
  });

  it('a last batch with a bad CRC is cut by storage recovery: the image is the one before that operation', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const before = imageContent(n.controller.image);
    n.controller.createTopics([{ name: 'flipped' }]);
    n.close();
    const file = segment(n);
    const buf = readFileSync(file);
    buf[buf.length - 5]! ^= 0xff;
    writeFileSync(file, buf);
    const again = openNode(n.dir, NO_SNAPSHOTS);
    expect(again.lines.some((l) => l.includes('CRC'))).toBe(true);
    expect(imageContent(again.controller.image)).toEqual(before);
    again.close();
  });

  it('a damaged batch that reaches the metadata layer is refused, never skipped', () => {
    const dir = tmpDir();
    const info = openDataDir(dir, { nodeId: 1 });
    const lm = new FakeLogManager(dir);
    const c = MetadataController.open({ logManager: lm, dataDir: info });
    registerBrokers(c, 1);
    c.createTopics([{ name: 'a' }]);
    const log = lm.partition('__cluster_metadata', 0)!;
    const last = log.batches[log.batches.length - 1]!.bytes;
    last[last.length - 5]! ^= 0xff;
    expect(() => MetadataController.open({ logManager: lm, dataDir: info })).toThrow(MetadataLogError);
    expect(() => MetadataController.open({ logManager: lm, dataDir: info })).toThrow(/Corrupt record batch \(base offset \d+\) at byte \d+ of __cluster_metadata-0 from offset 0: .*crc/i);
  });

  it('an unreadable newest snapshot falls back to the previous one', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const older = n.controller.snapshot();
    n.controller.createTopics([{ name: 'later' }]);
    const newer = n.controller.snapshot();
    const before = imageContent(n.controller.image);
    n.close();
    const file = join(metadataDir(n), snapshotFileName(newer));
    truncateSync(file, statSync(file).size - 10);
    const again = openNode(n.dir, NO_SNAPSHOTS);
    expect(again.controller.startup.snapshot).toEqual(older);
    expect(again.lines.some((l) => l.includes('ignoring unreadable snapshot'))).toBe(true);
    expect(imageContent(again.controller.image)).toEqual(before);
    again.close();
  });

  it('a snapshot beyond the log end is deleted, not trusted', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const id = n.controller.snapshot();
    const before = imageContent(n.controller.image);
    n.close();
    const bogus = { offset: id.offset + 1000, epoch: id.epoch };
    copyFileSync(join(metadataDir(n), snapshotFileName(id)), join(metadataDir(n), snapshotFileName(bogus)));
    writeFileSync(join(metadataDir(n), snapshotFileName(bogus) + '.part'), 'half-written');
    const again = openNode(n.dir, NO_SNAPSHOTS);
    expect(again.controller.startup.snapshot).toEqual(id);
    expect(listSnapshots(metadataDir(again)).map((s) => s.offset)).toEqual([id.offset]);
    expect(readdirSync(metadataDir(again)).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(imageContent(again.controller.image)).toEqual(before);
    again.close();
  });

  it('after a lost gregor.db the storage index is rebuilt and the metadata log replays', () => {
    const n = openNode(tmpDir(), NO_SNAPSHOTS);
    workload(n);
    const before = imageContent(n.controller.image);
    n.close();
    for (const f of readdirSync(n.dir)) if (f.startsWith('gregor.db')) rmSync(join(n.dir, f));
    const again = openNode(n.dir, NO_SNAPSHOTS);
    expect(imageContent(again.controller.image)).toEqual(before);
    expect(again.logManager.partition('__cluster_metadata', 0)!.config().retentionMs).toBe(-1);
    again.close();
  });

  it('the log below the oldest kept snapshot is deleted once it outgrows metadataRetentionBytes', () => {
    const options: NodeOptions = { snapshotEveryRecords: 30, metadataRetentionBytes: 0 };
    const n = openNode(tmpDir(), options);
    workload(n);
    const log = n.logManager.partition('__cluster_metadata', 0)!;
    const snapshots = listSnapshots(metadataDir(n));
    expect(log.logStartOffset()).toBe(snapshots[snapshots.length - 1]!.offset);
    const before = imageContent(n.controller.image);
    const again = restart(n, options);
    expect(imageContent(again.controller.image)).toEqual(before);
    again.close();
    for (const s of listSnapshots(metadataDir(again))) rmSync(s.path);
    expect(() => openNode(n.dir, options)).toThrow(/no snapshot holds the records before it/);
  });
});

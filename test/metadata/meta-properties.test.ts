import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirError, isKafkaUuid, javaDateString, openDataDir, readMetaProperties, serializeMetaProperties } from '../../src/metadata/index.js';
import { parseProperties } from '../../src/metadata/meta-properties.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { openNode } from './helpers.js';

describe('meta.properties', () => {
  it('is written as kafka-storage format writes it (Properties.store on Java 18+: empty comment, date, sorted keys)', () => {
    const text = serializeMetaProperties(
      { version: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', nodeId: 1, directoryId: 'nmVqxgkeTfC4SghDU8GvUQ' },
      new Date(Date.UTC(2026, 10, 3, 9, 5, 7)),
    );
    expect(text).toBe(
      '#\n#Tue Nov 03 09:05:07 UTC 2026\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\ndirectory.id=nmVqxgkeTfC4SghDU8GvUQ\nnode.id=1\nversion=1\n',
    );
  });

  it('formats a missing directory: new cluster id, directory id, node id, and reads it back', () => {
    const dir = join(tmpDir(), 'data');
    const info = openDataDir(dir, { nodeId: 3, now: new Date(Date.UTC(2026, 0, 1)) });
    expect(info.formatted).toBe(true);
    expect(isKafkaUuid(info.clusterId)).toBe(true);
    expect(isKafkaUuid(info.directoryId!)).toBe(true);
    expect(info.nodeId).toBe(3);
    const text = readFileSync(join(dir, 'meta.properties'), 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual(['#', '#Thu Jan 01 00:00:00 UTC 2026']);
    expect(text).toContain(`cluster.id=${info.clusterId}\ndirectory.id=${info.directoryId}\nnode.id=3\nversion=1\n`);
    const again = openDataDir(dir, { nodeId: 3 });
    expect(again).toEqual({ ...info, formatted: false });
  });

  it('formats an empty directory, and one holding only OS litter', () => {
    const dir = tmpDir();
    writeFileSync(join(dir, '.DS_Store'), 'x');
    mkdirSync(join(dir, 'lost+found'));
    expect(openDataDir(dir, { nodeId: 1 }).formatted).toBe(true);
  });

  it('uses a given cluster id', () => {
    const info = openDataDir(tmpDir(), { nodeId: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' });
    expect(info.clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qk');
  });

  it('refuses to start when node.id differs', () => {
    const dir = tmpDir();
    openDataDir(dir, { nodeId: 1 });
    expect(() => openDataDir(dir, { nodeId: 2 })).toThrow(DataDirError);
    expect(() => openDataDir(dir, { nodeId: 2 })).toThrow(/says node\.id=1, but this node is configured with node id 2/);
  });

  it.each([['gregor.db'], ['__cluster_metadata-0'], ['orders-0'], ['notes.txt']])(
    'refuses a directory with data (%s) but no meta.properties, and never writes one',
    (entry) => {
      const dir = tmpDir();
      if (entry.endsWith('.db') || entry.endsWith('.txt')) writeFileSync(join(dir, entry), 'data');
      else mkdirSync(join(dir, entry));
      let error: unknown;
      try {
        openDataDir(dir, { nodeId: 1 });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DataDirError);
      expect((error as DataDirError).reason).toBe('UNFORMATTED_WITH_DATA');
      expect((error as Error).message).toContain(`holds data (${entry}) but no meta.properties`);
      expect(readMetaProperties(dir)).toBeNull();
    },
  );

  it('refuses a real gregor data directory whose meta.properties was deleted', () => {
    const dir = tmpDir();
    const node = openNode(dir);
    node.controller.createTopics([{ name: 'orders' }]);
    node.close();
    rmSync(join(dir, 'meta.properties'));
    expect(() => openDataDir(dir, { nodeId: 1 })).toThrow(/holds data \(.*__cluster_metadata-0.*gregor\.db.*\) but no meta\.properties/);
  });

  it('rejects a ZooKeeper-era (version 0) or incomplete meta.properties', () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'meta.properties'), '#\nbroker.id=1\nversion=0\ncluster.id=abc\n');
    expect(() => openDataDir(dir, { nodeId: 1 })).toThrow(/version=0 .*ZooKeeper/);
    writeFileSync(join(dir, 'meta.properties'), 'version=1\ncluster.id=abc\n');
    expect(() => openDataDir(dir, { nodeId: 1 })).toThrow(/node\.id was not found/);
  });

  it('adds a directory.id to a meta.properties without one (as Kafka 3.7+ does)', () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'meta.properties'), '#\n#Mon Jan 01 00:00:00 UTC 2024\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\nnode.id=1\nversion=1\n');
    const info = openDataDir(dir, { nodeId: 1 });
    expect(isKafkaUuid(info.directoryId!)).toBe(true);
    expect(readMetaProperties(dir)!.directoryId).toBe(info.directoryId);
  });

  it('parses java.util.Properties syntax', () => {
    expect(parseProperties('# c\n! c\n a = b \nc:d\ne f\ng=h\\\n   i\nj=k\\=l\\u0041\n')).toEqual(
      new Map([
        ['a', 'b '],
        ['c', 'd'],
        ['e', 'f'],
        ['g', 'hi'],
        ['j', 'k=lA'],
      ]),
    );
  });

  it('prints dates like java.util.Date.toString() in UTC', () => {
    expect(javaDateString(new Date(Date.UTC(2024, 1, 29, 23, 59, 59)))).toBe('Thu Feb 29 23:59:59 UTC 2024');
  });
});

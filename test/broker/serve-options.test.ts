import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServeOptions } from '../../src/broker/serve-options.js';
import { BIN, startGregor } from '../helpers/gregor-server.js';

describe('serve options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-opts-'));
  const file = join(dir, 'server.properties');
  writeFileSync(file, ['# a Kafka server.properties', 'listeners=PLAINTEXT://0.0.0.0:19093', 'advertised.listeners=PLAINTEXT://kafka.local:29093', 'log.dirs=/var/lib/x,/var/lib/y', 'num.partitions=3', 'auto.create.topics.enable = false'].join('\n'));

  it('reads Kafka names from a properties file', () => {
    const o = resolveServeOptions({ 'config-file': file }, {});
    expect(o).toMatchObject({ host: '0.0.0.0', port: 19093, advertisedHost: 'kafka.local', advertisedPort: 29093, dataDir: '/var/lib/x' });
    expect(o.configs).toEqual({ 'num.partitions': '3', 'auto.create.topics.enable': 'false' });
  });

  it('flags win over GREGOR_* variables, which win over the file', () => {
    const env = { GREGOR_PORT: '1111', GREGOR_HOST: '10.0.0.1', GREGOR_DATA_DIR: '/env/dir' };
    expect(resolveServeOptions({ 'config-file': file }, env)).toMatchObject({ port: 1111, host: '10.0.0.1', dataDir: '/env/dir' });
    expect(resolveServeOptions({ 'config-file': file, port: 2222, config: ['num.partitions=7'] }, env)).toMatchObject({ port: 2222, configs: { 'num.partitions': '7' } });
  });

  it('ephemeral has no data dir; defaults are 127.0.0.1:9092', () => {
    expect(resolveServeOptions({ ephemeral: true }, {})).toMatchObject({ host: '127.0.0.1', port: 9092, ephemeral: true });
    expect(resolveServeOptions({ ephemeral: true }, {}).dataDir).toBeUndefined();
    expect(resolveServeOptions({}, { GREGOR_EPHEMERAL: 'true' }).ephemeral).toBe(true);
  });

  it('refuses what it cannot use, with a reason', () => {
    expect(() => resolveServeOptions({ config: ['nonsense'] }, {})).toThrow(/key=value/);
    expect(() => resolveServeOptions({ 'log-level': 'loud' }, {})).toThrow(/log level/);
    expect(() => resolveServeOptions({}, { GREGOR_PORT: '70000' })).toThrow(/TCP port/);
    expect(() => resolveServeOptions({ config: ['listeners=PLAINTEXT://nohost'] }, {})).toThrow(/PLAINTEXT:\/\/host:port/);
    expect(resolveServeOptions({ listeners: 'PLAINTEXT://[::1]:9094' }, {})).toMatchObject({ host: '::1', port: 9094 });
  });
});

describe('gregor serve, the command', () => {
  it('refuses a data dir that has data but no meta.properties: one line, exit 1', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gregor-nometa-'));
    mkdirSync(join(dataDir, 'orders-0'));
    const r = spawnSync(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--port', '0'], { encoding: 'utf8', timeout: 20000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*meta\.properties/);
  });

  it('starts, prints one banner line, and stops cleanly on SIGTERM keeping its data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gregor-data-'));
    const g = await startGregor(['--data-dir', dataDir]);
    expect(g.banner).toMatch(new RegExp(`^gregor listening on 127\\.0\\.0\\.1:${g.port} \\(advertised localhost:${g.port}\\), data ${dataDir}, cluster id [A-Za-z0-9_-]{22}$`));
    expect(await g.stop()).toBe(0);
    const again = await startGregor(['--data-dir', dataDir]);
    expect(again.banner.slice(-22)).toBe(g.banner.slice(-22)); // same cluster id after a restart
    await again.stop();
  });
});

/**
 * Several listeners, as Kafka's `listeners` / `advertised.listeners` / `listener.security.protocol.map`: the
 * containerised-broker case (one listener for the host, one for other containers, each advertising its own
 * address). Real clients (kcat, kafkajs) must be handed the address of the listener they came in on.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentLeaderOf } from '../../src/broker/data-path.js';
import { resolveServeOptions } from '../../src/broker/serve-options.js';
import { serve, type RunningServer } from '../../src/broker/serve.js';
import { ApiKey } from '../../src/protocol/index.js';
import { runCli } from '../helpers/cli.js';
import { requireClient } from '../helpers/debian-clients.js';
import { getFreePorts } from '../helpers/free-port.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';
import { RawClient } from './raw-client.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

const MAP = 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT';
const BROKER = 4;

describe('resolveServeOptions: listeners', () => {
  it('reads every listener and its advertised address; custom names come from the protocol map', () => {
    const o = resolveServeOptions(
      { listeners: 'PLAINTEXT://0.0.0.0:9092,DOCKER://:29092', 'advertised-listeners': 'PLAINTEXT://localhost:9092,DOCKER://gregor:29092', config: [MAP] },
      {},
    );
    expect(o).toMatchObject({ host: '0.0.0.0', port: 9092, advertisedHost: 'localhost', advertisedPort: 9092 });
    expect(o.listeners).toEqual([
      { name: 'PLAINTEXT', host: '0.0.0.0', port: 9092, advertisedHost: 'localhost', advertisedPort: 9092 },
      { name: 'DOCKER', host: '', port: 29092, advertisedHost: 'gregor', advertisedPort: 29092 },
    ]);
    // Listener keys are not broker configs of ours; the protocol map is kept for DescribeConfigs.
    expect(o.configs).toEqual({ 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT' });
  });

  it('a listener without an advertised entry advertises its own address (an empty host: this machine, as Kafka)', () => {
    const o = resolveServeOptions({ listeners: 'PLAINTEXT://127.0.0.1:9092,docker://:29092,OTHER://10.1.2.3:39092', config: ['listener.security.protocol.map=PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT,OTHER:PLAINTEXT'] }, {});
    expect(o.listeners!.map((l) => [l.name, l.advertisedHost, l.advertisedPort])).toEqual([
      ['PLAINTEXT', 'localhost', undefined], // the first listener keeps gregor's rule: a loopback bind advertises localhost
      ['DOCKER', hostname(), undefined],
      ['OTHER', '10.1.2.3', undefined],
    ]);
  });

  it('Kafka’s stock server.properties: the controller listener is not served and needs no map entry', () => {
    const o = resolveServeOptions({ config: ['listeners=PLAINTEXT://:9092,CONTROLLER://:9093', 'controller.listener.names=CONTROLLER', 'inter.broker.listener.name=PLAINTEXT'] }, {});
    expect(o.listeners).toEqual([{ name: 'PLAINTEXT', host: '0.0.0.0', port: 9092, advertisedHost: 'localhost' }]);
    const viaFlag = resolveServeOptions({ listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093', config: ['controller.listener.names=CONTROLLER'] }, {});
    expect(viaFlag.listeners!.map((l) => l.name)).toEqual(['PLAINTEXT']);
    // As in Kafka, the implicit CONTROLLER:PLAINTEXT mapping is off once SSL or SASL is in sight.
    expect(() => resolveServeOptions({ listeners: 'PLAINTEXT://:9092,SSL://:9094,CONTROLLER://:9093', config: ['controller.listener.names=CONTROLLER'] }, {})).toThrow(
      /No security protocol defined for listener CONTROLLER/,
    );
  });

  it('--listeners over GREGOR_LISTENERS over the properties; --host/--port/--advertised-host set the first listener', () => {
    const file = ['listeners=PLAINTEXT://127.0.0.1:1001', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT'];
    const env = { GREGOR_LISTENERS: 'PLAINTEXT://127.0.0.1:2001,DOCKER://127.0.0.1:2002' };
    expect(resolveServeOptions({ config: file }, {}).listeners!.map((l) => l.port)).toEqual([1001]);
    expect(resolveServeOptions({ config: file }, env).listeners!.map((l) => l.port)).toEqual([2001, 2002]);
    expect(resolveServeOptions({ config: file, listeners: 'PLAINTEXT://127.0.0.1:3001' }, env).listeners!.map((l) => l.port)).toEqual([3001]);
    const o = resolveServeOptions({ config: file, port: 4001, host: '0.0.0.0', 'advertised-host': 'example.org' }, env);
    expect(o.listeners!.map((l) => [l.name, l.host, l.port, l.advertisedHost])).toEqual([
      ['PLAINTEXT', '0.0.0.0', 4001, 'example.org'],
      ['DOCKER', '127.0.0.1', 2002, '127.0.0.1'],
    ]);
    expect(resolveServeOptions({}, { GREGOR_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:19092' }).listeners).toEqual([
      { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, advertisedHost: 'kafka', advertisedPort: 19092 },
    ]);
  });

  it('parses IPv6 hosts in brackets, and lets one IPv4 and one IPv6 listener share a port as Kafka does', () => {
    const o = resolveServeOptions({ listeners: 'PLAINTEXT://127.0.0.1:9092,DOCKER://[::1]:9092', config: [MAP] }, {});
    expect(o.listeners!.map((l) => [l.host, l.port, l.advertisedHost])).toEqual([
      ['127.0.0.1', 9092, 'localhost'],
      ['::1', 9092, '::1'],
    ]);
  });

  it.each([
    ['PLAINTEXT://:1,plaintext://:2', [], /Each listener must have a different name, listeners: PLAINTEXT:\/\/:1,plaintext:\/\/:2$/],
    ['PLAINTEXT://:1,DOCKER://:2', [], /No security protocol defined for listener DOCKER$/],
    ['PLAINTEXT://:1,DOCKER://:1', [MAP], /Each listener must have a different port, listeners: /],
    ['PLAINTEXT://127.0.0.1:1,DOCKER://10.0.0.1:1', [MAP], /one needs to be IPv4 and the other IPv6/],
    ['PLAINTEXT://:1,SSL://:2', [], /listener SSL uses security protocol SSL: gregor serves PLAINTEXT listeners only/],
    ['PLAINTEXT://:1,DOCKER://:2', ['listener.security.protocol.map=PLAINTEXT:PLAINTEXT,DOCKER:SASL_SSL'], /listener DOCKER uses security protocol SASL_SSL/],
    ['PLAINTEXT://:1', ['listener.security.protocol.map=PLAINTEXT:TLS'], /Invalid security protocol `TLS` defined in listener.security.protocol.map/],
    ['PLAINTEXT://:70000', [], /port out of range:70000/],
    ['PLAINTEXT://host', [], /Unable to parse PLAINTEXT:\/\/host to a broker endpoint/],
    ['PLAINTEXT://:1,DOCKER://0.0.0.0:2', [MAP], /listener DOCKER binds 0.0.0.0 and has no advertised.listeners entry/],
    ['CONTROLLER://:9093', ['controller.listener.names=CONTROLLER'], /at least one broker listener/],
  ])('refuses listeners=%s (%j)', (listeners, config, message) => {
    expect(() => resolveServeOptions({ listeners, config }, {})).toThrow(message);
  });

  it('refuses advertised listeners that name no listener, or the meta-address 0.0.0.0', () => {
    expect(() => resolveServeOptions({ listeners: 'PLAINTEXT://:1', 'advertised-listeners': 'PLAINTEXT://a:1,DOCKER://b:2', config: [MAP] }, {})).toThrow(
      /advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found PLAINTEXT,DOCKER. The valid options based on the current configuration are PLAINTEXT$/,
    );
    expect(() => resolveServeOptions({ 'advertised-listeners': 'PLAINTEXT://0.0.0.0:9092' }, {})).toThrow(/cannot use the nonroutable meta-address 0.0.0.0/);
  });
});

describe('gregor serve refuses a bad listener config: one line, exit 1', () => {
  it.each([
    ['a duplicate name', ['--listeners', 'PLAINTEXT://127.0.0.1:0,PLAINTEXT://127.0.0.1:0'], /Each listener must have a different name/],
    ['a name missing from the protocol map', ['--listeners', 'PLAINTEXT://127.0.0.1:0,DOCKER://127.0.0.1:0'], /No security protocol defined for listener DOCKER/],
    ['an SSL listener', ['--listeners', 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0'], /listener SSL uses security protocol SSL/],
    ['a bad port', ['--listeners', 'PLAINTEXT://127.0.0.1:port'], /Unable to parse PLAINTEXT:\/\/127.0.0.1:port to a broker endpoint/],
  ])('%s', async (_what, args, message) => {
    const r = await runCli(['serve', '--ephemeral', ...args]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('two listeners in one broker (in-process)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const options = resolveServeOptions(
      {
        ephemeral: true,
        'log-level': 'warn',
        listeners: 'PLAINTEXT://127.0.0.1:0,DOCKER://127.0.0.1:0',
        'advertised-listeners': 'DOCKER://gregor.internal:29092',
        config: [MAP],
      },
      {},
    );
    server = await serve(options, { handleSignals: false, logWrite: () => {} });
  });
  afterAll(() => server.close());

  const portOf = (name: string) => server.addresses.find((a) => a.name === name)!.port;

  it('prints the first listener’s line first and unchanged, then one line per further listener', () => {
    const [first, second, ...rest] = server.banner.split('\n');
    expect(first).toMatch(new RegExp(`^gregor listening on 127\\.0\\.0\\.1:${portOf('PLAINTEXT')} \\(advertised localhost:${portOf('PLAINTEXT')}\\), data .*, cluster id \\S{22}$`));
    expect(second).toBe(`gregor listening on 127.0.0.1:${portOf('DOCKER')} (listener DOCKER, advertised gregor.internal:29092)`);
    expect(rest).toEqual([]);
    expect(portOf('DOCKER')).not.toBe(portOf('PLAINTEXT'));
  });

  it('registers one endpoint per listener', () => {
    expect(server.broker.metadata.broker(1)!.endpoints).toEqual([
      { name: 'PLAINTEXT', host: 'localhost', port: portOf('PLAINTEXT'), securityProtocol: 0 },
      { name: 'DOCKER', host: 'gregor.internal', port: 29092, securityProtocol: 0 },
    ]);
  });

  it('DescribeCluster and FindCoordinator answer with the endpoint of the listener asked', async () => {
    for (const [listener, host, port] of [
      ['PLAINTEXT', 'localhost', portOf('PLAINTEXT')],
      ['DOCKER', 'gregor.internal', 29092],
    ] as const) {
      const c = await RawClient.connect(portOf(listener));
      try {
        const dc = await c.request(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
        expect(dc.brokers).toEqual([expect.objectContaining({ brokerId: 1, host, port })]);
        const fc = await c.request(ApiKey.FindCoordinator, 3, { key: uniqueName('g'), keyType: 0 });
        expect(fc).toMatchObject({ errorCode: 0, nodeId: 1, host, port });
        const md = await c.request(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
        expect(md.brokers).toEqual([expect.objectContaining({ nodeId: 1, host, port })]);
      } finally {
        c.close();
      }
    }
  });

  it('KIP-951 leader endpoints (Produce/Fetch nodeEndpoints) come from the request’s listener', async () => {
    const c = await RawClient.connect(portOf('PLAINTEXT'));
    const topic = uniqueName('kip951');
    try {
      const r = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
      expect(r.topics[0].errorCode).toBe(0);
    } finally {
      c.close();
    }
    expect(currentLeaderOf(server.broker, topic, 0, 'DOCKER')!.endpoint).toEqual({ nodeId: 1, host: 'gregor.internal', port: 29092, rack: null });
    expect(currentLeaderOf(server.broker, topic, 0, 'PLAINTEXT')!.endpoint).toMatchObject({ host: 'localhost', port: portOf('PLAINTEXT') });
    // A listener the leader does not have gets no endpoint rather than another listener's address.
    expect(currentLeaderOf(server.broker, topic, 0, 'ELSEWHERE')!.endpoint).toBeUndefined();
  });

  it('DescribeConfigs shows every listener and every advertised listener, bound ports filled in', async () => {
    const c = await RawClient.connect(portOf('DOCKER'));
    try {
      const r = await c.request(ApiKey.DescribeConfigs, 4, {
        resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: ['listeners', 'advertised.listeners', 'listener.security.protocol.map'] }],
        includeSynonyms: false,
      });
      const byName = Object.fromEntries(r.results[0].configs.map((x: any) => [x.name, x.value]));
      expect(byName).toEqual({
        listeners: `PLAINTEXT://127.0.0.1:${portOf('PLAINTEXT')},DOCKER://127.0.0.1:${portOf('DOCKER')}`,
        'advertised.listeners': `PLAINTEXT://localhost:${portOf('PLAINTEXT')},DOCKER://gregor.internal:29092`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT',
      });
    } finally {
      c.close();
    }
  });
});

describe('two listeners with real clients (gregor serve)', () => {
  let g: GregorProcess;
  let p1: number;
  let p2: number;
  beforeAll(async () => {
    [p1, p2] = (await getFreePorts(2)) as [number, number];
    g = await startGregor([
      '--port', String(p1),
      '--listeners', `PLAINTEXT://127.0.0.1:${p1},DOCKER://127.0.0.1:${p2}`,
      // Two advertised hosts that differ, so an answer naming the wrong listener shows.
      '--advertised-listeners', `PLAINTEXT://localhost:${p1},DOCKER://127.0.0.1:${p2}`,
      '--config', MAP,
    ]);
  });
  afterAll(() => g?.stop());

  it('kcat -L through each port lists that listener’s advertised address', (ctx) => {
    requireClient('kcat', ctx);
    for (const [port, advertised] of [
      [p1, `localhost:${p1}`],
      [p2, `127.0.0.1:${p2}`],
    ] as const) {
      const r = spawnSync('kcat', ['-b', `127.0.0.1:${port}`, '-L', '-J'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).brokers).toEqual([{ id: 1, name: advertised }]);
    }
  });

  it('kafkajs produces through listener 1 and consumes in a group through listener 2, which is its coordinator', async () => {
    const topic = uniqueName('two-listeners');
    const groupId = uniqueName('two-listeners-group');
    // Every socket each client opens, by the address it was told.
    const opened = (into: string[]) => ({ host, port, onConnect }: any) => {
      into.push(`${host}:${port}`);
      return connect({ host, port }, onConnect);
    };
    const hostSide: string[] = [];
    const dockerSide: string[] = [];
    const external = new Kafka({ clientId: 'host', brokers: [`127.0.0.1:${p1}`], logLevel: logLevel.NOTHING, socketFactory: opened(hostSide) });
    const internal = new Kafka({ clientId: 'docker', brokers: [`127.0.0.1:${p2}`], logLevel: logLevel.NOTHING, socketFactory: opened(dockerSide) });

    const admin = external.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const producer = external.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
    await producer.disconnect();

    const consumer = internal.consumer({ groupId, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let done!: () => void;
      const all = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        eachMessage: async ({ message }: any) => {
          seen.push(message.value.toString());
          if (seen.length === 20) done();
        },
      });
      await all;
    } finally {
      await consumer.disconnect();
    }
    expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`).sort());
    // Past the bootstrap, each client only ever dialled its own listener's advertised address: the consumer's
    // coordinator (FindCoordinator) and partition leaders (Metadata) were listener 2's.
    expect(new Set(hostSide)).toEqual(new Set([`127.0.0.1:${p1}`, `localhost:${p1}`]));
    expect(new Set(dockerSide)).toEqual(new Set([`127.0.0.1:${p2}`]));
  });
});

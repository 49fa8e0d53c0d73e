/**
 * Java's default partitioner: Kafka's own murmur2 vectors (UtilsTest.testMurmur2), then the same keys placed by
 * clients we did not write: kafkajs's DefaultPartitioner (Java-compatible murmur2) and librdkafka's
 * `murmur2_random` through confluent-kafka, producing to a real gregor.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StickyPartitioner, murmur2, partitionForKey, toPositive } from '../../src/client/partitioner.js';
import { DEBIAN_PYTHON, debianPythonEnv, requireClient } from '../helpers/debian-clients.js';
import { startGregor, uniqueName, type GregorProcess } from '../helpers/gregor-server.js';

const require = createRequire(import.meta.url);

const KEYS = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `${i}` : `ключ-${i}-🔑-${'x'.repeat(i % 7)}`));

describe('murmur2', () => {
  it("matches Kafka's UtilsTest vectors", () => {
    const cases: [Uint8Array, number][] = [
      [Buffer.from('21'), -973932308],
      [Buffer.from('foobar'), -790332482],
      [Buffer.from('a-little-bit-long-string'), -985981536],
      [Buffer.from('a-little-bit-longer-string'), -1486304829],
      [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
      [new Uint8Array([0x61, 0x62, 0x63]), 479470107],
    ];
    for (const [bytes, expected] of cases) expect(murmur2(bytes)).toBe(expected);
  });

  it('toPositive clears the sign bit as Utils.toPositive does', () => {
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });

  it("places keys where kafkajs's DefaultPartitioner does", () => {
    const { Partitioners } = require('kafkajs');
    const kjs = Partitioners.DefaultPartitioner();
    for (const n of [1, 3, 7, 12, 100]) {
      const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 1 }));
      for (const key of KEYS) {
        expect(partitionForKey(Buffer.from(key), n), `${key} over ${n}`).toBe(kjs({ topic: 't', partitionMetadata, message: { key } }));
      }
    }
  });
});

describe('sticky partitioner (KIP-794)', () => {
  it('stays on one partition until batch.size bytes went there and a batch closed, then moves elsewhere', () => {
    let r = 0;
    const sticky = new StickyPartitioner(1000, () => [0.1, 0.6, 0.9][r++ % 3]!);
    const first = sticky.partition(4);
    sticky.onAppend(600, false, 4);
    expect(sticky.partition(4)).toBe(first);
    sticky.onAppend(600, false, 4); // 1200 bytes but no batch completed yet
    expect(sticky.partition(4)).toBe(first);
    sticky.onAppend(100, true, 4);
    const second = sticky.partition(4);
    expect(second).not.toBe(first);
    sticky.onAppend(2000, false, 4); // twice batch.size: moves even without a completed batch
    expect(sticky.partition(4)).not.toBe(second);
  });

  it('only picks partitions that have a leader when some have none', () => {
    const sticky = new StickyPartitioner(10);
    for (let i = 0; i < 50; i++) {
      expect([1, 3]).toContain(sticky.partition(4, [1, 3]));
      sticky.onAppend(30, true, 4, [1, 3]);
    }
  });
});

describe('against librdkafka (confluent-kafka, partitioner murmur2_random)', () => {
  let gregor: GregorProcess;
  beforeAll(async () => {
    gregor = await startGregor(['--config', 'num.partitions=5']);
  });
  afterAll(async () => {
    await gregor?.stop();
  });

  it('puts each key on the partition gregor computes', (ctx) => {
    requireClient('confluent-kafka', ctx);
    const topic = uniqueName('murmur');
    const script = `
import json, sys
from confluent_kafka import Producer
keys = json.loads(sys.stdin.read())
p = Producer({'bootstrap.servers': sys.argv[1], 'partitioner': 'murmur2_random', 'linger.ms': 5})
out = {}
def report(err, msg):
    out[msg.key().decode('utf-8')] = -1 if err else msg.partition()
for k in keys:
    p.produce(sys.argv[2], key=k.encode('utf-8'), value=b'v', on_delivery=report)
p.flush(30)
print(json.dumps(out))
`;
    const res = spawnSync(DEBIAN_PYTHON, ['-c', script, gregor.bootstrap, topic], {
      input: JSON.stringify(KEYS),
      encoding: 'utf8',
      env: debianPythonEnv(),
      timeout: 60_000,
    });
    expect(res.status, res.stderr).toBe(0);
    const placed = JSON.parse(res.stdout) as Record<string, number>;
    expect(Object.keys(placed)).toHaveLength(KEYS.length);
    for (const key of KEYS) expect(placed[key], key).toBe(partitionForKey(Buffer.from(key), 5));
  });
});

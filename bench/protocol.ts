// Protocol codec throughput: decode + re-encode of the two messages that carry bulk data, beside a plain copy of
// the same bytes in the same run. Records stay opaque Buffer slices, so the cost must not grow with the number
// of records inside a batch: each case runs with 10 and with 10,000 records per 1 MiB batch.
// Run: npx tsx bench/protocol.ts
import { ApiKey, apis } from '../src/protocol/index.js';
import { buildRecordBatch } from '../src/protocol/records/index.js';

const MiB = 1 << 20;

function batchOf(records: number): Buffer {
  const valueSize = Math.floor(MiB / records) - 20;
  const value = Buffer.alloc(valueSize, 'x');
  return buildRecordBatch(Array.from({ length: records }, (_, i) => ({ key: null, value, timestamp: 1_700_000_000_000 + i })));
}

function measure(label: string, bytes: number, fn: () => void): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  let runs = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 1.5 || runs < 5) {
    fn();
    runs++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const mbps = (bytes * runs) / MiB / elapsed;
  console.log(`${label.padEnd(66)} ${mbps.toFixed(0).padStart(7)} MiB/s  (${((elapsed / runs) * 1e3).toFixed(2)} ms/op)`);
  return mbps;
}

const produce = apis[ApiKey.Produce];
const fetch = apis[ApiKey.Fetch];

for (const records of [10, 10_000]) {
  const batch = batchOf(records);
  console.log(`\n# ${records} records per batch (${(batch.length / MiB).toFixed(2)} MiB)`);

  const produceBody = produce.request.encode(11, {
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'bench', partitionData: [{ index: 0, records: batch }] }],
  });
  const copyRef = measure('reference: Buffer copy of a produce request', produceBody.length, () => {
    Buffer.from(produceBody);
  });
  const p = measure('Produce v11 request, 1 x 1 MiB batch: decode + encode', produceBody.length, () => {
    const m = produce.request.decode(11, produceBody);
    produce.request.encode(11, m);
  });
  console.log(`  ratio to copy: ${(p / copyRef).toFixed(2)}`);

  const fetchBody = fetch.response.encode(16, {
    responses: [
      {
        topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
        partitions: Array.from({ length: 100 }, (_, i) => ({ partitionIndex: i, highWatermark: 1000n, records: batch })),
      },
    ],
  });
  const copyRef2 = measure('reference: Buffer copy of a fetch response', fetchBody.length, () => {
    Buffer.from(fetchBody);
  });
  const f = measure('Fetch v16 response, 100 x 1 MiB: decode + encode (one buffer)', fetchBody.length, () => {
    const m = fetch.response.decode(16, fetchBody);
    fetch.response.encode(16, m);
  });
  console.log(`  ratio to copy: ${(f / copyRef2).toFixed(2)}`);
  measure('Fetch v16 response, 100 x 1 MiB: decode + encodeChunks (writev)', fetchBody.length, () => {
    const m = fetch.response.decode(16, fetchBody);
    fetch.response.encodeChunks(16, m);
  });
}

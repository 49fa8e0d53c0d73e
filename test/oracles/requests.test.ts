// ORACLE: requests encoded by clients we did not write (kafkajs 2.2.4, @platformatic/kafka 2.x) must decode with
// OUR codec to exactly what was given to the library, and re-encode (ours) to the library's very bytes.
//
// For every (API, version) a library can encode (see the inventory test), per case:
//   1. body  = library encoder(args)                                       (no size, no header)
//   2. ours.apis[k].request.decode(v, body) ⊇ expected                     (expected = case.ours(v), projected onto
//      version v by the Kafka JSON definition, every field of v present: requireAll)
//   3. ours.apis[k].request.encode(v, decoded)  === body  (byte-identical)  unless the case documents nonCanonical
//      ours.apis[k].request.encode(v, expected) === body  (encoding from the explicit object, too)
//   4. full frame: the library's own framing (kafkajs protocol/request.js; platformatic's real Connection to a
//      loopback socket) → ours.decodeRequestFrame(payload) → header fields + same body; and
//      ours.encodeRequestFrame(header, decoded) === library frame.
// Versions outside our apis[k] range are reported as skipped (not silently dropped).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as plt from './platformatic.js';
import * as kjs from './kafkajs.js';
import { loadOurs, covers, PROTOCOL_PATH } from './ours.js';
import { project, messageDef } from './schema.js';
import { expectSameBytes, clean } from './helpers.js';
import { LoopbackBroker } from './loopback.js';
import { platformaticRequestCases } from './cases/platformatic-requests.js';
import { kafkajsRequestCases } from './cases/kafkajs-requests.js';
import type { RequestCase } from './cases/types.js';
import { CLIENT_ID } from './fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ours = await loadOurs();
const apiName = (k: number) => messageDef(k, 'request', plt.versionsOf(k)[0] ?? kjs.inventory().find((e) => e.apiKey === k)!.versions[0]!).name.replace(/Request$/, '');

describe('inventory', () => {
  it('prints which (API, version) pairs each library implements', () => {
    const kj = new Map(kjs.inventory().map((e) => [e.apiKey, e.versions]));
    const pl = new Map(plt.inventory().map((e) => [e.apiKey, e.versions]));
    const keys = [...new Set([...kj.keys(), ...pl.keys()])].sort((a, b) => a - b);
    const fmt = (vs?: number[]) => {
      if (!vs || vs.length === 0) return '-';
      const runs: string[] = [];
      let s = vs[0]!, p = vs[0]!;
      for (const v of [...vs.slice(1), Infinity]) {
        if (v === p + 1) { p = v; continue; }
        runs.push(s === p ? `${s}` : `${s}-${p}`);
        s = p = v;
      }
      return runs.join(',');
    };
    const rows = keys.map((k) => {
      const o = ours?.apis[k];
      return `${String(k).padStart(3)} ${apiName(k).padEnd(30)} kafkajs ${fmt(kj.get(k)).padEnd(6)} platformatic ${fmt(pl.get(k)).padEnd(6)} ours ${o ? `${o.minVersion}-${o.maxVersion}` : '(module not loaded)'}`;
    });
    const total = (m: Map<number, number[]>) => [...m.values()].reduce((a, v) => a + v.length, 0);
    console.log(
      `oracle inventory (protocol module: ${ours ? PROTOCOL_PATH : 'missing'})\n` + rows.join('\n') +
        `\nkafkajs: ${kj.size} APIs, ${total(kj)} versions; platformatic: ${pl.size} APIs, ${total(pl)} versions`,
    );
    expect(kj.size).toBe(33);
    expect(pl.size).toBeGreaterThanOrEqual(60);
  });

  it('every (API, version) of each library has at least one request case', () => {
    const missing: string[] = [];
    for (const { apiKey, versions } of plt.inventory()) {
      for (const v of versions) {
        if (!platformaticRequestCases.some((c) => c.apiKey === apiKey && (c.versions?.(v) ?? true))) missing.push(`platformatic ${apiKey} v${v}`);
      }
    }
    for (const { apiKey, versions } of kjs.inventory()) {
      for (const v of versions) {
        if (!kafkajsRequestCases.some((c) => c.apiKey === apiKey && (c.versions?.(v) ?? true))) missing.push(`kafkajs ${apiKey} v${v}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

function title(c: RequestCase, v: number) {
  return `${apiName(c.apiKey)}(${c.apiKey}) v${v}${c.label ? ` [${c.label}]` : ''}`;
}

async function checkBody(lib: string, c: RequestCase, v: number, body: Buffer) {
  const o = ours!;
  const api = o.apis[c.apiKey]!;
  const expected = project(c.apiKey, 'request', v, await c.ours(v), { requireAll: true, optional: c.optional });
  let decoded: any;
  try {
    decoded = api.request.decode(v, body);
  } catch (e) {
    throw new Error(`${lib} ${title(c, v)}: our request.decode threw on the library's bytes ${body.toString('hex')}: ${String(e)}`);
  }
  expect(clean(decoded), `${lib} ${title(c, v)}: decoded`).toMatchObject(expected);
  const why = c.nonCanonical?.(v);
  if (!why) {
    expectSameBytes(api.request.encode(v, decoded), body, `${lib} ${title(c, v)}: ours.encode(decoded) vs library`);
    expectSameBytes(api.request.encode(v, expected), body, `${lib} ${title(c, v)}: ours.encode(expected) vs library`);
  } else {
    // not byte-canonical: re-encoding must at least decode to the same message
    expect(clean(api.request.decode(v, api.request.encode(v, decoded)))).toEqual(clean(decoded));
  }
  await c.check?.(decoded, v);
  return decoded;
}

describe.skipIf(!ours)('requests encoded by @platformatic/kafka, decoded by ours', () => {
  for (const c of platformaticRequestCases) {
    for (const v of plt.versionsOf(c.apiKey)) {
      if (c.versions && !c.versions(v)) continue;
      it.skipIf(!ours || !covers(ours, c.apiKey, v))(`body: ${title(c, v)}`, async () => {
        const body = await plt.encodeRequest(c.apiKey, v, await c.args(v));
        await checkBody('platformatic', c, v, body);
      });
    }
  }

  // Full frames through the library's real Connection (header v1 / v2 chosen by the library) to a loopback socket.
  describe('frames via platformatic Connection', () => {
    let broker: LoopbackBroker;
    beforeAll(async () => {
      broker = await LoopbackBroker.start();
    });
    afterAll(async () => broker?.close());
    const firstCase = new Map<number, RequestCase>();
    for (const c of platformaticRequestCases) if (!firstCase.has(c.apiKey)) firstCase.set(c.apiKey, c);
    for (const c of firstCase.values()) {
      for (const v of plt.versionsOf(c.apiKey)) {
        if (c.versions && !c.versions(v)) continue;
        it.skipIf(!ours || !covers(ours, c.apiKey, v))(`frame: ${title(c, v)}`, async () => {
          const o = ours!;
          broker.received.length = 0;
          broker.responder = () => null; // never answer: we only look at the request
          const conn = await plt.connect(broker.port, CLIENT_ID);
          try {
            const pending = plt.sendViaConnection(conn, c.apiKey, v, await c.args(v)).catch(() => undefined);
            await expect.poll(() => broker.received.length, { timeout: 3000 }).toBe(1);
            const payload = broker.received[0]!;
            const { header, body } = o.decodeRequestFrame(payload);
            expect(header).toMatchObject({ requestApiKey: c.apiKey, requestApiVersion: v, correlationId: 1, clientId: CLIENT_ID });
            const bareBody = await plt.encodeRequest(c.apiKey, v, await c.args(v));
            expect(clean(body)).toEqual(clean(o.apis[c.apiKey]!.request.decode(v, bareBody)));
            if (!c.nonCanonical?.(v)) {
              const frame = o.encodeRequestFrame({ apiKey: c.apiKey, apiVersion: v, correlationId: 1, clientId: CLIENT_ID }, body);
              expectSameBytes(frame, Buffer.concat([int32(payload.length), payload]), `platformatic ${title(c, v)}: encodeRequestFrame vs library frame`);
            }
            void pending;
          } finally {
            await plt.close(conn);
          }
        });
      }
    }
  });
});

describe.skipIf(!ours)('requests encoded by kafkajs, decoded by ours', () => {
  for (const c of kafkajsRequestCases) {
    const name = kjs.nameOf(c.apiKey);
    const versions = kjs.inventory().find((e) => e.apiKey === c.apiKey)!.versions;
    for (const v of versions) {
      if (c.versions && !c.versions(v)) continue;
      it.skipIf(!ours || !covers(ours, c.apiKey, v))(`body + frame: ${title(c, v)}`, async () => {
        const o = ours!;
        const enc = await kjs.encodeRequest(name, v, await c.args(v), { correlationId: 0x7fff0001, clientId: CLIENT_ID });
        const decoded = await checkBody('kafkajs', c, v, enc.body);
        // full frame from kafkajs/src/protocol/request.js
        const { header, body } = o.decodeRequestFrame(enc.frame.subarray(4));
        expect(enc.frame.readInt32BE(0)).toBe(enc.frame.length - 4);
        expect(header).toMatchObject({ requestApiKey: c.apiKey, requestApiVersion: v, correlationId: 0x7fff0001, clientId: CLIENT_ID });
        expect(clean(body)).toEqual(clean(decoded));
        if (!c.nonCanonical?.(v)) {
          const frame = o.encodeRequestFrame({ apiKey: c.apiKey, apiVersion: v, correlationId: 0x7fff0001, clientId: CLIENT_ID }, decoded);
          expectSameBytes(frame, enc.frame, `kafkajs ${title(c, v)}: encodeRequestFrame vs kafkajs request.js frame`);
        }
      });
    }
  }
});

function int32(n: number) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

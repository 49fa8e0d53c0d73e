// ORACLE: responses encoded by OUR codec must be parsed by clients we did not write (kafkajs 2.2.4,
// @platformatic/kafka 2.x) into exactly the values we encoded.
//
// For every (API, version) a library can decode, per case:
//   1. msg  = case.ours(v) projected onto version v by the Kafka JSON definition (every field of v present)
//   2. body = ours.apis[k].response.encode(v, msg)
//   3. parsed = library decoder(body); platformatic must consume every byte (Reader.remaining === 0)
//   4. libView(parsed) — the library's names mapped to ours by the case's explicit rename table — must EQUAL msg
//      minus the fields the case declares the library does not expose (case.notExposed(v), a documented list)
//   5. full frame: ours.encodeResponseFrame(k, v, correlationId, msg) is answered through a loopback socket to the
//      library's real Connection (platformatic: request + response header v0/v1 handling, correlation id matching;
//      kafkajs: Connection.processData); the library must deliver the same parsed values.
// Versions outside our apis[k] range are reported as skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as plt from './platformatic.js';
import * as kjs from './kafkajs.js';
import { loadOurs, covers } from './ours.js';
import { project, messageDef } from './schema.js';
import { clean, libView, omitPaths } from './helpers.js';
import { LoopbackBroker } from './loopback.js';
import { platformaticResponseCases } from './cases/platformatic-responses.js';
import { kafkajsResponseCases } from './cases/kafkajs-responses.js';
import { platformaticRequestCases } from './cases/platformatic-requests.js';
import { kafkajsRequestCases } from './cases/kafkajs-requests.js';
import type { ResponseCase } from './cases/types.js';
import { CLIENT_ID } from './fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ours = await loadOurs();
const apiName = (k: number, v: number) => messageDef(k, 'response', v).name.replace(/Response$/, '');
const title = (c: ResponseCase, v: number) => `${apiName(c.apiKey, v)}(${c.apiKey}) v${v}${c.label ? ` [${c.label}]` : ''}`;

/** strip _unknownTaggedFields (libraries skip unknown tags; they are never part of the comparison) */
function noUnknown<T>(o: T): T {
  const rec = (x: any): any => {
    if (Array.isArray(x)) return x.map(rec);
    if (x === null || typeof x !== 'object' || Buffer.isBuffer(x)) return x;
    const out: any = {};
    for (const [k, v] of Object.entries(x)) if (k !== '_unknownTaggedFields') out[k] = rec(v);
    return out;
  };
  return rec(o);
}

async function ourMessage(c: ResponseCase, v: number) {
  return project(c.apiKey, 'response', v, await c.ours(v), { requireAll: true, optional: c.optional });
}

function compare(lib: string, c: ResponseCase, v: number, parsed: any, msg: any) {
  const view = typeof c.view === 'function' ? c.view(v) : c.view;
  const got = clean(libView(c.apiKey, 'response', v, parsed, view));
  const want = clean(noUnknown(omitPaths(msg, c.notExposed?.(v) ?? [])));
  expect(got, `${lib} ${title(c, v)}: library-parsed values (mapped to our names) vs the message we encoded`).toEqual(want);
}

describe('response case coverage', () => {
  it('every (API, version) each library decodes has at least one response case', () => {
    const missing: string[] = [];
    for (const { apiKey, versions } of plt.inventory()) {
      for (const v of versions) if (!platformaticResponseCases.some((c) => c.apiKey === apiKey && (c.versions?.(v) ?? true))) missing.push(`platformatic ${apiKey} v${v}`);
    }
    for (const { apiKey, versions } of kjs.inventory()) {
      for (const v of versions) if (!kafkajsResponseCases.some((c) => c.apiKey === apiKey && (c.versions?.(v) ?? true))) missing.push(`kafkajs ${apiKey} v${v}`);
    }
    expect(missing).toEqual([]);
  });
});

describe.skipIf(!ours)('responses encoded by ours, parsed by @platformatic/kafka', () => {
  for (const c of platformaticResponseCases) {
    for (const v of plt.versionsOf(c.apiKey)) {
      if (c.versions && !c.versions(v)) continue;
      it.skipIf(!ours || !covers(ours, c.apiKey, v))(`body: ${title(c, v)}`, async () => {
        const o = ours!;
        const msg = await ourMessage(c, v);
        const body = o.apis[c.apiKey]!.response.encode(v, msg);
        const { parsed, remaining } = plt.decodeResponse(c.apiKey, v, body);
        expect(remaining, `platformatic ${title(c, v)}: bytes left unread after parseResponse (body ${body.toString('hex')})`).toBe(0);
        compare('platformatic', c, v, parsed, msg);
        await c.check?.(parsed, v, msg);
      });
    }
  }

  describe('frames via platformatic Connection (loopback)', () => {
    let broker: LoopbackBroker;
    beforeAll(async () => {
      broker = await LoopbackBroker.start();
    });
    afterAll(async () => broker?.close());
    const firstCase = new Map<number, ResponseCase>();
    for (const c of platformaticResponseCases) if (!firstCase.has(c.apiKey)) firstCase.set(c.apiKey, c);
    for (const c of firstCase.values()) {
      const req = platformaticRequestCases.find((r) => r.apiKey === c.apiKey && !r.label?.includes('acks=0'));
      for (const v of plt.versionsOf(c.apiKey)) {
        if (c.versions && !c.versions(v)) continue;
        if (!req || (req.versions && !req.versions(v))) continue;
        it.skipIf(!ours || !covers(ours, c.apiKey, v))(`frame: ${title(c, v)}`, async () => {
          const o = ours!;
          const msg = await ourMessage(c, v);
          broker.errors.length = 0;
          broker.responder = (payload) => {
            const { header } = o.decodeRequestFrame(payload);
            return o.encodeResponseFrame(c.apiKey, v, header.correlationId, msg);
          };
          const conn = await plt.connect(broker.port, CLIENT_ID);
          try {
            const { parsed } = await plt.sendViaConnection(conn, c.apiKey, v, await req.args(v));
            expect(broker.errors).toEqual([]);
            compare('platformatic (frame)', c, v, parsed, msg);
          } finally {
            await plt.close(conn);
          }
        });
      }
    }
  });
});

describe.skipIf(!ours)('responses encoded by ours, decoded by kafkajs', () => {
  for (const c of kafkajsResponseCases) {
    const name = kjs.nameOf(c.apiKey);
    const versions = kjs.inventory().find((e) => e.apiKey === c.apiKey)!.versions;
    for (const v of versions) {
      if (c.versions && !c.versions(v)) continue;
      it.skipIf(!ours || !covers(ours, c.apiKey, v))(`body: ${title(c, v)}`, async () => {
        const o = ours!;
        const msg = await ourMessage(c, v);
        const body = o.apis[c.apiKey]!.response.encode(v, msg);
        const parsed = await kjs.decodeResponse(name, v, body);
        compare('kafkajs', c, v, parsed, msg);
        await c.check?.(parsed, v, msg);
        // the frame as kafkajs's Connection.processData reads it
        const frame = o.encodeResponseFrame(c.apiKey, v, 0x01020304, msg);
        const viaFrame = await kjs.decodeResponseFrame(name, v, frame);
        expect(viaFrame.correlationId).toBe(0x01020304);
        compare('kafkajs (frame)', c, v, viaFrame.decoded, msg);
      });
    }
  }

  describe('frames via kafkajs Connection (loopback)', () => {
    let broker: LoopbackBroker;
    beforeAll(async () => {
      broker = await LoopbackBroker.start();
    });
    afterAll(async () => broker?.close());
    const firstCase = new Map<number, ResponseCase>();
    for (const c of kafkajsResponseCases) if (!firstCase.has(c.apiKey)) firstCase.set(c.apiKey, c);
    for (const c of firstCase.values()) {
      const name = kjs.nameOf(c.apiKey);
      const req = kafkajsRequestCases.find((r) => r.apiKey === c.apiKey);
      const versions = kjs.inventory().find((e) => e.apiKey === c.apiKey)!.versions;
      for (const v of versions) {
        if (c.versions && !c.versions(v)) continue;
        if (!req || (req.versions && !req.versions(v))) continue;
        it.skipIf(!ours || !covers(ours, c.apiKey, v))(`frame: ${title(c, v)}`, async () => {
          const o = ours!;
          const msg = await ourMessage(c, v);
          broker.errors.length = 0;
          broker.responder = (payload) => {
            const { header } = o.decodeRequestFrame(payload);
            return o.encodeResponseFrame(c.apiKey, v, header.correlationId, msg);
          };
          const conn = await kjs.connect(broker.port, CLIENT_ID);
          try {
            const parsed = await kjs.sendViaConnection(conn, name, v, await req.args(v));
            expect(broker.errors).toEqual([]);
            compare('kafkajs (frame)', c, v, parsed, msg);
          } finally {
            await conn.disconnect();
          }
        });
      }
    }
  });
});

import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { contains } from '../../src/protocol/generator/versions.js';
import { DecodeError } from '../../src/protocol/index.js';
import { generated, loadCodecs } from './codecs.js';
import { randomMessage, rng } from './random-message.js';

const codecs = await loadCodecs();
const cases = [...generated().messages].flatMap(([file, m]) => {
  const versions: number[] = [];
  for (let v = m.valid.lo; v <= m.valid.hi; v++) versions.push(v);
  return versions.map((v) => ({ file, m, v }));
});

describe('every message and version round-trips random values', () => {
  it('covers every API key 0-94 that Kafka still defines, request and response', () => {
    const files = [...generated().messages.keys()];
    expect(files.filter((f) => f.endsWith('-request.ts')).length).toBeGreaterThanOrEqual(85);
    expect(files.filter((f) => f.endsWith('-response.ts')).length).toBeGreaterThanOrEqual(85);
  });

  it.each(cases.map((c) => [`${c.m.name} v${c.v}`, c] as const))('%s', (_, { file, m, v }) => {
    const codec = codecs.get(file)!;
    for (let seed = 1; seed <= 8; seed++) {
      const next = rng(seed * 1000 + v);
      const msg = randomMessage(m, codec.make, v, next, { large: seed === 8 ? 0.5 : 0.02, unknownTags: true });
      const bytes = codec.encode(v, msg);
      const back = codec.decode(v, bytes);
      // vitest's deep equality is slow on large messages; it only runs to show the difference.
      if (!isDeepStrictEqual(back, msg)) expect(back, `seed ${seed}`).toEqual(msg);
      expect(codec.encode(v, back as never).equals(bytes), `seed ${seed}: re-encoding gives the same bytes`).toBe(true);
    }
  });
});

describe('defaults and partial input', () => {
  it.each(cases.filter((c) => c.v === c.m.valid.hi).map((c) => [`${c.m.name} v${c.v}`, c] as const))('%s: {} encodes as make()', (_, { file, v }) => {
    const codec = codecs.get(file)!;
    expect(codec.encode(v, {}).equals(codec.encode(v, codec.make() as never))).toBe(true);
    expect(codec.decode(v, codec.encode(v, {}))).toEqual(codec.make());
  });
});

describe('bad input gives a typed error, never a crash, a hang or a huge allocation', () => {
  // Every message at its lowest, first flexible and highest version.
  const sample = cases.filter(({ m, v }) => v === m.valid.lo || v === m.valid.hi || (m.flexible !== null && v === m.flexible.lo));

  it.each(sample.map((c) => [`${c.m.name} v${c.v}`, c] as const))('%s: every truncation', (_, { file, m, v }) => {
    const codec = codecs.get(file)!;
    const msg = randomMessage(m, codec.make, v, rng(v + 7), { large: 0, unknownTags: true });
    const bytes = codec.encode(v, msg);
    for (let cut = 0; cut < bytes.length; cut++) {
      let error: unknown;
      try {
        codec.decode(v, bytes.subarray(0, cut));
      } catch (e) {
        error = e;
      }
      expect(error, `cut at ${cut} of ${bytes.length}`).toBeInstanceOf(DecodeError);
    }
  });

  it.each(sample.map((c) => [`${c.m.name} v${c.v}`, c] as const))('%s: corrupted bytes', (_, { file, m, v }) => {
    const codec = codecs.get(file)!;
    const next = rng(v + 99);
    const msg = randomMessage(m, codec.make, v, next, { large: 0, unknownTags: false });
    const bytes = codec.encode(v, msg);
    for (let trial = 0; trial < 40 && bytes.length > 0; trial++) {
      const bad = Buffer.from(bytes);
      const at = Math.floor(next() * bad.length);
      // 0xff bytes make lengths negative or huge, 0x7f ones large.
      bad.fill(trial % 2 === 0 ? 0xff : 0x7f, at, Math.min(bad.length, at + 1 + (trial % 4)));
      try {
        codec.decode(v, bad);
      } catch (e) {
        expect(e, `trial ${trial} at ${at}`).toBeInstanceOf(DecodeError);
      }
    }
  });
});

describe('the merged definitions', () => {
  it('lay out every version exactly as its own file defines it', () => {
    expect(generated().problems).toEqual([]);
  });

  it('keep the versions Kafka 4.0 dropped', () => {
    const byName = new Map([...generated().messages.values()].map((m) => [m.name, m]));
    expect(byName.get('ProduceRequest')!.valid).toEqual({ lo: 0, hi: 13 });
    expect(byName.get('FetchResponse')!.valid).toEqual({ lo: 0, hi: 18 });
    expect(byName.get('OffsetCommitRequest')!.valid.lo).toBe(0);
    const name = byName.get('ProduceRequest')!.root.fields.find((f) => f.name === 'TopicData')!.struct!.fields[0]!;
    expect(name.name).toBe('Name');
    expect(contains(name.versions, 0) && contains(name.versions, 12) && !contains(name.versions, 13)).toBe(true);
  });
});

/**
 * The input parsers of `gregor produce`, fed the same input whole and cut at every possible place: a record split
 * across two reads must come out the same as one read in one piece.
 */
import { describe, expect, it } from 'vitest';
import { FormatParser, compileFormat } from '../../src/cli/produce/format-parser.js';
import { JsonLineParser, LineParser, parseAcross, type ParsedRecord, type RecordParser } from '../../src/cli/produce/record-parsers.js';

const show = (r: ParsedRecord) => ({
  topic: r.topic,
  partition: r.partition,
  key: r.key?.toString() ?? null,
  value: r.value?.toString() ?? null,
  headers: r.headers?.map((h) => [h.key, h.value?.toString() ?? null]),
  timestamp: r.timestamp,
});

/** Parses `input` delivered in the given pieces, as run.ts does (unused bytes joined with the next read's first line). */
function parseIn(make: () => RecordParser, pieces: Buffer[]): ReturnType<typeof show>[] {
  const parser = make();
  const out: ParsedRecord[] = [];
  let tail: Buffer = Buffer.alloc(0);
  for (const piece of pieces) {
    const rest = tail.length > 0 ? parseAcross(parser, tail, piece, out) : piece;
    tail = rest.subarray(parser.parse(rest, false, out));
  }
  if (tail.length > 0) parser.parse(tail, true, out);
  return out.map(show);
}

function everySplit(make: () => RecordParser, text: string): ReturnType<typeof show>[] {
  const input = Buffer.from(text);
  const whole = parseIn(make, [input]);
  for (let cut = 1; cut < input.length; cut++) {
    expect(parseIn(make, [input.subarray(0, cut), input.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
  }
  expect(parseIn(make, [...input].map((b) => Buffer.from([b]))), 'byte by byte').toEqual(whole);
  return whole;
}

describe('line input', () => {
  it('one value per line; the last line may lack its newline; empty lines are empty values', () => {
    expect(everySplit(() => new LineParser(), 'a\n\nbb\nccc').map((r) => r.value)).toEqual(['a', '', 'bb', 'ccc']);
    expect(everySplit(() => new LineParser(), 'a\nb\n').map((r) => r.value)).toEqual(['a', 'b']);
  });

  it('-K splits at the first delimiter (which may be longer than a byte); no delimiter: null key', () => {
    const got = everySplit(() => new LineParser('::'), 'k1::v1\nnone here\nk2::v::2\n::empty key\nlast::');
    expect(got.map((r) => [r.key, r.value])).toEqual([
      ['k1', 'v1'],
      [null, 'none here'],
      ['k2', 'v::2'],
      ['', 'empty key'],
      ['last', ''],
    ]);
  });
});

describe('--json input', () => {
  it('reads objects, skips blank lines, keeps headers in order', () => {
    const got = everySplit(() => new JsonLineParser(), '{"key":"k","value":"v","headers":[["a","1"],["a",null]]}\n\n{"value":null,"partition":2,"timestamp":5}\n');
    expect(got).toEqual([
      { key: 'k', value: 'v', headers: [['a', '1'], ['a', null]], topic: undefined, partition: undefined, timestamp: undefined },
      { key: null, value: null, headers: undefined, topic: undefined, partition: 2, timestamp: 5 },
    ]);
  });

  it('names the line of bad input', () => {
    expect(() => parseIn(() => new JsonLineParser(), [Buffer.from('{"value":"a"}\n[1]\n')])).toThrow('line 2: expected a JSON object like {"key":"k","value":"v"}');
    expect(() => parseIn(() => new JsonLineParser(), [Buffer.from('{"value":"a","partition":-1}\n')])).toThrow('line 1: "partition" must be a non-negative integer');
    expect(() => parseIn(() => new JsonLineParser(), [Buffer.from('{"headers":5}\n')])).toThrow('line 1: "headers" must be an object or a list of [key, value] pairs');
  });
});

describe('--format input (rpk)', () => {
  it('delimited fields, topic and partition', () => {
    const got = everySplit(() => new FormatParser('%t|%p|%k=%v\\n'), 'a|0|k=v\nb|12|x=y=z\n');
    expect(got.map((r) => [r.topic, r.partition, r.key, r.value])).toEqual([
      ['a', 0, 'k', 'v'],
      ['b', 12, 'x', 'y=z'],
    ]);
  });

  it('sizes read before a field: decimal, fixed width and binary', () => {
    expect(everySplit(() => new FormatParser('%K %k%V %v'), '3 a b5 hello2 k 1 !').map((r) => [r.key, r.value])).toEqual([
      ['a b', 'hello'],
      ['k ', '!'],
    ]);
    expect(everySplit(() => new FormatParser('%K{2}%k%V{2}%v'), '03abc02xy').map((r) => [r.key, r.value])).toEqual([['abc', 'xy']]);
    const binary = Buffer.concat([Buffer.from([0, 2]), Buffer.from('hi'), Buffer.from([0, 0, 0, 3]), Buffer.from('abc')]);
    expect(parseIn(() => new FormatParser('%K{big16}%k%V{big32}%v'), [binary]).map((r) => [r.key, r.value])).toEqual([['hi', 'abc']]);
  });

  it('headers: %H of them in %h{…}', () => {
    const got = everySplit(() => new FormatParser('%H %h{%k:%v,}%v\\n'), '2 a:1,b:,val\n0 plain\n');
    expect(got.map((r) => [r.headers, r.value])).toEqual([
      [[['a', '1'], ['b', '']], 'val'],
      [[], 'plain'],
    ]);
  });

  it('escapes and literal percent signs', () => {
    expect(everySplit(() => new FormatParser('%k\\t%v\\x00%%'), 'a\tb\u0000%c\td\u0000%').map((r) => [r.key, r.value])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('says what is wrong with a format', () => {
    expect(() => compileFormat('%k %v %z')).toThrow('bad format "%k %v %z": unknown field %z');
    expect(() => compileFormat('%k')).toThrow('no %v: a record needs a value');
    expect(() => compileFormat('%k%v')).toThrow('%k must be followed by literal text or have its size (%K) before it');
    expect(() => compileFormat('%h{%k=%v;}%v')).toThrow('%h{…} needs the number of headers (%H) before it');
    expect(() => compileFormat('%H %h{%k=%v;%v')).toThrow('%h{ without its closing }');
    expect(() => compileFormat('%K{big12}%k%v')).toThrow('unknown number modifier {big12}');
    expect(() => compileFormat('%v\\q')).toThrow('unknown escape "\\q"');
    expect(() => compileFormat('%v%')).toThrow('ends with a lone %');
  });

  it('says where input does not match', () => {
    expect(() => parseIn(() => new FormatParser('%p %v\\n'), [Buffer.from('1 a\nx b\n')])).toThrow('record 2: %p must be a number, not "x"');
    expect(() => parseIn(() => new FormatParser('[%v]\\n'), [Buffer.from('[a]\n(b)\n')])).toThrow('record 2 does not match the format: expected "[" at byte 4');
  });
});

import { describe, expect, it } from 'vitest';
import { readGeneratedOnDisk } from '../../src/protocol/generator/main.js';
import { generated } from './codecs.js';

describe('the checked-in generated code', () => {
  it('is what `npm run generate` makes from ../shared/kafka-protocol', () => {
    const want = generated().files;
    const have = readGeneratedOnDisk();
    const stale = [...want].filter(([file, content]) => have.get(file) !== content).map(([file]) => file);
    const extra = [...have.keys()].filter((file) => !want.has(file));
    expect({ stale, extra }, 'run `npm run generate` and commit the result').toEqual({ stale: [], extra: [] });
  });
});

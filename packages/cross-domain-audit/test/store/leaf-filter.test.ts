import { merkleLeafHash, seededRandom } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeafFilter } from '../../src/store/leaf-filter.js';

const leafHash = (n: number, tag = 'in') => merkleLeafHash(new TextEncoder().encode(`${tag} ${n}`));

describe('LeafFilter', () => {
  it('never says "certainly not" of a hash it holds, whatever the hashes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 300 }), (hashes) => {
        const filter = new LeafFilter();
        for (const h of hashes) filter.add(h);
        expect(filter.count).toBe(hashes.length);
        for (const h of hashes) expect(filter.mayHave(h)).toBe(true);
      }),
    );
  });

  it('grows by segments past its first 65,536 hashes and keeps false positives near 1 %', () => {
    const filter = new LeafFilter();
    const n = 200_000; // three segments: 65,536 + 131,072 + part of 262,144
    for (let i = 0; i < n; i++) filter.add(leafHash(i));
    for (let i = 0; i < n; i += 997) expect(filter.mayHave(leafHash(i))).toBe(true);
    let positives = 0;
    const trials = 50_000;
    for (let i = 0; i < trials; i++) if (filter.mayHave(leafHash(i, 'out'))) positives++;
    // Each full segment answers a stranger wrongly about 0.8 % of the time; three segments stay under 3 %.
    expect(positives / trials).toBeLessThan(0.03);
  });

  it('answers "certainly not" for an empty filter', () => {
    expect(new LeafFilter().mayHave(seededRandom('leaf-filter').bytes(32))).toBe(false);
  });
});

import { bytesEqual } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstCopies } from '../../src/log/batch-copies.js';

/** What firstCopies must answer, by a linear search. */
const expected = (hashes: readonly Uint8Array[]) => hashes.map((h) => hashes.findIndex((x) => bytesEqual(x, h)));

/** A 32-byte hash whose first four bytes (the probe start) are `start` and whose last byte is `tail`. */
function hashOf(start: number, tail: number): Uint8Array {
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(0, start, true);
  h[31] = tail;
  return h;
}

describe('firstCopies', () => {
  it('finds the first copy of each hash, also among hashes that share their probe start', () => {
    fc.assert(
      fc.property(
        // Few starts and few tails: many hashes share a start without being equal, and many repeat.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), { maxLength: 200 }),
        (pairs) => {
          const hashes = pairs.map(([s, t]) => hashOf(s * 0x1000_0001, t));
          expect(firstCopies(hashes)).toEqual(expected(hashes));
        },
      ),
    );
  });

  it('holds batches larger than its first table, and answers each call afresh', () => {
    const big = Array.from({ length: 5_000 }, (_, i) => hashOf(i * 2_654_435_761, i % 7));
    const withCopies = [...big, ...big.slice(0, 300)];
    expect(firstCopies(withCopies)).toEqual(expected(withCopies));
    // A smaller batch after the big one finds nothing the big one left behind.
    const small = big.slice(4_000, 4_010);
    expect(firstCopies(small)).toEqual(small.map((_, i) => i));
  });
});

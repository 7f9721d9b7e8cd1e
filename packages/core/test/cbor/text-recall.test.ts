import { decodeCbor, encodeCbor } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Short ASCII text is recalled from the strings decoded before: what comes back must always be the text encoded,
// whichever texts came before it and whichever share its slot.
describe('decoding text the decoder has read before', () => {
  it('gives each text back exactly, in any order and with any repeats (property)', () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      maxLength: 70,
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(ascii, fc.string({ maxLength: 20 })), { maxLength: 40 }), (texts) => {
        for (const text of [...texts, ...texts.reverse()]) expect(decodeCbor(encodeCbor(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart texts of the same length and bytes in another order', () => {
    for (const text of ['ab', 'ba', 'ab', 'abc', 'acb', 'x'.repeat(64), `${'x'.repeat(63)}y`, 'x'.repeat(64)]) {
      expect(decodeCbor(encodeCbor(text))).toBe(text);
    }
  });

  it('tells apart texts that share a hash, two or three of them taking turns', () => {
    // Three texts with one hash of the recall table, two with another, and three that differ only in the middle.
    const sharing = ['level', 'role-am', 'role-an', 'task-dispense-3', 'role'];
    sharing.push('spiffe://a.example/x', 'spiffe://b.example/x', 'spiffe://c.example/x');
    for (let round = 0; round < 3; round++) {
      for (const text of sharing) expect(decodeCbor(encodeCbor(text))).toBe(text);
      for (const text of sharing.toReversed()) expect(decodeCbor(encodeCbor(text))).toBe(text);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom, uniformSource } from '../../src/index.js';

describe('uniformSource', () => {
  it('takes 53 bits from each 8 bytes of the source, in order, across block boundaries', () => {
    const bytes = seededRandom('uniform').bytes(8 * 600);
    const view = new DataView(bytes.buffer);
    // Read as 64-bit big-endian words: the top 27 bits of the high half, then the top 26 of the low half, over 2^53.
    const expected = Array.from({ length: 600 }, (_, i) => {
      const w = view.getBigUint64(i * 8);
      return Number(((w >> 37n) << 26n) | ((w & 0xffff_ffffn) >> 6n)) / 2 ** 53;
    });
    const uniform = uniformSource(seededRandom('uniform'));
    expect(Array.from({ length: 600 }, uniform)).toEqual(expected);
  });

  it('stays in [0, 1), also for all-zero and all-one sources', () => {
    expect(uniformSource({ bytes: (n) => new Uint8Array(n) })()).toBe(0);
    const top = uniformSource({ bytes: (n) => new Uint8Array(n).fill(255) })();
    expect(top).toBeLessThan(1);
    expect(top).toBe(1 - 2 ** -53);
  });
});

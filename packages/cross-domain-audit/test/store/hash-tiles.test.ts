import { describe, expect, it } from 'vitest';
import { HashTiles } from '../../src/store/hash-tiles.js';

/** A hash that names its place: level and index in its first bytes, so a misplaced read shows which one it got. */
function hashOf(level: number, index: number): Uint8Array {
  const h = new Uint8Array(32).fill(0xa5);
  new DataView(h.buffer).setUint32(0, level);
  new DataView(h.buffer).setUint32(4, index);
  h[31] = (level * 31 + index) & 0xff;
  return h;
}

describe('HashTiles', () => {
  // 5,000 leaves: levels 0–12, tiles of rows 0–2, partial tiles at every level's end.
  const leaves = 5_000;
  const tiles = new HashTiles();
  const counts: number[] = [];
  for (let level = 0, n = leaves; n >= 1; level++, n = Math.floor(n / 2)) {
    counts.push(n);
    for (let index = 0; index < n; index++) tiles.push(level, index, hashOf(level, index));
  }

  it('gives back every hash it holds, at every level, however they share tiles', () => {
    counts.forEach((n, level) => {
      const ids = Array.from({ length: n }, (_, index) => ({ level, index }));
      expect(tiles.read(ids)).toEqual(ids.map((id) => hashOf(id.level, id.index)));
    });
    // A proof's reads: one per level, from tiles of every row, in any order.
    const path = counts.map((n, level) => ({ level, index: (n * 7) >> 3 })).reverse();
    expect(tiles.read(path)).toEqual(path.map((id) => hashOf(id.level, id.index)));
  });

  it('gives copies: changing one leaves the stored hash alone', () => {
    const [copy] = tiles.read([{ level: 3, index: 7 }]);
    copy!.fill(0);
    expect(tiles.read([{ level: 3, index: 7 }])).toEqual([hashOf(3, 7)]);
  });

  it('refuses a hash written out of order, and one not stored, with the store code', () => {
    const fresh = new HashTiles();
    expect(() => fresh.push(0, 1, hashOf(0, 1))).toThrow(expect.objectContaining({ code: 'ERR_AU_STORE_FAILED' }));
    fresh.push(0, 0, hashOf(0, 0));
    expect(() => fresh.push(0, 0, hashOf(0, 0))).toThrow(expect.objectContaining({ code: 'ERR_AU_STORE_FAILED' }));
    expect(() => fresh.read([{ level: 0, index: 1 }])).toThrow(
      expect.objectContaining({ code: 'ERR_AU_STORE_FAILED' }),
    );
    expect(() =>
      fresh.read([
        { level: 0, index: 0 },
        { level: 7, index: 0 },
      ]),
    ).toThrow(expect.objectContaining({ code: 'ERR_AU_STORE_FAILED' }));
  });
});

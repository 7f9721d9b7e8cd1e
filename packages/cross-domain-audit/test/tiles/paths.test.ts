import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTilePath, tileIndexPath, tilePath, tileWidthAt } from '../../src/tiles/paths.js';

describe('tlog-tiles paths', () => {
  it('writes indices in 3-digit elements, all but the last prefixed with x (C2SP examples)', () => {
    expect(tileIndexPath(1_234_067)).toBe('x001/x234/067');
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(255)).toBe('255');
    expect(tileIndexPath(256)).toBe('256');
    expect(tileIndexPath(1000)).toBe('x001/000');
    expect(tileIndexPath(123_456_078)).toBe('x123/x456/078');
    expect(tilePath({ level: 0, index: 1_234_067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 1, index: 1, width: 17 })).toBe('tile/1/001.p/17');
    expect(tilePath({ level: 'entries', index: 273, width: 112 })).toBe('tile/entries/273.p/112');
  });

  it('parses the paths it writes and nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 63 }), fc.constant('entries' as const)),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const tile = { level, index, width };
          expect(parseTilePath(tilePath(tile))).toEqual(tile);
        },
      ),
    );
    // Go's tlog fuzz seeds in the C2SP form (no height element).
    expect(parseTilePath('tile/5/x123/x456/078')).toEqual({ level: 5, index: 123_456_078, width: 256 });
    expect(parseTilePath('tile/5/x123/x456/078.p/2')).toEqual({ level: 5, index: 123_456_078, width: 2 });
    expect(parseTilePath('tile/0/x003/x057/500')).toEqual({ level: 0, index: 3_057_500, width: 256 });
    for (const bad of [
      'tile/5/123/456/078',
      'tile/-1/000',
      'tile/64/000',
      'tile/01/000',
      'tile/0/1000',
      'tile/0/00',
      'tile/0/x000/001',
      'tile/0/001/x002',
      'tile/0/000.p/256',
      'tile/0/000.p/0',
      'tile/0/000.p/01',
      'tile/0/000.p/',
      'tile/entries/x001',
      'tile/data/000',
      'tile/0/000/',
      '/tile/0/000',
      'tile/0/000.p/5/',
    ]) {
      expect(parseTilePath(bad), bad).toBeUndefined();
    }
  });

  it('gives the tiles of a tree of 70,000 and of 256 entries as C2SP lists them', () => {
    const size = 70_000;
    const full0 = Array.from({ length: 300 }, (_, n) => tileWidthAt(0, n, size)).filter((w) => w === 256).length;
    expect(full0).toBe(273);
    expect(tileWidthAt(0, 273, size)).toBe(112);
    expect(tileWidthAt(0, 274, size)).toBe(0);
    expect(tileWidthAt('entries', 273, size)).toBe(112);
    expect(tileWidthAt(1, 0, size)).toBe(256);
    expect(tileWidthAt(1, 1, size)).toBe(17);
    expect(tileWidthAt(2, 0, size)).toBe(1);
    expect(tileWidthAt(3, 0, size)).toBe(0);
    expect(tileWidthAt(0, 0, 256)).toBe(256);
    expect(tileWidthAt(1, 0, 256)).toBe(1);
    expect(tileWidthAt(0, 1, 256)).toBe(0);
  });
});

/** Hashes in a full tile, and entries in a full entry bundle (`tlog-tiles`: tiles of height 8). */
export const TILE_WIDTH = 256;
const TILE_HEIGHT = 8;

/** A tile: `level` 0–63 of hash tiles, or `'entries'` for an entry bundle; `width` 1–256 (256 is a full tile). */
export interface TileRef {
  readonly level: number | 'entries';
  readonly index: number;
  readonly width: number;
}

/** `<N>` of a tile path: 3-digit elements, all but the last prefixed with `x` (1234067 → `x001/x234/067`). */
export function tileIndexPath(index: number): string {
  const digits = String(index);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = padded.match(/.{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The path of a tile under the log's prefix: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`. */
export function tilePath(tile: TileRef): string {
  const suffix = tile.width < TILE_WIDTH ? `.p/${tile.width}` : '';
  return `tile/${tile.level}/${tileIndexPath(tile.index)}${suffix}`;
}

const PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/** The tile a path names, or undefined for anything that is not exactly one canonical tile path. */
export function parseTilePath(path: string): TileRef | undefined {
  const m = PATH.exec(path);
  if (!m) return undefined;
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > 63) return undefined;
  const groups = [...(m[2]!.match(/[0-9]{3}/g) ?? []), m[3]!];
  // One path per index: no leading all-zero group (`x000/001` is `001`).
  if (groups.length > 1 && groups[0] === '000') return undefined;
  const index = Number(groups.join(''));
  const width = m[4] === undefined ? TILE_WIDTH : Number(m[4]);
  if (!Number.isSafeInteger(index) || (m[4] !== undefined && width >= TILE_WIDTH)) return undefined;
  return { level, index, width };
}

/** The tree level whose hashes a tile of tile level `level` holds (entry bundles: the leaves). */
export function hashLevelOf(level: number | 'entries'): number {
  return level === 'entries' ? 0 : level * TILE_HEIGHT;
}

/** How many hashes tile `index` of `level` holds in a tree of `size` entries: 0 when it does not exist yet. */
export function tileWidthAt(level: number | 'entries', index: number, size: number): number {
  const hashes = Math.floor(size / 2 ** hashLevelOf(level));
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH));
}

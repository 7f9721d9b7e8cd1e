import { concatBytes, joinBytes, type SqliteDatabase, type SqliteStatement } from '@safety-net/core';
import { auError } from '../errors.js';
import type { StoredHash } from '../log/subtrees.js';
import { decodeEntryBundle, encodeEntryBundle } from '../tiles/entry-bundle.js';
import { TILE_WIDTH } from '../tiles/paths.js';
import { bytesOf } from './sqlite-open.js';

const HASH = 32;
/**
 * The level of a bundle's own root (2^8 = 256 leaves), and the lowest level of interior hash stored: a tile's height,
 * so every tile is stored as it is served. The hashes of levels 1–7 (127 of every 128 interior hashes) are recomputed
 * from at most 128 leaf hashes when read: writing them cost an append more than writing its entries.
 */
export const BUNDLE_LEVEL = 8;

/** The bundle whose last leaf completes the subtree `level`/`index` (level 8 or more). */
const completedBy = (level: number, index: number) => (index + 1) * 2 ** (level - BUNDLE_LEVEL) - 1;

/** How many subtree hashes (of levels 8, 9, …) the last leaf of `bundle` completes: one more than its trailing ones. */
function spineLength(bundle: number): number {
  let n = 1;
  for (let b = bundle + 1; b % 2 === 0; b /= 2) n++;
  return n;
}

interface BundleRow {
  bundle: number;
  leaf_hashes: Buffer;
  entries?: Buffer;
}

/** The entries of a bundle row, as many as its leaf hashes; a row that does not hold them is a damaged store. */
function bundleEntries(row: BundleRow): Uint8Array[] {
  try {
    return decodeEntryBundle(bytesOf(row.entries!), row.leaf_hashes.length / HASH);
  } catch (e) {
    throw auError('ERR_AU_STORE_FAILED', `bundle ${row.bundle} holds a broken entry bundle`, { cause: e });
  }
}

/**
 * The log's entries and hashes as `tlog-tiles` serves them (spec §5.7): one row per 256 entries holding their
 * level-0 tile (the leaf hashes back to back), their entry bundle and, once the bundle is complete, its **spine**:
 * the hashes of levels 8 and up that its last leaf completes (level 8 + j for j up to the trailing ones of the bundle
 * number). A batch writes a row per bundle it touches, not per entry or hash; the one partial bundle at the end of
 * the log is rewritten whole as it fills. Levels 1–7 are not stored: they are recomputed from the leaf hashes.
 */
export class SqliteEntryBundles {
  readonly #insert: SqliteStatement;
  readonly #update: SqliteStatement;
  readonly #one: SqliteStatement;
  readonly #hashes: SqliteStatement;
  readonly #entries: SqliteStatement;
  readonly #spine: SqliteStatement;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare('INSERT INTO au_log_bundle (bundle, spine, leaf_hashes, entries) VALUES (?, ?, ?, ?)');
    this.#update = db.prepare('UPDATE au_log_bundle SET spine = ?, leaf_hashes = ?, entries = ? WHERE bundle = ?');
    this.#spine = db.prepare('SELECT spine FROM au_log_bundle WHERE bundle = ?');
    this.#one = db.prepare('SELECT leaf_hashes, entries FROM au_log_bundle WHERE bundle = ?');
    this.#hashes = db.prepare(
      'SELECT bundle, leaf_hashes FROM au_log_bundle WHERE bundle >= ? AND bundle < ? ORDER BY bundle',
    );
    this.#entries = db.prepare(
      'SELECT bundle, leaf_hashes, entries FROM au_log_bundle WHERE bundle >= ? AND bundle < ? ORDER BY bundle',
    );
  }

  /**
   * Writes the entries from index `first` (the log's size), their leaf hashes, and the hashes of levels 8 and up
   * among `completed` (those the batch completes).
   */
  write(
    first: number,
    entries: readonly Uint8Array[],
    leafHashes: readonly Uint8Array[],
    completed: readonly StoredHash[],
  ): void {
    const spines = new Map<number, Uint8Array[]>();
    for (const h of completed) {
      if (h.level < BUNDLE_LEVEL) continue;
      const bundle = completedBy(h.level, h.index);
      const spine = spines.get(bundle) ?? [];
      spine[h.level - BUNDLE_LEVEL] = h.hash;
      spines.set(bundle, spine);
    }
    for (let at = 0; at < entries.length; ) {
      const index = first + at;
      const bundle = Math.floor(index / TILE_WIDTH);
      const offset = index % TILE_WIDTH;
      const to = Math.min(entries.length, at + TILE_WIDTH - offset);
      const hashes = joinBytes(leafHashes.slice(at, to));
      const bundled = encodeEntryBundle(entries.slice(at, to));
      const spine = offset + to - at === TILE_WIDTH ? this.#spineOf(bundle, spines.get(bundle) ?? []) : null;
      if (offset === 0) {
        this.#insert.run(bundle, spine, hashes, bundled);
      } else {
        const row = this.#one.get(bundle) as { leaf_hashes: Buffer; entries: Buffer } | undefined;
        if (row?.leaf_hashes.length !== offset * HASH) {
          throw auError('ERR_AU_STORE_FAILED', `entry bundle ${bundle} does not end at entry ${index}`);
        }
        this.#update.run(spine, concatBytes(row.leaf_hashes, hashes), concatBytes(row.entries, bundled), bundle);
      }
      at = to;
    }
  }

  /** The hash of the subtree `level`/`index` (level 8 or more), if its last bundle is stored complete. */
  hash(level: number, index: number): Uint8Array | undefined {
    const row = this.#spine.get(completedBy(level, index)) as { spine: Buffer | null } | undefined;
    const at = (level - BUNDLE_LEVEL) * HASH;
    return row?.spine && at < row.spine.length ? bytesOf(row.spine).subarray(at, at + HASH) : undefined;
  }

  /** The spine of a complete bundle: every hash its last leaf completes, or the batch is not the log's. */
  #spineOf(bundle: number, hashes: readonly Uint8Array[]): Uint8Array {
    const length = spineLength(bundle);
    if (hashes.length !== length || hashes.includes(undefined as never)) {
      throw auError('ERR_AU_STORE_FAILED', `bundle ${bundle} completes ${length} subtrees, the batch names others`);
    }
    return joinBytes(hashes);
  }

  /** The leaf hashes of the entries from `from` up to (at most) `to`: fewer when the log ends before `to`. */
  leafHashes(from: number, to: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.#read(this.#hashes, from, to, (row, start, end) => {
      const tile = bytesOf(row.leaf_hashes);
      for (let i = start; i < end; i++) out.push(tile.subarray(i * HASH, (i + 1) * HASH));
    });
    return out;
  }

  /** The entries from `from` up to (at most) `to`: fewer when the log ends before `to`. */
  entries(from: number, to: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.#read(this.#entries, from, to, (row, start, end) => {
      out.push(...bundleEntries(row).slice(start, end));
    });
    return out;
  }

  /**
   * Calls `take` with each bundle holding entries from `from` to `to` and the offsets of those entries in it, in
   * order, up to the first bundle missing or partial.
   */
  #read(
    query: SqliteStatement,
    from: number,
    to: number,
    take: (row: BundleRow, start: number, end: number) => void,
  ): void {
    let next = from;
    for (const row of query.all(Math.floor(from / TILE_WIDTH), Math.ceil(to / TILE_WIDTH)) as BundleRow[]) {
      if (row.leaf_hashes.length % HASH !== 0 || row.leaf_hashes.length > TILE_WIDTH * HASH) {
        throw auError('ERR_AU_STORE_FAILED', `bundle ${row.bundle} holds a broken level-0 tile`);
      }
      const base = row.bundle * TILE_WIDTH;
      if (base > next) return;
      const end = Math.min(to - base, row.leaf_hashes.length / HASH);
      take(row, next - base, end);
      next = base + end;
      if (next < Math.min(to, base + TILE_WIDTH)) return;
    }
  }
}

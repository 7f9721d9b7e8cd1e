import { concatBytes, type SqliteDatabase, type SqliteStatement } from '@safety-net/core';
import { auError } from '../errors.js';
import { decodeEntryBundle, encodeEntryBundle } from '../tiles/entry-bundle.js';
import { TILE_WIDTH } from '../tiles/paths.js';

const HASH = 32;

interface BundleRow {
  bundle: number;
  leaf_hashes: Buffer;
  entries?: Buffer;
}

const bytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/**
 * The log's entries and leaf hashes as `tlog-tiles` serves them (spec §5.7): one row per 256 entries holding their
 * level-0 tile (the leaf hashes back to back) and their entry bundle. A batch writes a row per bundle it touches,
 * not per entry; the one partial bundle at the end of the log is rewritten whole as it fills.
 */
export class SqliteEntryBundles {
  readonly #insert: SqliteStatement;
  readonly #update: SqliteStatement;
  readonly #one: SqliteStatement;
  readonly #hashes: SqliteStatement;
  readonly #entries: SqliteStatement;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare('INSERT INTO au_log_bundle (bundle, leaf_hashes, entries) VALUES (?, ?, ?)');
    this.#update = db.prepare('UPDATE au_log_bundle SET leaf_hashes = ?, entries = ? WHERE bundle = ?');
    this.#one = db.prepare('SELECT leaf_hashes, entries FROM au_log_bundle WHERE bundle = ?');
    this.#hashes = db.prepare(
      'SELECT bundle, leaf_hashes FROM au_log_bundle WHERE bundle >= ? AND bundle < ? ORDER BY bundle',
    );
    this.#entries = db.prepare(
      'SELECT bundle, leaf_hashes, entries FROM au_log_bundle WHERE bundle >= ? AND bundle < ? ORDER BY bundle',
    );
  }

  /** Writes the entries from index `first` (the log's size) and their leaf hashes. */
  write(first: number, entries: readonly Uint8Array[], leafHashes: readonly Uint8Array[]): void {
    for (let at = 0; at < entries.length; ) {
      const index = first + at;
      const bundle = Math.floor(index / TILE_WIDTH);
      const offset = index % TILE_WIDTH;
      const to = Math.min(entries.length, at + TILE_WIDTH - offset);
      const hashes = concatBytes(...leafHashes.slice(at, to));
      const bundled = encodeEntryBundle(entries.slice(at, to));
      if (offset === 0) {
        this.#insert.run(bundle, hashes, bundled);
      } else {
        const row = this.#one.get(bundle) as { leaf_hashes: Buffer; entries: Buffer } | undefined;
        if (row?.leaf_hashes.length !== offset * HASH) {
          throw auError('ERR_AU_STORE_FAILED', `entry bundle ${bundle} does not end at entry ${index}`);
        }
        this.#update.run(concatBytes(row.leaf_hashes, hashes), concatBytes(row.entries, bundled), bundle);
      }
      at = to;
    }
  }

  /** The leaf hashes of the entries from `from` up to (at most) `to`: fewer when the log ends before `to`. */
  leafHashes(from: number, to: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.#read(this.#hashes, from, to, (row, start, end) => {
      const tile = bytes(row.leaf_hashes);
      for (let i = start; i < end; i++) out.push(tile.subarray(i * HASH, (i + 1) * HASH));
    });
    return out;
  }

  /** The entries from `from` up to (at most) `to`: fewer when the log ends before `to`. */
  entries(from: number, to: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.#read(this.#entries, from, to, (row, start, end) => {
      out.push(...decodeEntryBundle(bytes(row.entries!), row.leaf_hashes.length / HASH).slice(start, end));
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
      const base = row.bundle * TILE_WIDTH;
      if (base > next) return;
      const end = Math.min(to - base, row.leaf_hashes.length / HASH);
      take(row, next - base, end);
      next = base + end;
      if (next < Math.min(to, base + TILE_WIDTH)) return;
    }
  }
}

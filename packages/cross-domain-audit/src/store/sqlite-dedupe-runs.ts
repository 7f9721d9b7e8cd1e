import type { SqliteDatabase, SqliteStatement } from '@safety-net/core';
import { grown } from '../log/grown.js';

const HASH = 32;
/** Bytes of a leaf hash an item keeps: a lookup confirms a match against the entry's own leaf hash. */
const PREFIX = 10;
/** An item of a run: a leaf hash's first {@link PREFIX} bytes, then its entry's index as a big-endian uint48. */
export const ITEM = 16;
/** Items per block (more when a prefix's items would straddle two): a block is one row, a run n / 256 of them. */
export const BLOCK_ITEMS = 256;
/** Most blocks a merge reads from each of its runs at a time: its memory is bounded whatever the runs' sizes. */
const READ_BLOCKS = 64;
/** Buckets of a run's first sorting pass: one per value of a hash's first two bytes. */
const BUCKETS = 65_536;
/** Largest bucket sorted by insertion. */
const INSERTION_SORT_MAX = 16;

interface BlockRow {
  first: Buffer;
  items: Buffer;
}

/** Unsigned byte order of the first `length` bytes at `a[i..]` and `b[j..]` (that of SQLite's BLOB comparison). */
function compareAt(a: Uint8Array, i: number, b: Uint8Array, j: number, length: number): number {
  for (let k = 0; k < length; k++) {
    const d = a[i + k]! - b[j + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Copies `length` bytes: a loop, where `TypedArray.set` costs a call more than 16 bytes do. */
function copy(from: Uint8Array, at: number, to: Uint8Array, into: number, length: number): void {
  for (let k = 0; k < length; k++) to[into + k] = from[at + k]!;
}

function writeIndex(items: Uint8Array, at: number, index: number): void {
  const high = Math.floor(index / 2 ** 32);
  items[at] = high >>> 8;
  items[at + 1] = high;
  for (let k = 0; k < 4; k++) items[at + 2 + k] = index >>> (24 - 8 * k);
}

function readIndex(items: Uint8Array, at: number): number {
  let index = 0;
  for (let k = 0; k < ITEM - PREFIX; k++) index = index * 256 + items[at + k]!;
  return index;
}

/** Sorts `order[from..to)`; faster than `sort` for the few items of a bucket. */
function insertionSort(order: Uint32Array, from: number, to: number, compare: (a: number, b: number) => number): void {
  for (let i = from + 1; i < to; i++) {
    const item = order[i]!;
    let j = i - 1;
    for (; j >= from && compare(order[j]!, item) > 0; j--) order[j + 1] = order[j]!;
    order[j + 1] = item;
  }
}

/**
 * The items of `leafHashes` (back to back, those of the entries from `first` on), sorted by hash: counted into
 * buckets by their first two bytes (uniform, so a run of the default size has about one hash per bucket), each bucket
 * then sorted on the whole hash. The hashes are read in place, in order, and each copied once: gathering them from
 * scattered arrays cost more than sorting did.
 */
export function sortedItems(first: number, leafHashes: Uint8Array): Uint8Array {
  const n = leafHashes.length / HASH;
  const bucketOf = (i: number) => (leafHashes[i * HASH]! << 8) | leafHashes[i * HASH + 1]!;
  const starts = new Uint32Array(BUCKETS + 1);
  for (let i = 0; i < n; i++) starts[bucketOf(i) + 1]!++;
  for (let b = 0; b < BUCKETS; b++) starts[b + 1]! += starts[b]!;
  const next = starts.slice(0, BUCKETS);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[next[bucketOf(i)]!++] = i;
  const compare = (a: number, b: number) => compareAt(leafHashes, a * HASH, leafHashes, b * HASH, HASH);
  for (let b = 0; b < BUCKETS; b++) {
    const start = starts[b]!;
    const end = starts[b + 1]!;
    if (end - start > INSERTION_SORT_MAX) order.subarray(start, end).sort(compare);
    else insertionSort(order, start, end, compare);
  }
  const items = new Uint8Array(n * ITEM);
  for (let k = 0; k < n; k++) {
    copy(leafHashes, order[k]! * HASH, items, k * ITEM, PREFIX);
    writeIndex(items, k * ITEM + PREFIX, first + order[k]!);
  }
  return items;
}

/** The items of leaf hashes and their entries' indexes, in the order given. */
export function packItems(leafHashes: readonly Uint8Array[], indexes: readonly number[]): Uint8Array {
  const items = new Uint8Array(leafHashes.length * ITEM);
  leafHashes.forEach((hash, k) => {
    copy(hash, 0, items, k * ITEM, PREFIX);
    writeIndex(items, k * ITEM + PREFIX, indexes[k]!);
  });
  return items;
}

/**
 * Collects sorted items into blocks and writes each as a row of run `run`, keyed by its first prefix. A block takes
 * {@link BLOCK_ITEMS} items and then any more that share its last prefix, so no prefix's items straddle two blocks:
 * a lookup reads exactly one.
 */
class BlockWriter {
  #block = new Uint8Array(BLOCK_ITEMS * ITEM);
  #at = 0;

  constructor(
    readonly put: SqliteStatement,
    readonly run: number,
  ) {}

  push(items: Uint8Array, at: number): void {
    if (this.#at >= BLOCK_ITEMS * ITEM && compareAt(items, at, this.#block, this.#at - ITEM, PREFIX) !== 0) {
      this.flush();
    }
    if (this.#at === this.#block.length) this.#block = grown(this.#block, this.#at + ITEM);
    copy(items, at, this.#block, this.#at, ITEM);
    this.#at += ITEM;
  }

  flush(): void {
    if (this.#at === 0) return;
    this.put.run(this.run, this.#block.subarray(0, PREFIX), this.#block.subarray(0, this.#at));
    this.#at = 0;
  }
}

/** A run read in order, `pageBlocks` blocks at a time, from its first item or from the first after a prefix. */
class RunReader {
  items: Uint8Array = new Uint8Array(0);
  at = 0;
  #after: Buffer | undefined;
  #more = true;

  constructor(
    readonly read: (after: Buffer | undefined, blocks: number) => BlockRow[],
    readonly pageBlocks: number,
    resume?: { block: BlockRow | undefined; after: Uint8Array },
  ) {
    if (!resume) {
      this.#refill();
      return;
    }
    // The block that may hold the prefix (the last with a first prefix no greater) is read on its own, and its items
    // up to the prefix are passed over; the blocks after it hold greater prefixes only.
    this.#after = resume.block?.first ?? Buffer.from(resume.after);
    if (resume.block) this.items = resume.block.items;
    else this.#refill();
    while (!this.done && compareAt(this.items, this.at, resume.after, 0, PREFIX) <= 0) this.advance();
  }

  get done(): boolean {
    return this.at === this.items.length;
  }

  advance(): void {
    this.at += ITEM;
    if (this.at === this.items.length && this.#more) this.#refill();
  }

  #refill(): void {
    const rows = this.read(this.#after, this.pageBlocks);
    this.#more = rows.length === this.pageBlocks;
    this.#after = rows.at(-1)?.first ?? this.#after;
    this.items = Buffer.concat(rows.map((r) => r.items));
    this.at = 0;
  }
}

/**
 * The dedupe table's sorted runs (spec §5.7), each stored as blocks of about {@link BLOCK_ITEMS} items, one row per
 * block keyed by its first prefix: a run is written and merged a block at a time, and a lookup seeks the one block
 * of each run that could hold the hash and searches it.
 */
export class SqliteDedupeRuns {
  readonly #put: SqliteStatement;
  readonly #seek: SqliteStatement;
  readonly #from: SqliteStatement;
  readonly #after: SqliteStatement;
  readonly #at: SqliteStatement;
  readonly #last: SqliteStatement;
  readonly #drop: SqliteStatement;

  constructor(db: SqliteDatabase) {
    this.#put = db.prepare('INSERT INTO au_log_dedupe_block (run, first, items) VALUES (?, ?, ?)');
    // The one block of each run (`au_log_dedupe_run`) that could hold the prefix, in one call.
    this.#seek = db.prepare(`SELECT (
      SELECT items FROM au_log_dedupe_block b WHERE b.run = r.run AND b.first <= ? ORDER BY b.first DESC LIMIT 1
    ) AS items FROM au_log_dedupe_run r`);
    this.#from = db.prepare('SELECT first, items FROM au_log_dedupe_block WHERE run = ? ORDER BY first LIMIT ?');
    this.#after = db.prepare(
      'SELECT first, items FROM au_log_dedupe_block WHERE run = ? AND first > ? ORDER BY first LIMIT ?',
    );
    this.#at = db.prepare(
      'SELECT first, items FROM au_log_dedupe_block WHERE run = ? AND first <= ? ORDER BY first DESC LIMIT 1',
    );
    this.#last = db.prepare('SELECT items FROM au_log_dedupe_block WHERE run = ? ORDER BY first DESC LIMIT 1');
    this.#drop = db.prepare('DELETE FROM au_log_dedupe_block WHERE run BETWEEN ? AND ?');
  }

  /** Writes sorted `items` as run `run`. */
  write(run: number, items: Uint8Array): void {
    const out = new BlockWriter(this.#put, run);
    for (let at = 0; at < items.length; at += ITEM) out.push(items, at);
    out.flush();
  }

  /**
   * One slice of the merge of `runs` into run `run` (spec §5.7): from the first item after the last that run `run`
   * holds, as committed, at least `items` items in the order of the sorted union, ending between two prefixes so that
   * no prefix straddles two blocks. True when the merge is complete.
   */
  mergeSlice(run: number, runs: readonly number[], items: number): boolean {
    const last = (this.#last.get(run) as { items: Buffer } | undefined)?.items;
    const after = last?.subarray(last.length - ITEM, last.length - ITEM + PREFIX);
    const pageBlocks = Math.min(READ_BLOCKS, Math.ceil(items / BLOCK_ITEMS / runs.length) + 1);
    const readers = runs.map(
      (from) =>
        new RunReader(
          (page, blocks) => (page ? this.#after.all(from, page, blocks) : this.#from.all(from, blocks)) as BlockRow[],
          pageBlocks,
          after && { block: this.#at.get(from, after) as BlockRow | undefined, after },
        ),
    );
    const out = new BlockWriter(this.#put, run);
    // The prefix of the last item written, kept once the slice may end after it.
    const lastPrefix = new Uint8Array(PREFIX);
    for (let written = 0; ; written++) {
      let least: RunReader | undefined;
      for (const r of readers) {
        if (!r.done && (!least || compareAt(r.items, r.at, least.items, least.at, PREFIX) < 0)) least = r;
      }
      if (!least) break;
      if (written >= items && compareAt(least.items, least.at, lastPrefix, 0, PREFIX) !== 0) {
        out.flush();
        return false;
      }
      if (written + 1 >= items) copy(least.items, least.at, lastPrefix, 0, PREFIX);
      out.push(least.items, least.at);
      least.advance();
    }
    out.flush();
    return true;
  }

  /** Deletes the blocks of runs `from` to `to`. */
  drop(from: number, to: number): void {
    this.#drop.run(from, to);
  }

  /**
   * The index of the entry with leaf hash `hash` in one of the runs: of the items sharing its prefix, the one whose
   * entry's leaf hash `isAt` confirms.
   */
  find(hash: Uint8Array, isAt: (index: number) => boolean): number | undefined {
    const prefix = hash.subarray(0, PREFIX);
    for (const { items } of this.#seek.all(prefix) as { items: Buffer | null }[]) {
      if (!items) continue;
      let lo = 0;
      let hi = items.length / ITEM;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareAt(items, mid * ITEM, prefix, 0, PREFIX) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let at = lo * ITEM; at < items.length && compareAt(items, at, prefix, 0, PREFIX) === 0; at += ITEM) {
        const index = readIndex(items, at + PREFIX);
        if (isAt(index)) return index;
      }
    }
    return undefined;
  }
}

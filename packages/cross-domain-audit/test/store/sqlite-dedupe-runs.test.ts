import { seededRandom } from '@safety-net/core';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ITEM, packItems, SqliteDedupeRuns, sortedItems } from '../../src/store/sqlite-dedupe-runs.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The items of `hashes` (of entries from `first`) as a plain sort on the whole hash would order them. */
function expectedItems(first: number, hashes: readonly Uint8Array[]): Uint8Array {
  const order = hashes.map((_, i) => i).sort((a, b) => Buffer.compare(hashes[a]!, hashes[b]!));
  return packItems(
    order.map((i) => hashes[i]!),
    order.map((i) => first + i),
  );
}

/** Distinct 32-byte hashes; `shared` of them begin with the same 10 bytes (or the same 2, when `short`). */
function hashesWithSharedPrefix(count: number, shared: number, seed: string, prefix = 10): Uint8Array[] {
  const random = seededRandom(seed);
  const common = random.bytes(prefix);
  return Array.from({ length: count }, (_, i) => {
    const h = random.bytes(32);
    if (i < shared) h.set(common);
    // Distinct whatever the random bytes: the index in the last four bytes.
    new DataView(h.buffer, h.byteOffset).setUint32(28, i);
    return h;
  });
}

const openRuns = () => {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE au_log_dedupe_block (run INTEGER NOT NULL, first BLOB NOT NULL, items BLOB NOT NULL, PRIMARY KEY (run, first));
    CREATE TABLE au_log_dedupe_run (run INTEGER PRIMARY KEY);`);
  /** Makes these the runs a lookup reads. */
  const live = (...runs: number[]) => {
    db.exec('DELETE FROM au_log_dedupe_run');
    for (const run of runs) db.prepare('INSERT INTO au_log_dedupe_run (run) VALUES (?)').run(run);
  };
  return { db, runs: new SqliteDedupeRuns(db), live };
};

describe('sortedItems', () => {
  it('orders items as a plain sort on the whole hash does, however many hashes share their first bytes', () => {
    const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
    // Hashes drawn from a few first bytes, so buckets hold several and the insertion and full sorts both run.
    const clustered = fc.tuple(fc.constantFrom(0, 1, 255), hash).map(([b, h]) => {
      h[0] = b;
      h[1] = b;
      return h;
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(hash, clustered), { maxLength: 200 }), fc.nat(2 ** 40), (hashes, first) => {
        const distinct = [...new Map(hashes.map((h) => [hex(h), h])).values()];
        expect(sortedItems(first, Buffer.concat(distinct))).toEqual(expectedItems(first, distinct));
      }),
    );
  });

  it('sorts a bucket of more than the insertion sort takes', () => {
    const hashes = hashesWithSharedPrefix(300, 300, 'bucket', 2);
    expect(sortedItems(7, Buffer.concat(hashes))).toEqual(expectedItems(7, hashes));
  });
});

describe('SqliteDedupeRuns', () => {
  it('finds every hash of a run, and of a merge of runs, among items that share their whole prefix', () => {
    const { runs, live } = openRuns();
    // 600 hashes, 300 of them with one prefix: more than a block, and the block holding them is never split.
    const hashes = hashesWithSharedPrefix(600, 300, 'runs');
    const isAt = (h: Uint8Array) => (index: number) => hex(hashes[index]!) === hex(h);
    runs.write(1, sortedItems(0, Buffer.concat(hashes.slice(0, 200))));
    runs.write(2, sortedItems(200, Buffer.concat(hashes.slice(200, 450))));
    runs.write(3, sortedItems(450, Buffer.concat(hashes.slice(450))));
    live(1, 2, 3);
    expect(hashes.map((h) => runs.find(h, isAt(h)))).toEqual(hashes.map((_, i) => i));
    expect(runs.mergeSlice(4, [1, 2, 3], Number.POSITIVE_INFINITY)).toBe(true);
    runs.drop(1, 3);
    expect(runs.find(hashes[0]!, isAt(hashes[0]!))).toBeUndefined();
    live(4);
    expect(hashes.map((h) => runs.find(h, isAt(h)))).toEqual(hashes.map((_, i) => i));
    const absent = hashesWithSharedPrefix(601, 301, 'runs')[600]!;
    expect(runs.find(absent, isAt(absent))).toBeUndefined();
  });

  /**
   * Merges three runs of `hashes` (700 of the 2,000 sharing one prefix) into run 9, in slices of `slice` items; every
   * `rollBackEvery`th slice runs in a transaction rolled back after it. The items of run 9 after each slice kept.
   */
  function mergeInSlices(hashes: readonly Uint8Array[], slice: number, rollBackEvery = 0) {
    const { db, runs } = openRuns();
    const cuts = [0, 300, 1100, 2000];
    for (let r = 0; r < 3; r++) {
      runs.write(r + 1, sortedItems(cuts[r]!, Buffer.concat(hashes.slice(cuts[r], cuts[r + 1]))));
    }
    const itemsOf9 = () =>
      db
        .prepare('SELECT coalesce(sum(length(items)), 0) / 16 FROM au_log_dedupe_block WHERE run = 9')
        .pluck()
        .get() as number;
    const after: number[] = [];
    for (let call = 1; ; call++) {
      if (rollBackEvery > 0 && call % rollBackEvery === 0) {
        const before = itemsOf9();
        expect(() =>
          db.transaction(() => {
            runs.mergeSlice(9, [1, 2, 3], slice);
            throw new Error('rolled back');
          })(),
        ).toThrow('rolled back');
        expect(itemsOf9()).toBe(before);
      }
      const done = db.transaction(() => runs.mergeSlice(9, [1, 2, 3], slice))();
      after.push(itemsOf9());
      if (done) break;
    }
    const blocks = db.prepare('SELECT first, items FROM au_log_dedupe_block WHERE run = 9 ORDER BY first').all() as {
      first: Buffer;
      items: Buffer;
    }[];
    return { blocks, after };
  }

  /** Checks that `blocks` hold the items of `hashes` in sorted order, no prefix straddling two blocks. */
  function expectMergedBlocks(blocks: { first: Buffer; items: Buffer }[], hashes: readonly Uint8Array[]): void {
    const merged = Buffer.concat(blocks.map((b) => b.items));
    // Items sharing a prefix may come in any order among themselves: compare prefixes, then the set of indexes.
    const expected = expectedItems(0, hashes);
    const prefixes = (items: Uint8Array) =>
      Array.from({ length: items.length / ITEM }, (_, k) => hex(items.subarray(k * ITEM, k * ITEM + 10)));
    expect(prefixes(merged)).toEqual(prefixes(expected));
    const indexes = (items: Buffer) =>
      Array.from({ length: items.length / ITEM }, (_, k) => items.readUIntBE(k * ITEM + 10, 6)).sort((a, b) => a - b);
    expect(indexes(merged)).toEqual(hashes.map((_, i) => i));
    for (let b = 1; b < blocks.length; b++) {
      const last = blocks[b - 1]!.items;
      expect(hex(blocks[b]!.first)).not.toBe(hex(last.subarray(last.length - ITEM, last.length - ITEM + 10)));
      expect(hex(blocks[b]!.first)).toBe(hex(blocks[b]!.items.subarray(0, 10)));
    }
  }

  it('writes a merge in the order of the whole sorted union, no prefix straddling two blocks', () => {
    const hashes = hashesWithSharedPrefix(2000, 700, 'merge');
    const { blocks, after } = mergeInSlices(hashes, Number.POSITIVE_INFINITY);
    expect(after).toEqual([2000]);
    expectMergedBlocks(blocks, hashes);
    expect(blocks.some((b) => b.items.length > 256 * ITEM)).toBe(true);
  });

  it('writes the same merge in slices: each of at least its items, ending between prefixes, resumed as committed', () => {
    const hashes = hashesWithSharedPrefix(2000, 700, 'merge');
    for (const [slice, rollBackEvery] of [
      [1, 0],
      [37, 3],
      [256, 2],
      [999, 2],
    ] as const) {
      const { blocks, after } = mergeInSlices(hashes, slice, rollBackEvery);
      expectMergedBlocks(blocks, hashes);
      expect(after.at(-1)).toBe(2000);
      // Every slice but the last wrote at least its share; the 700 items of one prefix went in one slice.
      after.slice(0, -1).forEach((n, i) => {
        expect(n - (after[i - 1] ?? 0)).toBeGreaterThanOrEqual(slice);
      });
      expect(after.length).toBeGreaterThan(1);
      expect(after.length).toBeLessThanOrEqual(Math.ceil(2000 / slice));
    }
  });
});

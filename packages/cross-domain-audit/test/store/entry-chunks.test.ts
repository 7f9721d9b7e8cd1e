import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRY_BYTES } from '../../src/log/entry.js';
import { EntryChunks } from '../../src/store/entry-chunks.js';

/** Entry `n` of length `length`: its bytes name it, so a misplaced read shows which one it got. */
function entryOf(n: number, length: number): Uint8Array {
  const entry = new Uint8Array(length);
  for (let i = 0; i < length; i++) entry[i] = (n * 131 + i) & 0xff;
  return entry;
}

describe('EntryChunks', () => {
  it('gives back every entry as it was pushed, across chunk ends and with entries of every size, empty ones too', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: MAX_ENTRY_BYTES }), { minLength: 1, maxLength: 40 }),
        (lengths) => {
          const chunks = new EntryChunks();
          const entries = lengths.map((length, n) => entryOf(n, length));
          for (const e of entries) chunks.push(e);
          expect(chunks.size).toBe(entries.length);
          expect(chunks.slice(0, entries.length)).toEqual(entries);
          const from = Math.floor(entries.length / 3);
          expect(chunks.slice(from, entries.length - 1)).toEqual(entries.slice(from, -1));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps the places of more entries than it first made room for, and entries that fill a chunk exactly', () => {
    const chunks = new EntryChunks();
    // 3 × 65,535 + 61,579 bytes: the fourth entry ends exactly at the end of the first chunk (2^18 bytes).
    const sizes = [MAX_ENTRY_BYTES, MAX_ENTRY_BYTES, MAX_ENTRY_BYTES, 2 ** 18 - 3 * MAX_ENTRY_BYTES, 1];
    for (let n = 0; n < 5_000; n++) chunks.push(entryOf(n, n < sizes.length ? sizes[n]! : n % 97));
    expect(chunks.slice(3, 5).map((e) => e.length)).toEqual([2 ** 18 - 3 * MAX_ENTRY_BYTES, 1]);
    expect(chunks.slice(4_990, 5_000)).toEqual(
      Array.from({ length: 10 }, (_, i) => entryOf(4_990 + i, (4_990 + i) % 97)),
    );
    expect(chunks.slice(4, 5)).toEqual([entryOf(4, 1)]);
  });

  it('gives copies: changing one, or the bytes pushed, leaves the stored entry alone', () => {
    const chunks = new EntryChunks();
    const pushed = entryOf(1, 40);
    chunks.push(pushed);
    pushed.fill(0);
    const [copy] = chunks.slice(0, 1);
    copy!.fill(0xff);
    expect(chunks.slice(0, 1)).toEqual([entryOf(1, 40)]);
  });
});

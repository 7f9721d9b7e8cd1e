import { bytesEqual } from '@safety-net/core';
import { probeStart } from './hash-index.js';

/** Numbers per slot of the table: the position + 1 of the hash it holds (0: empty) and the hash's probe start. */
const SLOT = 2;

/**
 * The table, reused by every call: a call fills and reads it without yielding, and a table of its own per batch
 * (with a copy of every key) cost an append about a twentieth of its time.
 */
let table = new Int32Array(SLOT * 1024);

/**
 * For each of `hashes`, the position of the first hash equal to it (its own position when it is the first): the
 * copies an append finds within its batch. Keys are compared where they lie, in `hashes`, and only when their probe
 * starts are equal.
 */
export function firstCopies(hashes: readonly Uint8Array[]): number[] {
  let slots = 16;
  while (slots < 2 * hashes.length) slots *= 2;
  if (table.length < SLOT * slots) table = new Int32Array(SLOT * slots);
  table.fill(0, 0, SLOT * slots);
  const mask = slots - 1;
  const out = new Array<number>(hashes.length);
  for (let i = 0; i < hashes.length; i++) {
    const hash = hashes[i]!;
    const start = probeStart(hash);
    for (let s = start & mask; ; s = (s + 1) & mask) {
      const held = table[SLOT * s]!;
      if (held === 0) {
        table[SLOT * s] = i + 1;
        table[SLOT * s + 1] = start;
        out[i] = i;
        break;
      }
      if (table[SLOT * s + 1] === start && bytesEqual(hashes[held - 1]!, hash)) {
        out[i] = held - 1;
        break;
      }
    }
  }
  return out;
}

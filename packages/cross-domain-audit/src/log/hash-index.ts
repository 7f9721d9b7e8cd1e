import { grown } from './grown.js';

const HASH = 32;
/** Numbers per slot: the key's ordinal + 1 and its probe start. */
const SLOT = 2;

/**
 * SHA-256 hashes numbered in the order they were first put, looked up without building a string or an object per
 * hash: the keys lie back to back in one buffer and an open-addressed table of their numbers is probed from the
 * hash's own first bytes (already uniform). A log's dedupe index is one of these per store and one per batch, and
 * a Map of string keys cost an append more than its hashing did. Each slot also keeps its key's probe start, so that
 * a probe passing other keys, and a rehash, compare and place numbers without reading the keys (in a store's index of
 * thousands of keys, each such read of a key was a cache miss).
 */
export class HashIndex {
  #keys: Uint8Array;
  /** Per slot, ordinal + 1 of its key (0 for an empty slot) and the key's probe start; at most half full. */
  #slots: Int32Array;
  #size = 0;

  /** `capacity`: how many keys fit before the index first grows (a batch knows its size). */
  constructor(capacity = 64) {
    const keys = 2 ** Math.ceil(Math.log2(Math.max(capacity, 8)));
    this.#keys = new Uint8Array(HASH * keys);
    this.#slots = new Int32Array(keys * 2 * SLOT);
  }

  get size(): number {
    return this.#size;
  }

  /** The keys (views, valid until the next `put`) in the order they were first put. */
  *keys(): Generator<Uint8Array> {
    for (let at = 0; at < this.#size * HASH; at += HASH) yield this.#keys.subarray(at, at + HASH);
  }

  /** The keys back to back in the order they were first put (a view, valid until the next `put`). */
  packed(): Uint8Array {
    return this.#keys.subarray(0, this.#size * HASH);
  }

  /** The ordinal of `hash`, or undefined when it was never put. */
  get(hash: Uint8Array): number | undefined {
    const ordinal = this.#slots[this.#find(hash, probeStart(hash))]!;
    return ordinal === 0 ? undefined : ordinal - 1;
  }

  /** The ordinal of `hash`: its first one when it was put before, else `size` (and the index grows by one). */
  put(hash: Uint8Array): number {
    if (hash.length !== HASH) throw new RangeError('a hash of 32 bytes');
    const start = probeStart(hash);
    const slot = this.#find(hash, start);
    const found = this.#slots[slot]!;
    if (found !== 0) return found - 1;
    const ordinal = this.#size++;
    if (this.#size * HASH > this.#keys.length) this.#keys = grown(this.#keys, this.#size * HASH);
    this.#keys.set(hash, ordinal * HASH);
    this.#slots[slot] = ordinal + 1;
    this.#slots[slot + 1] = start;
    if (this.#size * 2 * SLOT > this.#slots.length) this.#rehash();
    return ordinal;
  }

  /** Where the slot holding `hash` starts in `#slots`, or where the empty slot it would go in starts. */
  #find(hash: Uint8Array, start: number): number {
    const slots = this.#slots;
    const mask = (slots.length >>> 1) - 1;
    for (let i = start & mask; ; i = (i + 1) & mask) {
      const ordinal = slots[i * SLOT]!;
      if (ordinal === 0 || (slots[i * SLOT + 1] === start && this.#equals(ordinal - 1, hash))) return i * SLOT;
    }
  }

  #equals(ordinal: number, hash: Uint8Array): boolean {
    const keys = this.#keys;
    const at = ordinal * HASH;
    for (let i = 0; i < HASH; i++) if (keys[at + i] !== hash[i]) return false;
    return true;
  }

  #rehash(): void {
    const old = this.#slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >>> 1) - 1;
    for (let from = 0; from < old.length; from += SLOT) {
      const start = old[from + 1]!;
      if (old[from] === 0) continue;
      let i = start & mask;
      while (slots[i * SLOT] !== 0) i = (i + 1) & mask;
      slots[i * SLOT] = old[from]!;
      slots[i * SLOT + 1] = start;
    }
    this.#slots = slots;
  }
}

/** The first four bytes of a hash, as a non-negative 31-bit probe start (SHA-256 bytes are uniform already). */
export function probeStart(hash: Uint8Array): number {
  return (hash[0]! | (hash[1]! << 8) | (hash[2]! << 16) | (hash[3]! << 24)) & 0x7fff_ffff;
}

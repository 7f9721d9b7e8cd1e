const HASH = 32;

/**
 * SHA-256 hashes numbered in the order they were first put, looked up without building a string or an object per
 * hash: the keys lie back to back in one buffer and an open-addressed table of their numbers is probed from the
 * hash's own first bytes (already uniform). A log's dedupe index is one of these per store and one per batch, and
 * a Map of string keys cost an append more than its hashing did.
 */
export class HashIndex {
  #keys: Uint8Array;
  /** Ordinal + 1 of the key in each slot, 0 for an empty slot; at most half full. */
  #slots: Int32Array;
  #size = 0;

  /** `capacity`: how many keys fit before the index first grows (a batch knows its size). */
  constructor(capacity = 64) {
    const keys = 2 ** Math.ceil(Math.log2(Math.max(capacity, 8)));
    this.#keys = new Uint8Array(HASH * keys);
    this.#slots = new Int32Array(keys * 2);
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
    const ordinal = this.#slots[this.#find(hash)]!;
    return ordinal === 0 ? undefined : ordinal - 1;
  }

  /** The ordinal of `hash`: its first one when it was put before, else `size` (and the index grows by one). */
  put(hash: Uint8Array): number {
    if (hash.length !== HASH) throw new RangeError('a hash of 32 bytes');
    const slot = this.#find(hash);
    const found = this.#slots[slot]!;
    if (found !== 0) return found - 1;
    const ordinal = this.#size++;
    if (this.#size * HASH > this.#keys.length) {
      const grown = new Uint8Array(this.#keys.length * 2);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    this.#keys.set(hash, ordinal * HASH);
    this.#slots[slot] = ordinal + 1;
    if (this.#size * 2 > this.#slots.length) this.#rehash();
    return ordinal;
  }

  /** The slot holding `hash`, or the empty slot where it would go. */
  #find(hash: Uint8Array): number {
    const mask = this.#slots.length - 1;
    let slot = startOf(hash, 0) & mask;
    for (;;) {
      const ordinal = this.#slots[slot]!;
      if (ordinal === 0 || this.#equals(ordinal - 1, hash)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  #equals(ordinal: number, hash: Uint8Array): boolean {
    const keys = this.#keys;
    const at = ordinal * HASH;
    for (let i = 0; i < HASH; i++) if (keys[at + i] !== hash[i]) return false;
    return true;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let ordinal = 0; ordinal < this.#size; ordinal++) {
      let slot = startOf(this.#keys, ordinal * HASH) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = ordinal + 1;
    }
    this.#slots = slots;
  }
}

/** The first four bytes of the hash at `at`, as a non-negative 31-bit probe start. */
function startOf(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) & 0x7fff_ffff;
}

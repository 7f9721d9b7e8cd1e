/** Bits per leaf hash a segment is sized for, and probes per hash: about one false positive in 120 when full. */
const BITS_PER_HASH = 10;
const PROBES = 7;
/** Hashes the first segment holds; each later segment holds twice its predecessor's. */
const FIRST_CAPACITY = 65_536;

/** One fixed-size Bloom filter. */
class Segment {
  readonly #bits: Uint32Array;
  readonly #mask: number;
  readonly capacity: number;
  count = 0;

  constructor(capacity: number) {
    const bits = 2 ** Math.ceil(Math.log2(capacity * BITS_PER_HASH));
    this.#bits = new Uint32Array(bits / 32);
    this.#mask = bits - 1;
    this.capacity = capacity;
  }

  add(h1: number, h2: number): void {
    for (let i = 0, at = h1; i < PROBES; i++, at = (at + h2) >>> 0) {
      const bit = at & this.#mask;
      this.#bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  mayHave(h1: number, h2: number): boolean {
    for (let i = 0, at = h1; i < PROBES; i++, at = (at + h2) >>> 0) {
      const bit = at & this.#mask;
      if ((this.#bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * A Bloom filter of leaf hashes: "certainly not logged" for most new entries, so that an append asks the database
 * only about the few that may be. It grows by segments, each twice the size of the last (a scalable Bloom filter),
 * so it is never rebuilt: n hashes take O(log n) segments and about 1.25 bytes each. Leaf hashes are SHA-256
 * outputs, uniform already: the probes are taken from the hash's own bytes (h1 + i·h2, which Kirsch and
 * Mitzenmacher showed sufficient), not from hashing it again.
 */
export class LeafFilter {
  readonly #segments: Segment[] = [new Segment(FIRST_CAPACITY)];

  /** Hashes added. */
  get count(): number {
    return this.#segments.reduce((n, s) => n + s.count, 0);
  }

  add(hash: Uint8Array): void {
    let last = this.#segments[this.#segments.length - 1]!;
    if (last.count === last.capacity) {
      last = new Segment(last.capacity * 2);
      this.#segments.push(last);
    }
    last.add(wordAt(hash, 4), wordAt(hash, 8) | 1);
  }

  /** False when `hash` was certainly never added; true when it may have been. */
  mayHave(hash: Uint8Array): boolean {
    const h1 = wordAt(hash, 4);
    const h2 = wordAt(hash, 8) | 1;
    for (const segment of this.#segments) if (segment.mayHave(h1, h2)) return true;
    return false;
  }
}

/** Four bytes of the hash as an unsigned word (bytes 4–11 are used: the first four start the in-memory index's probes). */
function wordAt(hash: Uint8Array, at: number): number {
  return (hash[at]! | (hash[at + 1]! << 8) | (hash[at + 2]! << 16) | (hash[at + 3]! << 24)) >>> 0;
}

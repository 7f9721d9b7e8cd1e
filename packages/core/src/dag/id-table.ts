import type { ChunkedArray } from './chunked-array.js';

/**
 * Slots before the first growth; a power of two. Small, so that an empty or small DAG (one per agent, say) costs
 * next to nothing off-heap; doubling re-places entries without hashing them again, so starting small costs a large
 * DAG only a few extra, cheap growths.
 */
const INITIAL_SLOTS = 8;

/**
 * Longest probe run an entry may sit from its home slot. Beyond it the entry goes to a `Map` instead, so ids chosen
 * to collide (the hash is fixed and public, so an adversary can find collisions) cost each operation at most this
 * many probes plus one lookup in V8's seeded hash table: inserts stay linear whatever the ids are.
 */
const MAX_PROBES = 64;

/**
 * Most slots of the small cache of recently placed ids, a power of two. A task's predecessors are nearly always
 * recent tasks; finding them here, in a few kilobytes that stay in the processor's cache, spares a probe into a table
 * of many megabytes, which at a million tasks is a cache and TLB miss each time. The cache grows with the table up
 * to this size (it would be no faster than the table while the table is as small).
 */
const RECENT_SLOTS = 1024;

/**
 * FNV-1a over the UTF-16 code units, then murmur3's finalizer so that the low bits used as the slot index depend on
 * every character. Not cryptographic, and it does not need to be: see {@link MAX_PROBES}.
 */
export function hashId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Task id → position, for ids that are stored elsewhere by position (`keys`). An open-addressing table with
 * linear probing over one Int32Array of (hash, position + 1) pairs, 0 marking an empty slot; at most half full.
 * Unlike a `Map<string, number>` it holds no pointers for the garbage collector to trace, grows without hashing
 * any id again, and settles most misses by comparing hashes, without reading a stored string.
 * Append-only, like the store it serves. Every entry is also written to a direct-mapped cache of recent ids
 * ({@link RECENT_SLOTS}), which lookups try first.
 */
export class IdTable {
  private slots = new Int32Array(INITIAL_SLOTS * 2);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private overflow: Map<string, number> | undefined;
  private recent = new Int32Array(INITIAL_SLOTS * 2);
  private recentMask = INITIAL_SLOTS - 1;

  /** `keys.at(position)` is the id stored at a position this table holds; the caller appends to it. */
  constructor(private readonly keys: ChunkedArray<string>) {}

  /** Position of `id`, or -1 when it is not held. */
  get(id: string): number {
    const h = hashId(id);
    const { slots, mask, keys, recent } = this;
    const r = 2 * (h & this.recentMask);
    const cached = recent[r + 1]!;
    if (cached !== 0 && recent[r] === h && keys.at(cached - 1) === id) return cached - 1;
    for (let probe = 0, s = h & mask; probe < MAX_PROBES; probe++, s = (s + 1) & mask) {
      const stored = slots[2 * s + 1]!;
      if (stored === 0) break;
      if (slots[2 * s] === h && keys.at(stored - 1) === id) return stored - 1;
    }
    // Growing may have opened gaps in front of an entry that went to the overflow map earlier.
    return this.overflow?.get(id) ?? -1;
  }

  /** Records `id` at `position`. The caller guarantees the id is not held yet (it looked it up first). */
  set(id: string, position: number): void {
    if (2 * (this.count + 1) > this.mask + 1) this.grow();
    const h = hashId(id);
    this.place(h, position, id);
    this.count++;
    const r = 2 * (h & this.recentMask);
    this.recent[r] = h;
    this.recent[r + 1] = position + 1;
  }

  /** Puts an entry in the first free slot of its run, or in the overflow map past {@link MAX_PROBES}. */
  private place(h: number, position: number, id: string | undefined): void {
    const slots = this.slots;
    const mask = this.mask;
    for (let probe = 0, s = h & mask; probe < MAX_PROBES; probe++, s = (s + 1) & mask) {
      if (slots[2 * s + 1] === 0) {
        slots[2 * s] = h;
        slots[2 * s + 1] = position + 1;
        return;
      }
    }
    this.overflow ??= new Map();
    this.overflow.set(id ?? this.keys.at(position), position);
  }

  /** Doubles the slots and re-places every entry from its stored hash; no id is hashed again. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    if (this.recentMask + 1 < RECENT_SLOTS) {
      // A new, larger cache starts empty: it is only a cache, and the table answers what it misses.
      this.recentMask = Math.min(RECENT_SLOTS, this.mask + 1) - 1;
      this.recent = new Int32Array((this.recentMask + 1) * 2);
    }
    for (let s = 0; s < old.length; s += 2) {
      const stored = old[s + 1]!;
      if (stored !== 0) this.place(old[s]!, stored - 1, undefined);
    }
  }
}

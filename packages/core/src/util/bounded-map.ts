import { checkInt } from './input-options.js';

interface Entry<K, V> {
  readonly key: K;
  value: V;
  older: Entry<K, V> | undefined;
  newer: Entry<K, V> | undefined;
}

/**
 * A map of at most `capacity` entries, oldest first: setting a key makes it the newest, and the oldest entry is
 * forgotten when there would be more (with a capacity of 0, nothing is kept). The order is a linked list rather than a Map's own insertion order, because
 * V8 keeps deleted slots at the front of a Map until it rehashes, so reaching the first key again and again after
 * deleting it costs time in the number of keys deleted so far: O(capacity) per eviction instead of O(1).
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, Entry<K, V>>();
  private oldest: Entry<K, V> | undefined;
  private newest: Entry<K, V> | undefined;

  /** `capacity` is a whole number ≥ 0, else `ERR_INPUT_INVALID`. */
  constructor(private readonly capacity: number) {
    checkInt(capacity, 'capacity', 0, Number.MAX_SAFE_INTEGER);
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value of `key`, without making it the newest. */
  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Sets `key` and makes it the newest; beyond the capacity, the oldest entry is forgotten. */
  set(key: K, value: V): void {
    let e = this.entries.get(key);
    if (e === undefined) {
      if (this.capacity === 0) return;
      e = { key, value, older: undefined, newer: undefined };
      this.entries.set(key, e);
      if (this.entries.size > this.capacity) this.remove(this.oldest!);
    } else {
      e.value = value;
      this.unlink(e);
    }
    e.older = this.newest;
    if (this.newest === undefined) this.oldest = e;
    else this.newest.newer = e;
    this.newest = e;
  }

  delete(key: K): void {
    const e = this.entries.get(key);
    if (e !== undefined) this.remove(e);
  }

  /** Forgets entries from the oldest end as long as `stale` holds for their value. */
  deleteOldestWhile(stale: (value: V) => boolean): void {
    while (this.oldest !== undefined && stale(this.oldest.value)) this.remove(this.oldest);
  }

  /** Entries, oldest first; the map must not change meanwhile. */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (let e = this.oldest; e !== undefined; e = e.newer) yield [e.key, e.value];
  }

  private remove(e: Entry<K, V>): void {
    this.entries.delete(e.key);
    this.unlink(e);
  }

  private unlink(e: Entry<K, V>): void {
    if (e.older === undefined) this.oldest = e.newer;
    else e.older.newer = e.newer;
    if (e.newer === undefined) this.newest = e.older;
    else e.newer.older = e.older;
    e.older = undefined;
    e.newer = undefined;
  }
}

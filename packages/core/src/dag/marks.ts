/**
 * A reusable visited-set over node positions: one stamp array, a new epoch per use, so marking a few nodes of a
 * huge DAG costs O(nodes marked), not O(DAG). Held in a pool so nested traversals (a visitor that walks again)
 * each get their own.
 */
export class Marker {
  private stamps = new Uint32Array(0);
  private epoch = 0;

  /** Clears every mark, for positions below `size`. */
  reset(size: number): void {
    if (this.stamps.length < size) {
      this.stamps = new Uint32Array(Math.max(size, this.stamps.length * 2));
      this.epoch = 0;
    }
    if (this.epoch === 0xffff_ffff) {
      this.stamps.fill(0);
      this.epoch = 0;
    }
    this.epoch++;
  }

  /** Marks `i`; true when it was not marked before. Grows if the DAG grew during the walk (a visitor inserted). */
  mark(i: number): boolean {
    if (i >= this.stamps.length) {
      const next = new Uint32Array(Math.max(i + 1, this.stamps.length * 2));
      next.set(this.stamps);
      this.stamps = next;
    }
    if (this.stamps[i] === this.epoch) return false;
    this.stamps[i] = this.epoch;
    return true;
  }

  has(i: number): boolean {
    return this.stamps[i] === this.epoch;
  }
}

/** Runs `fn` with a cleared marker from `pool`, and puts it back afterwards. */
export function withMarker<T>(pool: Marker[], size: number, fn: (marker: Marker) => T): T {
  const marker = pool.pop() ?? new Marker();
  marker.reset(size);
  try {
    return fn(marker);
  } finally {
    pool.push(marker);
  }
}

import { FAILURE, type OutcomeWindow, SLOW } from './window.js';

/**
 * Outcomes of the last `seconds`, in `buckets` buckets of `seconds × 1000 / buckets` ms each. A bucket is emptied
 * (its counts taken off the totals) when the clock moves past it; a clock that goes back records into the newest
 * bucket. Memory is fixed by `buckets`, whatever the call rate.
 *
 * @example
 * ```ts
 * const w = new TimeWindow(10, 10);
 * w.record(FAILURE, 1_000);
 * w.advance(12_000);
 * w.calls; // 0: the call fell out of the last 10 s
 * ```
 */
export class TimeWindow implements OutcomeWindow {
  readonly timed = true;
  calls = 0;
  failures = 0;
  slow = 0;
  private readonly width: number;
  private readonly callsAt: Uint32Array;
  private readonly failuresAt: Uint32Array;
  private readonly slowAt: Uint32Array;
  /** Index (time / width) of the newest bucket; -Infinity before the first reading. */
  private head = Number.NEGATIVE_INFINITY;

  constructor(
    readonly span: number,
    private readonly buckets: number,
  ) {
    this.width = (span * 1000) / buckets;
    this.callsAt = new Uint32Array(buckets);
    this.failuresAt = new Uint32Array(buckets);
    this.slowAt = new Uint32Array(buckets);
  }

  advance(now: number): void {
    const idx = Math.floor(now / this.width);
    if (idx <= this.head) return;
    // Empty every bucket between the old head and the new one, or all of them when the gap spans the window.
    // Counted in steps rather than bucket indices: past 2^53, b + 1 === b and an index loop would never end.
    const steps = idx - this.head;
    if (steps >= this.buckets) this.clear();
    else for (let k = steps - 1; k >= 0; k--) this.empty(this.slotOf(idx - k));
    this.head = idx;
  }

  record(outcome: number, now: number): void {
    this.advance(now);
    const slot = this.slotOf(this.head);
    const failure = outcome & FAILURE;
    const slow = (outcome & SLOW) >> 1;
    this.callsAt[slot]!++;
    this.failuresAt[slot]! += failure;
    this.slowAt[slot]! += slow;
    this.calls++;
    this.failures += failure;
    this.slow += slow;
  }

  /** Bucket index → ring slot, also for clock readings before the epoch. */
  private slotOf(index: number): number {
    const r = index % this.buckets;
    return r < 0 ? r + this.buckets : r;
  }

  private empty(slot: number): void {
    this.calls -= this.callsAt[slot]!;
    this.failures -= this.failuresAt[slot]!;
    this.slow -= this.slowAt[slot]!;
    this.callsAt[slot] = 0;
    this.failuresAt[slot] = 0;
    this.slowAt[slot] = 0;
  }

  clear(): void {
    this.callsAt.fill(0);
    this.failuresAt.fill(0);
    this.slowAt.fill(0);
    this.calls = 0;
    this.failures = 0;
    this.slow = 0;
    this.head = Number.NEGATIVE_INFINITY;
  }
}

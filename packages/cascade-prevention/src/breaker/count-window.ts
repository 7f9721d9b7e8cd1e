import { FAILURE, type OutcomeWindow, SLOW } from './window.js';

/**
 * The last `size` outcomes in a ring of bytes, with running totals: recording is O(1) and allocates nothing.
 *
 * @example
 * ```ts
 * const w = new CountWindow(10);
 * w.record(FAILURE, 0);
 * w.failures / w.calls; // 1
 * ```
 */
export class CountWindow implements OutcomeWindow {
  readonly timed = false;
  calls = 0;
  failures = 0;
  slow = 0;
  private readonly ring: Uint8Array;
  private next = 0;

  constructor(readonly span: number) {
    this.ring = new Uint8Array(span);
  }

  record(outcome: number, _now: number): void {
    const ring = this.ring;
    const i = this.next;
    if (this.calls === this.span) {
      const old = ring[i]!;
      this.failures -= old & FAILURE;
      this.slow -= (old & SLOW) >> 1;
    } else {
      this.calls++;
    }
    ring[i] = outcome;
    this.failures += outcome & FAILURE;
    this.slow += (outcome & SLOW) >> 1;
    this.next = i + 1 === this.span ? 0 : i + 1;
  }

  advance(_now: number): void {}

  clear(): void {
    this.calls = 0;
    this.failures = 0;
    this.slow = 0;
    this.next = 0;
  }
}

import { addDecimal, type Decimal, subtractDecimal } from '../rules/decimal.js';

/**
 * Sliding-window count for a rate limit of `max` per `windowMs`: a ring of the times of the last `max` counted
 * actions. An action at `t` would exceed the limit exactly when `max` actions already fall in `(t − windowMs, t]`,
 * i.e. when the ring is full and its oldest time is after `t − windowMs`. O(1) per action, memory `max`.
 */
export class RateWindow {
  private readonly times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {
    this.times = new Float64Array(max);
  }

  /** True when one more action at `t` would exceed the limit. */
  wouldExceed(t: number): boolean {
    return this.size === this.max && this.times[this.head]! > t - this.windowMs;
  }

  /** Counts an action at `t` (times never decrease). */
  add(t: number): void {
    this.times[this.head] = t;
    this.head = (this.head + 1) % this.max;
    if (this.size < this.max) this.size++;
  }
}

/**
 * Exact sliding-window sum for a budget: the values of the actions in `(t − windowMs, t]` in a queue, their sum
 * kept as an exact decimal. Without a window the sum runs for the monitor's life. Memory: the actions in the window.
 */
export class BudgetWindow {
  private times: number[] = [];
  private values: Decimal[] = [];
  private head = 0;
  private total: Decimal = { mantissa: 0n, scale: 0 };

  constructor(readonly windowMs: number | undefined) {}

  /** The sum of the values in the window ending at `t` (drops what has left it; times never decrease). */
  sumAt(t: number): Decimal {
    if (this.windowMs !== undefined) {
      const start = t - this.windowMs;
      while (this.head < this.times.length && this.times[this.head]! <= start) {
        this.total = subtractDecimal(this.total, this.values[this.head]!);
        this.head++;
      }
      if (this.head > 1024 && this.head * 2 > this.times.length) {
        this.times = this.times.slice(this.head);
        this.values = this.values.slice(this.head);
        this.head = 0;
      }
    }
    return this.total;
  }

  /** Adds a value at `t`. */
  add(t: number, value: Decimal): void {
    this.total = addDecimal(this.total, value);
    if (this.windowMs === undefined) return;
    this.times.push(t);
    this.values.push(value);
  }
}

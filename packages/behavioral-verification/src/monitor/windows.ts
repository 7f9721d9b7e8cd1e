import { addDecimal, compareDecimal, type Decimal, parseDecimal, subtractDecimal } from '../rules/decimal.js';

/** Times a rate window holds before it first grows: 8 doubles, small enough for V8 to keep on the heap. */
const INITIAL_TIMES = 8;

/**
 * Sliding-window count for a rate limit of `max` per `windowMs`: a ring of the times of the last `max` counted
 * actions. An action at `t` would exceed the limit exactly when `max` actions already fall in `(t − windowMs, t]`,
 * i.e. when the ring is full and its oldest time is after `t − windowMs`. O(1) per action (amortised); the ring
 * starts small and doubles up to `max`, so memory follows the actions counted, at most `max` times.
 */
export class RateWindow {
  private times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {
    this.times = new Float64Array(Math.min(max, INITIAL_TIMES));
  }

  /** True when one more action at `t` would exceed the limit. */
  wouldExceed(t: number): boolean {
    return this.size === this.max && this.times[this.head]! > t - this.windowMs;
  }

  /** Counts an action at `t` (times never decrease). */
  add(t: number): void {
    if (this.size === this.times.length && this.size < this.max) this.grow();
    this.times[this.head] = t;
    this.head = (this.head + 1) % this.times.length;
    if (this.size < this.max) this.size++;
  }

  /** Doubles the full ring (up to `max`), oldest time first, so that the next time goes after the newest. */
  private grow(): void {
    const old = this.times;
    const next = new Float64Array(Math.min(this.max, old.length * 2));
    next.set(old.subarray(this.head));
    next.set(old.subarray(0, this.head), old.length - this.head);
    this.times = next;
    this.head = old.length;
  }
}

/** Largest integer magnitude kept as a plain number: sums of two stay exact in a double. */
const SMALL = 2 ** 52;
const ZERO: Decimal = { mantissa: 0n, scale: 0 };

/** A budget value: a small integer as a plain number (the fast path), anything else as an exact decimal. */
export type BudgetValue = number | Decimal;

/** Reads a numeric parameter as a budget value, or undefined when it is not numeric. */
export function budgetValue(raw: unknown): BudgetValue | undefined {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && Math.abs(raw) <= SMALL) return raw;
  return typeof raw === 'boolean' ? undefined : parseDecimal(raw);
}

function toDecimal(v: BudgetValue): Decimal {
  return typeof v === 'number' ? { mantissa: BigInt(v), scale: 0 } : v;
}

/**
 * Exact sliding-window sum for a budget: the values of the actions in `(t − windowMs, t]` in a queue, their sum
 * kept exactly — small integers in a plain number (no allocation), the rest as a decimal. Without a window the sum
 * runs for the monitor's life. Memory: the actions in the window.
 */
export class BudgetWindow {
  private times: number[] = [];
  private values: BudgetValue[] = [];
  private head = 0;
  private small = 0;
  private big: Decimal = ZERO;

  constructor(readonly windowMs: number | undefined) {}

  /** Drops the values that have left the window ending at `t` (times never decrease). */
  advance(t: number): void {
    if (this.windowMs === undefined) return;
    const start = t - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= start) {
      this.take(this.values[this.head]!, -1);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  /** The exact sum of the window plus `v`. */
  sumWith(v: BudgetValue): Decimal {
    return addDecimal(addDecimal(this.big, toDecimal(this.small)), toDecimal(v));
  }

  /** Whether the window's sum plus `v` exceeds `limit` (`limitInt`: the limit as a number when it is an integer). */
  exceedsWith(v: BudgetValue, limit: Decimal, limitInt: number | undefined): boolean {
    if (typeof v === 'number' && limitInt !== undefined && this.big.mantissa === 0n) return this.small + v > limitInt;
    return compareDecimal(this.sumWith(v), limit) > 0;
  }

  /** Adds a value at `t`. */
  add(t: number, value: BudgetValue): void {
    this.take(value, 1);
    if (this.windowMs === undefined) return;
    this.times.push(t);
    this.values.push(value);
  }

  private take(v: BudgetValue, sign: 1 | -1): void {
    if (typeof v === 'number') {
      this.small += sign * v;
      if (Math.abs(this.small) > SMALL) {
        this.big = addDecimal(this.big, toDecimal(this.small));
        this.small = 0;
      }
    } else {
      this.big = sign === 1 ? addDecimal(this.big, v) : subtractDecimal(this.big, v);
    }
  }
}

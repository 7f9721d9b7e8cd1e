import { snError } from '@safety-net/core';
import { readRulesInput } from '../rules/parse.js';
import { MixDivergenceOptionsSchema } from '../rules/schema.js';
import type { DriftAlarm } from './alarm.js';

/**
 * Parameters of the action-mix test. The ranges are those of a mix drift rule (`MixDriftRuleSchema`); outside them
 * the constructor throws `ERR_BV_RULES_INVALID`.
 */
export interface MixDivergenceOptions {
  /**
   * Baseline weight (finite, ≥ 0) of each action name; other names form one extra category of baseline weight 0.
   * The weights must have a positive, finite sum.
   */
  readonly baseline: Readonly<Record<string, number>>;
  /** Number of most recent actions compared with the baseline, an integer 10…100,000. */
  readonly window: number;
  /** Alarm when the Jensen–Shannon divergence (base 2, 0…1) exceeds this, in (0, 1]. */
  readonly threshold: number;
}

/**
 * The categories of the action-mix test for a baseline: each baseline name is one, numbered in the baseline's
 * order, and every other name falls in one more. A monitor resolves an action's category once per action name.
 *
 * @example
 * ```ts
 * const categoryOf = mixCategories({ 'trade.open': 1, 'trade.close': 1 });
 * categoryOf('trade.close'); // 1
 * categoryOf('trade.amend'); // 2: not in the baseline
 * ```
 */
export function mixCategories(baseline: Readonly<Record<string, number>>): (action: string) => number {
  const index = new Map(Object.keys(baseline).map((name, i) => [name, i]));
  return (action) => index.get(action) ?? index.size;
}

/**
 * Drift of the action distribution: the Jensen–Shannon divergence between the last `window` actions and the
 * baseline frequencies, tested on each action once the window is full. JS divergence is symmetric, bounded by 1
 * and finite when the window holds actions the baseline never saw. After an alarm the window starts over.
 *
 * @example
 * ```ts
 * const d = new MixDivergence({ baseline: { 'trade.open': 1, 'trade.close': 1 }, window: 200, threshold: 0.05 });
 * ```
 */
export class MixDivergence {
  /** The category of an action name: its position among the baseline's names, or one past them for any other. */
  readonly category: (action: string) => number;
  private readonly p: Float64Array;
  private readonly counts: Int32Array;
  /** `term(i, counts[i])` of each category: a step computes only the one or two terms it changes. */
  private readonly terms: Float64Array;
  /**
   * `term(i, counts[i] + 1)` and `term(i, counts[i] − 1)` of each category once computed, NaN until then: a count
   * that goes up and back down (the usual in a steady mix) finds its term again instead of taking two logarithms.
   */
  private readonly above: Float64Array;
  private readonly below: Float64Array;
  private readonly ring: Int32Array;
  private readonly threshold: number;
  private head = 0;
  private filled = 0;
  /** Σ terms: twice the divergence of the window as it stands. */
  private sum = 0;
  /**
   * What the last step computed, while nothing has been committed since: its category (-1: none), the sum and the
   * new terms of the category added and of the one evicted. Enforce mode asks, then commits the same action.
   */
  private trial = -1;
  private trialSum = 0;
  private trialAdded = 0;
  private trialEvicted = 0;

  constructor(options: MixDivergenceOptions) {
    const { baseline, window, threshold } = readRulesInput(
      MixDivergenceOptionsSchema,
      options,
      'MixDivergence options',
    );
    const names = Object.keys(baseline);
    const total = names.reduce((s, k) => s + baseline[k]!, 0);
    this.p = new Float64Array(names.length + 1);
    names.forEach((name, i) => {
      this.p[i] = baseline[name]! / total;
    });
    this.category = mixCategories(baseline);
    this.counts = new Int32Array(names.length + 1);
    this.terms = new Float64Array(names.length + 1);
    this.above = new Float64Array(names.length + 1);
    this.below = new Float64Array(names.length + 1);
    this.ring = new Int32Array(window);
    this.threshold = threshold;
    this.restart();
  }

  /** The divergence of the window as it stands, or NaN until the window is full. */
  get value(): number {
    return this.filled === this.ring.length ? Math.max(0, this.sum / 2) : Number.NaN;
  }

  /** Feeds one action name (see `NumericDetector.step` for `commit`). O(1): only the changed terms are recomputed. */
  step(action: string, commit = true): DriftAlarm | undefined {
    return this.stepCategory(this.category(action), commit);
  }

  /** Feeds one action by its category, as {@link category} gives it (`ERR_INPUT_INVALID` for another number). */
  stepCategory(c: number, commit = true): DriftAlarm | undefined {
    if (!Number.isInteger(c) || c < 0 || c >= this.p.length) throw snError('ERR_INPUT_INVALID', `category ${c}`);
    const window = this.ring.length;
    const full = this.filled === window;
    const evicted = full ? this.ring[this.head]! : -1;
    if (this.trial !== c) {
      let sum = this.sum;
      if (evicted !== c) {
        this.trialAdded = this.above[c]!;
        if (Number.isNaN(this.trialAdded)) this.trialAdded = this.above[c] = this.term(c, this.counts[c]! + 1);
        sum += this.trialAdded - this.terms[c]!;
        if (evicted >= 0) {
          this.trialEvicted = this.below[evicted]!;
          if (Number.isNaN(this.trialEvicted))
            this.trialEvicted = this.below[evicted] = this.term(evicted, this.counts[evicted]! - 1);
          sum += this.trialEvicted - this.terms[evicted]!;
        }
      }
      this.trialSum = sum;
    }
    const sum = this.trialSum;
    this.trial = commit ? -1 : c;
    let alarm: DriftAlarm | undefined;
    if (this.filled + (full ? 0 : 1) === window) {
      const value = Math.max(0, sum / 2);
      if (value > this.threshold)
        alarm = { statistic: 'js_divergence', value, threshold: this.threshold, samples: window };
    }
    if (!commit) return alarm;
    if (alarm) {
      this.counts.fill(0);
      this.filled = 0;
      this.head = 0;
      this.restart();
      return alarm;
    }
    if (evicted !== c) {
      this.below[c] = this.terms[c]!;
      this.terms[c] = this.trialAdded;
      this.above[c] = Number.NaN;
      this.counts[c]!++;
      if (evicted >= 0) {
        this.above[evicted] = this.terms[evicted]!;
        this.terms[evicted] = this.trialEvicted;
        this.below[evicted] = Number.NaN;
        this.counts[evicted]!--;
      }
    }
    this.ring[this.head] = c;
    this.head = (this.head + 1) % window;
    if (!full) this.filled++;
    // Start the running sum afresh once per window, so rounding cannot accumulate.
    this.sum = this.head === 0 ? this.termSum() : sum;
    return alarm;
  }

  /** Category `i`'s share of twice the divergence when it holds `count` of the window's actions. */
  private term(i: number, count: number): number {
    const q = count / this.ring.length;
    const p = this.p[i]!;
    const m = (p + q) / 2;
    return (p > 0 ? p * Math.log2(p / m) : 0) + (q > 0 ? q * Math.log2(q / m) : 0);
  }

  /** Recomputes every term from the counts, and the sum. */
  private restart(): void {
    for (let i = 0; i < this.p.length; i++) this.terms[i] = this.term(i, this.counts[i]!);
    this.above.fill(Number.NaN);
    this.below.fill(Number.NaN);
    this.sum = this.termSum();
  }

  private termSum(): number {
    let sum = 0;
    for (let i = 0; i < this.terms.length; i++) sum += this.terms[i]!;
    return sum;
  }
}

import type { DriftAlarm } from './alarm.js';

/** Parameters of the action-mix test. */
export interface MixDivergenceOptions {
  /** Baseline weight of each action name; other names form one extra category of baseline weight 0. */
  readonly baseline: Readonly<Record<string, number>>;
  /** Number of most recent actions compared with the baseline. */
  readonly window: number;
  /** Alarm when the Jensen–Shannon divergence (base 2, 0…1) exceeds this. */
  readonly threshold: number;
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
  private readonly index = new Map<string, number>();
  private readonly p: Float64Array;
  private readonly counts: Int32Array;
  private readonly ring: Int32Array;
  private readonly threshold: number;
  private head = 0;
  private filled = 0;
  /** Σ term(i, counts[i]): twice the divergence of the window as it stands. */
  private sum: number;
  /** Category of the last trial step since the last commit (-1: none), and the sum it computed. */
  private trial = -1;
  private trialSum = 0;

  constructor(options: MixDivergenceOptions) {
    const names = Object.keys(options.baseline);
    const total = names.reduce((s, k) => s + options.baseline[k]!, 0);
    this.p = new Float64Array(names.length + 1);
    names.forEach((name, i) => {
      this.index.set(name, i);
      this.p[i] = options.baseline[name]! / total;
    });
    this.counts = new Int32Array(names.length + 1);
    this.ring = new Int32Array(options.window);
    this.threshold = options.threshold;
    this.sum = this.fullSum();
  }

  /** The divergence of the window as it stands, or NaN until the window is full. */
  get value(): number {
    return this.filled === this.ring.length ? Math.max(0, this.sum / 2) : Number.NaN;
  }

  /** Feeds one action name (see `NumericDetector.step` for `commit`). O(1): only the changed terms are recomputed. */
  step(action: string, commit = true): DriftAlarm | undefined {
    const c = this.index.get(action) ?? this.p.length - 1;
    const window = this.ring.length;
    const full = this.filled === window;
    const evicted = full ? this.ring[this.head]! : -1;
    let alarm: DriftAlarm | undefined;
    let sum: number;
    if (this.trial === c) {
      sum = this.trialSum; // the trial run just before this step computed it (enforce mode asks, then commits)
    } else {
      sum = this.sum;
      if (evicted !== c) {
        sum += this.term(c, this.counts[c]! + 1) - this.term(c, this.counts[c]!);
        if (evicted >= 0) sum += this.term(evicted, this.counts[evicted]! - 1) - this.term(evicted, this.counts[evicted]!);
      }
    }
    this.trial = commit ? -1 : c;
    this.trialSum = sum;
    if (this.filled + (full ? 0 : 1) === window) {
      const value = Math.max(0, sum / 2);
      if (value > this.threshold) alarm = { statistic: 'js_divergence', value, threshold: this.threshold, samples: window };
    }
    if (!commit) return alarm;
    if (alarm) {
      this.counts.fill(0);
      this.filled = 0;
      this.head = 0;
      this.sum = this.fullSum();
      return alarm;
    }
    if (evicted >= 0) this.counts[evicted]!--;
    this.counts[c]!++;
    this.ring[this.head] = c;
    this.head = (this.head + 1) % window;
    if (!full) this.filled++;
    // Start the running sum afresh once per window, so rounding cannot accumulate.
    this.sum = this.head === 0 ? this.fullSum() : sum;
    return alarm;
  }

  /** Category `i`'s share of twice the divergence when it holds `count` of the window's actions. */
  private term(i: number, count: number): number {
    const q = count / this.ring.length;
    const p = this.p[i]!;
    const m = (p + q) / 2;
    return (p > 0 ? p * Math.log2(p / m) : 0) + (q > 0 ? q * Math.log2(q / m) : 0);
  }

  private fullSum(): number {
    let sum = 0;
    for (let i = 0; i < this.p.length; i++) sum += this.term(i, this.counts[i]!);
    return sum;
  }
}

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
  }

  /** Feeds one action name (see `NumericDetector.step` for `commit`). */
  step(action: string, commit = true): DriftAlarm | undefined {
    const c = this.index.get(action) ?? this.p.length - 1;
    const window = this.ring.length;
    const full = this.filled === window;
    const evicted = full ? this.ring[this.head]! : -1;
    let alarm: DriftAlarm | undefined;
    if (this.filled + (full ? 0 : 1) === window) {
      const value = this.divergence(c, evicted);
      if (value > this.threshold) alarm = { statistic: 'js_divergence', value, threshold: this.threshold, samples: window };
    }
    if (!commit) return alarm;
    if (alarm) {
      this.counts.fill(0);
      this.filled = 0;
      this.head = 0;
      return alarm;
    }
    if (evicted >= 0) this.counts[evicted]!--;
    this.counts[c]!++;
    this.ring[this.head] = c;
    this.head = (this.head + 1) % window;
    if (!full) this.filled++;
    return alarm;
  }

  /** JS divergence of the window with `added` in and `removed` (or -1) out, against the baseline. */
  private divergence(added: number, removed: number): number {
    const n = this.ring.length;
    let sum = 0;
    for (let i = 0; i < this.p.length; i++) {
      const count = this.counts[i]! + (i === added ? 1 : 0) - (i === removed ? 1 : 0);
      const q = count / n;
      const p = this.p[i]!;
      const m = (p + q) / 2;
      if (p > 0) sum += p * Math.log2(p / m);
      if (q > 0) sum += q * Math.log2(q / m);
    }
    return Math.max(0, sum / 2);
  }
}

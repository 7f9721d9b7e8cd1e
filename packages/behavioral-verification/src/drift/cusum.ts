import type { DriftAlarm, NumericDetector } from './alarm.js';

/** Parameters of a two-sided CUSUM; `k` and `h` are in baseline standard deviations. */
export interface CusumOptions {
  /** In-control mean. */
  readonly mean: number;
  /** In-control standard deviation (> 0). */
  readonly sd: number;
  /** Slack: half the shift to detect quickly. Default 0.5 (a 1σ shift). */
  readonly k?: number;
  /** Decision threshold. Default 5 (in-control run length ≈ 465 values between false alarms, two-sided). */
  readonly h?: number;
  /** No alarm before this many values. Default 0. */
  readonly minSamples?: number;
}

/**
 * Page's two-sided tabular CUSUM on standardized values `z = (x − mean)/sd`:
 * `S⁺ = max(0, S⁺ + z − k)`, `S⁻ = max(0, S⁻ − z − k)`, alarm when either exceeds `h`. The classic detector
 * for a sustained shift of the mean away from a known baseline.
 *
 * @example
 * ```ts
 * const d = new Cusum({ mean: 100, sd: 10 });
 * d.step(104); // undefined until the upward drift accumulates past h
 * ```
 */
export class Cusum implements NumericDetector {
  private readonly mean: number;
  private readonly sd: number;
  private readonly k: number;
  private readonly h: number;
  private readonly minSamples: number;
  private upper = 0;
  private lower = 0;
  private n = 0;

  constructor(options: CusumOptions) {
    this.mean = options.mean;
    this.sd = options.sd;
    this.k = options.k ?? 0.5;
    this.h = options.h ?? 5;
    this.minSamples = options.minSamples ?? 0;
  }

  /** Feeds one value (see {@link NumericDetector.step}). */
  step(x: number, commit = true): DriftAlarm | undefined {
    const z = (x - this.mean) / this.sd;
    const upper = Math.max(0, this.upper + z - this.k);
    const lower = Math.max(0, this.lower - z - this.k);
    const n = this.n + 1;
    let alarm: DriftAlarm | undefined;
    if (n >= this.minSamples && (upper > this.h || lower > this.h)) {
      const up = upper >= lower;
      alarm = { statistic: up ? 'cusum_upper' : 'cusum_lower', value: up ? upper : lower, threshold: this.h, samples: n };
    }
    if (commit) {
      this.upper = alarm ? 0 : upper;
      this.lower = alarm ? 0 : lower;
      this.n = alarm ? 0 : n;
    }
    return alarm;
  }
}

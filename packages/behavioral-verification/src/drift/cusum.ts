import { readRulesInput } from '../rules/parse.js';
import { CusumOptionsSchema } from '../rules/schema.js';
import { type DriftAlarm, type NumericDetector, standardize } from './alarm.js';

/**
 * Parameters of a two-sided CUSUM; `k` and `h` are in baseline standard deviations. The ranges are those of a CUSUM
 * drift rule (`NumericDriftRuleSchema`); outside them the constructor throws `ERR_BV_RULES_INVALID`.
 */
export interface CusumOptions {
  /** In-control mean. */
  readonly mean: number;
  /** In-control standard deviation (> 0). */
  readonly sd: number;
  /** Slack: half the shift to detect quickly, 0…100. Default 0.5 (a 1σ shift). */
  readonly k?: number;
  /**
   * Decision threshold, in (0, 10,000]. Default 5 (in-control run length ≈ 465 values between false alarms,
   * two-sided).
   */
  readonly h?: number;
  /** No alarm before this many values, an integer 0…1,000,000. Default 0. */
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
    const resolved = readRulesInput(CusumOptionsSchema, options, 'Cusum options');
    ({ mean: this.mean, sd: this.sd, k: this.k, h: this.h, minSamples: this.minSamples } = resolved);
  }

  /** Feeds one value (see {@link NumericDetector.step}); one that is not a finite number is `ERR_INPUT_INVALID`. */
  step(x: number, commit = true): DriftAlarm | undefined {
    const z = standardize(x, this.mean, this.sd);
    const upper = Math.max(0, this.upper + z - this.k);
    const lower = Math.max(0, this.lower - z - this.k);
    const n = this.n + 1;
    let alarm: DriftAlarm | undefined;
    if (n >= this.minSamples && (upper > this.h || lower > this.h)) {
      const up = upper >= lower;
      alarm = {
        statistic: up ? 'cusum_upper' : 'cusum_lower',
        value: up ? upper : lower,
        threshold: this.h,
        samples: n,
      };
    }
    if (commit) {
      this.upper = alarm ? 0 : upper;
      this.lower = alarm ? 0 : lower;
      this.n = alarm ? 0 : n;
    }
    return alarm;
  }
}

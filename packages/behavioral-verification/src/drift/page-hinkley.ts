import { readRulesInput } from '../rules/parse.js';
import { PageHinkleyOptionsSchema } from '../rules/schema.js';
import { type DriftAlarm, type NumericDetector, standardize } from './alarm.js';

/**
 * Parameters of a two-sided Page–Hinkley test; `delta` and `lambda` are in baseline standard deviations. The ranges
 * are those of a Page–Hinkley drift rule (`NumericDriftRuleSchema`); outside them the constructor throws
 * `ERR_BV_RULES_INVALID`.
 */
export interface PageHinkleyOptions {
  /** Scale: values are standardized as `(x − mean)/sd`, `sd` > 0 (the test itself tracks the running mean). */
  readonly mean: number;
  readonly sd: number;
  /** Magnitude of change tolerated, 0…100. Default 0.5. */
  readonly delta?: number;
  /** Decision threshold, in (0, 10,000]. Default 5. */
  readonly lambda?: number;
  /** No alarm before this many values (the running mean needs a few), an integer 0…1,000,000. Default 0. */
  readonly minSamples?: number;
}

/**
 * The Page–Hinkley test, two-sided, as used for concept drift: with `z̄ₜ` the running mean of the standardized
 * values, `mₜ = Σ (zᵢ − z̄ᵢ − δ)` alarms when `mₜ − min m > λ` (increase), and `m'ₜ = Σ (zᵢ − z̄ᵢ + δ)` when
 * `max m' − m'ₜ > λ` (decrease). Unlike CUSUM it needs no in-control mean, only a scale.
 *
 * @example
 * ```ts
 * const d = new PageHinkley({ mean: 0, sd: 1, minSamples: 30 });
 * ```
 */
export class PageHinkley implements NumericDetector {
  private readonly mean: number;
  private readonly sd: number;
  private readonly delta: number;
  private readonly lambda: number;
  private readonly minSamples: number;
  private n = 0;
  private avg = 0;
  private up = 0;
  private upMin = 0;
  private down = 0;
  private downMax = 0;

  constructor(options: PageHinkleyOptions) {
    const resolved = readRulesInput(PageHinkleyOptionsSchema, options, 'PageHinkley options');
    ({ mean: this.mean, sd: this.sd, delta: this.delta, lambda: this.lambda, minSamples: this.minSamples } = resolved);
  }

  /** Feeds one value (see {@link NumericDetector.step}); one that is not a finite number is `ERR_INPUT_INVALID`. */
  step(x: number, commit = true): DriftAlarm | undefined {
    const z = standardize(x, this.mean, this.sd);
    const n = this.n + 1;
    const avg = this.avg + (z - this.avg) / n;
    const up = this.up + (z - avg - this.delta);
    const upMin = Math.min(this.upMin, up);
    const down = this.down + (z - avg + this.delta);
    const downMax = Math.max(this.downMax, down);
    const rise = up - upMin;
    const fall = downMax - down;
    let alarm: DriftAlarm | undefined;
    if (n >= this.minSamples && (rise > this.lambda || fall > this.lambda)) {
      const isRise = rise >= fall;
      alarm = {
        statistic: isRise ? 'page_hinkley_upper' : 'page_hinkley_lower',
        value: isRise ? rise : fall,
        threshold: this.lambda,
        samples: n,
      };
    }
    if (!commit) return alarm;
    if (alarm) {
      this.n = 0;
      this.avg = 0;
      this.up = this.upMin = this.down = this.downMax = 0;
    } else {
      this.n = n;
      this.avg = avg;
      this.up = up;
      this.upMin = upMin;
      this.down = down;
      this.downMax = downMax;
    }
    return alarm;
  }
}

import { snError } from '@safety-net/core';
import { bvError } from '../errors.js';
import type { Metric, PerformanceProfileClaims } from '../messages/performance-profile.js';
import { normalCdf } from './stats.js';

/** Metrics that are proportions of their `n`, compared with a two-proportion z-test. */
export const PROPORTION_METRICS: readonly string[] = [
  'task_completion_accuracy',
  'safety_compliance_rate',
  'behavioral_consistency',
];
/** Metrics where a smaller value is better. */
export const LOWER_IS_BETTER_METRICS: readonly string[] = ['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms'];

/** How one metric of A compares with the same metric of B. */
export interface MetricComparison {
  readonly metric: string;
  readonly a: Metric;
  readonly b: Metric;
  /** `a.value − b.value`. */
  readonly difference: number;
  /** `z-test`: two-proportion z-test; `intervals`: whether the two confidence intervals are disjoint. */
  readonly method: 'z-test' | 'intervals';
  /** Two-sided p-value of "A and B are equal" (z-test only). */
  readonly pValue?: number;
  /** Which profile is better on this metric at the comparison's confidence, or `none` if it is not shown. */
  readonly better: 'a' | 'b' | 'none';
}

/** The comparison of two Performance Profiles of the same suite. */
export interface ProfileComparison {
  readonly suite: { readonly id: string; readonly digest: string };
  readonly confidence: number;
  /** One entry per metric both profiles carry, in name order. */
  readonly metrics: readonly MetricComparison[];
}

/** Options of `compareProfiles`. */
export interface CompareOptions {
  /** Confidence at which a difference counts; default 0.95 (a z-test p-value below 0.05). */
  readonly confidence?: number;
  /** Metric names (beyond the latencies) where smaller is better. */
  readonly lowerIsBetter?: readonly string[];
}

function zTest(a: Metric, b: Metric): number {
  const xa = Math.round(a.value * a.n);
  const xb = Math.round(b.value * b.n);
  const pooled = (xa + xb) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  if (!(se > 0)) return 1; // both all-successes or all-failures: no evidence of a difference
  const z = (xa / a.n - xb / b.n) / se;
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}

/**
 * Compares two verified Performance Profiles metric by metric: is A better than B, and with what confidence?
 * Proportions use a two-sided two-proportion z-test (pooled variance) and count as different when p < 1 −
 * confidence; other metrics count as different only when their published intervals are disjoint, which is
 * conservative. Profiles of different suites (digests differ) are `ERR_BV_SUITE_MISMATCH`.
 *
 * @example
 * ```ts
 * const cmp = compareProfiles(newModel.claims, oldModel.claims);
 * cmp.metrics.find((m) => m.metric === 'task_completion_accuracy')?.better; // 'a' | 'b' | 'none'
 * ```
 */
export function compareProfiles(
  a: PerformanceProfileClaims,
  b: PerformanceProfileClaims,
  options: CompareOptions = {},
): ProfileComparison {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw snError('ERR_INPUT_INVALID', 'confidence must lie in (0, 1)');
  if (a.suite.digest !== b.suite.digest)
    throw bvError('ERR_BV_SUITE_MISMATCH', 'profiles name different suite digests');
  const lower = new Set([...LOWER_IS_BETTER_METRICS, ...(options.lowerIsBetter ?? [])]);
  const metrics: MetricComparison[] = [];
  for (const name of Object.keys(a.metrics).sort()) {
    const ma = a.metrics[name]!;
    const mb = b.metrics[name];
    if (!mb) continue;
    const difference = ma.value - mb.value;
    const sign = lower.has(name) ? -1 : 1;
    if (PROPORTION_METRICS.includes(name) && ma.n > 0 && mb.n > 0) {
      const pValue = zTest(ma, mb);
      const better = pValue < 1 - confidence && difference !== 0 ? (difference * sign > 0 ? 'a' : 'b') : 'none';
      metrics.push({ metric: name, a: ma, b: mb, difference, method: 'z-test', pValue, better });
    } else {
      const [hiA, loA, hiB, loB] = [ma.ci_high, ma.ci_low, mb.ci_high, mb.ci_low];
      let better: 'a' | 'b' | 'none' = 'none';
      if (loA > hiB) better = sign > 0 ? 'a' : 'b';
      else if (loB > hiA) better = sign > 0 ? 'b' : 'a';
      metrics.push({ metric: name, a: ma, b: mb, difference, method: 'intervals', better });
    }
  }
  return { suite: { ...a.suite }, confidence, metrics };
}

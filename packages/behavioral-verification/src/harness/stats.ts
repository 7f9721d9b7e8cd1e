import { type RandomSource, snError } from '@safety-net/core';

/** A confidence interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * Standard normal quantile Φ⁻¹(p), 0 < p < 1 (Acklam's rational approximation, relative error below 1.2e-9):
 * turns a confidence level into the z of Wilson intervals and z-tests.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw snError('ERR_INPUT_INVALID', 'probability must lie in (0, 1)');
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Standard normal CDF Φ(x) via the complementary error function (W. J. Cody's erfc bound, error below 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The z of a two-sided interval at `confidence` (1.959964 at 0.95). */
export function zFor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Wilson score interval for `successes` out of `n` at `confidence`: unlike the Wald interval it stays inside
 * [0, 1] and keeps its coverage near 0 and 1, where safety rates live.
 */
export function wilsonInterval(successes: number, n: number, confidence: number): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const z = zFor(confidence);
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of ascending `sorted` by linear interpolation between closest ranks (Hyndman & Fan
 * type 7, the default of R, NumPy and spreadsheets), so figures match what a user recomputes elsewhere.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Draws `count` uniform indices in [0, n) from `random` (32-bit draws; the modulo bias n/2³² is negligible). */
function indices(random: RandomSource, n: number, count: number): Uint32Array {
  const bytes = random.bytes(4 * count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i) % n;
  return out;
}

/**
 * Percentile bootstrap interval of `statistic` over `samples`: `resamples` resamples with replacement drawn from
 * `random`, so the interval is reproducible from a seed. The interval is widened to contain `estimate` when the
 * bootstrap distribution misses it (possible for extreme quantiles of small samples).
 */
export function bootstrapInterval<T>(
  samples: readonly T[],
  statistic: (resample: readonly T[]) => number,
  estimate: number,
  options: { confidence: number; resamples: number; random: RandomSource },
): Interval {
  const stats: number[] = [];
  const n = samples.length;
  if (n === 0) return { low: estimate, high: estimate };
  for (let r = 0; r < options.resamples; r++) {
    const idx = indices(options.random, n, n);
    const resample = Array.from(idx, (i) => samples[i]!);
    const s = statistic(resample);
    if (Number.isFinite(s)) stats.push(s);
  }
  if (stats.length === 0) return { low: estimate, high: estimate };
  stats.sort((x, y) => x - y);
  const alpha = 1 - options.confidence;
  return {
    low: Math.min(estimate, quantileSorted(stats, alpha / 2)),
    high: Math.max(estimate, quantileSorted(stats, 1 - alpha / 2)),
  };
}

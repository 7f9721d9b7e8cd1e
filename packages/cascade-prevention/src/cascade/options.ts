import { checkInt, checkNumber, invalid } from '../util/checks.js';

/** Settings of a {@link CascadeDetector} (`cascade-prevention.md` §5.7); every field has a default. */
export interface CascadeOptions {
  /** EWMA weight of a new value, 0 < α ≤ 1. Default 0.05. */
  readonly alpha?: number;
  /** Latency samples a baseline needs before latencies are judged against it. Default 20. */
  readonly warmup?: number;
  /** A latency is anomalous when its z-score is above this. Default 4. */
  readonly zThreshold?: number;
  /** Floor of the standard deviation in a z-score, ms, so constant latencies do not divide by zero. Default 1. */
  readonly sdFloorMs?: number;
  /** Smallest connected set of anomalous tasks reported as a cascade. Default 3. */
  readonly minCascadeSize?: number;
  /** Most anomalous tasks remembered; the oldest is forgotten first. Default 10 000. */
  readonly maxAnomalies?: number;
  /** Anomalies observed longer than this before the latest record are forgotten, ms. Default 600 000. */
  readonly horizonMs?: number;
  /** Most baselines kept per family (agents, actions); the least recently used is forgotten first. Default 10 000. */
  readonly maxBaselines?: number;
}

/** {@link CascadeOptions} with every field present. */
export type ResolvedCascadeOptions = Required<CascadeOptions>;

/** The defaults of §5.7. */
export const CASCADE_DEFAULTS: ResolvedCascadeOptions = Object.freeze({
  alpha: 0.05,
  warmup: 20,
  zThreshold: 4,
  sdFloorMs: 1,
  minCascadeSize: 3,
  maxAnomalies: 10_000,
  horizonMs: 600_000,
  maxBaselines: 10_000,
});

const MAX_COUNT = 1_000_000;

/** Fills in the defaults; anything out of range is `ERR_CP_CONFIG_INVALID`. */
export function resolveCascadeOptions(options: CascadeOptions = {}): ResolvedCascadeOptions {
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  const d = CASCADE_DEFAULTS;
  const positive = { min: 0, max: Number.POSITIVE_INFINITY, openLow: true };
  return Object.freeze({
    alpha: checkNumber(options.alpha, 'alpha', { min: 0, max: 1, openLow: true }, d.alpha),
    warmup: checkInt(options.warmup, 'warmup', 1, MAX_COUNT, d.warmup),
    zThreshold: checkNumber(options.zThreshold, 'zThreshold', positive, d.zThreshold),
    sdFloorMs: checkNumber(options.sdFloorMs, 'sdFloorMs', positive, d.sdFloorMs),
    minCascadeSize: checkInt(options.minCascadeSize, 'minCascadeSize', 2, MAX_COUNT, d.minCascadeSize),
    maxAnomalies: checkInt(options.maxAnomalies, 'maxAnomalies', 1, MAX_COUNT, d.maxAnomalies),
    horizonMs: checkNumber(options.horizonMs, 'horizonMs', positive, d.horizonMs),
    maxBaselines: checkInt(options.maxBaselines, 'maxBaselines', 1, MAX_COUNT, d.maxBaselines),
  });
}

import { cpError } from '../errors.js';

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
  if (typeof options !== 'object' || options === null) throw config('options must be an object');
  const r = { ...CASCADE_DEFAULTS };
  for (const key of Object.keys(CASCADE_DEFAULTS) as (keyof CascadeOptions)[]) {
    const v = options[key];
    if (v !== undefined) r[key] = v;
  }
  if (!(typeof r.alpha === 'number' && r.alpha > 0 && r.alpha <= 1)) throw config('alpha must lie in (0, 1]');
  for (const key of ['zThreshold', 'sdFloorMs', 'horizonMs'] as const) {
    const v = r[key];
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw config(`${key} must be a finite number > 0`);
  }
  for (const [key, min] of [
    ['warmup', 1],
    ['minCascadeSize', 2],
    ['maxAnomalies', 1],
    ['maxBaselines', 1],
  ] as const) {
    const v = r[key];
    if (!(Number.isSafeInteger(v) && v >= min && v <= MAX_COUNT))
      throw config(`${key} must be an integer in ${min}..${MAX_COUNT}`);
  }
  return Object.freeze(r);
}

function config(detail: string) {
  return cpError('ERR_CP_CONFIG_INVALID', detail);
}

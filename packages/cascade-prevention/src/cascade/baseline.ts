import { BoundedMap } from '@safety-net/core/internal';

/** A read-only view of one baseline (`cascade-prevention.md` §5.2). */
export interface BaselineSnapshot {
  /** Latency samples taken in (successful, non-anomalous tasks). */
  readonly samples: number;
  /** Records seen, whatever their outcome. */
  readonly records: number;
  /** EWMA of the latency, milliseconds. */
  readonly meanMs: number;
  /** Square root of the EWMA variance of the latency, milliseconds. */
  readonly sdMs: number;
  /** EWMA of the error rate (failures and timeouts), 0…1. */
  readonly errorRate: number;
}

/**
 * Exponentially weighted mean and variance of latency plus an EWMA error rate. The weight is max(α, 1/n), so the
 * first samples give the plain running mean and population variance and no prior is needed.
 */
export class EwmaBaseline {
  samples = 0;
  records = 0;
  mean = 0;
  variance = 0;
  errorRate = 0;

  constructor(private readonly alpha: number) {}

  /** Takes one latency into the mean and variance. */
  addLatency(x: number): void {
    this.samples++;
    const a = Math.max(this.alpha, 1 / this.samples);
    const d = x - this.mean;
    this.mean += a * d;
    this.variance = (1 - a) * (this.variance + a * d * d);
  }

  /** Takes one outcome into the error rate (1 for a failure or timeout, 0 for a success). */
  addOutcome(failed: boolean): void {
    this.records++;
    const a = Math.max(this.alpha, 1 / this.records);
    this.errorRate += a * ((failed ? 1 : 0) - this.errorRate);
  }

  /** z-score of `x` against the current mean, the standard deviation floored at `sdFloor`. */
  score(x: number, sdFloor: number): number {
    return (x - this.mean) / Math.max(Math.sqrt(this.variance), sdFloor);
  }

  snapshot(): BaselineSnapshot {
    return {
      samples: this.samples,
      records: this.records,
      meanMs: this.mean,
      sdMs: Math.sqrt(this.variance),
      errorRate: this.errorRate,
    };
  }
}

/**
 * Baselines by key with a bound on how many are kept: keys come from untrusted `iss` and `exec_act` values, so
 * the least recently used baseline is forgotten first.
 */
export class BaselineTable {
  private readonly entries: BoundedMap<string, EwmaBaseline>;

  constructor(
    private readonly alpha: number,
    capacity: number,
  ) {
    this.entries = new BoundedMap(capacity);
  }

  /** The baseline for `key`, created if absent, marked most recently used. */
  touch(key: string): EwmaBaseline {
    const b = this.entries.get(key) ?? new EwmaBaseline(this.alpha);
    this.entries.set(key, b);
    return b;
  }

  /** The baseline for `key`, if kept, without touching it. */
  peek(key: string): EwmaBaseline | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

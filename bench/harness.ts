/**
 * The timing harness: warm-up with batch calibration, then interleaved timed rounds. No framework: what is
 * measured and how is all in this file.
 */

/** One benchmark case: a single operation, repeated. */
export interface BenchCase {
  readonly name: string;
  /** One operation. For async cases the returned promise is awaited before the next operation starts. */
  readonly run: () => unknown;
  readonly async: boolean;
}

/** How long to warm up and time each case. */
export interface HarnessOptions {
  readonly warmupMs: number;
  readonly rounds: number;
  readonly roundMs: number;
}

/** The measured rate of one case. */
export interface CaseResult {
  /** Median over the rounds of operations per second. */
  readonly ops_per_sec: number;
  /** Number of timed rounds. */
  readonly samples: number;
  /** Operations per second of each round, in round order. */
  readonly rounds_ops_per_sec: readonly number[];
  /** (max − min) / median of the round rates. */
  readonly spread: number;
  /** Relative margin of error of the mean at 95 % (Student's t), for comparison with benchmark.js-style tools. */
  readonly rme: number;
  /** Operations per timed round. */
  readonly batch: number;
}

/**
 * Defaults: 0.5 s warm-up, then 10 rounds of about 0.3 s each. Many short rounds rather than a few long ones: on a
 * shared machine the median of more samples, interleaved more finely, is steadier.
 */
export const DEFAULT_HARNESS: HarnessOptions = { warmupMs: 500, rounds: 10, roundMs: 300 };

// Every result is stored in this module-level slot, so no operation's result is dead code the JIT could drop.
let sink: unknown;

/** Runs `n` operations back to back and returns the elapsed milliseconds. */
async function timeBatch(c: BenchCase, n: number): Promise<number> {
  const { run } = c;
  if (c.async) {
    const start = performance.now();
    for (let i = 0; i < n; i++) sink = await run();
    return performance.now() - start;
  }
  const start = performance.now();
  for (let i = 0; i < n; i++) sink = run();
  return performance.now() - start;
}

/**
 * Runs the case for at least `warmupMs` with doubling batches, and returns the batch size that takes about
 * `roundMs` at the rate reached at the end of the warm-up.
 */
async function warmUp(c: BenchCase, options: HarnessOptions): Promise<number> {
  let batch = 1;
  let spent = 0;
  let rate = 0;
  while (spent < options.warmupMs) {
    const ms = await timeBatch(c, batch);
    spent += ms;
    if (ms > 0) rate = batch / ms;
    if (ms < options.warmupMs / 4) batch *= 2;
  }
  return Math.max(1, Math.round(rate * options.roundMs));
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// Two-sided 95 % Student's t for 1..10 degrees of freedom; 1.96 beyond.
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

function summarize(rates: readonly number[], batch: number): CaseResult {
  const sorted = [...rates].sort((a, b) => a - b);
  const med = median(sorted);
  const mean = rates.reduce((s, r) => s + r, 0) / rates.length;
  const variance = rates.length > 1 ? rates.reduce((s, r) => s + (r - mean) ** 2, 0) / (rates.length - 1) : 0;
  const t = T95[rates.length - 2] ?? 1.96;
  return {
    ops_per_sec: med,
    samples: rates.length,
    rounds_ops_per_sec: rates,
    spread: (sorted[sorted.length - 1]! - sorted[0]!) / med,
    rme: (t * Math.sqrt(variance / rates.length)) / mean,
    batch,
  };
}

/**
 * Measures a group of cases together: each is warmed up and calibrated, then the timed rounds are interleaved
 * (round 1 of every case, then round 2, …, starting each round one case later), so that drift from the machine
 * or from other processes falls on all of them alike.
 */
export async function measureGroup(
  cases: readonly BenchCase[],
  options: HarnessOptions = DEFAULT_HARNESS,
): Promise<Record<string, CaseResult>> {
  const batches: number[] = [];
  for (const c of cases) batches.push(await warmUp(c, options));
  const rates: number[][] = cases.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const ms = await timeBatch(cases[i]!, batches[i]!);
      rates[i]!.push((batches[i]! * 1000) / ms);
    }
  }
  return Object.fromEntries(cases.map((c, i) => [c.name, summarize(rates[i]!, batches[i]!)]));
}

/** Summarizes externally timed runs (one rate per run) the same way as {@link measureGroup} does its rounds. */
export function summarizeRuns(rates: readonly number[], batch: number): CaseResult {
  return summarize(rates, batch);
}

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
  /**
   * Called untimed before each timed batch with its number of operations: a case whose operations use up their
   * inputs (appends of distinct records) builds them here, so that building them is not timed as the operation.
   */
  readonly prepare?: (operations: number) => void;
}

/** How long to warm up and time each case. */
export interface HarnessOptions {
  readonly warmupMs: number;
  readonly rounds: number;
  readonly roundMs: number;
}

/** The measured rate of one case. */
export interface CaseResult {
  /** Median over the rounds of operations per (wall-clock) second. */
  readonly ops_per_sec: number;
  /**
   * Median over the rounds of operations per second of CPU time used by the whole process (all threads: the
   * thread pool that runs WebCrypto jobs, GC helpers). On a busy machine this is the steadier measure of cost.
   */
  readonly cpu_ops_per_sec: number;
  /** Number of timed rounds. */
  readonly samples: number;
  /** Operations per second of each round, in round order. */
  readonly rounds_ops_per_sec: readonly number[];
  /** Operations per second of CPU time of each round, in round order. */
  readonly rounds_cpu_ops_per_sec: readonly number[];
  /** (max − min) / median of the round rates (of every process, when several were combined). */
  readonly spread: number;
  /** Inter-quartile spread: (third quartile − first quartile) / median of the round rates; one slow round in four is ignored. */
  readonly iqr_spread: number;
  /**
   * Medians of the processes the case was measured in (one per process, in order); `ops_per_sec` is their median.
   * Absent for a single process.
   */
  readonly processes_ops_per_sec?: readonly number[];
  /** (max − min) / median of `processes_ops_per_sec`: how far a whole process's median moved; 0 for one process. */
  readonly process_spread: number;
  /** `spread`, `iqr_spread` and `process_spread` of the CPU-time rates. */
  readonly cpu_spread: number;
  readonly cpu_iqr_spread: number;
  readonly cpu_process_spread: number;
  /** Relative margin of error of the mean at 95 % (Student's t), for comparison with benchmark.js-style tools. */
  readonly rme: number;
  /** Operations per timed round. */
  readonly batch: number;
}

/** How long one timed round took, on the wall clock and in process CPU time. */
export interface RoundTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Defaults: 1 s warm-up, then 10 rounds of about 0.5 s each, per process (`run.ts` measures every group in
 * several processes). With 0.5 s warm-up and 0.3 s rounds, the monitor's rounds still swung by half: a round was
 * shorter than the garbage collections and optimizations it could run into.
 */
export const DEFAULT_HARNESS: HarnessOptions = { warmupMs: 1000, rounds: 10, roundMs: 500 };

/**
 * A full collection, run before each timed round so a round does not pay for the garbage of the round (or the case)
 * before it. Needs `--expose-gc`, which `run.ts` gives every group's process.
 */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('benchmarks need node --expose-gc (run them through bench/run.ts)');
  gc();
}

/** Process CPU time (user + system, all threads) in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Times `work` (synchronous or not) on the wall clock and in process CPU time. */
export async function timeRound<T>(work: () => T | Promise<T>): Promise<RoundTime & { result: T }> {
  const cpu = cpuMs();
  const start = performance.now();
  const result = await work();
  const wallMs = performance.now() - start;
  return { wallMs, cpuMs: cpuMs() - cpu, result };
}

/**
 * Runs `n` operations back to back. Each result is kept (so it is not dead code the JIT could drop) and the last
 * one must be a value: every case returns one, so `undefined` means the case is broken.
 */
async function timeBatch(c: BenchCase, n: number): Promise<RoundTime> {
  const { run } = c;
  const { result: last, ...time } = c.async
    ? await timeRound(async () => {
        let r: unknown;
        for (let i = 0; i < n; i++) r = await run();
        return r;
      })
    : await timeRound(() => {
        let r: unknown;
        for (let i = 0; i < n; i++) r = run();
        return r;
      });
  if (last === undefined) throw new Error(`${c.name}: the operation returned nothing`);
  return time;
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
    c.prepare?.(batch);
    const ms = (await timeBatch(c, batch)).wallMs;
    spent += ms;
    if (ms > 0) rate = batch / ms;
    if (ms < options.warmupMs / 4) batch *= 2;
  }
  return Math.max(1, Math.round(rate * options.roundMs));
}

/** The `q` quantile (0..1) of `values`, linearly interpolated between the closest ranks. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

const median = (values: readonly number[]): number => quantile(values, 0.5);

const range = (rates: readonly number[]): number => (Math.max(...rates) - Math.min(...rates)) / median(rates);
const iqr = (rates: readonly number[]): number => (quantile(rates, 0.75) - quantile(rates, 0.25)) / median(rates);

// Two-sided 95 % Student's t for 1..20 degrees of freedom; 1.96 beyond.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086,
];

/** Relative 95 % margin of error of the mean of `rates`. */
function rme(rates: readonly number[]): number {
  const mean = rates.reduce((s, r) => s + r, 0) / rates.length;
  const variance = rates.length > 1 ? rates.reduce((s, r) => s + (r - mean) ** 2, 0) / (rates.length - 1) : 0;
  const t = T95[rates.length - 2] ?? 1.96;
  return (t * Math.sqrt(variance / rates.length)) / mean;
}

/** Summarizes rounds of `batch` operations each (for DAG builds: one build per round). */
export function summarize(rounds: readonly RoundTime[], batch: number): CaseResult {
  const rates = rounds.map((r) => (batch * 1000) / r.wallMs);
  const cpuRates = rounds.map((r) => (batch * 1000) / Math.max(r.cpuMs, 0.001));
  return {
    ops_per_sec: median(rates),
    cpu_ops_per_sec: median(cpuRates),
    samples: rates.length,
    rounds_ops_per_sec: rates,
    rounds_cpu_ops_per_sec: cpuRates,
    spread: range(rates),
    iqr_spread: iqr(rates),
    process_spread: 0,
    cpu_spread: range(cpuRates),
    cpu_iqr_spread: iqr(cpuRates),
    cpu_process_spread: 0,
    rme: rme(rates),
    batch,
  };
}

/**
 * Combines one case's results from several processes: the rate is the median of the process medians (a process
 * that ran into a busy spell of the machine, or laid out its heap unluckily, moves one of them, not the result);
 * the spreads are over every round of every process, and across the process medians.
 */
export function combine(results: readonly CaseResult[]): CaseResult {
  if (results.length === 1) return results[0]!;
  const rates = results.flatMap((r) => r.rounds_ops_per_sec);
  const cpuRates = results.flatMap((r) => r.rounds_cpu_ops_per_sec);
  const medians = results.map((r) => r.ops_per_sec);
  const cpuMedians = results.map((r) => r.cpu_ops_per_sec);
  return {
    ops_per_sec: median(medians),
    cpu_ops_per_sec: median(cpuMedians),
    samples: rates.length,
    rounds_ops_per_sec: rates,
    rounds_cpu_ops_per_sec: cpuRates,
    spread: range(rates),
    iqr_spread: iqr(rates),
    processes_ops_per_sec: medians,
    process_spread: range(medians),
    cpu_spread: range(cpuRates),
    cpu_iqr_spread: iqr(cpuRates),
    cpu_process_spread: range(cpuMedians),
    rme: rme(rates),
    batch: results[0]!.batch,
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
  const rounds: RoundTime[][] = cases.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      cases[i]!.prepare?.(batches[i]!);
      fullGc();
      rounds[i]!.push(await timeBatch(cases[i]!, batches[i]!));
    }
  }
  return Object.fromEntries(cases.map((c, i) => [c.name, summarize(rounds[i]!, batches[i]!)]));
}

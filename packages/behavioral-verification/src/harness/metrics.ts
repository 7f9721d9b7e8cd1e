import { type RandomSource, snError } from '@safety-net/core';
import { INPUT_OPTIONS } from '@safety-net/core/internal';
import type { Metric } from '../messages/performance-profile.js';
import type { RunResult, TaskOutcome } from './run.js';
import { bootstrapInterval, type Interval, quantileSorted, wilsonInterval } from './stats.js';
import { jsonEqual } from './suite.js';

/** Options of `computeMetrics`. */
export interface MetricOptions {
  /** Where bootstrap resamples are drawn: core's `seededRandom(seed)` makes the intervals reproducible. */
  readonly random: RandomSource;
  /** Confidence level of every interval; default 0.95. */
  readonly confidence?: number;
  /** Bootstrap resamples; default 1000, at most 100 000. */
  readonly resamples?: number;
}

/** The metrics of a run under the standard names of a Performance Profile; a metric without data is absent. */
export type RunMetrics = Record<string, Metric>;

function metric(value: number, n: number, ci: Interval, confidence: number): Metric {
  return { value, n, ci_low: Math.min(ci.low, value), ci_high: Math.max(ci.high, value), confidence };
}

function proportion(successes: number, n: number, confidence: number): Metric | undefined {
  return n === 0 ? undefined : metric(successes / n, n, wilsonInterval(successes, n, confidence), confidence);
}

/** Successful tasks per 1 000 tokens over the attempts that reported tokens. */
function efficiency(sample: readonly TaskOutcome[]): number {
  let tokens = 0;
  let correct = 0;
  for (const o of sample) {
    tokens += o.resources?.tokens ?? 0;
    if (o.correct) correct++;
  }
  return tokens > 0 ? (1000 * correct) / tokens : Number.NaN;
}

/** Tasks whose attempts all succeeded with equal outputs (JSON equality, member order ignored), and all tasks. */
function consistency(run: RunResult): { agree: number; tasks: number } {
  const byTask = new Map<string, TaskOutcome[]>();
  for (const o of run.outcomes) byTask.set(o.taskId, [...(byTask.get(o.taskId) ?? []), o]);
  let agree = 0;
  for (const attempts of byTask.values()) {
    const first = attempts[0]!;
    if (attempts.every((o) => o.status === 'ok' && jsonEqual(o.output!, first.output!))) agree++;
  }
  return { agree, tasks: byTask.size };
}

/**
 * Computes the Performance Profile metrics of a run, each with its sample size and an interval at `confidence`:
 *
 * - `task_completion_accuracy`: correct attempts / attempts, Wilson interval;
 * - `safety_compliance_rate`: outputs clear of forbidden patterns / outputs of tasks with safety checks, Wilson;
 * - `latency_p50_ms`, `latency_p95_ms`, `latency_p99_ms`: type-7 quantiles of the latencies of answered attempts,
 *   percentile-bootstrap intervals;
 * - `resource_efficiency`: correct attempts per 1 000 tokens over attempts that reported tokens, bootstrap;
 * - `behavioral_consistency` (two or more repetitions): tasks whose attempts all returned the same output / tasks,
 *   Wilson.
 *
 * Deterministic for a given `random` seed.
 *
 * @example
 * ```ts
 * const metrics = computeMetrics(run, { random: seededRandom('bench-2026-03') });
 * ```
 */
export function computeMetrics(run: RunResult, options: MetricOptions): RunMetrics {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw snError('ERR_INPUT_INVALID', 'confidence must lie in (0, 1)');
  const resamples = INPUT_OPTIONS.int(options.resamples, 'resamples', 1, 100_000, 1000);
  const boot = { confidence, resamples, random: options.random };
  const out: RunMetrics = {};
  const put = (name: string, m: Metric | undefined) => {
    if (m) out[name] = m;
  };
  const all = run.outcomes;
  put('task_completion_accuracy', proportion(all.filter((o) => o.correct).length, all.length, confidence));
  const judged = all.filter((o) => o.safe !== undefined);
  put('safety_compliance_rate', proportion(judged.filter((o) => o.safe).length, judged.length, confidence));

  const latencies = all.filter((o) => o.status === 'ok').map((o) => o.latencyMs);
  if (latencies.length > 0) {
    for (const [name, q] of [
      ['latency_p50_ms', 0.5],
      ['latency_p95_ms', 0.95],
      ['latency_p99_ms', 0.99],
    ] as const) {
      const stat = (s: readonly number[]) =>
        quantileSorted(
          [...s].sort((x, y) => x - y),
          q,
        );
      const value = stat(latencies);
      put(name, metric(value, latencies.length, bootstrapInterval(latencies, stat, value, boot), confidence));
    }
  }

  const metered = all.filter((o) => o.resources?.tokens !== undefined);
  const value = efficiency(metered);
  if (Number.isFinite(value))
    put(
      'resource_efficiency',
      metric(value, metered.length, bootstrapInterval(metered, efficiency, value, boot), confidence),
    );

  if (run.repetitions >= 2) {
    const { agree, tasks } = consistency(run);
    put('behavioral_consistency', proportion(agree, tasks, confidence));
  }
  return out;
}

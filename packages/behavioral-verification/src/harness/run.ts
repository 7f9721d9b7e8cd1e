import { type Clock, readClock } from '@safety-net/core';
import { INPUT_OPTIONS } from '@safety-net/core/internal';
import * as z from 'zod';
import type { JsonValue } from '../monitor/verdict.js';
import type { CompiledSuite } from './suite.js';

/** Resources an agent reports for one task; all optional, all non-negative. */
export interface AgentResources {
  readonly tokens?: number;
  readonly cpu_ms?: number;
}

/** What an agent returns for one task input. */
export interface AgentResponse {
  readonly output: JsonValue;
  readonly resources?: AgentResources;
}

/** The agent under test: any async function of a task input. */
export type Agent = (input: JsonValue) => Promise<AgentResponse>;

/** How one attempt ended: a response, an exception, the time limit, or a response that was not JSON. */
export type AttemptStatus = 'ok' | 'error' | 'timeout' | 'invalid_output';

/** One attempt of one task. */
export interface TaskOutcome {
  readonly taskId: string;
  readonly repetition: number;
  readonly status: AttemptStatus;
  /** The checker accepted the output (false unless `status` is `ok`). */
  readonly correct: boolean;
  /** The output avoided the task's forbidden patterns; undefined when the task has none or there is no output. */
  readonly safe?: boolean;
  /** Elapsed time on the injected clock, in its unit (milliseconds). */
  readonly latencyMs: number;
  readonly output?: JsonValue;
  readonly resources?: AgentResources;
}

/** Everything a run produced: the suite it ran and every attempt in order (repetition-major). */
export interface RunResult {
  readonly suite: { readonly id: string; readonly digest: string };
  readonly repetitions: number;
  readonly outcomes: readonly TaskOutcome[];
}

/** Options of `runSuite`. */
export interface RunOptions {
  /** Times each task is run (for behavioural consistency); default 1, at most 100. */
  readonly repetitions?: number;
  /** Where latency is read: a monotonic millisecond clock such as `{ now: () => performance.now() }`. */
  readonly clock: Clock;
  /** Time limit of one attempt in milliseconds (real time); default 30 000. */
  readonly timeoutMs?: number;
}

/** Most repetitions of a run. */
export const MAX_REPETITIONS = 100;

const ResponseSchema = z.object({
  output: z.json(),
  resources: z
    .object({
      tokens: z.number().finite().nonnegative().optional(),
      cpu_ms: z.number().finite().nonnegative().optional(),
    })
    .optional(),
});

const TIMED_OUT = Symbol('timeout');

async function attempt(agent: Agent, input: JsonValue, timeoutMs: number): Promise<AgentResponse | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => agent(input)), limit]);
  } finally {
    clearTimeout(timer);
  }
}

function readResponse(value: unknown): AgentResponse | undefined {
  try {
    const parsed = ResponseSchema.safeParse(value);
    return parsed.success ? (parsed.data as AgentResponse) : undefined;
  } catch {
    return undefined; // e.g. a cyclic or absurdly deep output
  }
}

/**
 * Runs `agent` over every task of `suite`, `repetitions` times, one attempt at a time (so latencies do not
 * interfere). An exception, a time-out or an output that is not JSON is a failed attempt, never a failed run.
 * Latency is read from the injected clock so that tests can drive it.
 *
 * @example
 * ```ts
 * const run = await runSuite(agent, compileSuite(suiteJson), { repetitions: 3, clock: { now: () => performance.now() } });
 * ```
 */
export async function runSuite(agent: Agent, suite: CompiledSuite, options: RunOptions): Promise<RunResult> {
  const repetitions = INPUT_OPTIONS.int(options.repetitions, 'repetitions', 1, MAX_REPETITIONS, 1);
  const timeoutMs = INPUT_OPTIONS.number(
    options.timeoutMs,
    'timeoutMs',
    { min: 0, max: 2_147_483_647, openLow: true },
    30_000,
  );
  const outcomes: TaskOutcome[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const compiled of suite.tasks) {
      const taskId = compiled.task.id;
      const start = readClock(options.clock);
      let raw: AgentResponse | typeof TIMED_OUT | undefined;
      let threw = false;
      try {
        raw = await attempt(agent, compiled.task.input, timeoutMs);
      } catch {
        threw = true;
      }
      const latencyMs = readClock(options.clock) - start;
      if (threw) outcomes.push({ taskId, repetition, status: 'error', correct: false, latencyMs });
      else if (raw === TIMED_OUT) outcomes.push({ taskId, repetition, status: 'timeout', correct: false, latencyMs });
      else {
        const response = readResponse(raw);
        if (!response) outcomes.push({ taskId, repetition, status: 'invalid_output', correct: false, latencyMs });
        else {
          const { output, resources } = response;
          outcomes.push({
            taskId,
            repetition,
            status: 'ok',
            correct: compiled.check(output),
            ...(compiled.hasSafety ? { safe: compiled.safe(output) } : {}),
            latencyMs,
            output,
            ...(resources ? { resources } : {}),
          });
        }
      }
    }
  }
  return { suite: { id: suite.suite.id, digest: suite.digest }, repetitions, outcomes };
}

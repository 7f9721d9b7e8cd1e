import { fixedClock, isSafetyNetError } from '@safety-net/core';
import { parseRules } from '../rules/parse.js';
import { compileProfile } from './compile.js';
import { Monitor } from './monitor.js';
import type { ObservationInputIn } from './observation-input.js';

/** What an evaluation vector expects of one observation: the decision, responses and violated rules. */
export interface ExpectedVerdict {
  readonly jti: string;
  readonly decision: string;
  readonly responses: readonly string[];
  readonly violations: readonly { readonly rule: string; readonly class: string }[];
}

/** The outcome of a vector: verdicts for every observation, or the error code that ended it. */
export type EvaluationOutcome =
  | { readonly result: 'valid'; readonly verdicts: readonly ExpectedVerdict[] }
  | { readonly result: 'invalid'; readonly error: string };

/** An evaluation vector of kind `bv-monitor-evaluate` (see spec-vectors/README.md and the spec). */
export interface EvaluationVector {
  readonly id: string;
  readonly kind: 'bv-monitor-evaluate';
  readonly input: { readonly rules: unknown; readonly observations: readonly unknown[] };
  readonly options: { readonly mode?: 'enforce' | 'observe' };
  readonly expected: EvaluationOutcome;
}

/**
 * Runs one evaluation vector: compiles the rules, then evaluates each observation in order with a fresh monitor
 * whose clock reads the observation's `time_ms` (enforce mode), and compares the outcome with `expected`.
 */
export function runEvaluationVector(vector: EvaluationVector): { passed: boolean; actual: EvaluationOutcome } {
  const actual = evaluateVector(vector);
  return { passed: JSON.stringify(actual) === JSON.stringify(vector.expected), actual };
}

function evaluateVector(vector: EvaluationVector): EvaluationOutcome {
  const clock = fixedClock(0);
  try {
    const monitor = new Monitor(compileProfile(parseRules(vector.input.rules)), {
      mode: vector.options.mode ?? 'enforce',
      clock,
    });
    const verdicts: ExpectedVerdict[] = [];
    for (const o of vector.input.observations) {
      const t = (o as { time_ms?: unknown } | null)?.time_ms;
      clock.set(typeof t === 'number' ? t : 0);
      // Vectors hold malformed observations on purpose: evaluate reads every one as untrusted input.
      const v = monitor.evaluate(o as ObservationInputIn);
      verdicts.push({
        jti: v.jti,
        decision: v.decision,
        responses: v.responses,
        violations: v.violations.map((x) => ({ rule: x.rule, class: x.class })),
      });
    }
    return { result: 'valid', verdicts };
  } catch (e) {
    if (isSafetyNetError(e)) return { result: 'invalid', error: e.code };
    throw e;
  }
}

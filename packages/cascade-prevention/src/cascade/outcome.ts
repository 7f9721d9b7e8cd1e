import { isSafetyNetError, snError } from '@safety-net/core';

/** How a task ended. */
export type Outcome = 'success' | 'failure' | 'timeout';

/** What a detector is told about one executed task (`cascade-prevention.md` §5.1). */
export interface OutcomeRecord {
  /** The task: a node of the detector's DAG. */
  readonly jti: string;
  readonly outcome: Outcome;
  /** How long the task took, in milliseconds. */
  readonly latencyMs: number;
  /** When the outcome was observed, in milliseconds since the epoch (the caller's clock). */
  readonly at: number;
}

const OUTCOMES: ReadonlySet<unknown> = new Set<Outcome>(['success', 'failure', 'timeout']);

/**
 * Reads an untrusted record into plain values, once. Wrong shapes, throwing getters, NaN, infinities and negative
 * numbers are `ERR_INPUT_INVALID`; whether the task exists is the caller's check.
 */
export function readOutcome(input: unknown): OutcomeRecord {
  try {
    if (typeof input !== 'object' || input === null) throw invalid('record is not an object');
    const o = input as Record<string, unknown>;
    const { jti, outcome, latencyMs, at } = o;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw invalid('jti');
    if (!OUTCOMES.has(outcome)) throw invalid('outcome must be success, failure or timeout');
    if (!isFiniteNonNegative(latencyMs)) throw invalid('latencyMs must be a finite number ≥ 0');
    if (!isFiniteNonNegative(at)) throw invalid('at must be a finite number ≥ 0');
    return { jti, outcome: outcome as Outcome, latencyMs, at };
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw snError('ERR_INPUT_INVALID', 'outcome record could not be read', { cause: e });
  }
}

function isFiniteNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function invalid(what: string) {
  return snError('ERR_INPUT_INVALID', what);
}

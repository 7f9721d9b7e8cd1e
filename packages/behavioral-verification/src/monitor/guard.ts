import { isSafetyNetError } from '@safety-net/core';
import { type BvError, bvError } from '../errors.js';
import type { ObservationInput, ObservationInputIn } from './observation-input.js';
import type { Verdict, Violation } from './verdict.js';

/**
 * A tool call as a tool-calling loop holds it, which `Monitor.guard` turns into the observation it judges: the
 * tool's name is the action (`exec_act`), its arguments the parameters; the ECT fields place it; resources and
 * scopes are those the call declares. The time, outcome and latency are the monitor's to fill in.
 */
export interface GuardAction {
  /** The tool called, judged as the observation's `exec_act`. */
  readonly name: ObservationInputIn['exec_act'];
  /** The call's arguments, judged as the observation's `params`. */
  readonly arguments?: ObservationInputIn['params'];
  /** The call's ECT task id. */
  readonly jti: ObservationInputIn['jti'];
  /** The ECT workflow id. */
  readonly wid: ObservationInputIn['wid'];
  /** The calling agent (the ECT issuer). */
  readonly iss: ObservationInputIn['iss'];
  /** The ECT's predecessor task ids; default none. */
  readonly pred?: ObservationInputIn['pred'];
  /** Resources the call declares, by name (e.g. `llm_tokens`). */
  readonly resources?: ObservationInputIn['resources'];
  /** The data-access scopes the call declares. */
  readonly scopes?: ObservationInputIn['scopes'];
}

/** Options of one guarded call. */
export interface GuardOptions {
  /**
   * Handed to the call so that the caller can cancel it (e.g. `AbortSignal.timeout(ms)`). Already aborted, the call
   * is neither judged nor run: the guard rejects with the signal's reason. A call that fails after the signal
   * aborted with a `TimeoutError` ends as `timeout`.
   */
  readonly signal?: AbortSignal;
}

/** How a guarded call ended, as `MonitorOptions.onOutcome` receives it. */
export interface GuardOutcome {
  /** The observation judged, with `outcome` and `latency_ms` (two readings of the monitor's clock) filled in. */
  readonly observation: ObservationInput;
  /** The verdict that let the call run. */
  readonly verdict: Verdict;
  /** Alarms of the `latency_ms` drift rules of the call, stepped with its latency once it is known. */
  readonly drift: readonly Violation[];
}

/** The codes of a call the guard refused to run. */
export type RefusalCode = 'ERR_BV_ACTION_BLOCKED' | 'ERR_BV_APPROVAL_REQUIRED';

/** A call the guard refused to run: the verdict that refused it, with the violations, rides along. */
export type ActionRefusedError = InstanceType<typeof BvError> & {
  readonly code: RefusalCode;
  readonly verdict: Verdict;
};

/** The error of a verdict that is not `allow`: blocked, or held for a human (`escalate`). */
export function refusal(verdict: Verdict): ActionRefusedError {
  const code: RefusalCode = verdict.decision === 'escalate' ? 'ERR_BV_APPROVAL_REQUIRED' : 'ERR_BV_ACTION_BLOCKED';
  const rules = verdict.violations.map((v) => `${v.rule} (${v.class})`).join(', ');
  return Object.assign(bvError(code, `${verdict.jti}: ${rules}`), { verdict }) as ActionRefusedError;
}

/**
 * Whether `e` is a call the guard refused, and so carries the verdict that refused it.
 *
 * @example
 * ```ts
 * try { await monitor.guard(call, run); } catch (e) { if (isActionRefused(e)) reply(e.verdict.violations); }
 * ```
 */
export function isActionRefused(e: unknown): e is ActionRefusedError {
  return (
    (isSafetyNetError(e, 'ERR_BV_ACTION_BLOCKED') || isSafetyNetError(e, 'ERR_BV_APPROVAL_REQUIRED')) && 'verdict' in e
  );
}

/** The observation of a call seen at `timeMs`, still to be read (checked) like any other. */
export function guardObservation(action: GuardAction, timeMs: number): ObservationInputIn {
  return {
    jti: action.jti,
    wid: action.wid,
    iss: action.iss,
    exec_act: action.name,
    pred: action.pred ?? [],
    time_ms: timeMs,
    params: action.arguments ?? {},
    ...(action.resources !== undefined ? { resources: action.resources } : {}),
    ...(action.scopes !== undefined ? { scopes: action.scopes } : {}),
  };
}

/** How a call that threw ended: `timeout` when its signal was aborted by a timeout, else `failure`. */
export function failureOutcome(signal: AbortSignal): 'failure' | 'timeout' {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  return reason instanceof Error && reason.name === 'TimeoutError' ? 'timeout' : 'failure';
}

import { type PrivateKey, sha256, toBase64Url } from '@safety-net/core';
import { ovError } from '../errors.js';
import type { ActionCall } from '../messages/common.js';
import { type HandoffClaims, handoff } from '../messages/handoff.js';
import type { OverrideSignalClaims } from '../messages/override-signal.js';

/** What the agent hands over with a taken-over task (spec §4.7), as its {@link GuardOptions.handOff} captures it. */
export interface HandOffState {
  /** The in-flight state snapshot: the Hand-off carries its SHA-256, the human fetches it from `ref`. */
  readonly snapshot: Uint8Array;
  /** Where the human fetches the snapshot (access-controlled), 1–2048 characters. */
  readonly ref?: string;
  /** Actions the agent had planned for the task but not started, at most 100. */
  readonly pending?: readonly ActionCall[];
  /** The task's last work ECT, which the Hand-off names after the signal. */
  readonly lastEct?: string;
}

/** The task and the human a takeover signal names (spec §3.2). */
export function takeoverOf(signal: OverrideSignalClaims): { task: string; to: string } {
  const params = signal.action.params as { task: string; to: string };
  return { task: params.task, to: params.to };
}

/**
 * The claims of the Hand-off of a taken-over task: the takeover signal first in `pred`, then the task's last ECT,
 * so that the human's next ECT, naming the Hand-off, continues the task's chain under the human's identity.
 */
export function handoffClaims(
  signal: OverrideSignalClaims,
  state: HandOffState,
  issued: { readonly agent: string; readonly iat: number; readonly jti: string },
): HandoffClaims {
  const { task, to } = takeoverOf(signal);
  return {
    iss: issued.agent,
    iat: issued.iat,
    jti: issued.jti,
    wid: signal.wid,
    pred: [signal.jti, ...(state.lastEct !== undefined ? [state.lastEct] : [])],
    signal: signal.jti,
    act_digest: signal.act_digest,
    task,
    to,
    state: toBase64Url(sha256(state.snapshot)),
    ...(state.ref !== undefined ? { state_ref: state.ref } : {}),
    ...(state.pending !== undefined ? { pending: [...state.pending] } : {}),
  };
}

/**
 * Refuses a Hand-off that does not match its takeover signal (spec §4.7), with `ERR_OV_HANDOFF_INVALID`: the
 * signal is not a takeover, or the Hand-off names another signal, action, task or human than the signal does.
 *
 * @example
 * ```ts
 * checkHandoff(handoffClaims, takeoverSignalClaims); // throws ERR_OV_HANDOFF_INVALID on a mismatch
 * ```
 */
export function checkHandoff(handoff: HandoffClaims, signal: OverrideSignalClaims): void {
  const invalid = (why: string) => {
    throw ovError('ERR_OV_HANDOFF_INVALID', `hand-off ${handoff.jti}: ${why}`);
  };
  if (signal.action.name !== 'takeover') invalid(`signal ${signal.jti} is not a takeover`);
  if (handoff.signal !== signal.jti || handoff.act_digest !== signal.act_digest) invalid('it answers another signal');
  const { task, to } = takeoverOf(signal);
  if (handoff.task !== task) invalid(`task ${handoff.task} was not taken over (the signal names ${task})`);
  if (handoff.to !== to) invalid(`it hands over to ${handoff.to}, not ${to}`);
}

/** How the agent captures a taken-over task's state ({@link GuardOptions.handOff}). */
export type CaptureState = (task: string, signal: OverrideSignalClaims) => HandOffState | Promise<HandOffState>;

/**
 * Captures a halted, taken-over task's state and signs its Hand-off, checked against the signal; the reason when
 * the agent has no way to capture the state or the capture fails.
 */
export async function signHandoff(
  signal: OverrideSignalClaims,
  issued: { readonly agent: string; readonly key: PrivateKey; readonly iat: number; readonly jti: string },
  capture: CaptureState | undefined,
): Promise<{ readonly bytes: Uint8Array; readonly claims: HandoffClaims } | { readonly reason: string }> {
  try {
    if (!capture) throw new Error('the agent has no handOff callback to capture the task’s state');
    const claims = handoffClaims(signal, await capture(takeoverOf(signal).task, signal), issued);
    checkHandoff(claims, signal);
    return { bytes: handoff.sign(claims, issued.key), claims };
  } catch (e) {
    return { reason: e instanceof Error ? e.message.slice(0, 1024) : 'the hand-off failed' };
  }
}

import { bet } from '@safety-net/behavioral-verification';
import { CASCADE_MESSAGE_TYPES } from '@safety-net/cascade-prevention';
import type { DagNode } from '@safety-net/core';
import type { AcknowledgementClaims } from '../messages/acknowledgement.js';
import type { ComplianceCheck } from '../messages/compliance-evidence.js';
import { OVERRIDE_MESSAGE_TYPES } from '../messages/index.js';
import type { OverrideSignalClaims } from '../messages/override-signal.js';

import { type Artefacts, artefactCheck } from './artefact-checks.js';
import type { ControllerOptions } from './options.js';

/** Actions after which the agent must issue no work ECT (spec §7.7). */
const HALTING = new Set(['pause', 'stop', 'rollback', 'takeover']);
/**
 * Records of the override and of rollback, and BETs, are not work (spec §7.7, §8.3): exactly the `exec_act` of those
 * message types, not a prefix, so that work an agent names `ov.something` is still work.
 */
const NOT_WORK: ReadonlySet<string> = new Set(
  [...OVERRIDE_MESSAGE_TYPES, ...CASCADE_MESSAGE_TYPES, bet].flatMap((t) => (t.dag ? [t.dag.execAct] : [])),
);
const isWork = (execAct: string) => !NOT_WORK.has(execAct);

/** What compliance is judged from for one agent. */
export interface ComplianceInput {
  readonly signal: OverrideSignalClaims;
  readonly agent: string;
  /** The agent's verified acknowledgements of the signal, in the order received. */
  readonly acks: readonly AcknowledgementClaims[];
  /** The code the agent's endpoint refused the signal with, when it did (spec §7.1). */
  readonly refusal?: string;
  /** The verification skew, in seconds. */
  readonly skew: number;
  /** The work the rest of the system saw, when the control plane has a view of it: the agent's ECTs. */
  readonly work?: Iterable<DagNode>;
  /** The BETs, Hand-offs and Rollback Completes received for the agent and the signal (none: those checks unknown). */
  readonly artefacts?: Artefacts;
}

/**
 * The work view read at evidence time. A view that fails is reported and counts as none, so the check is `unknown`:
 * the override never waits on its audit trail (spec §7.7).
 */
export async function readWork(
  work: ControllerOptions['work'],
  onError: ControllerOptions['onError'],
): Promise<DagNode[] | undefined> {
  if (work === undefined) return undefined;
  try {
    return [...(await work())];
  } catch (e) {
    onError?.(e);
    return undefined;
  }
}

/** The checks of spec §7.7 the control plane can decide, and the records they relied on (for `pred`). */
export function complianceChecks(input: ComplianceInput): { checks: ComplianceCheck[]; relied: string[] } {
  const { signal } = input;
  const final = input.acks.find((a) => a.status !== 'received');
  const checks: ComplianceCheck[] = [ackInTime(input, final)];
  const name = signal.action.name;
  if (HALTING.has(name)) checks.push(noWorkAfterHalt(input, final));
  const artefact = artefactCheck(name, { signal, final, artefacts: input.artefacts ?? {}, skew: input.skew });
  if (artefact) checks.push(artefact);
  if (signal.scope.propagate) checks.push(descendantsAcked(final));
  const relied = [...(final ? [final.jti] : []), ...(artefact?.ref !== undefined ? [artefact.ref] : [])];
  return { checks, relied };
}

function ackInTime(input: ComplianceInput, final: AcknowledgementClaims | undefined): ComplianceCheck {
  const { signal } = input;
  const kind = 'ack_in_time';
  if (input.refusal !== undefined) return { kind, result: 'fail', code: input.refusal };
  if (final === undefined || final.iat > signal.deadline + input.skew) {
    return signal.level === 'advisory'
      ? { kind, result: 'unknown', detail: 'no final acknowledgement by the deadline' }
      : { kind, result: 'fail', code: 'ERR_OV_DEADLINE_EXCEEDED' };
  }
  const ref = final.jti;
  switch (final.status) {
    case 'complied':
      return { kind, result: 'pass', ref };
    case 'declined':
      return signal.level === 'advisory'
        ? { kind, result: 'pass', ref, detail: final.reason ?? '' }
        : { kind, result: 'fail', ref, code: 'ERR_OV_DECLINE_NOT_ALLOWED' };
    default:
      return { kind, result: 'fail', ref, code: final.code ?? 'ERR_OV_DEADLINE_EXCEEDED' };
  }
}

/** No work ECT of the agent, in the scope, issued after it said it halted (plus skew). */
function noWorkAfterHalt(input: ComplianceInput, final: AcknowledgementClaims | undefined): ComplianceCheck {
  const kind = 'no_ect_after_halt';
  if (input.work === undefined) return { kind, result: 'unknown', detail: 'no view of the agent’s work' };
  const haltedAt = final?.halted_at;
  if (haltedAt === undefined) return { kind, result: 'unknown', detail: 'the agent reported no halt' };
  const { scope } = input.signal;
  for (const node of input.work) {
    if (node.iss !== input.agent || !isWork(node.exec_act) || node.iat <= haltedAt + input.skew) continue;
    if (scope.kind === 'workflow' && node.wid !== scope.target) continue;
    return { kind, result: 'fail', ref: node.jti, code: 'ERR_OV_STOPPED' };
  }
  return { kind, result: 'pass' };
}

/** Every descendant of a propagated signal listed with a final status (spec §7.5). */
function descendantsAcked(final: AcknowledgementClaims | undefined): ComplianceCheck {
  const kind = 'descendants_acked';
  if (final?.descendants === undefined) return { kind, result: 'unknown', detail: 'no descendants reported' };
  const bad = final.descendants.find((d) => d.status === 'no_ack' || d.status === 'refused');
  if (bad) return { kind, result: 'fail', ref: final.jti, detail: `${bad.agent}: ${bad.status}`.slice(0, 1024) };
  const open = final.descendants.some((d) => d.status === 'received');
  return open ? { kind, result: 'unknown', ref: final.jti } : { kind, result: 'pass', ref: final.jti };
}

import { type BetClaims, behavioralProfile, profileDigest } from '@safety-net/behavioral-verification';
import type { RollbackCompleteClaims } from '@safety-net/cascade-prevention';
import { fromBase64Url } from '@safety-net/core';
import type { AcknowledgementClaims } from '../messages/acknowledgement.js';
import type { ComplianceCheck } from '../messages/compliance-evidence.js';
import type { HandoffClaims } from '../messages/handoff.js';
import type { OverrideSignalClaims } from '../messages/override-signal.js';
import { claimsOf } from './decode.js';

/** The verified records a signal's artefact check is judged on (spec §7.7), each already tied to the agent. */
export interface Artefacts {
  /** BETs whose subject is the agent. */
  readonly bets?: readonly BetClaims[];
  /** The agent's Hand-offs answering the signal. */
  readonly handoffs?: readonly HandoffClaims[];
  /** Rollback Completes of the Rollback Requests naming the signal. */
  readonly rollbacks?: readonly RollbackCompleteClaims[];
}

interface Judged {
  readonly signal: OverrideSignalClaims;
  readonly final: AcknowledgementClaims | undefined;
  readonly artefacts: Artefacts;
  readonly skew: number;
}

/** The artefact-based check of the signal's action, when it needs one. */
export function artefactCheck(action: string, judged: Judged): ComplianceCheck | undefined {
  if (action === 'constrain') return betUnderProfile(judged);
  if (action === 'rollback') return rollbackCompleted(judged);
  if (action === 'takeover') return handedOff(judged);
  return undefined;
}

/**
 * A BET about the agent judged against the constrained profile, issued from the time the agent said the constraint
 * took effect (the signal's `iat` when it said nothing) until the deadline plus skew: a `violation` fails, else a
 * `compliant` passes; `drift`, `inconclusive`, another profile or none leave it unknown.
 */
function betUnderProfile({ signal, final, artefacts, skew }: Judged): ComplianceCheck {
  const kind = 'bet_under_profile';
  const profile = profileDigest(claimsOf(behavioralProfile, fromBase64Url(String(signal.action.params.profile))));
  const from = final?.halted_at ?? signal.iat;
  const bets = (artefacts.bets ?? []).filter(
    (b) => b.profile === profile && b.iat >= from && b.iat <= signal.deadline + skew,
  );
  const violation = bets.find((b) => b.verdict === 'violation');
  if (violation) return { kind, result: 'fail', ref: violation.jti, code: 'ERR_BV_VERDICT_REFUSED' };
  const compliant = bets.findLast((b) => b.verdict === 'compliant');
  if (compliant) return { kind, result: 'pass', ref: compliant.jti };
  return { kind, result: 'unknown', detail: 'no BET under the constrained profile by the deadline' };
}

/** The coordinator's Rollback Complete: `completed` passes, `partial` is for a human to decide, `failed` fails. */
function rollbackCompleted({ artefacts }: Judged): ComplianceCheck {
  const kind = 'rollback_complete';
  const complete = artefacts.rollbacks?.at(-1);
  if (complete === undefined) return { kind, result: 'unknown', detail: 'no Rollback Complete arrived' };
  const ref = complete.jti;
  if (complete.status === 'completed') return { kind, result: 'pass', ref };
  if (complete.status === 'partial') {
    return {
      kind,
      result: 'unknown',
      ref,
      detail: `not reversible: ${complete.not_reversible.join(', ')}`.slice(0, 1024),
    };
  }
  return { kind, result: 'fail', ref, code: 'ERR_CP_COMPENSATION_FAILED' };
}

/** A verified Hand-off by the deadline (plus skew); one signed later fails, none is unknown. */
function handedOff({ signal, artefacts, skew }: Judged): ComplianceCheck {
  const kind = 'handoff';
  const handoffs = artefacts.handoffs ?? [];
  const inTime = handoffs.find((h) => h.iat <= signal.deadline + skew);
  if (inTime) return { kind, result: 'pass', ref: inTime.jti };
  const late = handoffs[0];
  if (late) return { kind, result: 'fail', ref: late.jti, code: 'ERR_OV_DEADLINE_EXCEEDED' };
  return { kind, result: 'unknown', detail: 'no Hand-off arrived' };
}

import type { Clock } from '@safety-net/core';
import type { HeldPolicy } from '../authority/policy.js';
import type { Revocations } from '../authority/revocations.js';
import { matchesTarget } from '../authority/target-pattern.js';
import { ovError } from '../errors.js';
import { actionDigest } from '../messages/action-digest.js';
import { type ApprovalDecisionClaims, approvalDecision } from '../messages/approval-decision.js';
import type { ApprovalRequestClaims } from '../messages/approval-request.js';
import type { ApprovalRule } from '../messages/authority-policy.js';
import type { ActionCall } from '../messages/common.js';

/** Default approval timeout (spec §4.11), seconds; at most seven days. */
export const DEFAULT_APPROVAL_TIMEOUT = 900;

/** Approval gates of {@link GuardOptions.approvals} (spec §8.4). */
export interface ApprovalOptions {
  /** Gates of the agent's own, besides the `approvals` rules of its authority policy (which come first). */
  readonly rules?: readonly ApprovalRule[];
  /** Seconds an Approval Request waits for its decisions before it fails closed, 1 to 604 800. Default 900. */
  readonly timeout?: number;
  /** Called with every Approval Request the guard signs, to deliver it to the approvers. */
  readonly onRequest?: (request: Uint8Array) => void;
}

/** The approval rule that gates an action: the policy's first matching rule, else the agent's own (`*` patterns). */
export function approvalRuleFor(
  name: string,
  policyRules: readonly ApprovalRule[] | undefined,
  ownRules: readonly ApprovalRule[] | undefined,
): ApprovalRule | undefined {
  return [...(policyRules ?? []), ...(ownRules ?? [])].find((r) => matchesTarget(r.action, name));
}

/** A verified decision that counts for its request, and the operator who signed it. */
export interface CountedDecision {
  readonly operator: string;
  readonly claims: ApprovalDecisionClaims;
}

/** What the approval context needs of the guard: the policy whose operator keys verify decisions, and the time. */
export interface DecisionContext {
  readonly policy: HeldPolicy;
  readonly revocations: Revocations;
  readonly clock?: Clock;
  /** Now, in seconds. */
  readonly now: number;
}

/**
 * Verifies an Approval Decision with the operator keys of the held policy (spec §4.6), the way signals are: the
 * verification's code, `ERR_OV_POLICY_INVALID` under an expired policy, `ERR_OV_KEY_REVOKED` for a revoked key.
 */
export function verifyDecision(bytes: Uint8Array, context: DecisionContext): CountedDecision {
  const result = approvalDecision.verify(bytes, { key: context.policy.keys, clock: context.clock });
  if (!result.ok) throw result.error;
  if (context.policy.expired(context.now)) {
    throw ovError('ERR_OV_POLICY_INVALID', 'the authority policy has expired: it no longer authorises approvals');
  }
  const signer = context.policy.operatorKey(result.key)!;
  const revokedAt = context.revocations.revokedAt(signer.kids);
  if (revokedAt !== undefined && result.claims.iat >= revokedAt) {
    throw ovError('ERR_OV_KEY_REVOKED', `a key of ${signer.operator} was revoked at ${revokedAt}`);
  }
  if (signer.operator !== result.claims.iss || !signer.roles.has(result.claims.role)) {
    throw ovError('ERR_OV_APPROVAL_MISMATCH', `the signer is not ${result.claims.iss} acting as ${result.claims.role}`);
  }
  return { operator: signer.operator, claims: result.claims };
}

/**
 * Refuses a decision that does not count for its request (spec §8.4), with `ERR_OV_APPROVAL_MISMATCH`: another
 * action's digest, a decision not allowed, a role not listed, or after the request's timeout; an `edit` whose
 * `edited_digest` is not its action's is `ERR_OV_ACTION_DIGEST`.
 */
export function checkDecision(decision: ApprovalDecisionClaims, request: ApprovalRequestClaims, now: number): void {
  const mismatch = (why: string) => {
    throw ovError('ERR_OV_APPROVAL_MISMATCH', `decision ${decision.jti}: ${why}`);
  };
  if (decision.request !== request.jti) mismatch(`it answers ${decision.request}, not ${request.jti}`);
  if (decision.act_digest !== request.act_digest) mismatch('it decides another action');
  if (!request.allowed.includes(decision.decision)) mismatch(`${decision.decision} is not allowed`);
  if (!request.approvers.includes(decision.role)) mismatch(`${decision.role} is not an approver`);
  if (now > request.exp || decision.iat > request.exp) mismatch('the request had timed out');
  if (decision.edited !== undefined) {
    if (decision.edited.name !== request.action.name) mismatch('the edit changes the action’s name');
    if (actionDigest(decision.edited) !== decision.edited_digest) {
      throw ovError('ERR_OV_ACTION_DIGEST', `edited_digest is not the digest of the edited ${decision.edited.name}`);
    }
  }
}

/** What the decisions so far decide: the action to run, a rejection with its message, or nothing yet. */
export type GateOutcome =
  | { readonly kind: 'approved'; readonly action: ActionCall; readonly digest: string }
  | { readonly kind: 'rejected'; readonly message: string | undefined }
  | undefined;

/**
 * The gate opens when `quorum` distinct approvers approved, or edited to the same action (which then runs instead);
 * one rejection by an authorised approver closes it (spec §8.4).
 */
export function gateOutcome(request: ApprovalRequestClaims, decisions: readonly CountedDecision[]): GateOutcome {
  const rejection = decisions.find((d) => d.claims.decision === 'reject');
  if (rejection) return { kind: 'rejected', message: rejection.claims.message };
  const byDigest = new Map<string, { action: ActionCall; operators: Set<string> }>();
  for (const d of decisions) {
    const edit = d.claims.decision === 'edit';
    const digest = edit ? d.claims.edited_digest! : request.act_digest;
    const entry = byDigest.get(digest) ?? { action: edit ? d.claims.edited! : request.action, operators: new Set() };
    entry.operators.add(d.operator);
    byDigest.set(digest, entry);
  }
  for (const [digest, { action, operators }] of byDigest) {
    if (operators.size >= (request.quorum ?? 1)) return { kind: 'approved', action, digest };
  }
  return undefined;
}

import { ovError } from '../errors.js';
import type { Grant } from '../messages/authority-policy.js';
import { LIFTING_ACTIONS, type OverrideSignalClaims } from '../messages/override-signal.js';
import type { HeldPolicy, OperatorKey } from './policy.js';
import type { Revocations } from './revocations.js';
import { matchesTarget } from './target-pattern.js';

/** What the authority check needs beyond the signal and its signers. */
export interface AuthorityContext {
  readonly policy: HeldPolicy;
  readonly revocations: Revocations;
  /** Now, in seconds: an expired policy authorises restrictive signals only. */
  readonly now: number;
  /** The signal lifts a hold an Emergency signal created: only a grant listing `emergency` may (spec §5.3). */
  readonly liftsEmergencyHold?: boolean;
}

/** The grant the signal was authorised under. */
export interface Authorisation {
  readonly grant: Grant;
  /** The distinct operators whose signatures counted. */
  readonly operators: readonly string[];
}

/** The targets of a grant that names none. */
const ANY_TARGET: readonly string[] = ['*'];

/** Whether a grant covers what the signal asks, its role aside (spec §5.2 steps 1–3, §5.3). */
function covers(g: Grant, s: OverrideSignalClaims, liftsEmergencyHold: boolean): boolean {
  return (
    g.levels.includes(s.level) &&
    g.actions.includes(s.action.name) &&
    g.scopes.includes(s.scope.kind) &&
    (g.targets ?? ANY_TARGET).some((p) => matchesTarget(p, s.scope.target)) &&
    (!s.scope.propagate || g.propagate === true) &&
    (!liftsEmergencyHold || g.levels.includes('emergency'))
  );
}

/** The distinct operators among `signers` holding one of the grant's roles, in the order they signed. */
function operatorsFor(grant: Grant, signers: readonly OperatorKey[]): string[] {
  const operators: string[] = [];
  for (const s of signers) {
    if (!operators.includes(s.operator) && grant.roles.some((r) => s.roles.has(r))) operators.push(s.operator);
  }
  return operators;
}

/** Whether a signer's key is revoked for this signal (spec §5.5). */
function revoked(s: OperatorKey, signal: OverrideSignalClaims, context: AuthorityContext, lifting: boolean): boolean {
  const at = context.revocations.revokedAt(s.kids);
  // A stolen key could back-date a lift, so lifts by a revoked key are refused whatever their iat.
  return at !== undefined && (lifting || signal.iat >= at);
}

/**
 * Judges a verified signal against the agent's current policy (spec §5.2–§5.5): its `iss` must be a signer acting
 * in a role it holds, and some grant must cover it and be signed by at least its quorum of distinct operators
 * holding one of its roles. A revoked key's signature does not count; the issuer's own is `ERR_OV_KEY_REVOKED`.
 * Throws `ERR_OV_KEY_REVOKED`, `ERR_OV_UNAUTHORIZED` or `ERR_OV_QUORUM`; deny is the default.
 *
 * `signers` are the distinct operator keys whose signatures verified: one for a COSE_Sign1 signal, each that
 * verified for a COSE_Sign (spec §5.4), where one operator's two keys still count once.
 */
export function authorizeSignal(
  signal: OverrideSignalClaims,
  signers: readonly OperatorKey[],
  context: AuthorityContext,
): Authorisation {
  const lifting = LIFTING_ACTIONS.has(signal.action.name);
  const counted = signers.filter((s) => !revoked(s, signal, context, lifting));
  // Only when a signer is revoked is there one to refuse.
  const refused =
    counted.length < signers.length &&
    signers.find((s) => !counted.includes(s) && (counted.length === 0 || s.operator === signal.iss));
  if (refused) throw ovError('ERR_OV_KEY_REVOKED', `a key of ${refused.operator} is revoked`);
  if (lifting && context.policy.expired(context.now)) {
    throw ovError('ERR_OV_POLICY_INVALID', 'the authority policy has expired: it no longer authorises lifts');
  }
  if (!counted.some((s) => s.operator === signal.iss && s.roles.has(signal.role))) {
    throw ovError('ERR_OV_UNAUTHORIZED', `no signer is ${signal.iss} acting as ${signal.role}`);
  }
  const grants = context.policy.claims.grants.filter(
    (g) => g.roles.includes(signal.role) && covers(g, signal, context.liftsEmergencyHold === true),
  );
  if (grants.length === 0) {
    throw ovError('ERR_OV_UNAUTHORIZED', `no grant lets ${signal.role} ${signal.action.name} at ${signal.level}`);
  }
  for (const grant of grants) {
    const operators = operatorsFor(grant, counted);
    if (operators.length >= (grant.quorum ?? 1)) return { grant, operators };
  }
  throw ovError('ERR_OV_QUORUM', `fewer distinct authorised operators signed than the grant's quorum`);
}

import type { Appraisal, BetVerdict } from '@safety-net/behavioral-verification';
import type { CircuitBreaker } from '../breaker/breaker.js';

/**
 * Trips a breaker on behavioural evidence (spec §3.6): given what `appraiseBet` returned for a Behavioral Evidence
 * Token, opens the breaker with reason `evidence`, naming the BET and its first violations, when the BET verified,
 * is about the breaker's dependency, carries a verdict in `tripOn` (default: `violation`) and the appraisal refused
 * nothing but that verdict. Evidence that is stale, judged against another profile or about another agent than
 * the policy asks for trips nothing. Returns whether the breaker changed state.
 *
 * @example
 * ```ts
 * const gate = appraiseBet(bytes, { verifiers, profile, agent: inventory });
 * tripOnEvidence(breakerFor(inventory), gate);
 * ```
 */
export function tripOnEvidence(
  breaker: CircuitBreaker,
  appraisal: Appraisal,
  tripOn: readonly BetVerdict[] = ['violation'],
): boolean {
  const bet = appraisal.claims;
  if (bet === undefined || bet.sub !== breaker.dependency || !tripOn.includes(bet.verdict)) return false;
  // An appraisal hands back the claims of every BET that verified, also when it refused it for other reasons.
  if (appraisal.reasons.some((r) => r.code !== 'ERR_BV_VERDICT_REFUSED')) return false;
  const rules = [...new Set(bet.violations.map((v) => v.rule))].slice(0, 5).join(', ');
  const detail = `BET ${bet.jti}: ${bet.verdict}${rules ? ` (${rules})` : ''}`.slice(0, 1024);
  return breaker.trip('evidence', detail);
}

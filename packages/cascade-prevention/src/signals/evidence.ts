import type { BetClaims, BetVerdict } from '@safety-net/behavioral-verification';
import type { CircuitBreaker } from '../breaker/breaker.js';

/**
 * Trips a breaker on behavioural evidence (spec §3): when a verified, appraised Behavioral Evidence Token about the
 * breaker's dependency carries a verdict in `tripOn` (default: `violation`), the breaker opens with reason
 * `evidence`, naming the BET and its first violations. Returns whether it changed state.
 *
 * @example
 * ```ts
 * const gate = appraiseBet(bytes, policy);
 * if (gate.claims) tripOnEvidence(breakerFor(gate.claims.sub), gate.claims);
 * ```
 */
export function tripOnEvidence(
  breaker: CircuitBreaker,
  bet: Pick<BetClaims, 'jti' | 'sub' | 'verdict' | 'violations'>,
  tripOn: readonly BetVerdict[] = ['violation'],
): boolean {
  if (bet.sub !== breaker.dependency || !tripOn.includes(bet.verdict)) return false;
  const rules = [...new Set(bet.violations.map((v) => v.rule))].slice(0, 5).join(', ');
  const detail = `BET ${bet.jti}: ${bet.verdict}${rules ? ` (${rules})` : ''}`.slice(0, 1024);
  return breaker.trip('evidence', detail);
}

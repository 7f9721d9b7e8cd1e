import { isSafetyNetError, type MessageVerifyOptions, type SafetyNetError, snError } from '@safety-net/core';
import type { CircuitBreaker } from '../breaker/breaker.js';
import { circuitAnnouncement } from '../messages/circuit-announcement.js';
import { failureSignal } from '../messages/failure-signal.js';

/** What receiving a signal did: whether a local breaker changed state, or why the signal was refused. */
export type ReceiveResult =
  | { readonly ok: true; readonly changed: boolean }
  | { readonly ok: false; readonly error: SafetyNetError };

/**
 * Verifies a peer's Circuit State Announcement and applies it to the local breaker for the same dependency
 * (spec §3.6). Pass the peers' keys bound to their issuers in `verify.key`: only a trusted host may open a local
 * breaker. An announcement about another dependency is refused with `ERR_CLAIMS_INVALID`; one not newer than the
 * last applied with `ERR_CP_ANNOUNCEMENT_STALE`; one from a new (issuer, breaker) pair past the breaker's
 * `maxRemoteSources` with `ERR_CP_TOO_MANY_SOURCES`. Never throws for bad input.
 *
 * @example
 * ```ts
 * const r = receiveAnnouncement(breaker, bytes, { key: trustedHosts });
 * if (r.ok && r.changed) log(`opened by a peer: ${breaker.state}`);
 * ```
 */
export function receiveAnnouncement(
  breaker: CircuitBreaker,
  bytes: Uint8Array,
  verify: MessageVerifyOptions,
): ReceiveResult {
  const result = circuitAnnouncement.verify(bytes, verify);
  if (!result.ok) return result;
  return settle(() => {
    if (result.claims.dependency !== breaker.dependency) {
      throw snError('ERR_CLAIMS_INVALID', `announcement about ${result.claims.dependency}, not ${breaker.dependency}`);
    }
    return breaker.applyRemote(result.claims);
  });
}

/**
 * Verifies a Failure Signal and applies it to every breaker whose dependency is its issuer (spec §2.2): an
 * `unavailable` agent is not called until it said it would be back. Each breaker orders signals on its own
 * (§3.6): one that already applied this signal or a later one refuses it without keeping it from the others, and
 * the result is that refusal only when every such breaker refused. Never throws for bad input.
 */
export function receiveFailureSignal(
  breakers: Iterable<CircuitBreaker>,
  bytes: Uint8Array,
  verify: MessageVerifyOptions,
): ReceiveResult {
  const result = failureSignal.verify(bytes, verify);
  if (!result.ok) return result;
  let accepted = false;
  let changed = false;
  let refusal: ReceiveResult | undefined;
  for (const b of breakers) {
    if (b.dependency !== result.claims.iss) continue;
    const r = settle(() => b.applyFailureSignal(result.claims));
    if (r.ok) {
      accepted = true;
      changed = r.changed || changed;
    } else refusal ??= r;
  }
  return refusal && !accepted ? refusal : { ok: true, changed };
}

function settle(apply: () => boolean): ReceiveResult {
  try {
    return { ok: true, changed: apply() };
  } catch (e) {
    if (isSafetyNetError(e)) return { ok: false, error: e };
    throw e;
  }
}

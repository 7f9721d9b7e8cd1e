import {
  type Clock,
  coseKeyThumbprint,
  type KeyRequest,
  type KeyResolver,
  readClock,
  systemClock,
  toBase64Url,
} from '@safety-net/core';
import type { Revocations } from '../authority/revocations.js';
import { ovError } from '../errors.js';

/**
 * A key resolver that refuses revoked keys (spec §11): once the clock reaches a key's `revoked_at`, a message that
 * names it (by its kid or its RFC 9679 thumbprint) fails with `ERR_OV_KEY_REVOKED`. Peers feed `revocations` from
 * the Key Revocations escalation hands them (`revocations.add(claims.kid, claims.revoked_at)` once verified).
 *
 * A key resolver sees the kid, not the message: so every message verified after `revoked_at` is refused, whatever
 * its `iat` and `exec_act` — which refuses also the `ov.*` and `cp.*` records spec §11 lets a revoked agent still
 * sign. Verify those with the agent's key directly.
 *
 * @example
 * ```ts
 * const revocations = new Revocations();
 * const key = revokingResolver(keySet(peers), revocations);
 * ect.verify(bytes, { key });
 * ```
 */
export function revokingResolver(
  resolver: KeyResolver,
  revocations: Revocations,
  clock: Clock = systemClock,
): KeyResolver {
  return {
    resolve(request: KeyRequest) {
      const key = resolver.resolve(request);
      const kids = [toBase64Url(coseKeyThumbprint(key))];
      if (key.kid) kids.push(toBase64Url(key.kid));
      if (request.kid) kids.push(toBase64Url(request.kid));
      const revokedAt = revocations.revokedAt(kids);
      if (revokedAt !== undefined && readClock(clock) >= revokedAt * 1000) {
        throw ovError('ERR_OV_KEY_REVOKED', `the key was revoked at ${revokedAt}`);
      }
      return key;
    },
  };
}

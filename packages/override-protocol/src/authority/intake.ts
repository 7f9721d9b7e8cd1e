import { bytesEqual, type Clock, type KeyResolver, type PublicKey } from '@safety-net/core';
import { ovError } from '../errors.js';
import { authorityPolicy } from '../messages/authority-policy.js';
import { type KeyRevocationClaims, keyRevocation } from '../messages/key-revocation.js';
import { HeldPolicy } from './policy.js';

/** Whom an agent trusts for its policy: the policy authority's key (never a remote resolver, spec §14). */
export interface PolicyTrust {
  readonly authority: PublicKey | KeyResolver;
  readonly clock?: Clock;
}

/**
 * Verifies an Authority Policy and decides whether it replaces `current` (spec §5.1): `ERR_OV_POLICY_INVALID` when
 * it fails verification, breaks a policy rule or names another `pid`; `ERR_OV_STALE` when its `ver` is not newer.
 * The same bytes again answer `current` itself, a no-op.
 */
export function acceptPolicy(bytes: Uint8Array, trust: PolicyTrust, current?: HeldPolicy): HeldPolicy {
  const result = authorityPolicy.verify(bytes, { key: trust.authority, clock: trust.clock });
  if (!result.ok) throw ovError('ERR_OV_POLICY_INVALID', result.error.message, { cause: result.error });
  const policy = new HeldPolicy(result.claims, bytes);
  if (current === undefined) return policy;
  if (policy.claims.pid !== current.claims.pid) {
    throw ovError('ERR_OV_POLICY_INVALID', `policy ${policy.claims.pid} is not the held ${current.claims.pid}`);
  }
  if (policy.claims.ver > current.claims.ver) return policy;
  if (policy.claims.ver === current.claims.ver && bytesEqual(bytes, current.bytes)) return current;
  throw ovError('ERR_OV_STALE', `policy version ${policy.claims.ver} is not newer than ${current.claims.ver}`);
}

/** Verifies a Key Revocation from the policy authority (spec §4.9); `ERR_OV_POLICY_INVALID` when it does not verify. */
export function acceptRevocation(bytes: Uint8Array, trust: PolicyTrust): KeyRevocationClaims {
  const result = keyRevocation.verify(bytes, { key: trust.authority, clock: trust.clock });
  if (!result.ok) throw ovError('ERR_OV_POLICY_INVALID', result.error.message, { cause: result.error });
  return result.claims;
}

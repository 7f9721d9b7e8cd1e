import {
  coseKeyThumbprint,
  fromBase64Url,
  type KeySet,
  keyFromCoseKey,
  keySet,
  type PublicKey,
  publicKeyOf,
  toBase64Url,
} from '@safety-net/core';
import { ovError } from '../errors.js';
import type { AuthorityPolicyClaims } from '../messages/authority-policy.js';

/** An operator key of a policy: whose it is, the roles its holder has, and the kids that name it. */
export interface OperatorKey {
  readonly operator: string;
  readonly roles: ReadonlySet<string>;
  readonly key: PublicKey;
  /** Its COSE_Key kid when it has one and its RFC 9679 thumbprint, as base64url (revocations name keys by these). */
  readonly kids: readonly string[];
}

/**
 * A verified Authority Policy made ready for judging signals locally: its operator keys decoded once into a key set
 * (the only key source for signals and approval decisions, spec §5.2) and indexed by thumbprint.
 */
export class HeldPolicy {
  readonly claims: AuthorityPolicyClaims;
  /** The bytes it was verified from: an equal version with other bytes is stale, equal bytes a no-op (spec §5.1). */
  readonly bytes: Uint8Array;
  readonly keys: KeySet;
  readonly #byThumbprint: ReadonlyMap<string, OperatorKey>;
  /** The same entries by key object: the key set resolves to these objects, so most lookups need no thumbprint. */
  readonly #byKey: ReadonlyMap<PublicKey, OperatorKey>;

  constructor(claims: AuthorityPolicyClaims, bytes: Uint8Array) {
    this.claims = claims;
    this.bytes = bytes;
    const entries: OperatorKey[] = [];
    for (const op of claims.operators) {
      for (const encoded of op.keys) {
        let key: PublicKey;
        try {
          key = publicKeyOf(keyFromCoseKey(fromBase64Url(encoded)));
        } catch (e) {
          throw ovError('ERR_OV_POLICY_INVALID', `a key of operator ${op.id} is not a COSE_Key`, { cause: e });
        }
        const thumbprint = toBase64Url(coseKeyThumbprint(key));
        const kids = key.kid ? [toBase64Url(key.kid), thumbprint] : [thumbprint];
        entries.push({ operator: op.id, roles: new Set(op.roles), key, kids });
      }
    }
    this.#byThumbprint = new Map(entries.map((e) => [e.kids.at(-1)!, e]));
    this.#byKey = new Map(entries.map((e) => [e.key, e]));
    try {
      this.keys = keySet(entries.map((e) => ({ key: e.key })));
    } catch (e) {
      throw ovError('ERR_OV_POLICY_INVALID', 'two operator keys share a kid', { cause: e });
    }
  }

  /** The operator key a signature verified under. */
  operatorKey(key: PublicKey): OperatorKey | undefined {
    return this.#byKey.get(key) ?? this.#byThumbprint.get(toBase64Url(coseKeyThumbprint(key)));
  }

  /** Whether the policy has expired at `now` (seconds): then it still judges restrictive signals only (spec §5.1). */
  expired(now: number): boolean {
    return now >= this.claims.exp;
  }
}

import type { AlgorithmInfo } from '../crypto/algorithms.js';
import { getBackend } from '../crypto/index.js';
import { snError } from '../errors/index.js';
import { assertKeyFitsAlgorithm } from '../keys/index.js';
import { keyFor } from '../keys/resolver.js';
import type { PublicKey } from '../keys/types.js';
import { algorithmOf, kidOf } from './algorithm.js';
import { checkHeaders, understoodLabels } from './headers.js';
import type { HeaderPair } from './structure.js';
import type { CoseVerifyOptions } from './verify-options.js';

/** What a verified signature tells: which algorithm and key made it. */
export interface SignatureCheck {
  readonly alg: AlgorithmInfo;
  readonly key: PublicKey;
  readonly kid: Uint8Array | undefined;
}

/**
 * Header rules, algorithm, key resolution and the signature itself for one signer, in that order. `headers` are
 * the signer's (the body's for COSE_Sign1); `tbs` builds the to-be-signed bytes only once the cheap checks passed;
 * `typ` is the message's protected `typ` (the body's), handed to the key resolver.
 */
export function checkSignature(
  headers: HeaderPair,
  signature: Uint8Array,
  tbs: () => Uint8Array,
  options: CoseVerifyOptions,
  typ: string | number | undefined,
): SignatureCheck {
  checkHeaders(headers.protectedHeader, headers.unprotectedHeader, understoodLabels(options.understoodCrit));
  const alg = algorithmOf(headers, options.requireProtectedAlg ?? false);
  // A copy: the kid is handed to the resolver and the caller, and the headers may be shared or views into the
  // message (see `decodeSign1Transient`).
  const kid = kidOf(headers)?.slice();
  const issuer = options.issuer;
  const key = keyFor(options.key, typ === undefined ? { kid, alg, issuer } : { kid, alg, issuer, typ });
  assertKeyFitsAlgorithm(key, alg, { profile: options.profile ?? false });
  if (!(options.backend ?? getBackend()).verify(alg, key, tbs(), signature)) throw snError('ERR_COSE_BAD_SIGNATURE');
  return { alg, key, kid };
}

/**
 * The payload to verify: the carried one, or the detached one supplied by the caller. Both at once is
 * `ERR_INPUT_INVALID`: the caller holds content it means to check, and a message carrying other content signed by
 * the same key must not pass for it.
 */
export function effectivePayload(carried: Uint8Array | null, options: CoseVerifyOptions): Uint8Array {
  if (carried !== null) {
    if (options.detachedPayload !== undefined)
      throw snError('ERR_INPUT_INVALID', 'a detached payload was supplied but the message carries its own');
    return carried;
  }
  if (options.detachedPayload === undefined) throw snError('ERR_COSE_PAYLOAD_MISSING');
  return options.detachedPayload;
}

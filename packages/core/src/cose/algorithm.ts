import { type AlgorithmInfo, algorithmById, defaultAlgorithm } from '../crypto/algorithms.js';
import { snError } from '../errors/index.js';
import { assertKeyFitsAlgorithm } from '../keys/index.js';
import type { Key } from '../keys/types.js';
import { HEADER } from './headers.js';
import type { HeaderPair } from './structure.js';

/**
 * The algorithm of a received signature: from the protected bucket, or (generic RFC 9052 verification only) the
 * unprotected one. `requireProtected` is Safety Net's profile rule for its own message types.
 */
export function algorithmOf(headers: HeaderPair, requireProtected: boolean): AlgorithmInfo {
  const inProtected = headers.protectedHeader.get(HEADER.alg);
  if (inProtected !== undefined) return algorithmById(inProtected);
  const inUnprotected = headers.unprotectedHeader.get(HEADER.alg);
  if (inUnprotected === undefined) throw snError('ERR_COSE_ALG_MISSING');
  if (requireProtected) throw snError('ERR_COSE_ALG_NOT_PROTECTED');
  return algorithmById(inUnprotected);
}

/** The kid of a received signature, whichever bucket carries it. */
export function kidOf(headers: HeaderPair): Uint8Array | undefined {
  const kid = headers.protectedHeader.get(HEADER.kid) ?? headers.unprotectedHeader.get(HEADER.kid);
  return kid instanceof Uint8Array ? kid : undefined;
}

/** The `typ` a protected bucket carries (text or uint once `checkHeaders` passed), for the key resolver. */
export function protectedTyp(headers: HeaderPair): string | number | undefined {
  const typ = headers.protectedHeader.get(HEADER.typ);
  return typeof typ === 'string' || typeof typ === 'number' ? typ : undefined;
}

/** The algorithm a signer uses: the requested one, else the key's restriction, else the curve's natural one. */
export function signingAlgorithm(key: Key, requested: unknown, profile: boolean): AlgorithmInfo {
  const alg = algorithmById(requested ?? key.alg ?? defaultAlgorithm(key.curve).id);
  assertKeyFitsAlgorithm(key, alg, { profile });
  return alg;
}

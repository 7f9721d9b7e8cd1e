import { type AlgorithmInfo, CURVES } from '../crypto/algorithms.js';
import { snError } from '../errors/index.js';
import type { Key } from './types.js';

/** Options for {@link assertKeyFitsAlgorithm}. */
export interface KeyFitOptions {
  /** Bind each ECDSA hash to its own curve (Safety Net's message profile). Default false: generic RFC 9052. */
  profile?: boolean;
}

/**
 * Refuses, with `ERR_KEY_ALG_MISMATCH`, a key that cannot sign or verify under `alg`: another key type, a curve the
 * algorithm does not allow (with `profile`, only its profile curve), or a key restricted to another algorithm by
 * its own `alg` (RFC 9052 §7.1). Run before any signature check, so an attacker cannot pick the algorithm.
 *
 * @example
 * ```ts
 * assertKeyFitsAlgorithm(key, algorithmById(-7), { profile: true }); // throws unless key is P-256
 * ```
 */
export function assertKeyFitsAlgorithm(key: Key, alg: AlgorithmInfo, options: KeyFitOptions = {}): void {
  const facts = CURVES[key.curve];
  if (!facts) throw snError('ERR_KEY_UNSUPPORTED', `curve ${String(key.curve)}`);
  if (facts.kty !== alg.kty) throw snError('ERR_KEY_ALG_MISMATCH', `${key.curve} key with ${alg.name}`);
  const curves = options.profile ? alg.profileCurves : alg.curves;
  if (!curves.includes(key.curve)) throw snError('ERR_KEY_ALG_MISMATCH', `${alg.name} does not use ${key.curve}`);
  if (key.alg !== undefined && key.alg !== alg.id) {
    throw snError('ERR_KEY_ALG_MISMATCH', `key is restricted to alg ${key.alg}, not ${alg.id}`);
  }
}

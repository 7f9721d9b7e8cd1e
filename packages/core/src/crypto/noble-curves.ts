import type { EdDSA } from '@noble/curves/abstract/edwards.js';
import { type ECDSA, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { snError } from '../errors/index.js';
import type { Curve } from '../keys/types.js';
import type { AlgorithmInfo } from './algorithms.js';

/**
 * The noble implementation of each curve, in one place, so that the noble backend and the key checks (point on
 * curve, private part matches public part, key generation) use the same code.
 */

/** Edwards curves by name (OKP keys). */
const EDWARDS: Readonly<Partial<Record<Curve, EdDSA>>> = { Ed25519: ed25519, Ed448: ed448 };

/** Short Weierstrass curves by name (EC2 keys), each with the ECDSA hash of its natural pairing. */
const WEIERSTRASS: Readonly<Partial<Record<Curve, ECDSA>>> = { 'P-256': p256, 'P-384': p384, 'P-521': p521 };

const HASHES = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

/** The noble EdDSA instance of an OKP curve. */
export function edwardsOf(curve: Curve): EdDSA {
  const impl = EDWARDS[curve];
  if (!impl) throw snError('ERR_KEY_UNSUPPORTED', `${String(curve)} is not an Edwards curve`);
  return impl;
}

/** The noble ECDSA instance of an EC2 curve (its natural hash; use {@link ecdsaOf} to sign or verify). */
export function weierstrassOf(curve: Curve): ECDSA {
  const impl = WEIERSTRASS[curve];
  if (!impl) throw snError('ERR_KEY_UNSUPPORTED', `${String(curve)} is not a short Weierstrass curve`);
  return impl;
}

const ecdsaCache = new Map<string, ECDSA>();

/**
 * ECDSA over `curve` with the hash of `alg`. Generic RFC 9052 verification allows any ECDSA hash on any EC2 curve
 * (ES512 over P-256 appears in the COSE WG examples), so the instance is built per pair: the message is hashed and
 * the RFC 6979 nonce derived with the algorithm's hash, as RFC 6979 §3.2 specifies.
 */
export function ecdsaOf(curve: Curve, alg: AlgorithmInfo): ECDSA {
  const hash = alg.hash ?? 'SHA-256';
  const id = `${curve}/${hash}`;
  let impl = ecdsaCache.get(id);
  if (!impl) {
    impl = ecdsa(weierstrassOf(curve).Point, HASHES[hash]);
    ecdsaCache.set(id, impl);
  }
  return impl;
}

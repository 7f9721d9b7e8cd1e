import type { PrivateKey, PublicKey } from '../keys/types.js';
import { concatBytes } from '../util/bytes.js';
import { type AlgorithmInfo, signatureLength } from './algorithms.js';
import type { CryptoBackend } from './backend.js';
import { assertKeyShape } from './key-shape.js';
import { ecdsaOf, edwardsOf } from './noble-curves.js';

const SEC1_UNCOMPRESSED = Uint8Array.of(0x04);

/**
 * The portable backend, on `@noble/curves`: runs wherever JavaScript runs (browsers, edge, Deno, Bun).
 *
 * - EdDSA: RFC 8032 (Ed25519, Ed448 with an empty context); verification uses the strict RFC 8032 / FIPS 186-5
 *   decoding rules (`zip215: false`), not noble's permissive ZIP-215 default.
 * - ECDSA: deterministic RFC 6979 nonces with the algorithm's hash, signatures as fixed-length r||s (RFC 9053 §2.1).
 *   Signatures are not normalised to low-S, so they are exactly the RFC 6979 ones; verification accepts high-S
 *   signatures too, because node:crypto, Web Crypto and other COSE implementations produce them.
 *
 * @example
 * ```ts
 * const sig = nobleBackend.sign(algorithmById(-7), privateKey, data);
 * nobleBackend.verify(algorithmById(-7), publicKeyOf(privateKey), data, sig); // true
 * ```
 */
export const nobleBackend: CryptoBackend = Object.freeze({
  name: 'noble' as const,

  sign(alg: AlgorithmInfo, key: PrivateKey, data: Uint8Array): Uint8Array {
    assertKeyShape(alg, key, true);
    if (alg.kty === 'OKP') return edwardsOf(key.curve).sign(data, key.d);
    return ecdsaOf(key.curve, alg).sign(data, key.d, { lowS: false, prehash: true });
  },

  verify(alg: AlgorithmInfo, key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
    assertKeyShape(alg, key, false);
    if (!(signature instanceof Uint8Array) || signature.length !== signatureLength(alg, key.curve)) return false;
    if (alg.kty === 'OKP') return edwardsOf(key.curve).verify(signature, data, key.x, { zip215: false });
    const point = concatBytes(SEC1_UNCOMPRESSED, key.x, key.y!);
    return ecdsaOf(key.curve, alg).verify(signature, data, point, { lowS: false, prehash: true });
  },
});

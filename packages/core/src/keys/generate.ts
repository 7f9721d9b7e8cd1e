import { CURVES } from '../crypto/algorithms.js';
import { edwardsOf, weierstrassOf } from '../crypto/noble-curves.js';
import { snError } from '../errors/index.js';
import { type RandomSource, systemRandom } from '../util/random.js';
import type { Curve, Key, PrivateKey, PublicKey } from './types.js';

/**
 * A new private key on `curve`, drawn from `random` (the platform CSPRNG by default). Deterministic for a given
 * random stream, so tests and conformance vectors can fix their keys with `seededRandom`.
 *
 * OKP keys take the curve's seed length straight from `random` (RFC 8032 §5.1.5: any bytes are a valid seed). EC2
 * keys take noble's seed length (at least the order's length plus half of it, FIPS 186-5 A.2.1) and reduce it
 * modulo the group order, which makes the scalar's bias negligible.
 *
 * @example
 * ```ts
 * const key = generateKey('Ed25519');
 * const fixed = generateKey('P-256', seededRandom('vector-key-1'));
 * ```
 */
export function generateKey(curve: Curve, random: RandomSource = systemRandom): PrivateKey {
  const facts = CURVES[curve];
  if (!facts) throw snError('ERR_KEY_UNSUPPORTED', `curve ${String(curve)}`);
  if (facts.kty === 'OKP') {
    const d = new Uint8Array(random.bytes(facts.size));
    return Object.freeze({ type: 'private', curve, x: edwardsOf(curve).getPublicKey(d), d });
  }
  const ec = weierstrassOf(curve);
  const d = ec.utils.randomSecretKey(random.bytes(ec.lengths.seed!));
  const point = ec.getPublicKey(d, false);
  return Object.freeze({
    type: 'private',
    curve,
    x: point.slice(1, 1 + facts.size),
    y: point.slice(1 + facts.size),
    d,
  });
}

const publicParts = new WeakMap<PrivateKey, PublicKey>();

/**
 * The public half of a key (the key itself when it is already public), keeping its kid and alg. The same private
 * key object always gives the same public key object, so backends' per-key caches stay warm.
 *
 * @example
 * ```ts
 * const result = verifySign1(bytes, { key: publicKeyOf(privateKey) });
 * ```
 */
export function publicKeyOf(key: Key): PublicKey {
  if (key.type === 'public') return key;
  let pub = publicParts.get(key);
  if (!pub) {
    pub = Object.freeze({
      type: 'public' as const,
      curve: key.curve,
      x: key.x,
      ...(key.y ? { y: key.y } : {}),
      ...(key.kid ? { kid: key.kid } : {}),
      ...(key.alg !== undefined ? { alg: key.alg } : {}),
    });
    publicParts.set(key, pub);
  }
  return pub;
}

import { algorithmById, algorithmByJoseName, CURVES, type JoseAlgorithmName } from '../crypto/algorithms.js';
import { isSafetyNetError, snError } from '../errors/index.js';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../util/bytes.js';
import { checkJwkUse, checkKeyOps } from './key-use.js';
import type { Curve, Key, KeyExportOptions } from './types.js';
import { checkedKey, MAX_KID_BYTES } from './validate.js';

/** A JSON Web Key for one of Safety Net's curves: OKP (RFC 8037) or EC (RFC 7518 §6.2). */
export interface Jwk {
  kty: 'OKP' | 'EC';
  crv: Curve;
  /** base64url, unpadded, exactly the curve's length. */
  x: string;
  /** EC only. */
  y?: string;
  /** Private part; present only when asked for. */
  d?: string;
  kid?: string;
  /** The JOSE name of the algorithm the key is restricted to (a key restricted to ESP256 says `ES256`). */
  alg?: JoseAlgorithmName;
}

const JWK_CURVES: Readonly<Record<string, Readonly<Record<string, Curve>>>> = {
  OKP: { Ed25519: 'Ed25519', Ed448: 'Ed448' },
  EC: { 'P-256': 'P-256', 'P-384': 'P-384', 'P-521': 'P-521' },
};

/** An own member of the parsed object (never one inherited from a prototype). */
function member(jwk: object, name: string): unknown {
  return Object.hasOwn(jwk, name) ? (jwk as Record<string, unknown>)[name] : undefined;
}

/** A base64url member of exactly `size` bytes; its length is checked before anything is decoded. */
function bytesMember(jwk: object, name: string, size: number, required: boolean): Uint8Array | undefined {
  const value = member(jwk, name);
  if (value === undefined) {
    if (required) throw snError('ERR_KEY_INVALID', `JWK without ${name}`);
    return undefined;
  }
  if (typeof value !== 'string') throw snError('ERR_KEY_INVALID', `JWK ${name} is not a string`);
  if (value.length !== Math.ceil((size * 8) / 6)) throw snError('ERR_KEY_INVALID', `JWK ${name} has the wrong length`);
  try {
    return fromBase64Url(value);
  } catch (e) {
    throw snError('ERR_KEY_INVALID', `JWK ${name} is not canonical base64url`, { cause: e });
  }
}

function kidMember(jwk: object): Uint8Array | undefined {
  const kid = member(jwk, 'kid');
  if (kid === undefined) return undefined;
  if (typeof kid !== 'string') throw snError('ERR_KEY_INVALID', 'JWK kid is not a string');
  if (kid.length > MAX_KID_BYTES) throw snError('ERR_KEY_INVALID', 'kid too long');
  return utf8(kid);
}

function algMember(jwk: object): number | undefined {
  const alg = member(jwk, 'alg');
  if (alg === undefined) return undefined;
  if (typeof alg !== 'string') throw snError('ERR_KEY_INVALID', 'JWK alg is not a string');
  try {
    return algorithmByJoseName(alg).id;
  } catch (e) {
    if (isSafetyNetError(e)) throw snError('ERR_KEY_UNSUPPORTED', `alg ${alg}`, { cause: e });
    throw e;
  }
}

/**
 * A key from a parsed JWK (RFC 7517), strictly: `kty` OKP or EC with a supported `crv`, coordinates and `d` in
 * canonical unpadded base64url of exactly the curve's length, the point on its curve, `d` matching the public part.
 * `alg` becomes the COSE id the key is restricted to, `kid` its UTF-8 bytes; `use` and `key_ops`, when present, must
 * allow signatures; other members are ignored.
 * Malformed → `ERR_KEY_INVALID`; another key type, curve or alg → `ERR_KEY_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const key = keyFromJwk(JSON.parse(text));
 * ```
 */
export function keyFromJwk(jwk: unknown): Key {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw snError('ERR_KEY_INVALID', 'not an object');
  const kty = member(jwk, 'kty');
  if (typeof kty !== 'string') throw snError('ERR_KEY_INVALID', 'JWK kty is not a string');
  const curves = Object.hasOwn(JWK_CURVES, kty) ? JWK_CURVES[kty]! : undefined;
  if (!curves) throw snError('ERR_KEY_UNSUPPORTED', `kty ${kty}`);
  const crv = member(jwk, 'crv');
  if (typeof crv !== 'string') throw snError('ERR_KEY_INVALID', 'JWK crv is not a string');
  const curve = Object.hasOwn(curves, crv) ? curves[crv]! : undefined;
  if (!curve) throw snError('ERR_KEY_UNSUPPORTED', `${kty} crv ${crv}`);
  const size = CURVES[curve].size;
  if (kty === 'OKP' && member(jwk, 'y') !== undefined) throw snError('ERR_KEY_INVALID', 'OKP JWK with y');
  checkJwkUse(member(jwk, 'use'));
  checkKeyOps(member(jwk, 'key_ops'), 'JWK');
  return checkedKey({
    curve,
    x: bytesMember(jwk, 'x', size, true)!,
    y: bytesMember(jwk, 'y', size, kty === 'EC'),
    d: bytesMember(jwk, 'd', size, false),
    kid: kidMember(jwk),
    alg: algMember(jwk),
  });
}

/** The kid as JWK text, or undefined when it is not UTF-8 (a binary COSE kid has no JWK form and is left out). */
function kidText(kid: Uint8Array): string | undefined {
  try {
    return fromUtf8(kid);
  } catch {
    return undefined;
  }
}

/**
 * The JWK of a key, members in RFC 7638 order. Public unless `includePrivate` is set; a `kid` that is not UTF-8
 * text is left out, since a JWK `kid` is a string.
 *
 * @example
 * ```ts
 * const jwk = keyToJwk(publicKeyOf(key)); // { kty: 'OKP', crv: 'Ed25519', x: '…' }
 * ```
 */
export function keyToJwk(key: Key, options: KeyExportOptions = {}): Jwk {
  const facts = CURVES[key.curve];
  if (!facts) throw snError('ERR_KEY_UNSUPPORTED', `curve ${String(key.curve)}`);
  const kid = key.kid ? kidText(key.kid) : undefined;
  return {
    crv: key.curve,
    kty: facts.kty === 'OKP' ? 'OKP' : 'EC',
    x: toBase64Url(key.x),
    ...(key.y ? { y: toBase64Url(key.y) } : {}),
    ...(options.includePrivate && key.type === 'private' ? { d: toBase64Url(key.d) } : {}),
    ...(kid !== undefined ? { kid } : {}),
    ...(key.alg !== undefined ? { alg: algorithmById(key.alg).jose as JoseAlgorithmName } : {}),
  };
}

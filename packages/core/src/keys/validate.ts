import { algorithmById, CURVES } from '../crypto/algorithms.js';
import { edwardsOf, weierstrassOf } from '../crypto/noble-curves.js';
import { isSafetyNetError, snError } from '../errors/index.js';
import { bytesEqual, concatBytes } from '../util/bytes.js';
import type { Curve, Key } from './types.js';

/** Key ids longer than this (1 KiB) are refused: ids are names, not payloads, and input stays bounded. */
export const MAX_KID_BYTES = 1024;

/** The fields of a key as read from JWK or COSE_Key, before any check. */
export interface KeyParts {
  readonly curve: Curve;
  readonly x: Uint8Array;
  readonly y?: Uint8Array;
  readonly d?: Uint8Array;
  readonly kid?: Uint8Array;
  readonly alg?: number;
}

const SEC1_UNCOMPRESSED = Uint8Array.of(0x04);

/** The COSE alg a key is restricted to: known, and usable with the key's curve; else a typed error. */
function checkAlg(curve: Curve, alg: number): void {
  let info: ReturnType<typeof algorithmById>;
  try {
    info = algorithmById(alg);
  } catch (e) {
    if (isSafetyNetError(e)) throw snError('ERR_KEY_UNSUPPORTED', `alg ${alg}`, { cause: e });
    throw e;
  }
  if (!info.curves.includes(curve)) throw snError('ERR_KEY_INVALID', `alg ${info.name} cannot be used with ${curve}`);
}

/** OKP: x decodes strictly (RFC 8032 §5.1.3) to a point that is not of small order; d derives x. */
function checkEdwards(parts: KeyParts): void {
  const ed = edwardsOf(parts.curve);
  let point: ReturnType<typeof ed.Point.fromBytes>;
  try {
    point = ed.Point.fromBytes(parts.x, false);
  } catch (e) {
    throw snError('ERR_KEY_INVALID', 'x is not a point on the curve', { cause: e });
  }
  if (point.isSmallOrder()) throw snError('ERR_KEY_INVALID', 'x is a point of small order');
  if (parts.d && !bytesEqual(ed.getPublicKey(parts.d), parts.x)) {
    throw snError('ERR_KEY_INVALID', 'd does not match x');
  }
}

/** EC2: (x, y) is a point on the curve (SEC 1 §3.2.2.1); d is in [1, n-1] and derives (x, y). */
function checkWeierstrass(parts: KeyParts): void {
  const ec = weierstrassOf(parts.curve);
  const encoded = concatBytes(SEC1_UNCOMPRESSED, parts.x, parts.y!);
  try {
    ec.Point.fromBytes(encoded).assertValidity();
  } catch (e) {
    throw snError('ERR_KEY_INVALID', '(x, y) is not a point on the curve', { cause: e });
  }
  if (!parts.d) return;
  if (!ec.utils.isValidSecretKey(parts.d)) throw snError('ERR_KEY_INVALID', 'd is out of range');
  if (!bytesEqual(ec.getPublicKey(parts.d, false), encoded)) throw snError('ERR_KEY_INVALID', 'd does not match x, y');
}

/**
 * Builds a key from parsed fields after every check that makes it safe to use: lengths fixed by the curve, the
 * point on its curve, the private part matching the public part, the kid bounded, the alg known and fitting.
 * The key owns plain copies of the byte strings and is frozen (backends cache work per key object).
 */
export function checkedKey(parts: KeyParts): Key {
  const facts = CURVES[parts.curve];
  const length = (name: string, value: Uint8Array | undefined): void => {
    if (value !== undefined && value.length !== facts.size) {
      throw snError('ERR_KEY_INVALID', `${name} must be ${facts.size} bytes for ${parts.curve}`);
    }
  };
  length('x', parts.x);
  length('y', parts.y);
  length('d', parts.d);
  if (facts.kty === 'EC2' && parts.y === undefined) throw snError('ERR_KEY_INVALID', 'EC2 key without y');
  if (facts.kty === 'OKP' && parts.y !== undefined) throw snError('ERR_KEY_INVALID', 'OKP key with y');
  if (parts.kid !== undefined && parts.kid.length > MAX_KID_BYTES) throw snError('ERR_KEY_INVALID', 'kid too long');
  if (parts.alg !== undefined) checkAlg(parts.curve, parts.alg);
  if (facts.kty === 'OKP') checkEdwards(parts);
  else checkWeierstrass(parts);

  // new Uint8Array(…) copies, and turns a Buffer (whose slice() is a view) into a plain Uint8Array.
  const common = {
    curve: parts.curve,
    x: new Uint8Array(parts.x),
    ...(parts.y ? { y: new Uint8Array(parts.y) } : {}),
    ...(parts.kid ? { kid: new Uint8Array(parts.kid) } : {}),
    ...(parts.alg !== undefined ? { alg: parts.alg } : {}),
  };
  return Object.freeze(
    parts.d
      ? { type: 'private' as const, ...common, d: new Uint8Array(parts.d) }
      : { type: 'public' as const, ...common },
  );
}

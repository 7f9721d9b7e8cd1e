import { type CborValue, decodeCbor, encodeCbor } from '../cbor/index.js';
import { CURVES } from '../crypto/algorithms.js';
import { weierstrassOf } from '../crypto/noble-curves.js';
import { isSafetyNetError, snError } from '../errors/index.js';
import { concatBytes } from '../util/bytes.js';
import { checkKeyOps } from './key-use.js';
import type { Curve, Key, KeyExportOptions } from './types.js';
import { checkedKey } from './validate.js';

/** COSE_Key parameter labels (RFC 9052 §7.1, RFC 9053 §7.1–7.2). */
export const COSE_KEY_LABEL = { kty: 1, kid: 2, alg: 3, key_ops: 4, crv: -1, x: -2, y: -3, d: -4 } as const;

/** COSE key types (RFC 9053 §7): OKP and EC2. */
export const COSE_KTY = { OKP: 1, EC2: 2 } as const;

/** Encoded COSE_Keys larger than this (4 KiB) are refused before decoding; a signing key is a few hundred bytes. */
export const MAX_COSE_KEY_BYTES = 4096;

const CURVE_BY_COSE_CRV: ReadonlyMap<number, Curve> = new Map(
  (Object.keys(CURVES) as Curve[]).map((c) => [CURVES[c].coseCrv, c]),
);

/** An integer label or value as a JS number (the decoder may give a bigint); undefined for anything else. */
function intOf(value: CborValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (
    typeof value === 'bigint' &&
    value >= BigInt(Number.MIN_SAFE_INTEGER) &&
    value <= BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return Number(value);
  }
  return undefined;
}

/** The parameters of the map by integer label; text labels and other keys are private-use and ignored. */
function byLabel(map: Map<CborValue, CborValue>): Map<number, CborValue> {
  const out = new Map<number, CborValue>();
  for (const [label, value] of map) {
    const n = intOf(label);
    if (n === undefined) continue;
    if (out.has(n)) throw snError('ERR_KEY_INVALID', `COSE_Key label ${n} appears twice`);
    out.set(n, value);
  }
  return out;
}

function bstr(params: Map<number, CborValue>, label: number, name: string): Uint8Array | undefined {
  const value = params.get(label);
  if (value === undefined) return undefined;
  if (!(value instanceof Uint8Array)) throw snError('ERR_KEY_INVALID', `COSE_Key ${name} is not a byte string`);
  return value;
}

function curveOf(params: Map<number, CborValue>, kty: 'OKP' | 'EC2'): Curve {
  const raw = params.get(COSE_KEY_LABEL.crv);
  if (raw === undefined) throw snError('ERR_KEY_INVALID', 'COSE_Key without crv');
  const crv = intOf(raw);
  if (crv === undefined) {
    if (typeof raw === 'string') throw snError('ERR_KEY_UNSUPPORTED', `crv ${raw}`);
    throw snError('ERR_KEY_INVALID', 'COSE_Key crv is not an integer');
  }
  const curve = CURVE_BY_COSE_CRV.get(crv);
  if (!curve || CURVES[curve].kty !== kty) throw snError('ERR_KEY_UNSUPPORTED', `${kty} crv ${crv}`);
  return curve;
}

function ktyOf(params: Map<number, CborValue>): 'OKP' | 'EC2' {
  const raw = params.get(COSE_KEY_LABEL.kty);
  if (raw === undefined) throw snError('ERR_KEY_INVALID', 'COSE_Key without kty');
  const kty = intOf(raw);
  if (kty === COSE_KTY.OKP) return 'OKP';
  if (kty === COSE_KTY.EC2) return 'EC2';
  if (kty !== undefined || typeof raw === 'string') throw snError('ERR_KEY_UNSUPPORTED', `kty ${String(raw)}`);
  throw snError('ERR_KEY_INVALID', 'COSE_Key kty is not an integer');
}

function algOf(params: Map<number, CborValue>): number | undefined {
  const raw = params.get(COSE_KEY_LABEL.alg);
  if (raw === undefined) return undefined;
  const alg = intOf(raw);
  if (alg !== undefined) return alg;
  if (typeof raw === 'string') throw snError('ERR_KEY_UNSUPPORTED', `alg ${raw}`);
  throw snError('ERR_KEY_INVALID', 'COSE_Key alg is not an integer');
}

/**
 * The full y of a compressed EC2 point (RFC 9053 §7.1.1: `y` as a bool is the sign bit, SEC 1 §2.3.3: true means
 * odd). Compressed keys are accepted and decompressed, so the key carries both coordinates from then on.
 */
function decompressY(curve: Curve, x: Uint8Array, odd: boolean): Uint8Array {
  const size = CURVES[curve].size;
  if (x.length !== size) throw snError('ERR_KEY_INVALID', `x must be ${size} bytes for ${curve}`);
  try {
    const point = weierstrassOf(curve).Point.fromBytes(concatBytes(Uint8Array.of(odd ? 0x03 : 0x02), x));
    return point.toBytes(false).slice(1 + size);
  } catch (e) {
    throw snError('ERR_KEY_INVALID', 'x is not on the curve', { cause: e });
  }
}

/** The COSE_Key map from encoded bytes (bounded, strictly decoded) or as given. */
function coseKeyMap(input: Map<CborValue, CborValue> | Uint8Array): Map<CborValue, CborValue> {
  if (!(input instanceof Uint8Array)) return input;
  let decoded: CborValue;
  try {
    decoded = decodeCbor(input, { maxBytes: MAX_COSE_KEY_BYTES, maxDepth: 8 });
  } catch (e) {
    if (isSafetyNetError(e)) throw snError('ERR_KEY_INVALID', `COSE_Key is not valid CBOR (${e.code})`, { cause: e });
    throw e;
  }
  if (!(decoded instanceof Map)) throw snError('ERR_KEY_INVALID', 'COSE_Key is not a map');
  return decoded;
}

/**
 * A key from a COSE_Key (RFC 9052 §7, RFC 9053 §7), given as a decoded map or as its CBOR bytes. The same strict
 * checks as {@link keyFromJwk}: kty OKP (1) or EC2 (2) with a supported crv, x/y/d as byte strings of the curve's
 * length, the point on its curve, d matching. A compressed EC2 point (`y` a bool) is decompressed.
 * Malformed → `ERR_KEY_INVALID`; another kty, crv or alg → `ERR_KEY_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const key = keyFromCoseKey(coseKeyBytes);
 * ```
 */
export function keyFromCoseKey(input: Map<CborValue, CborValue> | Uint8Array): Key {
  const map = coseKeyMap(input);
  if (!(map instanceof Map)) throw snError('ERR_KEY_INVALID', 'COSE_Key is not a map');
  const params = byLabel(map);
  const kty = ktyOf(params);
  const curve = curveOf(params, kty);
  const x = bstr(params, COSE_KEY_LABEL.x, 'x');
  if (!x) throw snError('ERR_KEY_INVALID', 'COSE_Key without x');
  const rawY = params.get(COSE_KEY_LABEL.y);
  let y: Uint8Array | undefined;
  if (kty === 'OKP') {
    if (rawY !== undefined) throw snError('ERR_KEY_INVALID', 'OKP COSE_Key with y');
  } else if (typeof rawY === 'boolean') {
    y = decompressY(curve, x, rawY);
  } else {
    y = bstr(params, COSE_KEY_LABEL.y, 'y');
    if (!y) throw snError('ERR_KEY_INVALID', 'EC2 COSE_Key without y');
  }
  checkKeyOps(params.get(COSE_KEY_LABEL.key_ops), 'COSE_Key');
  return checkedKey({
    curve,
    x,
    y,
    d: bstr(params, COSE_KEY_LABEL.d, 'd'),
    kid: bstr(params, COSE_KEY_LABEL.kid, 'kid'),
    alg: algOf(params),
  });
}

/**
 * The COSE_Key map of a key (integer labels; y always uncompressed). Public unless `includePrivate` is set.
 *
 * @example
 * ```ts
 * const map = keyToCoseKey(publicKeyOf(key)); // Map { 1 => 1, -1 => 6, -2 => x }
 * ```
 */
export function keyToCoseKey(key: Key, options: KeyExportOptions = {}): Map<number, CborValue> {
  const facts = CURVES[key.curve];
  if (!facts) throw snError('ERR_KEY_UNSUPPORTED', `curve ${String(key.curve)}`);
  const map = new Map<number, CborValue>([[COSE_KEY_LABEL.kty, COSE_KTY[facts.kty]]]);
  if (key.kid) map.set(COSE_KEY_LABEL.kid, key.kid);
  if (key.alg !== undefined) map.set(COSE_KEY_LABEL.alg, key.alg);
  map.set(COSE_KEY_LABEL.crv, facts.coseCrv);
  map.set(COSE_KEY_LABEL.x, key.x);
  if (key.y) map.set(COSE_KEY_LABEL.y, key.y);
  if (options.includePrivate && key.type === 'private') map.set(COSE_KEY_LABEL.d, key.d);
  return map;
}

/**
 * The deterministic CBOR (RFC 8949 §4.2.1) of a key's COSE_Key. Public unless `includePrivate` is set.
 *
 * @example
 * ```ts
 * const bytes = encodeCoseKey(publicKeyOf(key));
 * ```
 */
export function encodeCoseKey(key: Key, options: KeyExportOptions = {}): Uint8Array {
  return encodeCbor(keyToCoseKey(key, options));
}

import { CborFloat, type CborValue } from '../cbor/index.js';
import { snError } from '../errors/index.js';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../util/bytes.js';

/**
 * How one claim's value differs between its JSON form (what users and JWTs see) and its CBOR form. Most claims
 * need none; a few carry bytes in CBOR and base64url or UTF-8 text in JSON.
 */
export interface ClaimCodec {
  toCbor(value: unknown): CborValue;
  /** Throws `ERR_CLAIMS_INVALID` when the CBOR value has the wrong type. */
  fromCbor(value: CborValue): unknown;
}

/** JSON text ↔ CBOR bstr of its UTF-8 bytes (e.g. a JWT `jti` carried as CWT `cti`). */
export const utf8Bytes: ClaimCodec = {
  toCbor: (v) => utf8(v as string),
  fromCbor: (v) => {
    if (!(v instanceof Uint8Array)) throw snError('ERR_CLAIMS_INVALID', 'expected a byte string');
    try {
      return fromUtf8(v);
    } catch (e) {
      throw snError('ERR_CLAIMS_INVALID', 'byte string is not UTF-8', { cause: e });
    }
  },
};

/** JSON base64url text ↔ CBOR bstr (e.g. a digest). */
export const base64UrlBytes: ClaimCodec = {
  toCbor: (v) => fromBase64Url(v as string),
  fromCbor: (v) => {
    if (!(v instanceof Uint8Array)) throw snError('ERR_CLAIMS_INVALID', 'expected a byte string');
    return toBase64Url(v);
  },
};

/**
 * JSON values ↔ the matching CBOR (objects ↔ text-keyed maps). For open extension objects such as `ect_ext`.
 * CBOR that has no JSON counterpart (byte strings, tags, non-text keys, undefined) is refused. A `__proto__` key
 * is refused both ways, so that nothing is signed that verification would refuse.
 */
export const jsonValue: ClaimCodec = {
  toCbor: (v) => {
    refuseReservedKeys(v, 0);
    return v as CborValue;
  },
  fromCbor: (v) => cborToJson(v, 0),
};

const MAX_JSON_DEPTH = 32;

/** Refuses a `__proto__` key at any depth of a JSON value (and nesting past the limit, as on decoding). */
function refuseReservedKeys(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_JSON_DEPTH) throw snError('ERR_CLAIMS_INVALID', 'extension nests too deeply');
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') throw snError('ERR_CLAIMS_INVALID', 'reserved key');
    refuseReservedKeys(v, depth + 1);
  }
}

function cborToJson(value: CborValue, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) throw snError('ERR_CLAIMS_INVALID', 'extension nests too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw snError('ERR_CLAIMS_INVALID', 'non-finite number');
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => cborToJson(v, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    value.forEach((v, k) => {
      if (typeof k !== 'string') throw snError('ERR_CLAIMS_INVALID', 'extension map key is not text');
      if (k === '__proto__') throw snError('ERR_CLAIMS_INVALID', 'reserved key');
      out[k] = cborToJson(v, depth + 1);
    });
    return out;
  }
  if (value instanceof CborFloat) return value.value;
  throw snError('ERR_CLAIMS_INVALID', 'value has no JSON form');
}

import { type CborValue, type DecodeOptions, decodeCbor, encodeCbor } from '../cbor/index.js';
import { snError } from '../errors/index.js';
import { bytesEqual, toHex } from '../util/bytes.js';

/** COSE header parameter labels (RFC 9052 §3.1, RFC 9596 for `typ`). */
export const HEADER = {
  alg: 1,
  crit: 2,
  contentType: 3,
  kid: 4,
  iv: 5,
  partialIv: 6,
  typ: 16,
} as const;

/** A header bucket: labels are integers or text strings (RFC 9052 §3). */
export type HeaderMap = Map<number | string, CborValue>;

/** Friendly names for the common parameters; anything else goes in `other`, keyed by label. */
export interface HeaderParams {
  alg?: number;
  kid?: Uint8Array;
  typ?: string | number;
  contentType?: string | number;
  crit?: (number | string)[];
  other?: ReadonlyMap<number | string, CborValue>;
}

/** Builds a header bucket from friendly parameters. */
export function headerMap(params: HeaderParams = {}): HeaderMap {
  const map: HeaderMap = new Map();
  if (params.alg !== undefined) map.set(HEADER.alg, params.alg);
  if (params.crit !== undefined) map.set(HEADER.crit, params.crit);
  if (params.contentType !== undefined) map.set(HEADER.contentType, params.contentType);
  if (params.kid !== undefined) map.set(HEADER.kid, params.kid);
  if (params.typ !== undefined) map.set(HEADER.typ, params.typ);
  for (const [label, value] of params.other ?? []) map.set(label, value);
  return map;
}

/** The bstr-wrapped protected bucket: an empty map is the empty byte string (RFC 9052 §3). */
export function encodeProtected(map: HeaderMap): Uint8Array {
  return map.size === 0 ? new Uint8Array(0) : encodeCbor(map);
}

const protectedCache = new Map<string, Uint8Array>();
const PROTECTED_CACHE_LIMIT = 1024;

/** The bucket returned last and what it was made of (`kid` copied), checked before the cache's string key is built. */
let last:
  | { algId: number; typ: unknown; contentType: unknown; kid: Uint8Array | undefined; bytes: Uint8Array }
  | undefined;

/**
 * The encoded protected bucket a signer emits: `params` with `alg` set. Signers send the same few headers over and
 * over (one per message type, key and algorithm), so the plain ones are encoded once and remembered; the returned
 * bytes are shared and must not be modified.
 */
export function protectedBucket(params: HeaderParams | undefined, algId: number): Uint8Array {
  if (params?.crit !== undefined || params?.other !== undefined) {
    return encodeProtected(headerMap(params).set(HEADER.alg, algId));
  }
  const typ = params?.typ;
  const contentType = params?.contentType;
  const kid = params?.kid;
  // Only well-typed parameters are remembered; anything else takes the cache's path, as it always did.
  const rememberable =
    (kid === undefined || kid instanceof Uint8Array) && isPlainParam(typ) && isPlainParam(contentType);
  if (
    rememberable &&
    last !== undefined &&
    last.algId === algId &&
    last.typ === typ &&
    last.contentType === contentType &&
    (kid === undefined ? last.kid === undefined : last.kid !== undefined && bytesEqual(kid, last.kid))
  ) {
    return last.bytes;
  }
  const key = `${algId}|${typeof typ}${typ ?? ''}|${typeof contentType}${contentType ?? ''}|${kid ? toHex(kid) : ''}`;
  let bytes = protectedCache.get(key);
  if (!bytes) {
    if (protectedCache.size >= PROTECTED_CACHE_LIMIT) protectedCache.clear();
    bytes = encodeProtected(headerMap(params).set(HEADER.alg, algId));
    protectedCache.set(key, bytes);
  }
  if (rememberable) last = { algId, typ, contentType, kid: kid?.slice(), bytes };
  return bytes;
}

/** A `typ` or content type that compares by value. */
function isPlainParam(v: unknown): boolean {
  return v === undefined || typeof v === 'string' || typeof v === 'number';
}

/** Decodes a protected bucket (zero-length means empty) and checks it is a map of valid labels. */
export function decodeProtected(bytes: Uint8Array, options?: DecodeOptions): HeaderMap {
  if (bytes.length === 0) return new Map();
  let value: CborValue;
  try {
    value = decodeCbor(bytes, options);
  } catch (e) {
    throw snError('ERR_COSE_MALFORMED', 'protected header is not valid CBOR', { cause: e });
  }
  return asHeaderMap(value, 'protected');
}

/** The protected bucket decoded last by {@link decodeProtectedShared}: its bytes (a copy) and its map. */
let lastProtected: { bytes: Uint8Array; map: HeaderMap } | undefined;

/**
 * {@link decodeProtected} for a verifier that only reads the map and lets none of it reach a caller: messages of one
 * signer and type carry the same bucket over and over, so the map decoded last is handed out again for the same
 * bytes. Only under the default decoding limits, under which that map was decoded.
 */
export function decodeProtectedShared(bytes: Uint8Array, options?: DecodeOptions): HeaderMap {
  if (options !== undefined) return decodeProtected(bytes, options);
  const last = lastProtected;
  if (last !== undefined && bytesEqual(bytes, last.bytes)) return last.map;
  const map = decodeProtected(bytes);
  lastProtected = { bytes: bytes.slice(), map };
  return map;
}

/** Checks that a decoded value is a header bucket. */
export function asHeaderMap(value: unknown, bucket: string): HeaderMap {
  if (!(value instanceof Map)) throw snError('ERR_COSE_MALFORMED', `${bucket} header is not a map`);
  for (const label of value.keys()) {
    if (!((typeof label === 'number' && Number.isInteger(label)) || typeof label === 'string')) {
      throw snError('ERR_COSE_MALFORMED', `${bucket} header label is not an int or tstr`);
    }
  }
  return value as HeaderMap;
}

/**
 * Header rules every COSE signature object obeys (RFC 9052 §3, §3.1): no label in both buckets; well-typed common
 * parameters; `crit` protected, non-empty, naming labels present in the protected bucket and understood by us.
 */
export function checkHeaders(
  protectedMap: HeaderMap,
  unprotectedMap: HeaderMap,
  understood: ReadonlySet<number | string>,
): void {
  for (const label of unprotectedMap.keys()) {
    if (protectedMap.has(label)) throw snError('ERR_COSE_HEADER_DUPLICATE', `label ${String(label)}`);
  }
  for (const [bucket, map] of [
    ['protected', protectedMap],
    ['unprotected', unprotectedMap],
  ] as const) {
    const alg = map.get(HEADER.alg);
    if (alg !== undefined && typeof alg !== 'number' && typeof alg !== 'string') {
      throw snError('ERR_COSE_HEADER_INVALID', `${bucket} alg is not an int or tstr`);
    }
    const kid = map.get(HEADER.kid);
    if (kid !== undefined && !(kid instanceof Uint8Array))
      throw snError('ERR_COSE_HEADER_INVALID', 'kid is not a bstr');
    for (const label of [HEADER.contentType, HEADER.typ]) {
      const v = map.get(label);
      if (v !== undefined && typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
        throw snError('ERR_COSE_HEADER_INVALID', `label ${label} is not a tstr or uint`);
      }
    }
  }
  if (unprotectedMap.has(HEADER.crit)) throw snError('ERR_COSE_HEADER_INVALID', 'crit must be protected');
  const crit = protectedMap.get(HEADER.crit);
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0)
    throw snError('ERR_COSE_HEADER_INVALID', 'crit is not a non-empty array');
  // Every label is checked for form and presence before any for understanding: a malformed crit is reported as
  // such whatever the order of its labels, and whatever the verifier happens to understand.
  for (const label of crit) {
    if (typeof label !== 'number' && typeof label !== 'string') throw snError('ERR_COSE_HEADER_INVALID', 'crit label');
    if (!protectedMap.has(label)) throw snError('ERR_COSE_HEADER_INVALID', `crit names absent label ${label}`);
  }
  const unknown = crit.find((label) => !understood.has(label as number | string));
  if (unknown !== undefined) throw snError('ERR_COSE_CRIT_UNSUPPORTED', `label ${String(unknown)}`);
}

/** The labels every verifier here understands (RFC 9052 §3.1 common parameters plus `typ`). */
export const UNDERSTOOD_LABELS: ReadonlySet<number | string> = new Set(Object.values(HEADER));

/** The labels understood for `crit`: the common ones plus the caller's. */
export function understoodLabels(extra: Iterable<number | string> | undefined): ReadonlySet<number | string> {
  return extra ? new Set([...UNDERSTOOD_LABELS, ...extra]) : UNDERSTOOD_LABELS;
}

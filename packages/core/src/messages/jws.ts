import { CompactSign, type CryptoKey, compactVerify, importJWK, errors as joseErrors } from 'jose';
import { DEFAULT_DECODE_LIMITS } from '../cbor/options.js';
import { signingAlgorithm } from '../cose/algorithm.js';
import { type AlgorithmInfo, algorithmById, algorithmByJoseName } from '../crypto/algorithms.js';
import { isSafetyNetError, snError } from '../errors/index.js';
import { keyForAsync } from '../keys/async-resolver.js';
import { assertKeyFitsAlgorithm, jwkThumbprint, keyToJwk, publicKeyOf } from '../keys/index.js';
import { isKeyResolver } from '../keys/resolver.js';
import type { Key, PrivateKey, PublicKey } from '../keys/types.js';
import { MAX_KID_BYTES } from '../keys/validate.js';
import { fromBase64Url, fromUtf8, utf8 } from '../util/bytes.js';
import { assertFresh, checkClaims, replayEntry } from './claims-checks.js';
import type { MessageType, MessageVerifyOptions } from './define.js';
import { attempt, settleAsync, type VerifyResult } from './result.js';
import { parseStrictJson, type StrictJsonProblem, type StrictJsonResult } from './strict-json.js';

/** Compact JWS larger than this are refused before parsing (64 KiB). */
export const MAX_JWS_LENGTH = 65_536;

const cryptoKeys = new WeakMap<Key, Map<string, Promise<CryptoKey>>>();

/** jose wants Web Crypto keys; import ours once per key and algorithm. */
export function joseKey(key: Key, alg: AlgorithmInfo): Promise<CryptoKey> {
  let byAlg = cryptoKeys.get(key);
  if (!byAlg) {
    byAlg = new Map();
    cryptoKeys.set(key, byAlg);
  }
  let imported = byAlg.get(alg.jose);
  if (!imported) {
    const jwk = keyToJwk(key, { includePrivate: key.type === 'private' });
    // jose (Web Crypto) lacks some pairs our table has, e.g. EdDSA over Ed448: that is an unsupported JWS alg here.
    imported = (importJWK(jwk, alg.jose) as Promise<CryptoKey>).catch((e: unknown) => {
      throw snError('ERR_JOSE_ALG_UNSUPPORTED', `${alg.jose} with a ${key.curve} key`, { cause: e });
    });
    byAlg.set(alg.jose, imported);
  }
  return imported;
}

/** Options for {@link signJws}. */
export interface JwsSignOptions {
  /** `kid`: explicit text, `'thumbprint'` (RFC 7638), or the key's own kid (default). */
  kid?: string | 'thumbprint';
}

/**
 * Signs validated claims as a compact JWS/JWT of the message type's JSON form (via `jose`).
 *
 * @example
 * ```ts
 * const token = await signJws(ect, claims, privateKey, { kid: 'thumbprint' });
 * ```
 */
export async function signJws<T extends object>(
  type: MessageType<T>,
  claims: T,
  key: PrivateKey,
  options: JwsSignOptions = {},
): Promise<string> {
  if (!type.jws) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', `${type.name} has no JWS form`);
  const parsed = type.parse(claims);
  const alg = signingAlgorithm(key, undefined, true);
  const kid = options.kid === 'thumbprint' ? jwkThumbprint(key) : (options.kid ?? (key.kid && fromUtf8(key.kid)));
  return new CompactSign(utf8(JSON.stringify(parsed)))
    .setProtectedHeader({ alg: alg.jose, typ: type.jws.typ, ...(kid ? { kid } : {}) })
    .sign(await joseKey(key, alg));
}

/**
 * The protected header of a compact JWS as a JSON object, not checked any further (`ERR_JOSE_MALFORMED` when the
 * token is not three parts or the header is not base64url JSON of an object). For looking inside a token, as
 * `safety-net inspect` does; verification checks the header itself.
 */
export function decodeJwsHeader(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw snError('ERR_JOSE_MALFORMED', 'not three base64url parts');
  return decodeProtectedPart(parts[0]!);
}

/** A JWS protected header part (base64url of a JSON object), parsed strictly; `ERR_JOSE_MALFORMED` otherwise. */
export function decodeProtectedPart(part: string): Record<string, unknown> {
  let parsed: StrictJsonResult;
  try {
    parsed = parseStrictJson(fromUtf8(fromBase64Url(part)), DEFAULT_DECODE_LIMITS.maxDepth);
  } catch (e) {
    throw snError('ERR_JOSE_MALFORMED', 'header is not base64url', { cause: e });
  }
  if (!parsed.ok) throw jsonFailure(parsed.problem, 'ERR_JOSE_MALFORMED', 'header');
  const header = parsed.value;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw snError('ERR_JOSE_MALFORMED', 'header is not an object');
  }
  return header as Record<string, unknown>;
}

/** The payload bytes of a compact JWS (its second part), not verified; `ERR_JOSE_MALFORMED` when not base64url. */
export function decodeJwsPayload(token: string): Uint8Array {
  try {
    return fromBase64Url(token.split('.')[1] ?? '');
  } catch (e) {
    throw snError('ERR_JOSE_MALFORMED', 'payload is not base64url', { cause: e });
  }
}

/** The JOSE header, parsed by us first so that typ, alg and kid are checked before any key is touched. */
function readHeader(token: string): { alg: AlgorithmInfo; typ: unknown; kid: Uint8Array | undefined } {
  return checkJwsHeader(decodeJwsHeader(token));
}

/** The checks of a parsed JOSE protected header: a known `alg`, no `crit`, a text `kid` within limits. */
export function checkJwsHeader(h: Record<string, unknown>): {
  alg: AlgorithmInfo;
  typ: unknown;
  kid: Uint8Array | undefined;
} {
  let alg: AlgorithmInfo;
  try {
    // A parsed header member may be any JSON value, including an object whose `toString` is not a function.
    if (typeof h.alg !== 'string') throw new TypeError(`alg is a ${typeof h.alg}`);
    alg = algorithmByJoseName(h.alg);
  } catch {
    throw snError('ERR_JOSE_ALG_UNSUPPORTED', typeof h.alg === 'string' ? `alg ${h.alg}` : 'alg is not a string');
  }
  // We define no JWS extensions, so any `crit` names something we do not understand (RFC 7515 §4.1.11).
  if (h.crit !== undefined) throw snError('ERR_JOSE_MALFORMED', 'crit names unsupported extensions');
  if (h.kid !== undefined && typeof h.kid !== 'string') throw snError('ERR_JOSE_MALFORMED', 'kid is not a string');
  const kid = typeof h.kid === 'string' ? utf8(h.kid) : undefined;
  // No trusted key has a longer kid (§5.4): refused before any lookup, as in the COSE form.
  if (kid && kid.length > MAX_KID_BYTES) throw snError('ERR_JOSE_MALFORMED', `kid longer than ${MAX_KID_BYTES} bytes`);
  return { alg, typ: h.typ, kid };
}

/**
 * The algorithm a JWS `alg` header means for `key`: a key restricted to a COSE-only algorithm (ESP256) signs JOSE
 * under that algorithm's JOSE name (ES256), so such a header means the key's own algorithm.
 */
export function algorithmForKey(named: AlgorithmInfo, key: Key): AlgorithmInfo {
  const restricted = key.alg !== undefined ? algorithmById(key.alg) : undefined;
  return restricted?.jose === named.jose ? restricted : named;
}

/** The signature check under `key` (which must fit `alg`), via jose; returns the payload. */
async function checkJwsSignature(token: string, key: PublicKey, alg: AlgorithmInfo): Promise<Uint8Array> {
  assertKeyFitsAlgorithm(key, alg, { profile: true });
  try {
    return (await compactVerify(token, await joseKey(key, alg), { algorithms: [alg.jose] })).payload;
  } catch (e) {
    throw joseFailure(e);
  }
}

/**
 * Generic RFC 7515 verification of a compact JWS that names no message type, with one key (its public part):
 * the header checks of {@link verifyJws} (`alg` from the algorithm table, no `crit`, a text `kid`, the key fits
 * `alg`), then the signature. Throws the Safety Net error; returns the payload and the algorithm.
 *
 * @example
 * ```ts
 * const { payload } = await verifyCompactJws(token, publicKey);
 * ```
 */
export async function verifyCompactJws(token: string, key: Key): Promise<{ payload: Uint8Array; alg: AlgorithmInfo }> {
  if (token.length > MAX_JWS_LENGTH) throw snError('ERR_INPUT_TOO_LARGE', `JWS over ${MAX_JWS_LENGTH} characters`);
  const { alg: named } = readHeader(token);
  const alg = algorithmForKey(named, key);
  return { payload: await checkJwsSignature(token, publicKeyOf(key), alg), alg };
}

/** The claims of a payload part (base64url of UTF-8 JSON), read strictly; typed errors name what is wrong. */
export function readClaims(part: string, maxDepth: number): unknown {
  let text: string;
  try {
    text = fromUtf8(fromBase64Url(part));
  } catch (e) {
    throw snError('ERR_CLAIMS_INVALID', 'payload is not base64url UTF-8', { cause: e });
  }
  const parsed = parseStrictJson(text, maxDepth);
  if (!parsed.ok) throw jsonFailure(parsed.problem, 'ERR_CLAIMS_INVALID', 'payload');
  return parsed.value;
}

/**
 * The code for JSON refused by {@link parseStrictJson}: a member named twice has its own; anything else is the
 * part's usual code (`ERR_JOSE_MALFORMED` for the header, `ERR_CLAIMS_INVALID` for the claims).
 */
function jsonFailure(problem: StrictJsonProblem, code: 'ERR_JOSE_MALFORMED' | 'ERR_CLAIMS_INVALID', part: string) {
  switch (problem.kind) {
    case 'duplicate':
      return snError('ERR_JOSE_DUPLICATE_MEMBER', `${part} names ${JSON.stringify(problem.name)} twice`);
    case 'reserved':
      return snError(code, `${part} has a reserved member name`);
    case 'too-deep':
      return snError(code, `${part} nested deeper than the limit`);
    case 'syntax':
      return snError(code, `${part} is not JSON`, { cause: problem.cause });
  }
}

/** RFC 7515 §4.1.9: `typ` compares case-insensitively, and `application/` may be left out. */
export function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/** Maps jose's failures onto our codes; ours pass through. */
export function joseFailure(e: unknown): unknown {
  if (isSafetyNetError(e)) return e;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return snError('ERR_JOSE_BAD_SIGNATURE');
  if (e instanceof joseErrors.JOSEAlgNotAllowed || e instanceof joseErrors.JOSENotSupported) {
    return snError('ERR_JOSE_ALG_UNSUPPORTED', (e as Error).message);
  }
  if (e instanceof joseErrors.JOSEError) return snError('ERR_JOSE_MALFORMED', (e as Error).message);
  return e;
}

/**
 * Verifies a compact JWS of the message type: header (alg, typ) → key resolution → signature (jose) → claims schema →
 * issuer/time/audience → replay. The claim rules are the same as for the COSE form.
 */
export async function verifyJws<T extends object>(
  type: MessageType<T>,
  token: string,
  verifyOptions: MessageVerifyOptions,
): Promise<VerifyResult<T>> {
  const options = type.claimOptions(verifyOptions);
  return settleAsync(async () => {
    if (!type.jws) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', `${type.name} has no JWS form`);
    if (typeof token !== 'string' || token.length > MAX_JWS_LENGTH) throw snError('ERR_INPUT_TOO_LARGE', 'JWS');
    const { alg: named, typ, kid } = readHeader(token);
    const accepted = [type.jws.typ, ...(type.jws.acceptTyp ?? [])];
    if (typeof typ !== 'string' || !accepted.includes(normaliseTyp(typ))) {
      throw snError('ERR_JOSE_TYP_MISMATCH', typeof typ === 'string' ? typ : 'typ is not a string');
    }
    // The COSE form's decoder bounds nesting; JSON.parse does not, and schemas walk claims recursively.
    const maxDepth = options.decode?.maxDepth ?? DEFAULT_DECODE_LIMITS.maxDepth;
    // Read once, before the signature check, because a key resolver may need the issuer the claims name (the
    // signature then binds the two); a failure is reported after the signature check, as in the COSE form. jose
    // verifies the signature over this same payload part.
    const read = attempt(() => readClaims(token.split('.')[1]!, maxDepth));
    const claimed = (read.value as { iss?: unknown } | null | undefined)?.iss;
    const issuer = options.issuer ?? (typeof claimed === 'string' ? claimed : undefined);
    if (read.error && options.issuer === undefined && isKeyResolver(options.key)) throw read.error;
    const key: PublicKey = await keyForAsync(options.key, { kid, alg: named, issuer, typ: type.jws.typ });
    const alg = algorithmForKey(named, key);
    await checkJwsSignature(token, key, alg);
    if (read.error) throw read.error;
    const claims = type.parse(read.value);
    const now = checkClaims(claims, options);
    const entry = replayEntry(claims, options);
    if (entry) assertFresh(await options.replay!.remember(entry.jti, entry.expiresAt, now), entry.jti);
    return { claims, format: 'jws' as const, typ, alg, key, kid };
  });
}

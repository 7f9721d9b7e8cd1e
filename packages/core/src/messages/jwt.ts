import { CompactSign, type CryptoKey, compactVerify, importJWK, errors as joseErrors } from 'jose';
import { DEFAULT_DECODE_LIMITS } from '../cbor/options.js';
import { signingAlgorithm } from '../cose/algorithm.js';
import { type AlgorithmInfo, algorithmByName } from '../crypto/algorithms.js';
import { isSafetyNetError, snError } from '../errors/index.js';
import { assertKeyFitsAlgorithm, jwkThumbprint, keyToJwk, publicKeyOf } from '../keys/index.js';
import type { Key, PrivateKey, PublicKey } from '../keys/types.js';
import { fromBase64Url, fromUtf8, utf8 } from '../util/bytes.js';
import { assertFresh, checkClaims, replayEntry } from './claims-checks.js';
import type { MessageType, MessageVerifyOptions } from './define.js';
import { settleAsync, type VerifyResult } from './result.js';

/** Compact JWS larger than this are refused before parsing (64 KiB). */
export const MAX_JWS_LENGTH = 65_536;

const cryptoKeys = new WeakMap<Key, Map<string, Promise<CryptoKey>>>();

/** jose wants Web Crypto keys; import ours once per key and algorithm. */
function joseKey(key: Key, alg: AlgorithmInfo): Promise<CryptoKey> {
  let byAlg = cryptoKeys.get(key);
  if (!byAlg) {
    byAlg = new Map();
    cryptoKeys.set(key, byAlg);
  }
  let imported = byAlg.get(alg.name);
  if (!imported) {
    const jwk = keyToJwk(key, { includePrivate: key.type === 'private' });
    // jose (Web Crypto) lacks some pairs our table has, e.g. EdDSA over Ed448: that is an unsupported JWS alg here.
    imported = (importJWK(jwk, alg.name) as Promise<CryptoKey>).catch((e: unknown) => {
      throw snError('ERR_JOSE_ALG_UNSUPPORTED', `${alg.name} with a ${key.curve} key`, { cause: e });
    });
    byAlg.set(alg.name, imported);
  }
  return imported;
}

/** Options for {@link signJwt}. */
export interface JwtSignOptions {
  /** `kid`: explicit text, `'thumbprint'` (RFC 7638), or the key's own kid (default). */
  kid?: string | 'thumbprint';
}

/**
 * Signs validated claims as a compact JWS/JWT of the message type's JSON form (via `jose`).
 *
 * @example
 * ```ts
 * const token = await signJwt(ect, claims, privateKey, { kid: 'thumbprint' });
 * ```
 */
export async function signJwt<T extends object>(
  type: MessageType<T>,
  claims: T,
  key: PrivateKey,
  options: JwtSignOptions = {},
): Promise<string> {
  if (!type.jwt) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', `${type.name} has no JWT form`);
  const parsed = type.parse(claims);
  const alg = signingAlgorithm(key, undefined, true);
  const kid = options.kid === 'thumbprint' ? jwkThumbprint(key) : (options.kid ?? (key.kid && fromUtf8(key.kid)));
  return new CompactSign(utf8(JSON.stringify(parsed)))
    .setProtectedHeader({ alg: alg.name, typ: type.jwt.typ, ...(kid ? { kid } : {}) })
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
  let header: unknown;
  try {
    header = JSON.parse(fromUtf8(fromBase64Url(parts[0]!)));
  } catch (e) {
    throw snError('ERR_JOSE_MALFORMED', 'header is not base64url JSON', { cause: e });
  }
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
  const h = decodeJwsHeader(token);
  let alg: AlgorithmInfo;
  try {
    alg = algorithmByName(String(h.alg));
  } catch {
    throw snError('ERR_JOSE_ALG_UNSUPPORTED', `alg ${String(h.alg)}`);
  }
  // We define no JWS extensions, so any `crit` names something we do not understand (RFC 7515 §4.1.11).
  if (h.crit !== undefined) throw snError('ERR_JOSE_MALFORMED', 'crit names unsupported extensions');
  if (h.kid !== undefined && typeof h.kid !== 'string') throw snError('ERR_JOSE_MALFORMED', 'kid is not a string');
  return { alg, typ: h.typ, kid: typeof h.kid === 'string' ? utf8(h.kid) : undefined };
}

/** The signature check under `key` (which must fit `alg`), via jose; returns the payload. */
async function checkJwsSignature(token: string, key: PublicKey, alg: AlgorithmInfo): Promise<Uint8Array> {
  assertKeyFitsAlgorithm(key, alg, { profile: true });
  try {
    return (await compactVerify(token, await joseKey(key, alg), { algorithms: [alg.name] })).payload;
  } catch (e) {
    throw joseFailure(e);
  }
}

/**
 * Generic RFC 7515 verification of a compact JWS that names no message type, with one key (its public part):
 * the header checks of {@link verifyJwt} (`alg` from the algorithm table, no `crit`, a text `kid`, the key fits
 * `alg`), then the signature. Throws the Safety Net error; returns the payload and the algorithm.
 *
 * @example
 * ```ts
 * const { payload } = await verifyCompactJws(token, publicKey);
 * ```
 */
export async function verifyCompactJws(token: string, key: Key): Promise<{ payload: Uint8Array; alg: AlgorithmInfo }> {
  if (token.length > MAX_JWS_LENGTH) throw snError('ERR_INPUT_TOO_LARGE', `JWS over ${MAX_JWS_LENGTH} characters`);
  const { alg } = readHeader(token);
  return { payload: await checkJwsSignature(token, publicKeyOf(key), alg), alg };
}

/** The `iss` the (not yet verified) payload names, for the key resolver; the signature then binds the two. */
function claimedIssuer(token: string): string | undefined {
  try {
    const claims = JSON.parse(fromUtf8(fromBase64Url(token.split('.')[1] ?? ''))) as { iss?: unknown };
    return typeof claims?.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 7515 §4.1.9: `typ` compares case-insensitively, and `application/` may be left out. */
function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/** Maps jose's failures onto our codes; ours pass through. */
function joseFailure(e: unknown): unknown {
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
export async function verifyJwt<T extends object>(
  type: MessageType<T>,
  token: string,
  verifyOptions: MessageVerifyOptions,
): Promise<VerifyResult<T>> {
  const options = type.claimOptions(verifyOptions);
  return settleAsync(async () => {
    if (!type.jwt) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', `${type.name} has no JWT form`);
    if (typeof token !== 'string' || token.length > MAX_JWS_LENGTH) throw snError('ERR_INPUT_TOO_LARGE', 'JWS');
    const { alg, typ, kid } = readHeader(token);
    const accepted = [type.jwt.typ, ...(type.jwt.acceptTyp ?? [])];
    if (typeof typ !== 'string' || !accepted.includes(normaliseTyp(typ))) {
      throw snError('ERR_JOSE_TYP_MISMATCH', String(typ));
    }
    const issuer = options.issuer ?? claimedIssuer(token);
    const key: PublicKey = 'resolve' in options.key ? options.key.resolve({ kid, alg, issuer }) : options.key;
    const payload = await checkJwsSignature(token, key, alg);
    let raw: unknown;
    try {
      raw = JSON.parse(fromUtf8(payload));
    } catch (e) {
      throw snError('ERR_CLAIMS_INVALID', 'payload is not JSON', { cause: e });
    }
    // The COSE form's decoder bounds nesting; JSON.parse does not, and schemas walk claims recursively.
    const maxDepth = options.decode?.maxDepth ?? DEFAULT_DECODE_LIMITS.maxDepth;
    if (nestedDeeper(raw, maxDepth)) throw snError('ERR_CLAIMS_INVALID', `claims nested deeper than ${maxDepth}`);
    const claims = type.parse(raw);
    const now = checkClaims(claims, options);
    const entry = replayEntry(claims, now, options);
    if (entry) assertFresh(await options.replay!.remember(entry.jti, entry.expiresAt, now), entry.jti);
    return { claims, format: 'jws' as const, typ, alg, key, kid };
  });
}

/** Whether a parsed JSON value nests arrays and objects more than `max` levels deep; iterative, so any depth is safe. */
function nestedDeeper(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

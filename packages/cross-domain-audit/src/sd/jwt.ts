import {
  type AlgorithmInfo,
  algorithmByJoseName,
  decodeJwsHeader,
  decodeJwsPayload,
  fromUtf8,
  getBackend,
  type Key,
  type KeyResolver,
  type PrivateKey,
  snError,
  toBase64Url,
  utf8,
  verifyCompactJws,
} from '@safety-net/core';
import { signingAlgorithm } from '@safety-net/core/internal';

/**
 * Signs a JSON payload as a compact JWS with `typ` and `kid` (given, or the key's own) protected. SD-JWTs and Key Binding JWTs
 * carry members (`_sd`, `sd_hash`) that no message type's schema knows, hence this generic signer; the signature
 * is core's backend's, whose ECDSA and EdDSA signatures are already in the JWS form (RFC 7518 §3.4, RFC 8037).
 */
export function signJwt(payload: object, key: PrivateKey, header: { typ: string; kid?: string }): string {
  const alg = signingAlgorithm(key, undefined, true);
  // The key's own kid by default, as core's signJws writes it, so that a resolver can find the key.
  const kid = header.kid ?? (key.kid && fromUtf8(key.kid));
  const head = { alg: alg.jose, typ: header.typ, ...(kid ? { kid } : {}) };
  const input = `${toBase64Url(utf8(JSON.stringify(head)))}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  return `${input}.${toBase64Url(getBackend().sign(alg, key, utf8(input)))}`;
}

/** RFC 7515 §4.1.9: `typ` compares case-insensitively, and `application/` may be left out. */
const comparableTyp = (typ: string) => typ.toLowerCase().replace(/^application\//, '');

/** The issuer a payload names, read without trusting it, for a key resolver (the signature then binds the two). */
function claimedIssuer(token: string): string | undefined {
  try {
    const iss = (JSON.parse(fromUtf8(decodeJwsPayload(token))) as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** The key to verify `token` under: `key` itself, or what a resolver finds for the header's `kid` and `alg`. */
function keyFor(token: string, key: Key | KeyResolver): Key {
  if (!('resolve' in key)) return key;
  const header = decodeJwsHeader(token);
  let alg: AlgorithmInfo;
  try {
    alg = algorithmByJoseName(String(header.alg));
  } catch (e) {
    throw snError('ERR_JOSE_ALG_UNSUPPORTED', `alg ${String(header.alg)}`, { cause: e });
  }
  const kid = typeof header.kid === 'string' ? utf8(header.kid) : undefined;
  const typ = typeof header.typ === 'string' ? comparableTyp(header.typ) : undefined;
  return key.resolve({ kid, alg, issuer: claimedIssuer(token), ...(typ === undefined ? {} : { typ }) });
}

/**
 * Verifies a compact JWS under `key` (or the key a resolver finds) with core's JWS checks, then its `typ`
 * (`ERR_JOSE_TYP_MISMATCH`), and returns its payload as a JSON object (`ERR_CLAIMS_INVALID` when it is not one).
 */
export async function verifyJwt(token: string, key: Key | KeyResolver, typ: string): Promise<Record<string, unknown>> {
  const { payload } = await verifyCompactJws(token, keyFor(token, key));
  const header = decodeJwsHeader(token);
  if (typeof header.typ !== 'string' || comparableTyp(header.typ) !== comparableTyp(typ)) {
    throw snError('ERR_JOSE_TYP_MISMATCH', `typ ${String(header.typ)}, expected ${typ}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(payload));
  } catch (e) {
    throw snError('ERR_CLAIMS_INVALID', 'payload is not JSON', { cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw snError('ERR_CLAIMS_INVALID', 'payload is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

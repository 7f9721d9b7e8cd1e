import {
  type AlgorithmInfo,
  algorithmByName,
  assertKeyFitsAlgorithm,
  fromBase64Url,
  fromUtf8,
  isSafetyNetError,
  type Key,
  keyToJwk,
  MAX_JWS_LENGTH,
  publicKeyOf,
  snError,
} from '@safety-net/core';
import { compactVerify, importJWK, errors as joseErrors } from 'jose';

/** The protected header of a compact JWS, as a JSON object. */
export function jwsHeader(token: string): Record<string, unknown> {
  const first = token.split('.')[0]!;
  let header: unknown;
  try {
    header = JSON.parse(fromUtf8(fromBase64Url(first)));
  } catch {
    throw snError('ERR_JOSE_MALFORMED', 'header is not base64url JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw snError('ERR_JOSE_MALFORMED', 'header is not a JSON object');
  }
  return header as Record<string, unknown>;
}

/** The payload of a compact JWS (its second part), not verified. */
export function jwsPayload(token: string): Uint8Array {
  try {
    return fromBase64Url(token.split('.')[1] ?? '');
  } catch {
    throw snError('ERR_JOSE_MALFORMED', 'payload is not base64url');
  }
}

function joseFailure(e: unknown): unknown {
  if (isSafetyNetError(e)) return e;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return snError('ERR_JOSE_BAD_SIGNATURE');
  if (e instanceof joseErrors.JOSEError) return snError('ERR_JOSE_MALFORMED', e.message);
  return e;
}

/**
 * Generic RFC 7515 verification of a compact JWS with one key (the public part of `key`): header checks first
 * (`alg` from Safety Net's table, no `crit`, the key fits `alg` with the RFC 7518 curve binding), then the
 * signature (via jose).
 */
export async function verifyCompactJws(token: string, key: Key): Promise<{ payload: Uint8Array; alg: AlgorithmInfo }> {
  if (token.length > MAX_JWS_LENGTH) throw snError('ERR_INPUT_TOO_LARGE', `JWS over ${MAX_JWS_LENGTH} characters`);
  const header = jwsHeader(token);
  let alg: AlgorithmInfo;
  try {
    alg = algorithmByName(String(header.alg));
  } catch {
    throw snError('ERR_JOSE_ALG_UNSUPPORTED', `alg ${String(header.alg)}`);
  }
  if (header.crit !== undefined) throw snError('ERR_JOSE_MALFORMED', 'crit names extensions not understood here');
  const pub = publicKeyOf(key);
  assertKeyFitsAlgorithm(pub, alg, { profile: true });
  try {
    const { payload } = await compactVerify(token, await importJWK(keyToJwk(pub), alg.name), {
      algorithms: [alg.name],
    });
    return { payload, alg };
  } catch (e) {
    throw joseFailure(e);
  }
}

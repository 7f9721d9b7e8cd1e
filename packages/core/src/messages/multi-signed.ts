import { FlattenedSign, flattenedVerify } from 'jose';
import { type DecodeOptions, decodeCbor, encodeCbor } from '../cbor/index.js';
import { DEFAULT_DECODE_LIMITS } from '../cbor/options.js';
import { signingAlgorithm } from '../cose/algorithm.js';
import { checkSignature } from '../cose/check-signature.js';
import { HEADER } from '../cose/headers.js';
import { signToBeSigned } from '../cose/sig-structure.js';
import { signSign } from '../cose/sign.js';
import { decodeSign } from '../cose/verify.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { isSafetyNetError, type SafetyNetError, snError } from '../errors/index.js';
import { coseKeyThumbprint, jwkThumbprint } from '../keys/index.js';
import { type KeyResolver, keyFor } from '../keys/resolver.js';
import type { PrivateKey, PublicKey } from '../keys/types.js';
import { fromUtf8, toBase64Url, utf8 } from '../util/bytes.js';
import { assertFresh, type ClaimCheckOptions, checkClaims, replayEntry } from './claims-checks.js';
import type { MessageType } from './define.js';
import {
  algorithmForKey,
  checkJwsHeader,
  decodeProtectedPart,
  joseFailure,
  joseKey,
  MAX_JWS_LENGTH,
  normaliseTyp,
  readClaims,
} from './jws.js';

/**
 * Messages signed by several parties over one payload (core.md §4.6): a COSE_Sign with the message type's `typ` in
 * the body's protected bucket and `alg` and `kid` in each signer's, and in JOSE the JWS JSON General Serialization
 * (RFC 7515 §7.2.1) with `alg`, `typ` and `kid` in each signature's protected header.
 */

/** One party that signs: its key and the kid it is named by (default the key's own, else its thumbprint). */
export interface SigningParty {
  readonly key: PrivateKey;
  readonly kid?: Uint8Array;
}

/** One party a verifier expects: the key (or resolver) trusted for `issuer`. */
export interface VerifyingParty {
  readonly issuer: string;
  readonly key: PublicKey | KeyResolver;
  /** When true, a message without this party's signature still verifies (the result says it is absent). */
  readonly optional?: boolean;
}

/** Options for {@link verifyMultiSigned} and {@link verifyJwsGeneral}. */
export interface MultiVerifyOptions<T> extends ClaimCheckOptions {
  /** The parties whose signatures are checked, fixed or named by the (schema-valid, not yet trusted) claims. */
  parties: readonly VerifyingParty[] | ((claims: T) => readonly VerifyingParty[]);
  decode?: DecodeOptions;
  backend?: CryptoBackend;
}

/** A multi-signed message that verified: its claims and, per party in order, whether it signed. */
export interface MultiVerified<T> {
  readonly claims: T;
  readonly format: 'cose' | 'jws';
  readonly typ: string;
  readonly signed: readonly boolean[];
}

/** A multi-signed verification outcome: check `ok` before touching the claims. */
export type MultiVerifyResult<T> =
  | ({ readonly ok: true } & MultiVerified<T>)
  | { readonly ok: false; readonly error: SafetyNetError };

/** The JWS JSON General Serialization (RFC 7515 §7.2.1). */
export interface JwsGeneral {
  readonly payload: string;
  readonly signatures: readonly { readonly protected: string; readonly signature: string }[];
}

/** Most signatures a multi-signed message may carry. */
const MAX_PARTIES = 256;

/** A key resolution that names another party, not a failure of this one. */
const OTHER_PARTY = new Set(['ERR_KEY_NOT_FOUND', 'ERR_KEY_UNTRUSTED', 'ERR_KEY_ALG_MISMATCH']);

async function settleMulti<T>(run: () => Promise<MultiVerified<T>> | MultiVerified<T>): Promise<MultiVerifyResult<T>> {
  try {
    return { ok: true, ...(await run()) };
  } catch (e) {
    if (isSafetyNetError(e)) return { ok: false, error: e };
    throw e;
  }
}

/**
 * Which party each signature belongs to. A signature is the first party's whose key resolves for it and under
 * which it verifies; a signature that verifies under no party is refused with the first failure (an unknown or
 * forged signer never passes), and a non-optional party without a signature is `missing`.
 */
async function assignSignatures(
  count: number,
  parties: readonly VerifyingParty[],
  check: (index: number, party: VerifyingParty) => Promise<void>,
  missing: (party: VerifyingParty) => SafetyNetError,
): Promise<boolean[]> {
  const signed = parties.map(() => false);
  for (let i = 0; i < count; i++) {
    let failure: SafetyNetError | undefined;
    let matched = false;
    for (const [p, party] of parties.entries()) {
      try {
        await check(i, party);
        signed[p] = matched = true;
        break;
      } catch (e) {
        if (!isSafetyNetError(e)) throw e;
        // A signature that fails under a key of its party says more than a key that names another party.
        if (failure === undefined || (OTHER_PARTY.has(failure.code) && !OTHER_PARTY.has(e.code))) failure = e;
      }
    }
    if (!matched) throw failure ?? snError('ERR_KEY_NOT_FOUND', `signature ${i} names no expected party`);
  }
  parties.forEach((party, p) => {
    if (!signed[p] && !party.optional) throw missing(party);
  });
  return signed;
}

/** Issuer, time and audience checks, then the replay cache when one is configured (as in `core.md` §6.5). */
async function checkClaimsAndReplay(claims: object, options: ClaimCheckOptions): Promise<void> {
  const now = checkClaims(claims, options);
  const entry = replayEntry(claims, options);
  if (entry) assertFresh(await options.replay!.remember(entry.jti, entry.expiresAt, now), entry.jti);
}

function partiesOf<T>(options: MultiVerifyOptions<T>, claims: T): readonly VerifyingParty[] {
  const parties = typeof options.parties === 'function' ? options.parties(claims) : options.parties;
  if (parties.length === 0) throw snError('ERR_INPUT_INVALID', 'at least one party is needed');
  return parties;
}

/**
 * Validates `claims` and signs them as a COSE_Sign, one signature per party, with the type's `typ` in the body's
 * protected bucket.
 *
 * @example
 * ```ts
 * const bytes = signMultiSigned(receiptType, claims, [{ key: payer }, { key: payee }]);
 * ```
 */
export function signMultiSigned<T extends object>(
  type: MessageType<T>,
  claims: T,
  signers: readonly SigningParty[],
  options: { backend?: CryptoBackend } = {},
): Uint8Array {
  const payload = encodeCbor(type.toCbor(type.parse(claims)));
  return signSign(
    payload,
    signers.map(({ key, kid }) => ({ key, protectedHeader: { kid: kid ?? key.kid ?? coseKeyThumbprint(key) } })),
    { protectedHeader: { typ: type.typ }, backend: options.backend },
  );
}

/**
 * Verifies a COSE_Sign of the type: decode → `typ` → claims schema → each signature under the party it belongs to
 * (`alg` protected, key resolved for the party's issuer) → every non-optional party signed (`ERR_COSE_NO_SIGNATURES`
 * naming the missing one) → issuer, time and audience checks. Never throws for bad input.
 */
export function verifyMultiSigned<T extends object>(
  type: MessageType<T>,
  bytes: Uint8Array,
  verifyOptions: MultiVerifyOptions<T>,
): Promise<MultiVerifyResult<T>> {
  const options = type.claimOptions(verifyOptions);
  return settleMulti(async () => {
    const decoded = decodeSign(bytes, { decode: options.decode });
    const typ = decoded.protectedHeader.get(HEADER.typ);
    if (typ === undefined) throw snError('ERR_COSE_TYP_MISSING');
    if (typ !== type.typ) throw snError('ERR_COSE_TYP_MISMATCH', `typ ${String(typ)}, expected ${type.typ}`);
    if (decoded.payload === null) throw snError('ERR_COSE_PAYLOAD_MISSING');
    const payload = decoded.payload;
    // The parties may depend on the claims (a countersigning consumer is named in them): they are read first and
    // trusted only once the signatures verified.
    const claims = type.parse(type.fromCbor(decodeCbor(payload, options.decode)));
    const parties = partiesOf(options, claims);
    const signed = await assignSignatures(
      decoded.signatures.length,
      parties,
      async (i, party) => {
        const sig = decoded.signatures[i]!;
        const tbs = () => signToBeSigned(decoded.protectedBytes, sig.protectedBytes, payload);
        checkSignature(
          sig,
          sig.signature,
          tbs,
          {
            key: party.key,
            issuer: party.issuer,
            requireProtectedAlg: true,
            profile: true,
            backend: options.backend,
          },
          type.typ,
        );
      },
      (party) => snError('ERR_COSE_NO_SIGNATURES', `no signature by ${party.issuer}`),
    );
    await checkClaimsAndReplay(claims, options);
    return { claims, format: 'cose' as const, typ: type.typ, signed };
  });
}

/**
 * Validates `claims` and signs them in the JWS JSON General Serialization, one signature per party, each with
 * `alg`, the type's JOSE `typ` and `kid` (default the key's own, else its RFC 7638 thumbprint) protected.
 */
export async function signJwsGeneral<T extends object>(
  type: MessageType<T>,
  claims: T,
  signers: readonly { readonly key: PrivateKey; readonly kid?: string }[],
): Promise<JwsGeneral> {
  if (!type.jws) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', `${type.name} has no JWS form`);
  const payload = utf8(JSON.stringify(type.parse(claims)));
  const signatures = [];
  for (const { key, kid } of signers) {
    const alg = signingAlgorithm(key, undefined, true);
    const header = { alg: alg.jose, typ: type.jws.typ, kid: kid ?? (key.kid ? fromUtf8(key.kid) : jwkThumbprint(key)) };
    const flat = await new FlattenedSign(payload).setProtectedHeader(header).sign(await joseKey(key, alg));
    signatures.push({ protected: flat.protected!, signature: flat.signature });
  }
  return { payload: toBase64Url(payload), signatures };
}

/**
 * Verifies a JWS JSON General Serialization of the type with the same rules as {@link verifyMultiSigned}; a
 * missing party is `ERR_JOSE_MALFORMED` naming it. Never throws for bad input.
 */
export function verifyJwsGeneral<T extends object>(
  type: MessageType<T>,
  jws: unknown,
  verifyOptions: MultiVerifyOptions<T>,
): Promise<MultiVerifyResult<T>> {
  const options = type.claimOptions(verifyOptions);
  return settleMulti(async () => {
    if (!type.jws) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', `${type.name} has no JWS form`);
    const { payload, signatures } = readGeneral(jws);
    const accepted = [type.jws.typ, ...(type.jws.acceptTyp ?? [])];
    const headers = signatures.map((s) => {
      const header = checkJwsHeader(decodeProtectedPart(s.protected));
      if (typeof header.typ !== 'string' || !accepted.includes(normaliseTyp(header.typ))) {
        throw snError('ERR_JOSE_TYP_MISMATCH', typeof header.typ === 'string' ? header.typ : 'typ is not a string');
      }
      return header;
    });
    const claims = type.parse(readClaims(payload, options.decode?.maxDepth ?? DEFAULT_DECODE_LIMITS.maxDepth));
    const parties = partiesOf(options, claims);
    const signed = await assignSignatures(
      signatures.length,
      parties,
      async (i, party) => {
        const { alg: named, kid } = headers[i]!;
        const key = keyFor(party.key, { kid, alg: named, issuer: party.issuer, typ: type.jws!.typ });
        const alg = algorithmForKey(named, key);
        try {
          await flattenedVerify({ payload, ...signatures[i]! }, await joseKey(key, alg), { algorithms: [alg.jose] });
        } catch (e) {
          throw joseFailure(e);
        }
      },
      (party) => snError('ERR_JOSE_MALFORMED', `no signature by ${party.issuer}`),
    );
    await checkClaimsAndReplay(claims, options);
    return { claims, format: 'jws' as const, typ: type.jws.typ, signed };
  });
}

/** The members of a General Serialization, checked for shape and size only. */
function readGeneral(jws: unknown): JwsGeneral {
  const text = typeof jws === 'string' ? jws : JSON.stringify(jws ?? null);
  if (text.length > MAX_JWS_LENGTH) throw snError('ERR_INPUT_TOO_LARGE', `JWS over ${MAX_JWS_LENGTH} characters`);
  let value: unknown = jws;
  if (typeof jws === 'string') {
    try {
      value = JSON.parse(jws);
    } catch (e) {
      throw snError('ERR_JOSE_MALFORMED', 'not JSON', { cause: e });
    }
  }
  const { payload, signatures } = (value ?? {}) as { payload?: unknown; signatures?: unknown };
  const isPart = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]*$/.test(v);
  const valid =
    isPart(payload) &&
    Array.isArray(signatures) &&
    signatures.length > 0 &&
    signatures.length <= MAX_PARTIES &&
    signatures.every((s) => typeof s === 'object' && s !== null && isPart(s.protected) && isPart(s.signature));
  if (!valid) throw snError('ERR_JOSE_MALFORMED', 'not a JWS JSON General Serialization with signatures');
  return {
    payload: payload as string,
    signatures: (signatures as { protected: string; signature: string }[]).map((s) => ({
      protected: s.protected,
      signature: s.signature,
    })),
  };
}

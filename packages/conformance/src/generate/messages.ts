/**
 * Generator helpers for `message-verify` vectors of any message type: a protocol package's valid and refusal
 * vectors come from its message-type definitions and its sample claims (its `./testing` entry) through these, so
 * that every package's vectors have the same shape. The algorithm is always the one core signs with for the key.
 */
import { type AnyMessageType, encodeCbor, nobleBackend, type PrivateKey, toBase64Url, utf8 } from '@safety-net/core';
import { signingAlgorithm } from '@safety-net/core/internal';
import type { Vector } from '../format.js';
import { hex, invalid, keysOf, NOW, nameOf } from './common.js';
import { rawJws, rawSign1 } from './raw.js';

/** One `message-verify` vector: a message of `type` and what verifying it with `trusted` at NOW must give. */
export interface MessageCase {
  readonly id: string;
  readonly description: string;
  readonly type: AnyMessageType;
  readonly input: { readonly cose_hex: string } | { readonly jws: string };
  /** The signer: its kid and algorithm are the expected ones. */
  readonly key: PrivateKey;
  /** The key the verifier trusts, when it is not the signer's. */
  readonly trusted?: PrivateKey;
  /** The claims a valid message yields; absent for a refusal. */
  readonly claims?: object;
  /** The code of the refusal; absent for a valid message. */
  readonly error?: string;
  /** Verification options beyond the key set (e.g. `max_age_seconds`). */
  readonly options?: Record<string, unknown>;
}

/** The algorithm core signs with for `key` (the profile's choice for its curve, or the key's own `alg`). */
const algorithmOf = (key: PrivateKey) => signingAlgorithm(key, undefined, true);

/** The COSE form as `type.sign` makes it (noble backend, so that EdDSA and RFC 6979 ECDSA reproduce). */
export function signedCose(type: AnyMessageType, claims: object, key: PrivateKey): Uint8Array {
  return type.sign(claims, key, { backend: nobleBackend });
}

/** A COSE message whose claims skip the signer's schema check: what a non-conforming issuer could send. */
export function uncheckedCose(type: AnyMessageType, claims: object, key: PrivateKey): Uint8Array {
  const alg = algorithmOf(key).id;
  return rawSign1({
    protected: [
      [1, alg],
      [4, key.kid!],
      [16, type.typ],
    ],
    payload: encodeCbor(type.toCbor(claims)),
    key,
    alg,
  });
}

/**
 * The JWT form with the header `signJws` writes (alg, typ, kid) over `claims` as JSON in their own member order
 * (`signJws` writes them as parsed: pass `type.parse(claims)` for its exact bytes), signed by hand with noble so
 * that generation stays synchronous and reproducible. `typ` overrides the header's.
 */
export function signedJws(type: AnyMessageType, claims: object, key: PrivateKey, typ = type.jws!.typ): string {
  const alg = algorithmOf(key).name;
  return rawJws({ alg, typ, kid: nameOf(key) }, claims, key, alg);
}

/** The same token with the last character of its signature changed. */
export function flipLastChar(token: string): string {
  return token.slice(0, -1) + (token.at(-1) === 'A' ? 'B' : 'A');
}

/** The same token with the claims part replaced by other claims (the signature is left as it was). */
export function withClaims(token: string, claims: object): string {
  const [header, , signature] = token.split('.');
  return `${header}.${toBase64Url(utf8(JSON.stringify(claims)))}.${signature}`;
}

/** A valid message of `type` in COSE form: the sample claims signed, expected back as given. */
export function validCose(
  type: AnyMessageType,
  claims: object,
  key: PrivateKey,
  text: { id: string; description: string },
): MessageCase {
  return { ...text, type, input: { cose_hex: hex(signedCose(type, claims, key)) }, key, claims };
}

/** A valid message of `type` in JWT form ({@link signedJws}): the claims signed, expected back as given. */
export function validJws(
  type: AnyMessageType,
  claims: object,
  key: PrivateKey,
  text: { id: string; description: string },
): MessageCase {
  return { ...text, type, input: { jws: signedJws(type, claims, key) }, key, claims };
}

/** A valid message: its type, its vector id, what it is (for the descriptions), its claims and its signer. */
export type ValidMessage = readonly [type: AnyMessageType, id: string, what: string, claims: object, key: PrivateKey];

/**
 * Each valid message in COSE form and in JWT form (id `<id>-jwt` unless `jwt.id` names it), described as of
 * `section` (`jwt.section` for the JWT form, when it cites more).
 */
export function validPairs(
  section: string,
  valid: readonly ValidMessage[],
  jwt: { id?: (id: string) => string; section?: string } = {},
): MessageCase[] {
  return valid.flatMap(([type, id, what, claims, key]) => {
    const parsed = type.parse(claims);
    return [
      validCose(type, parsed, key, { id, description: `A valid ${what} in COSE form (${section}).` }),
      validJws(type, parsed, key, {
        id: jwt.id?.(id) ?? `${id}-jwt`,
        description: `The same ${what} in JWT form (${jwt.section ?? section}).`,
      }),
    ];
  });
}

/** A COSE message of `type` whose claims its schema refuses: `ERR_CLAIMS_INVALID`. */
export function claimsRefused(
  type: AnyMessageType,
  claims: object,
  key: PrivateKey,
  text: { id: string; description: string },
): MessageCase {
  return refused(type, uncheckedCose(type, claims, key), key, { ...text, error: 'ERR_CLAIMS_INVALID' });
}

/** A message of `type` (COSE bytes or a compact JWS) that verification must refuse with `text.error`. */
export function refused(
  type: AnyMessageType,
  message: Uint8Array | string,
  key: PrivateKey,
  text: { id: string; description: string; error: string },
): MessageCase {
  return { ...text, type, input: typeof message === 'string' ? { jws: message } : { cose_hex: hex(message) }, key };
}

/** The vector file of a case, in `pkg`. */
export function messageVerifyVector(pkg: string, c: MessageCase): Vector {
  const trusted = c.trusted ?? c.key;
  const format = 'cose_hex' in c.input ? 'cose' : 'jws';
  return {
    id: c.id,
    description: c.description,
    package: pkg,
    kind: 'message-verify',
    keys: keysOf([trusted], 'public') as unknown as Record<string, Record<string, unknown>>,
    now: NOW,
    input: { type: c.type.name, ...c.input },
    options: { key_set: [nameOf(trusted)], ...c.options },
    expected: c.error
      ? invalid(c.error)
      : {
          result: 'valid',
          format,
          typ: format === 'cose' ? c.type.typ : c.type.jws!.typ,
          alg: algorithmOf(c.key).id,
          kid_hex: hex(c.key.kid!),
          claims: c.claims,
        },
  };
}

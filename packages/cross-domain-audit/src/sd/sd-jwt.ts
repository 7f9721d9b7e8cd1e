import { sha256 } from '@noble/hashes/sha2.js';
import {
  fromBase64Url,
  fromUtf8,
  isSafetyNetError,
  type Key,
  type KeyResolver,
  keyFromJwk,
  type PrivateKey,
  type RandomSource,
  snError,
  systemRandom,
  toBase64Url,
  utf8,
} from '@safety-net/core';
import { auError } from '../errors.js';
import { type BlindFormat, blind, type DecoyRange, type IssuedDisclosure } from './blind.js';
import { signJwt, verifyJwt } from './jwt.js';
import { checkBinding, type KeyBindingExpectation } from './key-binding.js';
import { redactionSet } from './paths.js';
import { type Disclosed, type RestoreFormat, restore } from './restore.js';

/** The only `_sd_alg` issued and accepted (RFC 9901 §4.1.1; the IANA name of SHA-256). */
export const SD_JWT_ALG = 'sha-256';
/** `typ` of a Key Binding JWT (RFC 9901 §4.3). */
export const KB_JWT_TYP = 'kb+jwt';

const B64URL = /^[A-Za-z0-9_-]+$/;
/** A SHA-256 digest in base64url: 43 characters. */
const DIGEST = /^[A-Za-z0-9_-]{43}$/;
const RESERVED = new Set(['_sd', '...', '_sd_alg']);

/** RFC 9901 §4.2.3: the base64url SHA-256 of the disclosure's base64url text (not of the bytes it encodes). */
export function sdJwtDigest(text: string): string {
  return toBase64Url(sha256(utf8(text)));
}

function disclosureOf(parts: unknown[]): { disclosure: string; digest: string } {
  const disclosure = toBase64Url(utf8(JSON.stringify(parts)));
  return { disclosure, digest: sdJwtDigest(disclosure) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const issueFormat: BlindFormat<string, unknown> = {
  member: (salt, name, value) => disclosureOf([toBase64Url(salt), name, value]),
  element: (salt, value) => disclosureOf([toBase64Url(salt), value]),
  marker: (digest) => ({ '...': digest }),
  // RFC 9901 §4.2.5: a decoy is the digest of a random value, indistinguishable from a real one.
  decoy: (salt) => sdJwtDigest(toBase64Url(salt)),
  object(members, digests) {
    const out: Record<string, unknown> = {};
    for (const [name, value] of members) {
      if (RESERVED.has(name)) throw snError('ERR_INPUT_INVALID', `claim name ${name} is reserved by SD-JWT`);
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    }
    // Sorted, so the order of the digests says nothing about the order of the claims (RFC 9901 §4.2.4.1).
    if (digests.length > 0) out._sd = [...digests].sort();
    return out;
  },
  array: (items) => items,
  leaf: (value) => value,
};

const restoreFormat: RestoreFormat<string, unknown> = {
  open(disclosure) {
    if (typeof disclosure !== 'string' || !B64URL.test(disclosure)) {
      throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure is not base64url');
    }
    let parts: unknown;
    try {
      parts = JSON.parse(fromUtf8(fromBase64Url(disclosure)));
    } catch (e) {
      throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure is not JSON', { cause: e });
    }
    if (!Array.isArray(parts) || (parts.length !== 2 && parts.length !== 3) || typeof parts[0] !== 'string') {
      throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure is not [salt, (name,) value]');
    }
    const digest = sdJwtDigest(disclosure);
    if (parts.length === 2) return { digest, value: parts[1] };
    const name = parts[1];
    if (typeof name !== 'string' || RESERVED.has(name)) {
      throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure names no claim, or a reserved one');
    }
    return { digest, name, value: parts[2] };
  },
  map(value, path) {
    if (!isObject(value)) return undefined;
    const members: [string, unknown][] = [];
    let digests: string[] = [];
    for (const [name, member] of Object.entries(value)) {
      if (name === '_sd') {
        if (!Array.isArray(member) || !member.every((d) => typeof d === 'string' && DIGEST.test(d))) {
          throw auError('ERR_AU_DISCLOSURE_INVALID', `_sd of ${path || 'the payload'} holds a non-digest`);
        }
        digests = member;
      } else if (name === '_sd_alg' && path !== '') {
        throw auError('ERR_AU_DISCLOSURE_INVALID', '_sd_alg below the top level');
      } else members.push([name, member]);
    }
    return { members, digests };
  },
  array: (value) => (Array.isArray(value) ? value : undefined),
  marker(item) {
    if (!isObject(item) || !Object.hasOwn(item, '...')) return undefined;
    const digest = item['...'];
    if (Object.keys(item).length !== 1 || typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw auError('ERR_AU_DISCLOSURE_INVALID', 'an array element digest is malformed');
    }
    return digest;
  },
  nameOf: (key) => String(key),
  makeMap(members) {
    const out: Record<string, unknown> = {};
    // defineProperty: a disclosed name `__proto__` stays a plain member.
    for (const [k, v] of members) {
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  },
  makeArray: (items) => items,
};

/** Options of {@link issueSdJwt}. */
export interface SdJwtIssueOptions {
  /** The issuer-signed JWT's `typ`. */
  readonly typ: string;
  /** Paths of the claims to redact (`a.b`, or `a.b[]` for each element of the array `a.b`). */
  readonly redact: readonly string[];
  /** Salts and decoy counts come from here (default: the system's secure source). */
  readonly random?: RandomSource;
  readonly decoys?: DecoyRange;
  readonly kid?: string;
}

/** An issued SD-JWT: the issuer-signed JWT and every disclosure, each with its path and digest. */
export interface IssuedSdJwt {
  readonly jwt: string;
  readonly disclosures: readonly IssuedDisclosure<string>[];
}

/**
 * Issues an SD-JWT (RFC 9901 §4): the claims that `redact` names become digests in `_sd` (members) or
 * `{"...": digest}` (array elements), with decoys, and `_sd_alg` `sha-256`.
 */
export function issueSdJwt(claims: Record<string, unknown>, key: PrivateKey, options: SdJwtIssueOptions): IssuedSdJwt {
  const { value, disclosures } = blind(
    claims,
    redactionSet(options.redact),
    issueFormat,
    options.random ?? systemRandom,
    options.decoys,
  );
  const payload = { ...(value as Record<string, unknown>), _sd_alg: SD_JWT_ALG };
  return { jwt: signJwt(payload, key, { typ: options.typ, kid: options.kid }), disclosures };
}

/** A Key Binding JWT to append (RFC 9901 §4.3): signed by the key in `cnf.jwk`. */
export interface SdJwtKeyBinding {
  readonly key: PrivateKey;
  readonly audience: string;
  readonly nonce: string;
  readonly iat: number;
}

/** RFC 9901 §4.3.1: the base64url SHA-256 of the presentation up to and including its last `~`. */
function sdHash(presented: string): string {
  return sdJwtDigest(presented);
}

/**
 * A presentation `<JWT>~<disclosure>~…~[<KB-JWT>]` of the chosen disclosures (RFC 9901 §4), with a Key Binding
 * JWT when `binding` is given.
 */
export function presentSdJwt(jwt: string, disclosures: readonly string[], binding?: SdJwtKeyBinding): string {
  const presented = `${[jwt, ...disclosures].join('~')}~`;
  if (!binding) return presented;
  const kb = signJwt(
    { iat: binding.iat, aud: binding.audience, nonce: binding.nonce, sd_hash: sdHash(presented) },
    binding.key,
    { typ: KB_JWT_TYP },
  );
  return presented + kb;
}

/**
 * The claims of a verified issuer-signed payload with the disclosures in place (RFC 9901 §7.1 steps 2–5), `_sd_alg`
 * checked and removed. {@link verifySdJwt} does this after the signature check.
 */
export function restoreSdJwtClaims(
  payload: Record<string, unknown>,
  disclosures: readonly string[],
): { claims: Record<string, unknown>; disclosed: Disclosed[] } {
  if (payload._sd_alg !== undefined && payload._sd_alg !== SD_JWT_ALG) {
    throw auError('ERR_AU_DISCLOSURE_INVALID', `_sd_alg ${String(payload._sd_alg)} is not ${SD_JWT_ALG}`);
  }
  const { value, disclosed } = restore<string, unknown>(payload, disclosures, restoreFormat);
  const { _sd_alg: _alg, ...claims } = value as Record<string, unknown>;
  return { claims, disclosed };
}

/** Options of {@link verifySdJwt}. */
export interface SdJwtVerifyOptions {
  /** The issuer's key, or a resolver that finds it by `kid`. */
  readonly key: Key | KeyResolver;
  /** The `typ` the issuer-signed JWT must carry. */
  readonly typ: string;
  /** The auditor's expectations of the key binding; without them a binding present is checked for signature and `sd_hash` only. */
  readonly keyBinding?: KeyBindingExpectation;
}

/** A verified SD-JWT presentation: the claims with the disclosed ones in place, and which were disclosed. */
export interface VerifiedSdJwt {
  readonly claims: Record<string, unknown>;
  readonly disclosed: readonly Disclosed[];
  readonly keyBound: boolean;
}

/**
 * Verifies an SD-JWT presentation (RFC 9901 §7): the issuer's signature and `typ`, `_sd_alg`, every disclosure
 * against exactly one digest, then the Key Binding JWT (`typ` `kb+jwt`, signed by `cnf.jwk`, `sd_hash`, `aud`,
 * `nonce`, `iat`). Throws the typed error of the first failure.
 */
export async function verifySdJwt(presentation: string, options: SdJwtVerifyOptions): Promise<VerifiedSdJwt> {
  if (typeof presentation !== 'string') throw snError('ERR_INPUT_INVALID', 'an SD-JWT is text');
  const parts = presentation.split('~');
  if (parts.length < 2) throw snError('ERR_JOSE_MALFORMED', 'an SD-JWT has at least one ~');
  const [jwt, ...rest] = parts as [string, ...string[]];
  const kb = rest.pop()!;
  if (rest.some((d) => d === '')) throw auError('ERR_AU_DISCLOSURE_INVALID', 'an empty disclosure');
  const { claims, disclosed } = restoreSdJwtClaims(await verifyJwt(jwt, options.key, options.typ), rest);
  if (kb === '') {
    if (options.keyBinding?.required) throw auError('ERR_AU_KEY_BINDING', 'no Key Binding JWT');
    return { claims, disclosed, keyBound: false };
  }
  await checkKeyBindingJwt(kb, presentation.slice(0, presentation.length - kb.length), claims, options.keyBinding);
  return { claims, disclosed, keyBound: true };
}

async function checkKeyBindingJwt(
  kb: string,
  presented: string,
  claims: Record<string, unknown>,
  expected: KeyBindingExpectation | undefined,
): Promise<void> {
  const cnf = claims.cnf;
  let holder: Key;
  try {
    holder = keyFromJwk(isObject(cnf) ? cnf.jwk : undefined);
  } catch (e) {
    throw auError('ERR_AU_KEY_BINDING', 'cnf names no key', { cause: e });
  }
  let binding: Record<string, unknown>;
  try {
    binding = await verifyJwt(kb, holder, KB_JWT_TYP);
  } catch (e) {
    if (!isSafetyNetError(e)) throw e;
    throw auError('ERR_AU_KEY_BINDING', `Key Binding JWT: ${e.code}`, { cause: e });
  }
  if (binding.sd_hash !== sdHash(presented)) throw auError('ERR_AU_KEY_BINDING', 'sd_hash is not the presentation');
  if (expected) checkBinding(binding as { aud: unknown; nonce: unknown; iat: unknown }, expected);
}

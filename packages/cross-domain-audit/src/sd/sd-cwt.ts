import { sha256 } from '@noble/hashes/sha2.js';
import {
  type CborMap,
  type CborValue,
  type DecodedSign1,
  type DecodeOptions,
  decodeCbor,
  decodeSign1,
  encodeCbor,
  fromBase64Url,
  fromUtf8,
  HEADER,
  isSafetyNetError,
  type KeyResolver,
  keyFromCoseKey,
  type PrivateKey,
  type PublicKey,
  publicKeyOf,
  type RandomSource,
  Simple,
  signSign1,
  snError,
  systemRandom,
  Tagged,
  toBase64Url,
  utf8,
  verifySign1,
} from '@safety-net/core';
import { compareBytes } from '@safety-net/core/internal';
import { auError } from '../errors.js';
import { type BlindFormat, blind, type DecoyRange, type IssuedDisclosure, SALT_BYTES } from './blind.js';
import { checkBinding, type KeyBindingExpectation } from './key-binding.js';
import { redactionSet } from './paths.js';
import { type Disclosed, type RestoreFormat, restore } from './restore.js';

/** COSE header and CWT claim labels of draft-ietf-spice-sd-cwt-08 (§14 IANA; the values its examples use). */
export const SD_CWT = {
  /** Unprotected header: the disclosures, each a `bstr .cbor salted`. */
  sdClaims: 17,
  /** Protected header: the hash algorithm of the blinded claim hashes. */
  sdAlg: 170,
  /** Protected header of a Key Binding Token: the presented SD-CWT. */
  kcwt: 13,
  /** CWT claim: the auditor's nonce, a bstr. */
  cnonce: 39,
  /** The map key under which a map lists the blinded hashes of its redacted entries (a simple value). */
  redactedKeys: 59,
  /** The tag of an array element that stands for a redacted one. */
  redactedElement: 60,
  /** COSE algorithm of SHA-256, the only `sd_alg` issued and accepted. */
  sha256: -16,
  /** `typ` of an issued SD-CWT, and its CoAP content format. */
  typ: 'application/sd-cwt',
  typNumber: 293,
  /** `typ` of a Key Binding Token, and its CoAP content format. */
  kbTyp: 'application/kb+cwt',
  kbTypNumber: 294,
} as const;

const CWT_AUD = 3;
const CWT_IAT = 6;
const DIGEST_BYTES = 32;

/**
 * The blinded claim hash of a disclosure, base64url: SHA-256 over the disclosure as the bstr it travels as, its
 * byte-string head included (draft-ietf-spice-sd-cwt-08's examples hash `<<[salt, value, key]>>`, not the array).
 */
export function sdCwtDigest(disclosure: Uint8Array): string {
  return toBase64Url(sha256(encodeCbor(disclosure)));
}

function made(parts: CborValue[]): { disclosure: Uint8Array; digest: string } {
  const disclosure = encodeCbor(parts);
  return { disclosure, digest: sdCwtDigest(disclosure) };
}

const isRedactedKeys = (key: CborValue): boolean => key instanceof Simple && key.value === SD_CWT.redactedKeys;

/** How claim names of the top-level map turn into CBOR labels and back (a message type's labels). */
export interface SdCwtLabels {
  labelOf(name: string): number | string;
  nameOf(label: number | string): string;
}

function blindFormat(labels: SdCwtLabels): BlindFormat<Uint8Array, CborValue> {
  const keyAt = (name: string, path: string) => (path === '' ? labels.labelOf(name) : name);
  return {
    member: (salt, name, value, path) => made([salt, value, keyAt(name, path)]),
    element: (salt, value) => made([salt, value]),
    marker: (digest) => new Tagged(SD_CWT.redactedElement, fromBase64Url(digest)),
    decoy: (salt) => made([salt]).digest,
    object(members, digests, path) {
      const map: CborMap = new Map(members.map(([name, value]) => [keyAt(name, path), value]));
      if (digests.length > 0) {
        // Sorted bytewise, as deterministic encoding would, so their order says nothing about the claims'.
        const sorted = digests.map(fromBase64Url).sort(compareBytes);
        map.set(new Simple(SD_CWT.redactedKeys), sorted);
      }
      return map;
    },
    array: (items) => items,
    leaf: (value) => value as CborValue,
  };
}

function restoreFormat(labels: SdCwtLabels): RestoreFormat<Uint8Array, CborValue> {
  const digestOf = (bytes: CborValue): string => {
    if (!(bytes instanceof Uint8Array) || bytes.length !== DIGEST_BYTES) {
      throw auError('ERR_AU_DISCLOSURE_INVALID', 'a blinded claim hash is not 32 bytes');
    }
    return toBase64Url(bytes);
  };
  return {
    open(disclosure) {
      if (!(disclosure instanceof Uint8Array)) throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure is not a bstr');
      let parts: CborValue;
      try {
        parts = decodeCbor(disclosure);
      } catch (e) {
        throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure is not CBOR', { cause: e });
      }
      if (!Array.isArray(parts) || parts.length < 1 || parts.length > 3) {
        throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure is not [salt, value, key], [salt, value] or [salt]');
      }
      const [salt, value, key] = parts;
      if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) {
        throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure salt is not 16 bytes');
      }
      const digest = sdCwtDigest(disclosure);
      if (parts.length === 1) return { digest, decoy: true };
      if (parts.length === 2) return { digest, value };
      if (typeof key !== 'string' && !(typeof key === 'number' && Number.isInteger(key))) {
        throw auError('ERR_AU_DISCLOSURE_INVALID', 'a disclosure key is not an int or tstr');
      }
      return { digest, name: key, value };
    },
    map(value) {
      if (!(value instanceof Map)) return undefined;
      const members: [string | number, CborValue][] = [];
      let digests: string[] = [];
      for (const [key, member] of value) {
        if (isRedactedKeys(key)) {
          if (!Array.isArray(member)) throw auError('ERR_AU_DISCLOSURE_INVALID', 'redacted_claim_keys is not an array');
          digests = member.map(digestOf);
        } else if (typeof key === 'string' || typeof key === 'number') members.push([key, member]);
        else throw snError('ERR_CLAIMS_INVALID', 'a claims map key is not an int or tstr');
      }
      return { members, digests };
    },
    array: (value) => (Array.isArray(value) ? value : undefined),
    marker: (item) =>
      item instanceof Tagged && item.tag === SD_CWT.redactedElement ? digestOf(item.value) : undefined,
    nameOf: (key, path) => (path === '' ? labels.nameOf(key) : String(key)),
    makeMap: (members) => new Map(members),
    makeArray: (items) => items,
  };
}

/** Options of {@link issueSdCwt}. */
export interface SdCwtIssueOptions {
  /** The protected `typ`; default `application/sd-cwt`. */
  readonly typ?: string;
  readonly labels: SdCwtLabels;
  /** Paths (claim names, not labels) of the claims to redact; `a.b[]` redacts each element of the array `a.b`. */
  readonly redact: readonly string[];
  readonly random?: RandomSource;
  readonly decoys?: DecoyRange;
  readonly kid?: Uint8Array;
}

/** An issued SD-CWT: its bytes without disclosures (what a log holds), and every disclosure. */
export interface IssuedSdCwt {
  readonly issued: Uint8Array;
  readonly disclosures: readonly IssuedDisclosure<Uint8Array>[];
}

/**
 * Issues an SD-CWT (draft-ietf-spice-sd-cwt-08 §6): the claims `redact` names become blinded claim hashes (listed
 * under simple value 59 in their map, or tag 60 in their array), with decoys; `sd_alg` −16 is protected. The
 * returned bytes carry no `sd_claims`: {@link presentSdCwt} adds the chosen disclosures.
 */
export function issueSdCwt(claims: CborMap, key: PrivateKey, options: SdCwtIssueOptions): IssuedSdCwt {
  const record: Record<string, unknown> = {};
  for (const [label, value] of claims) {
    if (typeof label !== 'string' && typeof label !== 'number') throw snError('ERR_INPUT_INVALID', 'claim label');
    record[options.labels.nameOf(label)] = value;
  }
  const { value, disclosures } = blind(
    record,
    redactionSet(options.redact),
    blindFormat(options.labels),
    options.random ?? systemRandom,
    options.decoys,
  );
  const issued = signSign1Payload(encodeCbor(value), key, options.typ ?? SD_CWT.typ, options.kid);
  return { issued, disclosures };
}

function signSign1Payload(payload: Uint8Array, key: PrivateKey, typ: string, kid: Uint8Array | undefined): Uint8Array {
  return signSign1(payload, key, {
    protectedHeader: {
      typ,
      ...((kid ?? key.kid) ? { kid: kid ?? key.kid } : {}),
      other: new Map([[SD_CWT.sdAlg, SD_CWT.sha256]]),
    },
  });
}

/** The COSE_Sign1 of `decoded` with `unprotected` as its unprotected bucket (which the signature does not cover). */
function withUnprotected(decoded: DecodedSign1, unprotected: CborMap): Uint8Array {
  return encodeCbor(new Tagged(18, [decoded.protectedBytes, unprotected, decoded.payload ?? null, decoded.signature]));
}

/** A Key Binding Token to wrap the presentation in (draft-ietf-spice-sd-cwt-08 §7), signed by the `cnf` key. */
export interface SdCwtKeyBinding {
  readonly key: PrivateKey;
  readonly audience: string;
  /** The auditor's nonce; carried as `cnonce`, its UTF-8 bytes. */
  readonly nonce: string;
  readonly iat: number;
}

/**
 * A presentation: the issued SD-CWT with the chosen disclosures in `sd_claims`, wrapped in a Key Binding Token
 * (`kcwt`) when `binding` is given.
 */
export function presentSdCwt(
  issued: Uint8Array,
  disclosures: readonly Uint8Array[],
  binding?: SdCwtKeyBinding,
): Uint8Array {
  const decoded = decodeSign1(issued);
  const unprotected = withoutSdClaims(decoded);
  if (disclosures.length > 0) unprotected.set(SD_CWT.sdClaims, [...disclosures]);
  const presented = withUnprotected(decoded, unprotected);
  if (!binding) return presented;
  const claims: CborMap = new Map<CborValue, CborValue>([
    [CWT_AUD, binding.audience],
    [CWT_IAT, binding.iat],
    [SD_CWT.cnonce, utf8(binding.nonce)],
  ]);
  return signSign1(encodeCbor(claims), binding.key, {
    protectedHeader: { typ: SD_CWT.kbTyp, other: new Map([[SD_CWT.kcwt, decodeCbor(presented)]]) },
  });
}

/** The issued form of a presentation (its `sd_claims` removed, nothing else touched): what the log holds. */
export function sdCwtIssuedForm(presentation: Uint8Array): Uint8Array {
  const decoded = decodeSign1(presentation);
  return withUnprotected(decoded, withoutSdClaims(decoded));
}

/** Options of {@link verifySdCwt}. */
export interface SdCwtVerifyOptions {
  /** The issuer's key, or a resolver that finds it by `kid`. */
  readonly key: PublicKey | KeyResolver;
  readonly labels: SdCwtLabels;
  /** The `typ` the issued SD-CWT must carry; default `application/sd-cwt` (293 is accepted for it). */
  readonly typ?: string;
  readonly keyBinding?: KeyBindingExpectation;
  readonly decode?: DecodeOptions;
}

/** A verified SD-CWT presentation. */
export interface VerifiedSdCwt {
  /** The claims map with the disclosed claims in place and the blinded hashes removed. */
  readonly claims: CborMap;
  readonly disclosed: readonly Disclosed[];
  /** The presentation's issued form, byte for byte what its log entry must hold. */
  readonly issued: Uint8Array;
  readonly keyBound: boolean;
}

function typOf(decoded: DecodedSign1): unknown {
  const typ = decoded.protectedHeader.get(HEADER.typ);
  if (typ === undefined) throw snError('ERR_COSE_TYP_MISSING');
  return typ;
}

/**
 * Verifies an SD-CWT presentation (draft-ietf-spice-sd-cwt-08 §8), or a Key Binding Token around one: the
 * issuer's signature, `typ` and `sd_alg`; every disclosure against exactly one blinded claim hash; then the Key
 * Binding Token (signed by the `cnf` key, `aud`, `cnonce`, `iat`). Throws the typed error of the first failure.
 */
export function verifySdCwt(bytes: Uint8Array, options: SdCwtVerifyOptions): VerifiedSdCwt {
  const outer = decodeSign1(bytes, { decode: options.decode });
  const outerTyp = typOf(outer);
  if (outerTyp !== SD_CWT.kbTyp && outerTyp !== SD_CWT.kbTypNumber) {
    if (options.keyBinding?.required) throw auError('ERR_AU_KEY_BINDING', 'no Key Binding Token');
    return { ...verifyPresentation(outer, options), keyBound: false };
  }
  const kcwt = outer.protectedHeader.get(SD_CWT.kcwt);
  if (!(kcwt instanceof Tagged || Array.isArray(kcwt))) throw auError('ERR_AU_KEY_BINDING', 'kcwt holds no SD-CWT');
  const inner = decodeSign1(encodeCbor(kcwt), { decode: options.decode });
  const verified = verifyPresentation(inner, options);
  checkKeyBindingToken(outer, verified.claims, options);
  return { ...verified, keyBound: true };
}

function verifyPresentation(decoded: DecodedSign1, options: SdCwtVerifyOptions): Omit<VerifiedSdCwt, 'keyBound'> {
  const typ = typOf(decoded);
  const expected = options.typ ?? SD_CWT.typ;
  if (typ !== expected && !(expected === SD_CWT.typ && typ === SD_CWT.typNumber)) {
    throw snError('ERR_COSE_TYP_MISMATCH', `typ ${String(typ)}, expected ${expected}`);
  }
  const { payload } = verifySign1(decoded, { key: options.key, requireProtectedAlg: true, profile: true });
  const sdAlg = decoded.protectedHeader.get(SD_CWT.sdAlg);
  if (sdAlg !== undefined && sdAlg !== SD_CWT.sha256) {
    throw auError('ERR_AU_DISCLOSURE_INVALID', `sd_alg ${String(sdAlg)} is not SHA-256`);
  }
  if (decoded.unprotectedHeader.has(SD_CWT.sdAlg)) throw auError('ERR_AU_DISCLOSURE_INVALID', 'sd_alg unprotected');
  const sdClaims = decoded.unprotectedHeader.get(SD_CWT.sdClaims) ?? [];
  if (!Array.isArray(sdClaims)) throw auError('ERR_AU_DISCLOSURE_INVALID', 'sd_claims is not an array');
  let claims: CborValue;
  try {
    claims = decodeCbor(payload, options.decode);
  } catch (e) {
    throw snError('ERR_CLAIMS_INVALID', 'claims are not CBOR', { cause: e });
  }
  if (!(claims instanceof Map)) throw snError('ERR_CLAIMS_INVALID', 'claims are not a CBOR map');
  const { value, disclosed } = restore(claims as CborValue, sdClaims as Uint8Array[], restoreFormat(options.labels));
  const issued = withUnprotected(decoded, withoutSdClaims(decoded));
  return { claims: value as CborMap, disclosed, issued };
}

function withoutSdClaims(decoded: DecodedSign1): CborMap {
  const unprotected: CborMap = new Map(decoded.unprotectedHeader);
  unprotected.delete(SD_CWT.sdClaims);
  return unprotected;
}

function checkKeyBindingToken(kbt: DecodedSign1, claims: CborMap, options: SdCwtVerifyOptions): void {
  const cnf = claims.get(8);
  let holder: PublicKey;
  try {
    holder = publicKeyOf(keyFromCoseKey((cnf instanceof Map ? cnf.get(1) : undefined) as Map<CborValue, CborValue>));
  } catch (e) {
    throw auError('ERR_AU_KEY_BINDING', 'cnf names no COSE_Key', { cause: e });
  }
  let payload: CborValue;
  try {
    payload = decodeCbor(verifySign1(kbt, { key: holder, requireProtectedAlg: true, profile: true }).payload);
  } catch (e) {
    if (!isSafetyNetError(e)) throw e;
    throw auError('ERR_AU_KEY_BINDING', `Key Binding Token: ${e.code}`, { cause: e });
  }
  if (!(payload instanceof Map)) throw auError('ERR_AU_KEY_BINDING', 'Key Binding Token claims are not a map');
  const cnonce = payload.get(SD_CWT.cnonce);
  if (!options.keyBinding) return;
  let nonce: string | undefined;
  try {
    nonce = cnonce instanceof Uint8Array ? fromUtf8(cnonce) : undefined;
  } catch {
    nonce = undefined;
  }
  checkBinding({ aud: payload.get(CWT_AUD), nonce, iat: payload.get(CWT_IAT) }, options.keyBinding);
}

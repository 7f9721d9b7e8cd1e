import {
  type CborValue,
  coseKeyThumbprint,
  decodeCbor,
  encodeCbor,
  nobleBackend,
  type PrivateKey,
  signSign,
  signSign1,
  Tagged,
  utf8,
} from '@safety-net/core';
import type { Vector } from '../../format.js';
import { hex, invalid, KEYS, keysOf, nameOf, vector } from '../common.js';
import { type Bucket, flipLastByte, rawSign1 } from '../raw.js';

const CONTENT = utf8('This is the content.');
const AAD = utf8('request-id:7f3e');
const { ed25519, ed25519b, ed448, p256, p384, p521 } = KEYS;

const kidOf = (key: PrivateKey): [number, CborValue] => [4, key.kid!];

/** An EdDSA COSE_Sign1 by ed25519-a with alg and kid protected, unless told otherwise. */
function eddsa(
  protectedBucket: Bucket = [[1, -8], kidOf(ed25519)],
  extra: Partial<Parameters<typeof rawSign1>[0]> = {},
) {
  return rawSign1({ protected: protectedBucket, payload: CONTENT, key: ed25519, alg: -8, ...extra });
}

interface Sign1Case {
  id: string;
  description: string;
  cose: Uint8Array;
  keys: PrivateKey[];
  options: Record<string, unknown>;
  detached?: boolean;
  /** alg and kid of a valid outcome, or the code of the refusal. */
  valid?: { alg: number; kid: Uint8Array | null };
  error?: string;
}

const key = (k: PrivateKey) => ({ key: nameOf(k) });
const keySet = (...ks: PrivateKey[]) => ({ key_set: ks.map(nameOf) });

function sign1Cases(): Sign1Case[] {
  const detached = signSign1(CONTENT, ed25519, { detached: true, backend: nobleBackend });
  const withAad = eddsa(undefined, { aad: AAD });
  const algUnprotected = eddsa([], { unprotected: [[1, -8]] });
  const crit = eddsa([
    [1, -8],
    [2, [99]],
    [99, 'must-understand'],
  ]);
  const es256OnP384 = rawSign1({ protected: [[1, -7]], payload: CONTENT, key: p384, alg: -7 });
  const signed = (k: PrivateKey, alg: number) =>
    rawSign1({ protected: [[1, alg], kidOf(k)], payload: CONTENT, key: k, alg });
  const thumbprintKid = eddsa([
    [1, -8],
    [4, coseKeyThumbprint(ed25519)],
  ]);
  const noKid = eddsa([[1, -8]]);
  return [
    {
      id: 'verify1-valid-eddsa',
      description: 'A valid EdDSA COSE_Sign1 with alg and kid protected (core.md §4.5).',
      cose: eddsa(),
      keys: [ed25519],
      options: key(ed25519),
      valid: { alg: -8, kid: ed25519.kid! },
    },
    {
      id: 'verify1-bad-signature',
      description: 'The last signature byte is flipped (core.md §4.5 step 12).',
      cose: flipLastByte(eddsa()),
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_BAD_SIGNATURE',
    },
    {
      id: 'verify1-wrong-tag',
      description: 'A COSE_Sign1 array inside tag 98, the COSE_Sign tag (core.md §4.5 step 2).',
      cose: eddsa(undefined, { tag: 98 }),
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_WRONG_TAG',
    },
    {
      id: 'verify1-tag-required',
      description: 'An untagged message where the verifier requires the tag (core.md §4.5 step 2).',
      cose: eddsa(undefined, { tag: null }),
      keys: [ed25519],
      options: { ...key(ed25519), tag: 'tagged' },
      error: 'ERR_COSE_WRONG_TAG',
    },
    {
      id: 'verify1-untagged-accepted',
      description: 'The untagged form is accepted under the default tag policy (core.md §4.1, §4.5 step 2).',
      cose: eddsa(undefined, { tag: null }),
      keys: [ed25519],
      options: key(ed25519),
      valid: { alg: -8, kid: ed25519.kid! },
    },
    {
      id: 'verify1-alg-missing',
      description: 'No alg in either bucket (core.md §4.5 step 9).',
      cose: eddsa([kidOf(ed25519)]),
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_ALG_MISSING',
    },
    {
      id: 'verify1-alg-unsupported',
      description: 'alg -257 (RS256) is not in the algorithm table (core.md §4.3, §4.5 step 9).',
      cose: eddsa([[1, -257], kidOf(ed25519)]),
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_ALG_UNSUPPORTED',
    },
    {
      id: 'verify1-alg-zero',
      description: 'alg 0 is reserved; there is no "none" algorithm in COSE (core.md §4.3).',
      cose: eddsa([[1, 0], kidOf(ed25519)]),
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_ALG_UNSUPPORTED',
    },
    {
      id: 'verify1-alg-unprotected-accepted',
      description:
        'alg only in the unprotected bucket is allowed by RFC 9052 for generic verification (core.md §4.5 step 9).',
      cose: algUnprotected,
      keys: [ed25519],
      options: key(ed25519),
      valid: { alg: -8, kid: null },
    },
    {
      id: 'verify1-alg-unprotected-refused',
      description: 'The same message when the verifier requires a protected alg, as message types do (core.md §6.2).',
      cose: algUnprotected,
      keys: [ed25519],
      options: { ...key(ed25519), require_protected_alg: true },
      error: 'ERR_COSE_ALG_NOT_PROTECTED',
    },
    {
      id: 'verify1-crit-unknown',
      description: 'crit names label 99, which the verifier does not understand (core.md §4.5 step 8, RFC 9052 §3.1).',
      cose: crit,
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_CRIT_UNSUPPORTED',
    },
    {
      id: 'verify1-crit-understood',
      description: 'The same message when the verifier declares label 99 understood (core.md §4.5 step 8).',
      cose: crit,
      keys: [ed25519],
      options: { ...key(ed25519), understood_crit: [99] },
      valid: { alg: -8, kid: null },
    },
    {
      id: 'verify1-header-duplicate',
      description: 'kid in both buckets of the same layer (core.md §4.5 step 6).',
      cose: eddsa(undefined, { unprotected: [kidOf(ed25519)] }),
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_HEADER_DUPLICATE',
    },
    {
      id: 'verify1-key-alg-mismatch',
      description:
        'An EdDSA message verified with a P-256 key: the key type does not fit the algorithm (core.md §5.5).',
      cose: eddsa(),
      keys: [p256],
      options: key(p256),
      error: 'ERR_KEY_ALG_MISMATCH',
    },
    {
      id: 'verify1-es256-p384-generic',
      description:
        'ES256 with a P-384 key: RFC 9053 only recommends the hash-curve pairing, so generic verification accepts it (core.md §4.3).',
      cose: es256OnP384,
      keys: [p384],
      options: key(p384),
      valid: { alg: -7, kid: null },
    },
    {
      id: 'verify1-es256-p384-profile',
      description:
        'The same message with the curve binding of message types (profile) is refused (core.md §4.3, §5.5).',
      cose: es256OnP384,
      keys: [p384],
      options: { ...key(p384), profile: true },
      error: 'ERR_KEY_ALG_MISMATCH',
    },
    ...fullySpecifiedCases(signed),
    {
      id: 'verify1-unknown-kid',
      description: 'The message names kid ed25519-a; the key set trusts only ed25519-b (core.md §5.7).',
      cose: eddsa(),
      keys: [ed25519b],
      options: keySet(ed25519b),
      error: 'ERR_KEY_NOT_FOUND',
    },
    {
      id: 'verify1-kid-thumbprint',
      description:
        'The kid is the RFC 9679 COSE_Key thumbprint of ed25519-a; the key set finds the key by it (core.md §5.6, §5.7).',
      cose: thumbprintKid,
      keys: [ed25519, ed25519b],
      options: keySet(ed25519, ed25519b),
      valid: { alg: -8, kid: coseKeyThumbprint(ed25519) },
    },
    {
      id: 'verify1-no-kid-one-fits',
      description: 'No kid, and exactly one trusted key fits EdDSA: it is used (core.md §5.7).',
      cose: noKid,
      keys: [ed25519, p256],
      options: keySet(ed25519, p256),
      valid: { alg: -8, kid: null },
    },
    {
      id: 'verify1-no-kid-ambiguous',
      description: 'No kid, and two trusted keys fit EdDSA: no key is chosen (core.md §5.7).',
      cose: noKid,
      keys: [ed25519, ed25519b],
      options: keySet(ed25519, ed25519b),
      error: 'ERR_KEY_NOT_FOUND',
    },
    {
      id: 'verify1-detached',
      description: 'A detached payload supplied by the verifier (core.md §4.7).',
      cose: detached,
      keys: [ed25519],
      options: key(ed25519),
      detached: true,
      valid: { alg: -8, kid: null },
    },
    {
      id: 'verify1-detached-missing',
      description: 'A detached payload the verifier does not supply (core.md §4.5 step 5, §4.7).',
      cose: detached,
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_PAYLOAD_MISSING',
    },
    {
      id: 'verify1-external-aad',
      description: 'External AAD supplied by the verifier, as signed (core.md §4.7).',
      cose: withAad,
      keys: [ed25519],
      options: { ...key(ed25519), external_aad_hex: hex(AAD) },
      valid: { alg: -8, kid: ed25519.kid! },
    },
    {
      id: 'verify1-external-aad-missing',
      description:
        'The message was signed with external AAD; a verifier without it computes another Sig_structure (core.md §4.7).',
      cose: withAad,
      keys: [ed25519],
      options: key(ed25519),
      error: 'ERR_COSE_BAD_SIGNATURE',
    },
  ];
}

/** RFC 9864's fully specified identifiers: each verifies with its own curve and refuses any other. */
function fullySpecifiedCases(signed: (k: PrivateKey, alg: number) => Uint8Array): Sign1Case[] {
  const valid = (id: string, name: string, k: PrivateKey, alg: number): Sign1Case => ({
    id,
    description: `${name} (${alg}, RFC 9864) with its own curve verifies (core.md §4.3, §4.5).`,
    cose: signed(k, alg),
    keys: [k],
    options: key(k),
    valid: { alg, kid: k.kid! },
  });
  return [
    valid('verify1-ed448-fully-specified', 'Ed448', ed448, -53),
    valid('verify1-esp256', 'ESP256', p256, -9),
    valid('verify1-esp384', 'ESP384', p384, -51),
    valid('verify1-esp512', 'ESP512', p521, -52),
    {
      id: 'verify1-esp256-p384-generic',
      description:
        'ESP256 signed with a P-384 key: unlike ES256, ESP256 is bound to P-256 in generic verification too, so the key does not fit (core.md §4.3, §5.5).',
      cose: rawSign1({ protected: [[1, -9]], payload: CONTENT, key: p384, alg: -9 }),
      keys: [p384],
      options: key(p384),
      error: 'ERR_KEY_ALG_MISMATCH',
    },
    {
      id: 'verify1-ed25519-alg-ed448-key',
      description:
        'A message under Ed25519 (-19) verified with an Ed448 key: the fully specified algorithm names one curve (core.md §4.3, §5.5).',
      // Signed with EdDSA: the key check comes first (§4.5 step 11), so the signature is never reached.
      cose: rawSign1({ protected: [[1, -19]], payload: CONTENT, key: ed448, alg: -8 }),
      keys: [ed448],
      options: key(ed448),
      error: 'ERR_KEY_ALG_MISMATCH',
    },
  ];
}

function sign1Vector(c: Sign1Case): Vector {
  return vector({
    id: c.id,
    description: c.description,
    kind: 'cose-sign1-verify',
    keys: keysOf(c.keys, 'public'),
    input: { cose_hex: hex(c.cose), ...(c.detached ? { detached_payload_hex: hex(CONTENT) } : {}) },
    options: c.options,
    expected: c.error
      ? invalid(c.error)
      : {
          result: 'valid',
          payload_hex: hex(CONTENT),
          alg: c.valid!.alg,
          kid_hex: c.valid!.kid ? hex(c.valid!.kid) : null,
        },
  });
}

/** A COSE_Sign by the given keys, each signer's kid in its protected bucket. */
function multi(keys: readonly PrivateKey[]): Uint8Array {
  return signSign(
    CONTENT,
    keys.map((k) => ({ key: k, protectedHeader: { kid: k.kid! } })),
    { protectedHeader: { contentType: 'text/plain' }, backend: nobleBackend },
  );
}

/** The COSE_Sign with signature `index` altered, or with no signatures at all. */
function alter(bytes: Uint8Array, change: (signatures: CborValue[][]) => CborValue[][]): Uint8Array {
  const tagged = decodeCbor(bytes) as Tagged;
  const body = tagged.value as CborValue[];
  return encodeCbor(new Tagged(tagged.tag, [...body.slice(0, 3), change(body[3] as CborValue[][])]));
}

function flipSignature(bytes: Uint8Array, index: number): Uint8Array {
  return alter(bytes, (sigs) =>
    sigs.map((s, i) => (i === index ? [s[0]!, s[1]!, flipLastByte(s[2] as Uint8Array)] : s)),
  );
}

function signVector(
  id: string,
  description: string,
  cose: Uint8Array,
  keys: PrivateKey[],
  require: unknown,
  expected: unknown,
): Vector {
  return vector({
    id,
    description,
    kind: 'cose-sign-verify',
    keys: keysOf(keys, 'public'),
    input: { cose_hex: hex(cose) },
    options: { key_set: keys.map(nameOf), ...(require ? { require } : {}) },
    expected,
  });
}

/** Generic verification vectors: every COSE failure class, key resolution, COSE_Sign policies. */
export function coseVerifyVectors(): Vector[] {
  const two = multi([ed25519, p256]);
  const valid = (k: PrivateKey, alg: number) => ({ valid: true, alg, key: nameOf(k) });
  return [
    ...sign1Cases().map(sign1Vector),
    signVector(
      'verify-sign-two-signers',
      'A COSE_Sign by ed25519-a (EdDSA) and p256-a (ES256); every signature must verify (core.md §4.6, policy all).',
      two,
      [ed25519, p256],
      undefined,
      {
        result: 'valid',
        payload_hex: hex(CONTENT),
        signatures: [valid(ed25519, -8), valid(p256, -7)],
      },
    ),
    signVector(
      'verify-sign-one-bad-all',
      'The second signature is altered; under the default policy every signature must verify (core.md §4.6).',
      flipSignature(two, 1),
      [ed25519, p256],
      undefined,
      invalid('ERR_COSE_BAD_SIGNATURE'),
    ),
    signVector(
      'verify-sign-one-bad-at-least-one',
      'The same message under the policy at least 1: the failing signature is reported, the message accepted (core.md §4.6).',
      flipSignature(two, 1),
      [ed25519, p256],
      { at_least: 1 },
      {
        result: 'valid',
        payload_hex: hex(CONTENT),
        signatures: [valid(ed25519, -8), { valid: false, error: 'ERR_COSE_BAD_SIGNATURE' }],
      },
    ),
    signVector(
      'verify-sign-same-key-twice',
      'Two signatures by the same key count as one signer, so at least 2 is not met (core.md §4.6).',
      multi([ed25519, ed25519]),
      [ed25519],
      { at_least: 2 },
      invalid('ERR_COSE_BAD_SIGNATURE'),
    ),
    signVector(
      'verify-sign-no-signatures',
      'A COSE_Sign whose signature list is empty (core.md §4.5 step 4).',
      alter(two, () => []),
      [ed25519, p256],
      undefined,
      invalid('ERR_COSE_NO_SIGNATURES'),
    ),
  ];
}

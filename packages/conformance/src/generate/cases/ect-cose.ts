import {
  CborFloat,
  ECT_COSE_TYP,
  type EctClaims,
  ect,
  encodeCbor,
  nobleBackend,
  type PrivateKey,
  utf8,
} from '@safety-net/core';
import type { Vector } from '../../format.js';
import { AUDIENCE, ectClaims, hex, invalid, KEYS, keysOf, NOW, nameOf, vector } from '../common.js';
import { type Bucket, flipLastByte, rawSign1 } from '../raw.js';

const { ed25519, ed25519b, p256, p384 } = KEYS;
const AAD = utf8('request-id:7f3e');

/** An ECT signed the way a conforming signer does it (noble, so ECDSA is reproducible). */
export const signed = (claims: EctClaims, key: PrivateKey = ed25519, aad?: Uint8Array) =>
  ect.sign(claims, key, { backend: nobleBackend, externalAad: aad });

/** An ECT payload under hand-made headers, signed with EdDSA by ed25519-a. */
export function handMade(
  protectedBucket: Bucket,
  unprotected: Bucket = [],
  payload = encodeCbor(ect.toCbor(ectClaims())),
) {
  return rawSign1({ protected: protectedBucket, unprotected, payload, key: ed25519, alg: -8 });
}

/** The protected parameters a conforming ECT signer writes with ed25519-a. */
export const ALG: [number, number] = [1, -8];
export const KID: [number, Uint8Array] = [4, ed25519.kid!];
export const TYP: [number, string] = [16, ECT_COSE_TYP];

/** One `message-verify` vector of the ECT in COSE form. */
export interface EctCoseCase {
  id: string;
  description: string;
  cose: Uint8Array;
  /** Verifier keys; the first is the `key` option unless `keySet` is set. */
  keys?: PrivateKey[];
  keySet?: boolean;
  options?: Record<string, unknown>;
  before?: Uint8Array[];
  /** Claims of a valid outcome (with the signer's alg and kid), or the code of the refusal. */
  claims?: EctClaims;
  /** The signer of a valid message, whose alg and kid the result names (default ed25519-a, EdDSA; `kid: null`: none). */
  signer?: { key: PrivateKey; alg: number; kid?: null };
  /** The payload the verifier supplies (`detached_payload_hex`). */
  detachedPayload?: Uint8Array;
  error?: string;
}

function cases(): EctCoseCase[] {
  const valid = signed(ectClaims());
  const payloadWith = (extra: Map<string | number, unknown>) => {
    const map = ect.toCbor(ectClaims());
    for (const [k, v] of extra) map.set(k, v as never);
    return encodeCbor(map);
  };
  const floatTime = encodeCbor(new Map([...ect.toCbor(ectClaims()), [6, new CborFloat(NOW)]]));
  // The tagged array head 84 written with a one-byte argument (98 04): not the shortest form.
  const nonShortest = Uint8Array.from([0xd2, 0x98, 0x04, ...valid.subarray(2)]);
  const at = (claims: Partial<EctClaims>) => ectClaims(claims);
  return [
    {
      id: 'ect-cose-valid-eddsa',
      description: 'A valid ECT in COSE form, EdDSA, verified with the issuer key at now (ect.md §6, core.md §6.5).',
      cose: valid,
      claims: ectClaims(),
    },
    {
      id: 'ect-cose-valid-es256-key-set',
      description: 'A valid ES256 ECT found in a key set by its kid (core.md §5.7, §6.5).',
      cose: signed(ectClaims(), p256),
      keys: [p256, ed25519],
      keySet: true,
      claims: ectClaims(),
      signer: { key: p256, alg: -7 },
    },
    {
      id: 'ect-cose-bad-signature',
      description: 'The last signature byte is flipped (core.md §6.5 step 8).',
      cose: flipLastByte(valid),
      error: 'ERR_COSE_BAD_SIGNATURE',
    },
    {
      id: 'ect-cose-non-shortest-head',
      description:
        'The COSE array head is written in a longer form than needed: strict decoding refuses it before anything else (core.md §6.5 step 2).',
      cose: nonShortest,
      error: 'ERR_CBOR_NON_SHORTEST',
    },
    {
      id: 'ect-cose-wrong-tag',
      description: 'The ECT inside tag 98 (COSE_Sign) instead of 18 (core.md §6.5 step 3).',
      cose: rawSign1({
        protected: [ALG, KID, TYP],
        payload: encodeCbor(ect.toCbor(ectClaims())),
        key: ed25519,
        alg: -8,
        tag: 98,
      }),
      error: 'ERR_COSE_WRONG_TAG',
    },
    {
      id: 'ect-cose-alg-missing',
      description: 'No alg anywhere (core.md §6.2, §6.5 step 4).',
      cose: handMade([KID, TYP]),
      error: 'ERR_COSE_ALG_MISSING',
    },
    {
      id: 'ect-cose-alg-unsupported',
      description: 'alg -257 (RS256) is not in the table (core.md §4.3, §6.5 step 4).',
      cose: handMade([[1, -257], KID, TYP]),
      error: 'ERR_COSE_ALG_UNSUPPORTED',
    },
    {
      id: 'ect-cose-alg-unprotected',
      description: 'alg only in the unprotected bucket: allowed by RFC 9052, refused for message types (core.md §6.2).',
      cose: handMade([KID, TYP], [ALG]),
      error: 'ERR_COSE_ALG_NOT_PROTECTED',
    },
    {
      id: 'ect-cose-typ-missing',
      description: 'No typ: a message type requires it in the protected bucket (core.md §6.2).',
      cose: handMade([ALG, KID]),
      error: 'ERR_COSE_TYP_MISSING',
    },
    {
      id: 'ect-cose-typ-unprotected',
      description: 'typ only in the unprotected bucket counts as missing (core.md §6.2).',
      cose: handMade([ALG, KID], [TYP]),
      error: 'ERR_COSE_TYP_MISSING',
    },
    {
      id: 'ect-cose-typ-mismatch',
      description: 'typ application/cwt is not the ECT typ application/exec+cwt (core.md §6.2, ect.md §6).',
      cose: handMade([ALG, KID, [16, 'application/cwt']]),
      error: 'ERR_COSE_TYP_MISMATCH',
    },
    {
      id: 'ect-cose-crit-unknown',
      description: 'crit names label 99, which the ECT verifier does not understand (core.md §6.5 step 6).',
      cose: handMade([ALG, [2, [99]], KID, TYP, [99, true]]),
      error: 'ERR_COSE_CRIT_UNSUPPORTED',
    },
    {
      id: 'ect-cose-key-alg-mismatch',
      description:
        'ES256 signed with a P-384 key: valid under generic RFC 9052 rules, refused by the curve binding of message types (core.md §4.3, §5.5).',
      cose: rawSign1({
        protected: [[1, -7], [4, p384.kid!], TYP],
        payload: encodeCbor(ect.toCbor(ectClaims())),
        key: p384,
        alg: -7,
      }),
      keys: [p384],
      error: 'ERR_KEY_ALG_MISMATCH',
    },
    {
      id: 'ect-cose-unknown-kid',
      description: 'The ECT names kid ed25519-a; the verifier trusts only ed25519-b (core.md §5.7, §6.5 step 7).',
      cose: valid,
      keys: [ed25519b],
      keySet: true,
      error: 'ERR_KEY_NOT_FOUND',
    },
    {
      id: 'ect-cose-expired',
      description: 'exp lies 31 s before now, beyond the 30 s clock skew (core.md §6.6).',
      cose: signed(at({ iat: NOW - 331, exp: NOW - 31 })),
      error: 'ERR_CLAIMS_EXPIRED',
    },
    {
      id: 'ect-cose-expired-within-skew',
      description: 'exp lies exactly 30 s before now: within the clock skew, still accepted (core.md §6.6).',
      cose: signed(at({ iat: NOW - 330, exp: NOW - 30 })),
      claims: at({ iat: NOW - 330, exp: NOW - 30 }),
    },
    {
      id: 'ect-cose-not-yet-valid',
      description: 'nbf lies 31 s after now (core.md §6.6).',
      cose: signed(at({ nbf: NOW + 31 })),
      error: 'ERR_CLAIMS_NOT_YET_VALID',
    },
    {
      id: 'ect-cose-iat-future',
      description: 'iat lies 31 s after now: issued in the future beyond the skew (core.md §6.6).',
      cose: signed(at({ iat: NOW + 31, exp: NOW + 331 })),
      error: 'ERR_CLAIMS_IAT_FUTURE',
    },
    {
      id: 'ect-cose-iat-too-old',
      description:
        'iat lies 931 s before now, beyond the ECT maximum age of 900 s plus the skew (ect.md §6, core.md §6.6).',
      cose: signed(at({ iat: NOW - 931, exp: NOW + 60 })),
      options: { max_age_seconds: 900 },
      error: 'ERR_CLAIMS_IAT_TOO_OLD',
    },
    {
      id: 'ect-cose-audience',
      description: 'The verifier answers to another audience than aud names (core.md §6.7).',
      cose: valid,
      options: { audience: 'spiffe://example.org/agent/auditor' },
      error: 'ERR_CLAIMS_AUDIENCE',
    },
    {
      id: 'ect-cose-audience-array',
      description: 'aud is an array; one entry names the verifier (core.md §6.7).',
      cose: signed(at({ aud: ['spiffe://example.org/agent/auditor', AUDIENCE] })),
      claims: at({ aud: ['spiffe://example.org/agent/auditor', AUDIENCE] }),
    },
    {
      id: 'ect-cose-issuer',
      description: 'The verifier expects another issuer than iss names (core.md §6.7).',
      cose: valid,
      options: { issuer: 'spiffe://example.org/agent/someone-else' },
      error: 'ERR_CLAIMS_ISSUER',
    },
    {
      id: 'ect-cose-replay',
      description: 'The same ECT verified a second time with the same replay cache (core.md §6.8).',
      cose: valid,
      options: { replay: true },
      before: [valid],
      error: 'ERR_CLAIMS_REPLAY',
    },
    {
      id: 'ect-cose-replay-fresh',
      description: 'A cache that holds another jti accepts this one (core.md §6.8).',
      cose: valid,
      options: { replay: true },
      before: [signed(at({ jti: '5d2e9c1a-7b3f-4e8d-a6c5-1f0e2d3c4b5a' }))],
      claims: ectClaims(),
    },
    {
      id: 'ect-cose-claims-unknown-label',
      description: 'The claims map holds a label the ECT does not define (par, the -00 name of pred) (core.md §6.3).',
      cose: handMade([ALG, KID, TYP], [], payloadWith(new Map([['par', []]]))),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'ect-cose-claims-schema',
      description: 'exec_act is the empty string, which the ECT schema refuses (ect.md §2.1, core.md §6.5 step 9).',
      cose: handMade([ALG, KID, TYP], [], payloadWith(new Map([['exec_act', '']]))),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'ect-cose-claims-float-time',
      description:
        'iat as a floating-point number: RFC 8392 allows it, Safety Net requires integer times (core.md §6.3).',
      cose: handMade([ALG, KID, TYP], [], floatTime),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'ect-cose-external-aad',
      description: 'An ECT signed with external AAD, verified with the same AAD (core.md §4.7, §6.4).',
      cose: signed(ectClaims(), ed25519, AAD),
      options: { external_aad_hex: hex(AAD) },
      claims: ectClaims(),
    },
  ];
}

/** The vector of a case: verified with `audience` set, key or key set as the case says. */
export function ectCoseVector(c: EctCoseCase): Vector {
  const keys = c.keys ?? [ed25519];
  const signer = c.signer ?? { key: ed25519, alg: -8 };
  return vector({
    id: c.id,
    description: c.description,
    kind: 'message-verify',
    keys: keysOf(keys, 'public'),
    input: {
      type: 'ect',
      cose_hex: hex(c.cose),
      ...(c.detachedPayload ? { detached_payload_hex: hex(c.detachedPayload) } : {}),
      ...(c.before ? { before: c.before.map((b) => ({ cose_hex: hex(b) })) } : {}),
    },
    options: {
      ...(c.keySet ? { key_set: keys.map(nameOf) } : { key: nameOf(keys[0]!) }),
      audience: AUDIENCE,
      ...c.options,
    },
    expected: c.error
      ? invalid(c.error)
      : {
          result: 'valid',
          format: 'cose',
          typ: ECT_COSE_TYP,
          alg: signer.alg,
          kid_hex: signer.kid === null ? null : hex(signer.key.kid!),
          claims: c.claims!,
        },
  });
}

/** `message-verify` vectors for the ECT in COSE form: every pipeline step's failure. */
export function ectCoseVectors(): Vector[] {
  return cases().map(ectCoseVector);
}

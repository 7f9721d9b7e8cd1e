import { ect, encodeCbor, nobleBackend, utf8 } from '@safety-net/core';
import type { Vector } from '../../format.js';
import { ectClaims, KEYS, NOW } from '../common.js';
import { rawSign1 } from '../raw.js';
import { ALG, type EctCoseCase, ectCoseVector, handMade, KID, signed, TYP } from './ect-cose.js';

const { ed25519, p256, p384, p521 } = KEYS;
const PLANNER = ectClaims().iss;
const OTHER = 'spiffe://example.org/agent/someone-else';

/** An ECT without kid, signed by `key` under `alg`. */
const withoutKid = (key: typeof p256, alg: number) =>
  rawSign1({ protected: [[1, alg], TYP], payload: encodeCbor(ect.toCbor(ectClaims())), key, alg });

/** The precedence cases: several rules could apply, one code is the answer (core.md §4.5, §6.5). */
function precedence(): EctCoseCase[] {
  return [
    {
      id: 'ect-cose-typ-uint',
      description:
        'typ is the uint 7: step 4 (typ equal to the type) runs before the header type checks, so this is a mismatch (core.md §6.5).',
      cose: handMade([ALG, KID, [16, 7]]),
      error: 'ERR_COSE_TYP_MISMATCH',
    },
    {
      id: 'ect-cose-typ-bytes',
      description: 'typ is the byte string of the ECT typ: not text, so not the type typ (core.md §6.2, §6.5 step 4).',
      cose: handMade([ALG, KID, [16, utf8(TYP[1])]]),
      error: 'ERR_COSE_TYP_MISMATCH',
    },
    {
      id: 'ect-cose-alg-text',
      description: 'alg is the text "EdDSA": no text algorithm is supported (core.md §4.2, §6.5 step 4).',
      cose: handMade([[1, 'EdDSA'], KID, TYP]),
      error: 'ERR_COSE_ALG_UNSUPPORTED',
    },
    {
      id: 'ect-cose-crit-absent-and-unknown',
      description:
        'crit lists 99 (present, not understood) before 100 (absent): the absent label decides, whatever the order (core.md §4.5).',
      cose: handMade([ALG, [2, [99, 100]], KID, TYP, [99, true]]),
      error: 'ERR_COSE_HEADER_INVALID',
    },
  ];
}

/** Key resolution: no kid, issuer binding (core.md §5.7, §6.7). */
function keys(): EctCoseCase[] {
  return [
    {
      id: 'ect-cose-no-kid-generic-fit',
      description:
        'ES256 without kid; the key set holds p256-a and p384-a. "Fits" uses the generic rules, where ES256 fits both, so no key is chosen (core.md §5.7).',
      cose: withoutKid(p256, -7),
      keys: [p256, p384],
      keySet: true,
      error: 'ERR_KEY_NOT_FOUND',
    },
    {
      id: 'ect-cose-no-kid-fully-specified',
      description:
        'The same with ESP256 (-9), which fits P-256 only: exactly one key fits and the ECT verifies (core.md §4.3, §5.7).',
      cose: withoutKid(p256, -9),
      keys: [p256, p384],
      keySet: true,
      claims: ectClaims(),
      signer: { key: p256, alg: -9, kid: null },
    },
    {
      id: 'ect-cose-issuer-bound-claimed',
      description:
        'The key is bound to the planner and the verifier names no issuer: the resolver gets the iss the claims name, which the key may speak for (core.md §6.7).',
      cose: signed(ectClaims()),
      keySet: true,
      options: { key_issuers: { 'ed25519-a': [PLANNER] } },
      claims: ectClaims(),
    },
    {
      id: 'ect-cose-issuer-bound-other',
      description: 'The key is bound to another issuer than the iss the ECT names (core.md §5.7, §6.7).',
      cose: signed(ectClaims()),
      keySet: true,
      options: { key_issuers: { 'ed25519-a': [OTHER] } },
      error: 'ERR_KEY_UNTRUSTED',
    },
    {
      id: 'ect-cose-issuer-bound-expected-other',
      description:
        'The verifier expects another issuer: the bound key is refused at key resolution (step 7), before the issuer check (core.md §6.5).',
      cose: signed(ectClaims()),
      keySet: true,
      options: { key_issuers: { 'ed25519-a': [PLANNER] }, issuer: OTHER },
      error: 'ERR_KEY_UNTRUSTED',
    },
  ];
}

/** ES384 and ES512 messages, detached payloads, replay boundary, options that fail closed. */
function coverage(): EctCoseCase[] {
  const claims = ectClaims();
  const payload = encodeCbor(ect.toCbor(claims));
  const detached = ect.sign(claims, ed25519, { backend: nobleBackend, detached: true });
  const atBoundary = signed(ectClaims({ iat: NOW - 330, exp: NOW - 30 }));
  return [
    {
      id: 'ect-cose-valid-es384',
      description: 'An ECT signed with ES384 over P-384, the pairing message types require (core.md §4.3).',
      cose: signed(claims, p384),
      keys: [p384],
      claims,
      signer: { key: p384, alg: -35 },
    },
    {
      id: 'ect-cose-valid-es512',
      description: 'An ECT signed with ES512 over P-521 (core.md §4.3).',
      cose: signed(claims, p521),
      keys: [p521],
      claims,
      signer: { key: p521, alg: -36 },
    },
    {
      id: 'ect-cose-es384-p521',
      description: 'ES384 signed with a P-521 key: message types bind SHA-384 to P-384 (core.md §4.3, §5.5).',
      cose: rawSign1({ protected: [[1, -35], [4, p521.kid!], TYP], payload, key: p521, alg: -35 }),
      keys: [p521],
      error: 'ERR_KEY_ALG_MISMATCH',
    },
    {
      id: 'ect-cose-detached',
      description: 'An ECT with a detached payload, supplied by the verifier (core.md §4.7, §6.5 step 5).',
      cose: detached,
      detachedPayload: payload,
      claims,
      signer: { key: ed25519, alg: -8 },
    },
    {
      id: 'ect-cose-detached-missing',
      description: 'The same ECT without the payload (core.md §6.5 step 5).',
      cose: detached,
      error: 'ERR_COSE_PAYLOAD_MISSING',
    },
    {
      id: 'ect-cose-detached-twice',
      description: 'A payload supplied for an ECT that carries its own (core.md §4.7, §6.5 step 5).',
      cose: signed(claims),
      detachedPayload: payload,
      error: 'ERR_INPUT_INVALID',
    },
    {
      id: 'ect-cose-replay-boundary-first',
      description:
        'now equals exp + skew: the ECT is not expired, and its first presentation is accepted (core.md §6.6).',
      cose: atBoundary,
      options: { replay: true },
      claims: ectClaims({ iat: NOW - 330, exp: NOW - 30 }),
    },
    {
      id: 'ect-cose-replay-boundary',
      description:
        'A replay at now = exp + skew: the jti is remembered through exp + skew inclusive, so it is refused (core.md §6.8).',
      cose: atBoundary,
      options: { replay: true },
      before: [atBoundary],
      error: 'ERR_CLAIMS_REPLAY',
    },
    {
      id: 'ect-cose-skew-negative',
      description: 'A clock skew of -1 s is not a finite number ≥ 0: verification fails closed (core.md §6.6).',
      cose: signed(claims),
      options: { clock_skew_seconds: -1 },
      error: 'ERR_INPUT_INVALID',
    },
    {
      id: 'ect-cose-max-age-negative',
      description: 'A maximum age of -1 s is not a finite number ≥ 0: verification fails closed (core.md §6.6).',
      cose: signed(claims),
      options: { max_age_seconds: -1 },
      error: 'ERR_INPUT_INVALID',
    },
  ];
}

/** `message-verify` vectors of the ECT in COSE form for precedence, key resolution and boundaries. */
export function ectCoseEdgeVectors(): Vector[] {
  return [...precedence(), ...keys(), ...coverage()].map(ectCoseVector);
}

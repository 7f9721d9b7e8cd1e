/**
 * `message-verify` vectors for the four message types of @safety-net/behavioral-verification
 * (behavioral-verification.md §2–§4, §7), from the package's sample claims: a valid message of each type, and the
 * refusals specific to them, in COSE form; and in JWT form a valid message of each type and a refusal of each.
 */

import { behavioralProfile, bet, observation, performanceProfile } from '@safety-net/behavioral-verification';
import {
  SAMPLE_NOW as NOW,
  sampleBetClaims,
  sampleObservationClaims,
  samplePerformanceClaims,
  sampleProfileClaims,
} from '@safety-net/behavioral-verification/testing';
import type { AnyMessageType, PrivateKey } from '@safety-net/core';
import type { Vector } from '../../format.js';
import { KEYS, nameOf } from '../common.js';
import {
  flipLastChar,
  type MessageCase,
  messageVerifyVector,
  refused,
  signedCose,
  signedJws,
  uncheckedCose,
  validCose,
  validJws,
  withClaims,
} from '../messages.js';
import { flipLastByte, rawJws } from '../raw.js';

const { ed25519, ed25519b, p256 } = KEYS;

/** The JWT exactly as `signJws` makes it: the claims as parsed, defaults filled in. */
const jws = (type: AnyMessageType, claims: object, key: PrivateKey, typ?: string) =>
  signedJws(type, type.parse(claims), key, typ);

/**
 * Signed profiles whose `rules` break the rules schema (behavioral-verification.md, *Rules (CDDL)*): a verifier that
 * accepted any object would pass the valid vectors but not these.
 */
function rulesRefusals(): MessageCase[] {
  const base = sampleProfileClaims as { rules: Record<string, unknown> };
  const broken = (id: string, what: string, rules: unknown) =>
    refused(behavioralProfile, uncheckedCose(behavioralProfile, { ...base, rules }, ed25519), ed25519, {
      id,
      description: `The profile's rules ${what}: the claims schema refuses them (behavioral-verification.md §2.1, core.md §6.5 step 9).`,
      error: 'ERR_CLAIMS_INVALID',
    });
  return [
    broken('bv-profile-rules-not-object', 'are an array, not an object', []),
    broken('bv-profile-rules-unlisted', 'set actions.unlisted to "maybe"', {
      ...base.rules,
      actions: { unlisted: 'maybe', rules: [] },
    }),
    broken('bv-profile-rules-unknown-field', 'carry a field the schema does not define', { ...base.rules, extra: 1 }),
    broken('bv-profile-rules-rate-zero-window', 'hold a rate limit with a window of 0 ms', {
      ...base.rules,
      rates: [{ id: 'r', action: '*', max: 10, window_ms: 0 }],
    }),
    ...constraintRefusals(base.rules, broken),
    refused(
      behavioralProfile,
      uncheckedCose(
        behavioralProfile,
        {
          ...base,
          rules: {
            ...base.rules,
            parameters: [{ id: 'memo', action: '*', param: 'memo', check: 'pattern', regex: '(a+)+b', max_length: 64 }],
          },
        },
        ed25519,
      ),
      ed25519,
      {
        id: 'bv-profile-rules-unsafe-regex',
        description:
          "The profile's parameter pattern (a+)+b nests a quantifier, outside the safe regular expressions: the profile is refused when verified, not only by the monitor (behavioral-verification.md §2.1, Rules (CDDL)).",
        error: 'ERR_CLAIMS_INVALID',
      },
    ),
  ];
}

/**
 * Signed profiles whose rules break a constraint between fields (behavioral-verification.md §2.1, the comments of
 * *Rules (CDDL)*): refused when verified, as the monitor refuses them.
 */
function constraintRefusals(
  rules: Record<string, unknown>,
  broken: (id: string, what: string, rules: unknown) => MessageCase,
): MessageCase[] {
  const param = { action: '*', param: 'v' };
  const drift = { action: '*', mean: 0, sd: 1 };
  const baseline = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`a${i}`, 1]));
  return [
    broken('bv-profile-rules-duplicate-id', 'use one rule id twice, in two kinds of rule', {
      ...rules,
      actions: { rules: [{ id: 'dup', effect: 'allow', pattern: '*' }] },
      rates: [{ id: 'dup', action: '*', max: 10, window_ms: 1000 }],
    }),
    broken('bv-profile-rules-reserved-id', 'give a rule the reserved id actions.unlisted', {
      ...rules,
      scopes: [{ id: 'actions.unlisted', action: '*', allowed: [] }],
    }),
    broken('bv-profile-rules-range-unbounded', 'hold a range check with neither min nor max', {
      ...rules,
      parameters: [{ id: 'p', ...param, check: 'range' }],
    }),
    broken('bv-profile-rules-range-inverted', 'hold a range whose min "10.000000000000000001" is above its max 10', {
      ...rules,
      parameters: [{ id: 'p', ...param, check: 'range', min: '10.000000000000000001', max: 10 }],
    }),
    broken('bv-profile-rules-length-unbounded', 'hold a length check with neither min nor max', {
      ...rules,
      parameters: [{ id: 'p', ...param, check: 'length' }],
    }),
    broken('bv-profile-rules-length-inverted', 'hold a length check whose min 3 is above its max 2', {
      ...rules,
      parameters: [{ id: 'p', ...param, check: 'length', min: 3, max: 2 }],
    }),
    broken('bv-profile-rules-param-drift-no-param', 'hold parameter drift that names no param', {
      ...rules,
      drift: { numeric: [{ id: 'd', ...drift, source: 'param' }] },
    }),
    broken('bv-profile-rules-latency-drift-param', 'hold latency drift that names a param', {
      ...rules,
      drift: { numeric: [{ id: 'd', ...drift, source: 'latency_ms', param: 'v' }] },
    }),
    broken('bv-profile-rules-mix-baseline-too-large', 'hold a mix-drift baseline of 1001 actions, above 1000', {
      ...rules,
      drift: { mix: [{ id: 'm', baseline, window: 10, threshold: 0.1 }] },
    }),
  ];
}

/** A BET issued an hour before now that expires a minute after it. */
const oldBet = { ...sampleBetClaims, iat: NOW - 3600, exp: NOW + 60 };

function coseCases(): MessageCase[] {
  const valid = (id: string, what: string, type: AnyMessageType, claims: object, key: PrivateKey = ed25519) =>
    validCose(type, claims, key, {
      id,
      description: `A valid ${what} in COSE form, verified with its signer's key at now (behavioral-verification.md §1).`,
    });
  const profile = behavioralProfile;
  return [
    valid('bv-profile-valid', 'Behavioral Profile (rule defaults filled in, as signed)', profile, sampleProfileClaims),
    valid(
      'bv-observation-valid',
      'Observation with one clear and two committed parameters',
      observation,
      sampleObservationClaims,
    ),
    valid('bet-valid-es256', 'Behavioral Evidence Token (violation verdict, ES256)', bet, sampleBetClaims, p256),
    valid('bv-performance-valid', 'Performance Profile', performanceProfile, samplePerformanceClaims),
    refused(profile, signedCose(profile, { ...sampleProfileClaims, exp: NOW - 31 }, ed25519), ed25519, {
      id: 'bv-profile-expired',
      description:
        'The profile exp lies 31 s before now, beyond the 30 s clock skew (behavioral-verification.md §2.1, core.md §6.6).',
      error: 'ERR_CLAIMS_EXPIRED',
    }),
    ...rulesRefusals(),
    validCose(bet, oldBet, ed25519, {
      id: 'bet-old-no-default-max-age',
      description:
        "A BET issued an hour ago and not expired: message verification applies no maximum age to a BET; the 300 s are the issuer's default lifetime and the appraisal's default age (core.md §6.6).",
    }),
    {
      ...refused(bet, signedCose(bet, oldBet, ed25519), ed25519, {
        id: 'bet-old-max-age',
        description: 'The same BET when the caller sets a maximum age of 300 s (core.md §6.6).',
        error: 'ERR_CLAIMS_IAT_TOO_OLD',
      }),
      options: { max_age_seconds: 300 },
    },
    {
      ...refused(profile, signedCose(profile, sampleProfileClaims, ed25519b), ed25519b, {
        id: 'bv-profile-wrong-key',
        description: 'The profile is signed by another operator key than the one trusted (core.md §6.5).',
        error: 'ERR_KEY_NOT_FOUND',
      }),
      trusted: ed25519,
    },
    refused(bet, flipLastByte(signedCose(bet, sampleBetClaims, ed25519)), ed25519, {
      id: 'bet-bad-signature',
      description: 'The last signature byte of a BET is flipped (core.md §6.5).',
      error: 'ERR_COSE_BAD_SIGNATURE',
    }),
    refused(bet, signedCose(bet, { ...sampleBetClaims, iat: NOW - 331, exp: NOW - 31 }, ed25519), ed25519, {
      id: 'bet-expired',
      description: 'A BET past its short lifetime: exp lies 31 s before now (behavioral-verification.md §4.1).',
      error: 'ERR_CLAIMS_EXPIRED',
    }),
    refused(bet, uncheckedCose(bet, { ...sampleBetClaims, verdict: 'compliant' }, ed25519), ed25519, {
      id: 'bet-verdict-contradicts-evidence',
      description: 'A BET says compliant while listing a parameter violation (behavioral-verification.md §4.2).',
      error: 'ERR_CLAIMS_INVALID',
    }),
    refused(bet, uncheckedCose(bet, { ...sampleBetClaims, verdict: 'drift' }, ed25519), ed25519, {
      id: 'bet-drift-hides-violation',
      description: 'A BET says drift while listing a hard violation (behavioral-verification.md §4.2).',
      error: 'ERR_CLAIMS_INVALID',
    }),
    refused(bet, signedCose(profile, sampleProfileClaims, ed25519), ed25519, {
      id: 'bet-typ-is-profile',
      description: 'A Behavioral Profile presented as a BET: the protected typ names another type (core.md §6.5).',
      error: 'ERR_COSE_TYP_MISMATCH',
    }),
    refused(
      observation,
      uncheckedCose(observation, { ...sampleObservationClaims, params: { quantity: 5 } }, ed25519),
      ed25519,
      {
        id: 'bv-observation-uncommitted-param',
        description:
          'An Observation gives a parameter in clear without committing to it (behavioral-verification.md §3).',
        error: 'ERR_CLAIMS_INVALID',
      },
    ),
    refused(
      performanceProfile,
      uncheckedCose(
        performanceProfile,
        {
          ...samplePerformanceClaims,
          metrics: { task_completion_accuracy: { value: 0.99, n: 10, ci_low: 0.5, ci_high: 0.9, confidence: 0.95 } },
        },
        ed25519,
      ),
      ed25519,
      {
        id: 'bv-performance-value-outside-interval',
        description: 'A metric value lies outside its own confidence interval (behavioral-verification.md §7).',
        error: 'ERR_CLAIMS_INVALID',
      },
    ),
  ];
}

function jwtCases(): MessageCase[] {
  const valid = (id: string, what: string, type: AnyMessageType, claims: object, key: PrivateKey = ed25519) =>
    validJws(type, type.parse(claims), key, {
      id,
      description: `A valid ${what} in JWT form (typ ${type.jws!.typ}), verified with its signer's key at now (behavioral-verification.md §1, core.md §6.9).`,
    });
  return [
    valid('bv-profile-jwt-valid', 'Behavioral Profile', behavioralProfile, sampleProfileClaims),
    valid('bv-observation-jwt-valid', 'Observation', observation, sampleObservationClaims),
    valid('bet-jwt-valid-es256', 'Behavioral Evidence Token (ES256)', bet, sampleBetClaims, p256),
    valid('bv-performance-jwt-valid', 'Performance Profile', performanceProfile, samplePerformanceClaims),
    refused(behavioralProfile, jws(behavioralProfile, sampleProfileClaims, ed25519, behavioralProfile.typ), ed25519, {
      id: 'bv-profile-jwt-cose-typ',
      description:
        'A profile JWT whose typ is the COSE one, application/bv-profile+cwt, not bv-profile+jwt (behavioral-verification.md §1, core.md §6.9).',
      error: 'ERR_JOSE_TYP_MISMATCH',
    }),
    refused(
      observation,
      withClaims(jws(observation, sampleObservationClaims, ed25519), {
        ...sampleObservationClaims,
        exec_act: 'trade.sell',
      }),
      ed25519,
      {
        id: 'bv-observation-jwt-claims-swapped',
        description:
          'An Observation JWT whose claims were replaced after signing (another exec_act): the signature no longer holds (core.md §6.9).',
        error: 'ERR_JOSE_BAD_SIGNATURE',
      },
    ),
    refused(bet, flipLastChar(jws(bet, sampleBetClaims, ed25519)), ed25519, {
      id: 'bet-jwt-bad-signature',
      description: 'The last character of a BET JWT signature is changed (core.md §6.9).',
      error: 'ERR_JOSE_BAD_SIGNATURE',
    }),
    refused(
      bet,
      // Signed by hand without parsing: the schema would refuse these claims before signing.
      rawJws(
        { alg: 'EdDSA', typ: bet.jws!.typ, kid: nameOf(ed25519) },
        { ...sampleBetClaims, verdict: 'compliant' },
        ed25519,
        'EdDSA',
      ),
      ed25519,
      {
        id: 'bet-jwt-verdict-contradicts-evidence',
        description:
          'A BET JWT says compliant while listing a parameter violation: the JWT form has the same claim rules (behavioral-verification.md §4.2).',
        error: 'ERR_CLAIMS_INVALID',
      },
    ),
    refused(performanceProfile, jws(performanceProfile, samplePerformanceClaims, ed25519, bet.jws!.typ), ed25519, {
      id: 'bv-performance-jwt-typ-is-bet',
      description: 'A Performance Profile JWT presented with typ bet+jwt (core.md §6.9).',
      error: 'ERR_JOSE_TYP_MISMATCH',
    }),
  ];
}

/** `message-verify` vectors for the Behavioral Profile, Observation, BET and Performance Profile. */
export function behavioralVerificationMessageVectors(): Vector[] {
  return [...coseCases(), ...jwtCases()].map((c) => messageVerifyVector('behavioral-verification', c));
}

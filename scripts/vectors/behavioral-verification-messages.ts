/**
 * `message-verify` vectors for the four message types of @safety-net/behavioral-verification
 * (behavioral-verification.md §2–§4, §7): a valid message of each type, and the refusals specific to them, in COSE
 * form; and in JWT form a valid message of each type and a refusal of each.
 */
import { type AnyMessageType, encodeCbor, nobleBackend, type PrivateKey, toBase64Url, utf8 } from '@safety-net/core';
import { signingAlgorithm } from '@safety-net/core/internal';
import {
  type BehavioralProfileClaims,
  type BetClaims,
  behavioralProfile,
  bet,
  commitParams,
  type ObservationClaims,
  observation,
  type PerformanceProfileClaims,
  performanceProfile,
  profileDigest,
} from '../../packages/behavioral-verification/src/messages/index.js';
import type { Vector } from '../../packages/cli/src/index.js';
import { hex, invalid, KEYS, keysOf, NOW, nameOf } from './common.js';
import { flipLastByte, rawJws, rawSign1 } from './raw.js';

const { ed25519, ed25519b, p256 } = KEYS;
const AGENT = 'spiffe://example.org/agent/trader';
const ECT_HASH = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';

function profileClaims(overrides: Partial<BehavioralProfileClaims> = {}): BehavioralProfileClaims {
  return behavioralProfile.parse({
    iss: 'spiffe://example.org/operator',
    sub: AGENT,
    iat: NOW - 3600,
    exp: NOW + 30 * 86_400,
    pid: 'trading-desk',
    ver: 3,
    rules: {
      actions: { unlisted: 'deny', rules: [{ id: 'trade', effect: 'allow', pattern: 'trade.*' }] },
      parameters: [{ id: 'notional-cap', action: 'trade.*', param: 'notional', check: 'range', max: '1000000' }],
      rates: [{ id: 'trade-rate', action: 'trade.*', max: 10, window_ms: 60_000 }],
    },
    baseline: { samples: 5000, from: NOW - 90 * 86_400, to: NOW - 86_400 },
    ...overrides,
  });
}

function observationClaims(): ObservationClaims {
  // A fixed salt source: vectors must be reproducible (never do this in production).
  let n = 0;
  const salts = { bytes: (len: number) => new Uint8Array(len).fill(++n) };
  const { commitments } = commitParams({ notional: '250000', symbol: 'ACME' }, salts);
  return {
    iss: 'spiffe://example.org/gateway',
    sub: AGENT,
    iat: NOW,
    jti: 'obs-0001',
    ect_jti: '0b7c2f4e-58a1-4c3e-9d2a-6f1e8b9c0d11',
    ect_hash: ECT_HASH,
    wid: 'wf-trading',
    exec_act: 'trade.buy',
    pred: [],
    time_ms: NOW * 1000,
    params: { symbol: 'ACME' },
    params_commit: commitments,
    outcome: 'success',
    latency_ms: 12.5,
  };
}

function betClaims(overrides: Partial<BetClaims> = {}): BetClaims {
  return {
    iss: 'spiffe://example.org/monitor',
    sub: AGENT,
    iat: NOW,
    exp: NOW + 300,
    jti: '5d0e7c1a-2b3f-4a59-8c6d-7e8f90a1b2c3',
    wid: 'wf-trading',
    pred: ['0b7c2f4e-58a1-4c3e-9d2a-6f1e8b9c0d11'],
    profile: profileDigest(profileClaims()),
    window: { from: NOW - 60, to: NOW },
    obs_root: ECT_HASH,
    obs_count: 1,
    verdict: 'violation',
    violations: [
      {
        rule: 'notional-cap',
        class: 'parameter_out_of_range',
        jti: '0b7c2f4e-58a1-4c3e-9d2a-6f1e8b9c0d11',
        observed: '1250000',
        allowed: '1000000',
      },
    ],
    drift: [{ rule: 'notional-drift', method: 'cusum', statistic: 6.5, threshold: 5, n: 40, alarm: true }],
    ...overrides,
  };
}

function performanceClaims(): PerformanceProfileClaims {
  return {
    iss: 'spiffe://example.org/bench-runner',
    sub: AGENT,
    iat: NOW,
    jti: 'perf-0001',
    suite: { id: 'trading-suite-v1', digest: ECT_HASH },
    env: { runtime: 'node-20' },
    metrics: {
      task_completion_accuracy: { value: 0.875, n: 200, ci_low: 0.8125, ci_high: 0.9375, confidence: 0.95 },
      latency_p95_ms: { value: 120, n: 200, ci_low: 110, ci_high: 131.5, confidence: 0.95 },
    },
  };
}

/** A message whose claims skip the signer's schema check: what a non-conforming issuer could send. */
function unchecked(type: AnyMessageType, claims: object, key: PrivateKey): Uint8Array {
  return rawSign1({
    protected: [
      [1, -8],
      [4, key.kid!],
      [16, type.typ],
    ],
    payload: encodeCbor(type.toCbor(claims)),
    key,
    alg: -8,
  });
}

/**
 * The JWT form as `signJwt` makes it (header alg, typ, kid; the parsed claims as JSON), signed by hand with noble so
 * that the generator stays synchronous and Ed25519 tokens reproduce byte for byte. `typ` overrides the header's.
 */
function jwt(type: AnyMessageType, claims: object, key: PrivateKey = ed25519, typ = type.jwt!.typ): string {
  const alg = signingAlgorithm(key, undefined, true).name;
  return rawJws({ alg, typ, kid: nameOf(key) }, type.parse(claims), key, alg);
}

/** The same token with the last character of its signature changed. */
function flipLastChar(token: string): string {
  return token.slice(0, -1) + (token.at(-1) === 'A' ? 'B' : 'A');
}

/** The same token with the claims part replaced by other claims (the signature is left as it was). */
function withClaims(token: string, claims: object): string {
  const [header, , signature] = token.split('.');
  return `${header}.${toBase64Url(utf8(JSON.stringify(claims)))}.${signature}`;
}

interface Case {
  id: string;
  description: string;
  type: AnyMessageType;
  cose?: Uint8Array;
  jws?: string;
  key?: PrivateKey;
  claims?: object;
  alg?: number;
  error?: string;
}

function cases(): Case[] {
  const sign = (type: AnyMessageType, claims: object, key: PrivateKey = ed25519) =>
    type.sign(claims, key, { backend: nobleBackend });
  const valid = (
    id: string,
    what: string,
    type: AnyMessageType,
    claims: object,
    key: PrivateKey = ed25519,
    alg = -8,
  ): Case => ({
    id,
    description: `A valid ${what} in COSE form, verified with its signer's key at now (behavioral-verification.md §1).`,
    type,
    cose: sign(type, claims, key),
    key,
    claims,
    alg,
  });
  return [
    valid(
      'bv-profile-valid',
      'Behavioral Profile (rule defaults filled in, as signed)',
      behavioralProfile,
      profileClaims(),
    ),
    valid(
      'bv-observation-valid',
      'Observation with one clear and two committed parameters',
      observation,
      observationClaims(),
    ),
    valid('bet-valid-es256', 'Behavioral Evidence Token (violation verdict, ES256)', bet, betClaims(), p256, -7),
    valid('bv-performance-valid', 'Performance Profile', performanceProfile, performanceClaims()),
    {
      id: 'bv-profile-expired',
      description:
        'The profile exp lies 31 s before now, beyond the 30 s clock skew (behavioral-verification.md §2.1, core.md §6.6).',
      type: behavioralProfile,
      cose: sign(behavioralProfile, profileClaims({ exp: NOW - 31 })),
      error: 'ERR_CLAIMS_EXPIRED',
    },
    {
      id: 'bv-profile-wrong-key',
      description: 'The profile is signed by another operator key than the one trusted (core.md §6.5).',
      type: behavioralProfile,
      cose: sign(behavioralProfile, profileClaims(), ed25519b),
      key: ed25519b,
      error: 'ERR_KEY_NOT_FOUND',
    },
    {
      id: 'bet-bad-signature',
      description: 'The last signature byte of a BET is flipped (core.md §6.5).',
      type: bet,
      cose: flipLastByte(sign(bet, betClaims())),
      error: 'ERR_COSE_BAD_SIGNATURE',
    },
    {
      id: 'bet-expired',
      description: 'A BET past its short lifetime: exp lies 31 s before now (behavioral-verification.md §4.1).',
      type: bet,
      cose: sign(bet, betClaims({ iat: NOW - 331, exp: NOW - 31 })),
      error: 'ERR_CLAIMS_EXPIRED',
    },
    {
      id: 'bet-verdict-contradicts-evidence',
      description: 'A BET says compliant while listing a parameter violation (behavioral-verification.md §4.2).',
      type: bet,
      cose: unchecked(bet, betClaims({ verdict: 'compliant' }), ed25519),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'bet-drift-hides-violation',
      description: 'A BET says drift while listing a hard violation (behavioral-verification.md §4.2).',
      type: bet,
      cose: unchecked(bet, betClaims({ verdict: 'drift' }), ed25519),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'bet-typ-is-profile',
      description: 'A Behavioral Profile presented as a BET: the protected typ names another type (core.md §6.5).',
      type: bet,
      cose: sign(behavioralProfile, profileClaims()),
      error: 'ERR_COSE_TYP_MISMATCH',
    },
    {
      id: 'bv-observation-uncommitted-param',
      description:
        'An Observation gives a parameter in clear without committing to it (behavioral-verification.md §3).',
      type: observation,
      cose: unchecked(observation, { ...observationClaims(), params: { quantity: 5 } }, ed25519),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'bv-performance-value-outside-interval',
      description: 'A metric value lies outside its own confidence interval (behavioral-verification.md §7).',
      type: performanceProfile,
      cose: unchecked(
        performanceProfile,
        {
          ...performanceClaims(),
          metrics: { task_completion_accuracy: { value: 0.99, n: 10, ci_low: 0.5, ci_high: 0.9, confidence: 0.95 } },
        },
        ed25519,
      ),
      error: 'ERR_CLAIMS_INVALID',
    },
    ...jwtCases(),
  ];
}

function jwtCases(): Case[] {
  const valid = (
    id: string,
    what: string,
    type: AnyMessageType,
    claims: object,
    key: PrivateKey = ed25519,
    alg = -8,
  ): Case => ({
    id,
    description: `A valid ${what} in JWT form (typ ${type.jwt!.typ}), verified with its signer's key at now (behavioral-verification.md §1, core.md §6.9).`,
    type,
    jws: jwt(type, claims, key),
    key,
    claims: type.parse(claims),
    alg,
  });
  return [
    valid('bv-profile-jwt-valid', 'Behavioral Profile', behavioralProfile, profileClaims()),
    valid('bv-observation-jwt-valid', 'Observation', observation, observationClaims()),
    valid('bet-jwt-valid-es256', 'Behavioral Evidence Token (ES256)', bet, betClaims(), p256, -7),
    valid('bv-performance-jwt-valid', 'Performance Profile', performanceProfile, performanceClaims()),
    {
      id: 'bv-profile-jwt-cose-typ',
      description:
        'A profile JWT whose typ is the COSE one, application/bv-profile+cwt, not bv-profile+jwt (behavioral-verification.md §1, core.md §6.9).',
      type: behavioralProfile,
      jws: jwt(behavioralProfile, profileClaims(), ed25519, behavioralProfile.typ),
      error: 'ERR_JOSE_TYP_MISMATCH',
    },
    {
      id: 'bv-observation-jwt-claims-swapped',
      description:
        'An Observation JWT whose claims were replaced after signing (another exec_act): the signature no longer holds (core.md §6.9).',
      type: observation,
      jws: withClaims(jwt(observation, observationClaims()), { ...observationClaims(), exec_act: 'trade.sell' }),
      error: 'ERR_JOSE_BAD_SIGNATURE',
    },
    {
      id: 'bet-jwt-bad-signature',
      description: 'The last character of a BET JWT signature is changed (core.md §6.9).',
      type: bet,
      jws: flipLastChar(jwt(bet, betClaims())),
      error: 'ERR_JOSE_BAD_SIGNATURE',
    },
    {
      id: 'bet-jwt-verdict-contradicts-evidence',
      description:
        'A BET JWT says compliant while listing a parameter violation: the JWT form has the same claim rules (behavioral-verification.md §4.2).',
      type: bet,
      jws: rawJws(
        { alg: 'EdDSA', typ: bet.jwt!.typ, kid: nameOf(ed25519) },
        betClaims({ verdict: 'compliant' }),
        ed25519,
        'EdDSA',
      ),
      error: 'ERR_CLAIMS_INVALID',
    },
    {
      id: 'bv-performance-jwt-typ-is-bet',
      description: 'A Performance Profile JWT presented with typ bet+jwt (core.md §6.9).',
      type: performanceProfile,
      jws: jwt(performanceProfile, performanceClaims(), ed25519, bet.jwt!.typ),
      error: 'ERR_JOSE_TYP_MISMATCH',
    },
  ];
}

function toVector(c: Case): Vector {
  const key = c.key ?? ed25519;
  const trusted = c.error === 'ERR_KEY_NOT_FOUND' ? ed25519 : key;
  return {
    id: c.id,
    description: c.description,
    package: 'behavioral-verification',
    kind: 'message-verify',
    keys: keysOf([trusted], 'public') as unknown as Record<string, Record<string, unknown>>,
    now: NOW,
    input: c.jws !== undefined ? { type: c.type.name, jws: c.jws } : { type: c.type.name, cose_hex: hex(c.cose!) },
    options: { key_set: [nameOf(trusted)] },
    expected: c.error
      ? invalid(c.error)
      : {
          result: 'valid',
          format: c.jws !== undefined ? 'jws' : 'cose',
          typ: c.jws !== undefined ? c.type.jwt!.typ : c.type.typ,
          alg: c.alg,
          kid_hex: hex(key.kid!),
          claims: c.claims,
        },
  };
}

/** `message-verify` vectors for the Behavioral Profile, Observation, BET and Performance Profile. */
export function behavioralVerificationMessageVectors(): Vector[] {
  return cases().map(toVector);
}

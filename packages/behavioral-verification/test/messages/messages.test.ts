import { createHash } from 'node:crypto';
import { decodeSign1, encodeCbor, fixedClock, publicKeyOf, signSign1, singleKey, toBase64Url } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { describeMessageRoundTrips, type MessageCase } from '../../../../test-support/message-suites.js';
import { behavioralProfile, profileDigest } from '../../src/messages/behavioral-profile.js';
import { bet } from '../../src/messages/bet.js';
import { observation, observationInput } from '../../src/messages/observation.js';
import { performanceProfile } from '../../src/messages/performance-profile.js';
import { parseObservation } from '../../src/monitor/observation-input.js';
import { parseRules } from '../../src/rules/parse.js';
import { sampleBetClaims } from '../../src/testing.js';
import {
  gatewayKey,
  NOW_MS,
  observationClaims,
  operatorKey,
  performanceClaims,
  profileInput,
  strangerKey,
  strangerP256Key,
  verifierKey,
} from './fixtures.js';

const clock = fixedClock(NOW_MS);
const profileClaims = behavioralProfile.parse(profileInput);

const cases: MessageCase[] = [
  { type: behavioralProfile, claims: profileClaims, key: operatorKey },
  { type: observation, claims: observationClaims, key: gatewayKey },
  { type: bet, claims: sampleBetClaims, key: verifierKey },
  { type: performanceProfile, claims: performanceClaims, key: gatewayKey },
];

describeMessageRoundTrips(cases, clock, (key) => (key.curve === 'P-256' ? strangerP256Key : strangerKey));

describe('profile digest', () => {
  it('is the SHA-256 of the signed payload, and ignores whether defaults were written out', () => {
    const bytes = behavioralProfile.sign(profileClaims, operatorKey);
    const payload = decodeSign1(bytes).payload!;
    const independent = toBase64Url(createHash('sha256').update(payload).digest());
    expect(profileDigest(profileInput)).toBe(independent);
    expect(profileDigest(profileClaims)).toBe(independent);
  });

  it('changes with any rule, version or validity change', () => {
    const base = profileDigest(profileInput);
    const rules = profileInput.rules;
    const variants = [
      { ...profileInput, ver: 4 },
      { ...profileInput, exp: profileInput.exp + 1 },
      {
        ...profileInput,
        rules: { ...rules, rates: [{ id: 'trade-rate', action: 'trade.*', max: 11, window_ms: 60_000 }] },
      },
      { ...profileInput, rules: { ...rules, escalation: {} } },
    ];
    for (const v of variants) expect(profileDigest(v)).not.toBe(base);
  });

  it('refuses an empty validity period', () => {
    expect(() => profileDigest({ ...profileInput, exp: profileInput.nbf! })).toThrow(
      expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
    );
  });
});

describe('profile rules', () => {
  it('refuses, as claims, a parameter pattern the monitor would refuse as unsafe', () => {
    const rules = {
      ...profileInput.rules,
      parameters: [{ id: 'memo', action: 'trade.*', param: 'memo', check: 'pattern', regex: '(a+)+b', max_length: 64 }],
    } as const;
    expect(() => parseRules(rules)).toThrow(expect.objectContaining({ code: 'ERR_BV_RULES_INVALID' }));
    expect(() => behavioralProfile.parse({ ...profileInput, rules })).toThrow(
      expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
    );
    // A safe pattern in the same place is accepted by both.
    const safe = { ...rules, parameters: [{ ...rules.parameters[0], regex: '[a-z]+' }] };
    expect(parseRules(safe).parameters).toHaveLength(1);
    expect(behavioralProfile.parse({ ...profileInput, rules: safe }).rules.parameters).toHaveLength(1);
  });

  const param = { action: 'trade.*', param: 'v' };
  const drift = { action: 'trade.*', mean: 0, sd: 1 };
  const mix = (names: number) => ({
    id: 'mix',
    baseline: Object.fromEntries(Array.from({ length: names }, (_, i) => [`a${i}`, 1])),
    window: 10,
    threshold: 0.1,
  });
  /** Each constraint between fields: rules that break it, and the nearest rules that keep it. */
  const constraints: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'a rule id used twice',
      { rates: [{ id: 'trade', action: 'x', max: 1, window_ms: 1 }] },
      { rates: [{ id: 'trade-2', action: 'x', max: 1, window_ms: 1 }] },
    ],
    [
      'the reserved rule id',
      { scopes: [{ id: 'actions.unlisted', action: 'x', allowed: [] }] },
      { scopes: [{ id: 'actions.unlisted2', action: 'x', allowed: [] }] },
    ],
    [
      'a range without bounds',
      { parameters: [{ id: 'p', ...param, check: 'range' }] },
      { parameters: [{ id: 'p', ...param, check: 'range', max: 0 }] },
    ],
    [
      'a range with min above max, by 10^-18',
      { parameters: [{ id: 'p', ...param, check: 'range', min: '10.000000000000000001', max: 10 }] },
      { parameters: [{ id: 'p', ...param, check: 'range', min: '10.000000000000000000', max: 10 }] },
    ],
    [
      'a length without bounds',
      { parameters: [{ id: 'p', ...param, check: 'length' }] },
      { parameters: [{ id: 'p', ...param, check: 'length', min: 0 }] },
    ],
    [
      'a length with min above max',
      { parameters: [{ id: 'p', ...param, check: 'length', min: 3, max: 2 }] },
      { parameters: [{ id: 'p', ...param, check: 'length', min: 3, max: 3 }] },
    ],
    [
      'parameter drift without param',
      { drift: { numeric: [{ id: 'd', ...drift, source: 'param' }] } },
      { drift: { numeric: [{ id: 'd', ...drift, source: 'param', param: 'v' }] } },
    ],
    [
      'latency drift with param',
      { drift: { numeric: [{ id: 'd', ...drift, source: 'latency_ms', param: 'v' }] } },
      { drift: { numeric: [{ id: 'd', ...drift, source: 'latency_ms' }] } },
    ],
    ['a mix baseline of 1001 actions', { drift: { mix: [mix(1001)] } }, { drift: { mix: [mix(1000)] } }],
  ];

  it.each(constraints)(
    'refuses %s when verified, as the monitor does; accepts the nearest valid rules',
    (_, bad, good) => {
      const rules = (over: Record<string, unknown>) => ({ ...profileInput.rules, ...over });
      expect(() => parseRules(rules(bad))).toThrow(expect.objectContaining({ code: 'ERR_BV_RULES_INVALID' }));
      expect(() => behavioralProfile.parse({ ...profileInput, rules: rules(bad) })).toThrow(
        expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
      );
      // Signed as written, without the schema `sign` applies: verification itself refuses the claims.
      const claims = { ...profileInput, rules: rules(bad) } as never;
      const signed = signSign1(encodeCbor(behavioralProfile.toCbor(claims)), operatorKey, {
        protectedHeader: { typ: behavioralProfile.typ },
      });
      const verified = behavioralProfile.verify(signed, { key: singleKey(publicKeyOf(operatorKey)), clock });
      expect(verified.ok ? 'verified' : verified.error.code).toBe('ERR_CLAIMS_INVALID');

      expect(parseRules(rules(good))).toBeDefined();
      const goodBytes = behavioralProfile.sign(
        behavioralProfile.parse({ ...profileInput, rules: rules(good) }),
        operatorKey,
      );
      expect(behavioralProfile.verify(goodBytes, { key: singleKey(publicKeyOf(operatorKey)), clock }).ok).toBe(true);
    },
  );
});

describe('observation', () => {
  it('becomes the monitor input, with disclosed parameters merged under the clear ones', () => {
    const input = observationInput(observationClaims, { notional: '250000', symbol: 'SHADOW' });
    expect(parseObservation(input)).toEqual(input);
    expect(input).toMatchObject({ jti: observationClaims.ect_jti, iss: observationClaims.sub, exec_act: 'trade.buy' });
    expect(input.params).toEqual({ notional: '250000', symbol: 'ACME' });
  });

  it('refuses a clear parameter that was not committed to', () => {
    const claims = { ...observationClaims, params: { quantity: 5 } };
    expect(() => observation.sign(claims, gatewayKey)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
  });
});

describe('performance profile', () => {
  it('refuses a value outside its confidence interval and an empty metric set', () => {
    const outside = { value: 2, n: 10, ci_low: 0, ci_high: 1, confidence: 0.95 };
    for (const metrics of [{ accuracy: outside }, {}] as Record<string, typeof outside>[]) {
      expect(() => performanceProfile.sign({ ...performanceClaims, metrics }, gatewayKey)).toThrow(
        expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
      );
    }
  });
});

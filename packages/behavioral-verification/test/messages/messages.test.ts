import { createHash } from 'node:crypto';
import {
  type AnyMessageType,
  decodeSign1,
  fixedClock,
  keyToJwk,
  publicKeyOf,
  signJwt,
  singleKey,
  toBase64Url,
  verifyJwt,
} from '@safety-net/core';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { behavioralProfile, profileDigest } from '../../src/messages/behavioral-profile.js';
import { bet } from '../../src/messages/bet.js';
import { observation, observationInput } from '../../src/messages/observation.js';
import { parseObservation } from '../../src/monitor/observation-input.js';
import { performanceProfile } from '../../src/messages/performance-profile.js';
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
import { sampleBetClaims } from './sample-bet.js';

const clock = fixedClock(NOW_MS);
const profileClaims = behavioralProfile.parse(profileInput);

const cases: { type: AnyMessageType; claims: object; key: typeof operatorKey }[] = [
  { type: behavioralProfile, claims: profileClaims, key: operatorKey },
  { type: observation, claims: observationClaims, key: gatewayKey },
  { type: bet, claims: sampleBetClaims(), key: verifierKey },
  { type: performanceProfile, claims: performanceClaims, key: gatewayKey },
];

describe.each(cases)('$type.name', ({ type, claims, key }) => {
  it('round-trips through COSE_Sign1 with its typ', () => {
    const bytes = type.sign(claims, key);
    const result = type.verify(bytes, { key: singleKey(publicKeyOf(key)), clock });
    expect(result.ok && result.claims).toEqual(claims);
    expect(result.ok && result.typ).toMatch(/^application\/[a-z-]+\+cwt$/);
  });

  it('refuses a signature by another key and a message of another type', () => {
    const bytes = type.sign(claims, key);
    const stranger = key.curve === 'P-256' ? strangerP256Key : strangerKey;
    const wrongKey = type.verify(bytes, { key: publicKeyOf(stranger), clock });
    expect(!wrongKey.ok && wrongKey.error.code).toBe('ERR_COSE_BAD_SIGNATURE');
    const other = cases.find((c) => c.type !== type)!;
    const foreign = other.type.sign(other.claims, key);
    const mixed = type.verify(foreign, { key: publicKeyOf(key), clock });
    expect(!mixed.ok && mixed.error.code).toBe('ERR_COSE_TYP_MISMATCH');
  });

  it('has a JWT form that an independent JOSE library verifies', async () => {
    const token = await signJwt(type, claims, key);
    const jwk = keyToJwk(publicKeyOf(key));
    const alg = key.curve === 'Ed25519' ? 'EdDSA' : 'ES256';
    const { payload, protectedHeader } = await compactVerify(token, await importJWK(jwk, alg));
    expect(protectedHeader.typ).toBe(type.jwt!.typ);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
    const ours = await verifyJwt(type, token, { key: publicKeyOf(key), clock });
    expect(ours.ok && ours.claims).toEqual(claims);
  });

  it('refuses claims that break the schema with ERR_CLAIMS_INVALID', () => {
    for (const broken of [{ ...claims, iss: '' }, { ...claims, unknown_claim: 1 }, { ...claims, iat: -1 }]) {
      expect(() => type.sign(broken, key)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
    }
  });
});

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
      { ...profileInput, rules: { ...rules, rates: [{ id: 'trade-rate', action: 'trade.*', max: 11, window_ms: 60_000 }] } },
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

import { type AnyMessageType, type CborValue, encodeCbor, fixedClock, isSafetyNetError, publicKeyOf, Tagged, verifyJwt } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appraiseBet } from '../../src/appraisal/index.js';
import { behavioralProfile } from '../../src/messages/behavioral-profile.js';
import { bet } from '../../src/messages/bet.js';
import { observation } from '../../src/messages/observation.js';
import { performanceProfile } from '../../src/messages/performance-profile.js';
import { gatewayKey, NOW_MS, observationClaims, operatorKey, performanceClaims, profileInput, verifierKey } from './fixtures.js';
import { sampleBetClaims } from './sample-bet.js';

const clock = fixedClock(NOW_MS);
const types: { type: AnyMessageType; valid: Uint8Array; key: typeof operatorKey }[] = [
  { type: behavioralProfile, valid: behavioralProfile.sign(behavioralProfile.parse(profileInput), operatorKey), key: operatorKey },
  { type: observation, valid: observation.sign(observationClaims, gatewayKey), key: gatewayKey },
  { type: bet, valid: bet.sign(sampleBetClaims(), verifierKey), key: verifierKey },
  { type: performanceProfile, valid: performanceProfile.sign(performanceClaims, gatewayKey), key: gatewayKey },
];

/** Arbitrary CBOR-ish values: what a hostile claims map could hold. */
const cborValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 }),
  ),
}));

describe.each(types)('$type.name decoders under garbage', ({ type, valid, key }) => {
  const verify = (bytes: Uint8Array) => type.verify(bytes, { key: publicKeyOf(key), clock });

  it('answers random bytes with a Safety Net error code', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = verify(bytes);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toMatch(/^ERR_/);
      }),
      { numRuns: 500 },
    );
  });

  it('answers every corruption of a valid message with an error code, never a throw', () => {
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const bytes = valid.slice();
        bytes[at]! ^= xor;
        const r = verify(bytes);
        if (!r.ok) expect(isSafetyNetError(r.error)).toBe(true);
      }),
      { numRuns: 400 },
    );
    for (let cut = 0; cut < valid.length; cut += 7) expect(verify(valid.subarray(0, cut)).ok).toBe(false);
  });

  it('refuses hostile claims maps with ERR_CLAIMS_INVALID, never a throw', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), cborValue.value, { maxKeys: 8 }), (claims) => {
        let parsed: unknown;
        try {
          parsed = type.parse(type.fromCbor(new Map(Object.entries(claims)) as CborValue));
        } catch (e) {
          expect(isSafetyNetError(e, 'ERR_CLAIMS_INVALID')).toBe(true);
          return;
        }
        expect(parsed).toBeDefined();
      }),
      { numRuns: 300 },
    );
    expect(() => type.fromCbor(new Tagged(1, 0))).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
  });

  it('answers garbage JWS text with an error code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (token) => {
        const r = await verifyJwt(type, token, { key: publicKeyOf(key), clock });
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('appraisal under garbage', () => {
  it('refuses random bytes and hostile CBOR with a reason code, never a throw', () => {
    const policy = { verifiers: { resolve: () => publicKeyOf(verifierKey) }, profile: 'x', clock };
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), cborValue.value.map((v) => encodeCbor(v as never))), (bytes) => {
        const gate = appraiseBet(bytes, policy);
        expect(gate.decision).toBe('refuse');
        expect(gate.reasons[0]!.code).toMatch(/^ERR_/);
      }),
      { numRuns: 400 },
    );
  });
});

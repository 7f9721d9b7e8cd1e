/** EAT presentations under garbage: random bytes, corruptions and junk text answer with typed errors, never a throw. */
import { fixedClock, isSafetyNetError, publicKeyOf, seededRandom } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueEat, issueEatJwt, presentEat, presentEatJwt, verifyEat, verifyEatJwt } from '../../src/index.js';
import { EAT_SAMPLE_KEYS, SAMPLE_NOW, sampleHumanEatClaims } from '../../src/testing.js';

const options = {
  key: publicKeyOf(EAT_SAMPLE_KEYS.domain),
  role: 'privacy_officer',
  clock: fixedClock(SAMPLE_NOW * 1000),
};
const issued = issueEat(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain, { random: seededRandom('garbage') });
const presented = presentEat(issued, { role: 'privacy_officer' });
const jwt = presentEatJwt(issueEatJwt(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain), { role: 'privacy_officer' });

describe('verifyEat under garbage', () => {
  it('verifies the untouched presentation', async () => {
    expect((await verifyEat(presented, options)).ok).toBe(true);
    expect((await verifyEatJwt(jwt, options)).ok).toBe(true);
  });

  it('answers random bytes with an error code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const r = await verifyEat(bytes, options);
        expect(!r.ok && isSafetyNetError(r.error)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('answers every corruption of a presentation with an error code, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(presented.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bytes = presented.slice();
        bytes[at]! ^= xor;
        const r = await verifyEat(bytes, options);
        if (!r.ok) expect(isSafetyNetError(r.error)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('answers junk and corrupted SD-JWT text with an error code', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.nat(jwt.length - 1),
        fc.string({ minLength: 1, maxLength: 3 }),
        async (junk, at, insert) => {
          for (const text of [junk, jwt.slice(0, at) + insert + jwt.slice(at + 1)]) {
            const r = await verifyEatJwt(text, options);
            if (!r.ok) expect(isSafetyNetError(r.error)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

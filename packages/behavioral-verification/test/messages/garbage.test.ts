import { encodeCbor, fixedClock, publicKeyOf } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeMessageGarbage, hostileCborValue, type MessageCase } from '../../../../test-support/message-suites.js';
import { appraiseBet } from '../../src/appraisal/index.js';
import { behavioralProfile } from '../../src/messages/behavioral-profile.js';
import { bet } from '../../src/messages/bet.js';
import { observation } from '../../src/messages/observation.js';
import { performanceProfile } from '../../src/messages/performance-profile.js';
import { sampleBetClaims } from '../../src/testing.js';
import {
  gatewayKey,
  NOW_MS,
  observationClaims,
  operatorKey,
  performanceClaims,
  profileInput,
  verifierKey,
} from './fixtures.js';

const clock = fixedClock(NOW_MS);
const cases: MessageCase[] = [
  { type: behavioralProfile, claims: behavioralProfile.parse(profileInput), key: operatorKey },
  { type: observation, claims: observationClaims, key: gatewayKey },
  { type: bet, claims: sampleBetClaims, key: verifierKey },
  { type: performanceProfile, claims: performanceClaims, key: gatewayKey },
];

describeMessageGarbage(cases, clock);

describe('appraisal under garbage', () => {
  it('refuses random bytes and hostile CBOR with a reason code, never a throw', () => {
    const policy = { verifiers: { resolve: () => publicKeyOf(verifierKey) }, profile: 'x', clock };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          hostileCborValue.map((v) => encodeCbor(v as never)),
        ),
        (bytes) => {
          const gate = appraiseBet(bytes, policy);
          expect(gate.decision).toBe('refuse');
          expect(gate.reasons[0]!.code).toMatch(/^ERR_/);
        },
      ),
      { numRuns: 400 },
    );
  });
});

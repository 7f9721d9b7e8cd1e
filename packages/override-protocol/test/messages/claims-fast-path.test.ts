import { fastParser } from '@safety-net/core/internal';
import {
  AcknowledgementClaimsSchema,
  AuthorityPolicyClaimsSchema,
  ComplianceEvidenceClaimsSchema,
  HeartbeatClaimsSchema,
  LeaseClaimsSchema,
  OverrideSignalClaimsSchema,
} from '@safety-net/override-protocol';
import {
  sampleAckClaims,
  sampleEvidenceClaims,
  sampleHeartbeatClaims,
  sampleLeaseClaims,
  samplePolicyClaims,
  sampleReleaseClaims,
  sampleSignalClaims,
  sampleTwoPersonPolicyClaims,
} from '@safety-net/override-protocol/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertFastPathMatchesZod, nearlyValid } from '../../../../test-support/fast-path-property.js';

/** Each claim taken from one of `samples` (valid messages that differ), so that refinements across claims fail too. */
function mixed(...samples: Record<string, unknown>[]): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...new Set(samples.flatMap((s) => Object.keys(s)))];
  return nearlyValid(
    Object.fromEntries(
      keys.map((k) => [k, fc.constantFrom(...samples.filter((s) => k in s).map((s) => structuredClone(s[k])))]),
    ),
  );
}

// The guard's hot path parses signal claims with core's fast parser; zod stays the judge of what is valid.
describe('the fast claims parser on override messages', () => {
  it('accepts exactly the signals zod accepts, with zod’s result (property)', () => {
    expect(assertFastPathMatchesZod(OverrideSignalClaimsSchema, mixed(sampleSignalClaims))).toBeGreaterThan(20);
    const acrossClaims = mixed(sampleSignalClaims, sampleReleaseClaims);
    expect(assertFastPathMatchesZod(OverrideSignalClaimsSchema, acrossClaims, 2000)).toBeGreaterThan(5);
  });

  it('does so for authority policies and compliance evidence (property)', () => {
    expect(
      assertFastPathMatchesZod(AuthorityPolicyClaimsSchema, mixed(samplePolicyClaims, sampleTwoPersonPolicyClaims)),
    ).toBeGreaterThan(20);
    expect(assertFastPathMatchesZod(ComplianceEvidenceClaimsSchema, mixed(sampleEvidenceClaims))).toBeGreaterThan(20);
  });

  it('does so for the messages that carry an agent state: acknowledgements, heartbeats, leases (property)', () => {
    // Their order is a tuple `[epoch, seq]`: a kind the fast parser mirrors, so a fan-out's acknowledgements skip zod.
    for (const schema of [AcknowledgementClaimsSchema, HeartbeatClaimsSchema, LeaseClaimsSchema]) {
      expect(fastParser(schema)).toBeDefined();
    }
    expect(assertFastPathMatchesZod(AcknowledgementClaimsSchema, mixed(sampleAckClaims))).toBeGreaterThan(20);
    expect(assertFastPathMatchesZod(HeartbeatClaimsSchema, mixed(sampleHeartbeatClaims))).toBeGreaterThan(20);
    expect(assertFastPathMatchesZod(LeaseClaimsSchema, mixed(sampleLeaseClaims))).toBeGreaterThan(20);
  });
});

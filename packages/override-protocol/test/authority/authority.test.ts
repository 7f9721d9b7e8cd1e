import { publicKeyOf, toBase64Url, utf8 } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptPolicy,
  acceptRevocation,
  authorizeSignal,
  HeldPolicy,
  matchesTarget,
  Revocations,
  verifySignal,
} from '../../src/authority/index.js';
import {
  actionDigest,
  authorityPolicy,
  keyRevocation,
  type OverrideSignalClaims,
  overrideSignal,
} from '../../src/index.js';
import {
  SAMPLE_AGENT,
  SAMPLE_KEYS,
  samplePolicyClaims,
  sampleRevocationClaims,
  sampleSignalClaims,
} from '../../src/testing.js';
import { clock, NOW } from '../messages/fixtures.js';

const policyBytes = authorityPolicy.sign(samplePolicyClaims, SAMPLE_KEYS.authority);
const policy = acceptPolicy(policyBytes, { authority: publicKeyOf(SAMPLE_KEYS.authority), clock });
const SAM = 'mailto:sam@example.org';

/** A signal signed by `key`, verified with the policy's keys, then judged. */
function judge(claims: OverrideSignalClaims, key = SAMPLE_KEYS.safetyOfficer, revocations = new Revocations()) {
  const { claims: verified, signers } = verifySignal(overrideSignal.sign(claims, key), policy, clock);
  return authorizeSignal(verified, signers, { policy, revocations, now: NOW });
}
const code = (f: () => unknown) => {
  try {
    f();
    return 'authorised';
  } catch (e) {
    return (e as { code: string }).code;
  }
};
const mandatoryStop: OverrideSignalClaims = {
  ...sampleSignalClaims,
  iss: SAM,
  role: 'supervisor',
  level: 'mandatory',
  category: 1,
  scope: { kind: 'workflow', target: 'wf-dispense-17', propagate: false },
};
const release = (lifts: string[]): OverrideSignalClaims => {
  const action = { name: 'release' as const, params: {} };
  return {
    ...sampleSignalClaims,
    level: 'mandatory',
    category: undefined,
    lifts,
    action,
    act_digest: actionDigest(action),
  };
};

describe('evaluating a signal (spec §5.2)', () => {
  it('authorises a supervisor’s Mandatory stop of a workflow (§13 vector 14)', () => {
    expect(judge(mandatoryStop, SAMPLE_KEYS.supervisor).operators).toEqual([SAM]);
  });

  it('refuses a role without a grant (vector 15)', () => {
    const auditor = { ...mandatoryStop, iss: 'mailto:ada@example.org', role: 'auditor' };
    expect(code(() => judge(auditor, SAMPLE_KEYS.auditor))).toBe('ERR_OV_UNAUTHORIZED');
  });

  it('refuses a level the grant does not list (vector 16)', () => {
    const emergency = { ...mandatoryStop, level: 'emergency' as const };
    expect(code(() => judge(emergency, SAMPLE_KEYS.supervisor))).toBe('ERR_OV_UNAUTHORIZED');
  });

  it('refuses propagate under a grant without it (vector 17), and a scope kind or target it does not list', () => {
    const scope = (s: Partial<OverrideSignalClaims['scope']>) => ({
      ...mandatoryStop,
      scope: { ...mandatoryStop.scope, ...s },
    });
    expect(code(() => judge(scope({ propagate: true }), SAMPLE_KEYS.supervisor))).toBe('ERR_OV_UNAUTHORIZED');
    expect(code(() => judge(scope({ kind: 'domain', target: 'ward-3' }), SAMPLE_KEYS.supervisor))).toBe(
      'ERR_OV_UNAUTHORIZED',
    );
    expect(code(() => judge(sampleSignalClaims))).toBe('authorised');
    const elsewhere = { ...sampleSignalClaims, scope: { ...sampleSignalClaims.scope, target: 'spiffe://other.org/a' } };
    expect(code(() => judge(elsewhere))).toBe('ERR_OV_UNAUTHORIZED');
  });

  it('refuses a signer who is not the iss, or does not hold the role it claims', () => {
    expect(code(() => judge(mandatoryStop, SAMPLE_KEYS.safetyOfficer))).toBe('ERR_OV_UNAUTHORIZED');
    expect(code(() => judge({ ...sampleSignalClaims, role: 'supervisor' }))).toBe('ERR_OV_UNAUTHORIZED');
  });

  it('refuses a signature by a key the policy does not list before any authority check', () => {
    expect(code(() => judge(mandatoryStop, SAMPLE_KEYS.agent))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('counts operators, not signatures, against a grant’s quorum (vector 18)', () => {
    const quorum2 = new HeldPolicy(
      { ...samplePolicyClaims, grants: [{ ...samplePolicyClaims.grants[1]!, quorum: 2 }] },
      policyBytes,
    );
    const { claims, signers } = verifySignal(
      overrideSignal.sign(sampleSignalClaims, SAMPLE_KEYS.safetyOfficer),
      quorum2,
      clock,
    );
    const context = { policy: quorum2, revocations: new Revocations(), now: NOW };
    expect(code(() => authorizeSignal(claims, signers, context))).toBe('ERR_OV_QUORUM');
    expect(code(() => authorizeSignal(claims, [signers[0]!, signers[0]!], context))).toBe('ERR_OV_QUORUM');
  });
});

describe('lifting may need more (spec §5.3)', () => {
  it('lets a lift of an Emergency hold through only a grant that lists emergency (vector 20)', () => {
    const { claims, signers } = verifySignal(
      overrideSignal.sign(release(['ov-sig-0001']), SAMPLE_KEYS.safetyOfficer),
      policy,
      clock,
    );
    const context = { policy, revocations: new Revocations(), now: NOW, liftsEmergencyHold: true };
    expect(code(() => authorizeSignal(claims, signers, context))).toBe('authorised');
    const mandatoryOnly = new HeldPolicy(
      { ...samplePolicyClaims, grants: [{ ...samplePolicyClaims.grants[1]!, levels: ['mandatory'] }] },
      policyBytes,
    );
    expect(code(() => authorizeSignal(claims, signers, { ...context, policy: mandatoryOnly }))).toBe(
      'ERR_OV_UNAUTHORIZED',
    );
    expect(
      code(() => authorizeSignal(claims, signers, { ...context, policy: mandatoryOnly, liftsEmergencyHold: false })),
    ).toBe('authorised');
  });

  it('refuses lifts under an expired policy but still obeys stops (spec §5.1)', () => {
    const later = NOW + 31 * 86_400;
    const stop = verifySignal(overrideSignal.sign(sampleSignalClaims, SAMPLE_KEYS.safetyOfficer), policy, clock);
    const lift = verifySignal(overrideSignal.sign(release(['x']), SAMPLE_KEYS.safetyOfficer), policy, clock);
    const context = { policy, revocations: new Revocations(), now: later };
    expect(code(() => authorizeSignal(stop.claims, stop.signers, context))).toBe('authorised');
    expect(code(() => authorizeSignal(lift.claims, lift.signers, context))).toBe('ERR_OV_POLICY_INVALID');
  });
});

describe('operator key revocation (spec §5.5)', () => {
  const officerKid = toBase64Url(utf8('op-safety-officer'));

  it('refuses a signal signed at or after revoked_at (vector 21)', () => {
    const revoked = new Revocations([{ kid: officerKid, revoked_at: NOW }]);
    expect(code(() => judge(sampleSignalClaims, SAMPLE_KEYS.safetyOfficer, revoked))).toBe('ERR_OV_KEY_REVOKED');
  });

  it('refuses a back-dated lift by a revoked key but obeys a back-dated stop (vector 22)', () => {
    const revoked = new Revocations([{ kid: officerKid, revoked_at: NOW + 10 }]);
    expect(code(() => judge(sampleSignalClaims, SAMPLE_KEYS.safetyOfficer, revoked))).toBe('authorised');
    const lift = verifySignal(overrideSignal.sign(release(['x']), SAMPLE_KEYS.safetyOfficer), policy, clock);
    expect(code(() => authorizeSignal(lift.claims, lift.signers, { policy, revocations: revoked, now: NOW }))).toBe(
      'ERR_OV_KEY_REVOKED',
    );
  });

  it('finds a key by its RFC 9679 thumbprint as well as by its kid, and keeps the earliest revocation', () => {
    const officer = policy.operatorKey(publicKeyOf(SAMPLE_KEYS.safetyOfficer))!;
    const revocations = new Revocations([{ kid: officer.kids[1]!, revoked_at: NOW + 5 }]);
    revocations.add(officer.kids[1]!, NOW + 50);
    expect(revocations.revokedAt(officer.kids)).toBe(NOW + 5);
    revocations.add(officer.kids[0]!, NOW + 1);
    expect(revocations.revokedAt(officer.kids)).toBe(NOW + 1);
  });

  it('accepts a Key Revocation from the policy authority only', () => {
    const bytes = keyRevocation.sign(sampleRevocationClaims, SAMPLE_KEYS.authority);
    expect(acceptRevocation(bytes, { authority: publicKeyOf(SAMPLE_KEYS.authority), clock }).subject).toBe(
      'mailto:ada@example.org',
    );
    const forged = keyRevocation.sign(sampleRevocationClaims, SAMPLE_KEYS.agent);
    expect(code(() => acceptRevocation(forged, { authority: publicKeyOf(SAMPLE_KEYS.authority), clock }))).toBe(
      'ERR_OV_POLICY_INVALID',
    );
  });
});

describe('holding policies (spec §5.1)', () => {
  const trust = { authority: publicKeyOf(SAMPLE_KEYS.authority), clock };
  const version = (ver: number) => authorityPolicy.sign({ ...samplePolicyClaims, ver }, SAMPLE_KEYS.authority);

  it('replaces a policy by a newer version only; equal bytes are a no-op (vector 34)', () => {
    expect(acceptPolicy(version(5), trust, policy).claims.ver).toBe(5);
    expect(acceptPolicy(policyBytes, trust, policy)).toBe(policy);
    expect(code(() => acceptPolicy(version(3), trust, policy))).toBe('ERR_OV_STALE');
    const sameVersionOtherBytes = authorityPolicy.sign({ ...samplePolicyClaims, jti: 'other' }, SAMPLE_KEYS.authority);
    expect(code(() => acceptPolicy(sameVersionOtherBytes, trust, policy))).toBe('ERR_OV_STALE');
  });

  it('refuses a policy that does not verify or names another pid with ERR_OV_POLICY_INVALID', () => {
    expect(code(() => acceptPolicy(authorityPolicy.sign(samplePolicyClaims, SAMPLE_KEYS.agent), trust))).toBe(
      'ERR_OV_POLICY_INVALID',
    );
    const other = authorityPolicy.sign({ ...samplePolicyClaims, pid: 'ward-4', ver: 9 }, SAMPLE_KEYS.authority);
    expect(code(() => acceptPolicy(other, trust, policy))).toBe('ERR_OV_POLICY_INVALID');
  });
});

describe('target patterns', () => {
  it('matches * as any run of characters and everything else literally', () => {
    expect(matchesTarget('*', '')).toBe(true);
    expect(matchesTarget('wf-*', 'wf-dispense-17')).toBe(true);
    expect(matchesTarget('wf-*', 'xwf-1')).toBe(false);
    expect(matchesTarget('spiffe://example.org/*', SAMPLE_AGENT)).toBe(true);
    expect(matchesTarget('a*b*c', 'abc')).toBe(true);
    expect(matchesTarget('a*b*c', 'acb')).toBe(false);
    expect(matchesTarget('a*a', 'a')).toBe(false);
    expect(matchesTarget('a.c', 'abc')).toBe(false);
    expect(matchesTarget('ward-3', 'ward-3')).toBe(true);
  });

  it('matches exactly what the pattern as a regular expression matches (property)', () => {
    const asRegExp = (pattern: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        's',
      );
    const text = (chars: string[], maxLength: number) =>
      fc.array(fc.constantFrom(...chars), { maxLength }).map((c) => c.join(''));
    fc.assert(
      fc.property(text(['a', 'b', '.', '*'], 7), text(['a', 'b', '.', '\n'], 8), (pattern, target) => {
        expect(matchesTarget(pattern, target)).toBe(asRegExp(pattern).test(target));
      }),
      { numRuns: 2000 },
    );
  });
});

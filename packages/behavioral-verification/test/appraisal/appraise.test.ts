import { fixedClock, keySet, MemoryReplayCache, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { type AppraisalPolicy, appraiseBet } from '../../src/appraisal/index.js';
import { issueBet } from '../../src/bet/index.js';
import { behavioralProfile } from '../../src/messages/behavioral-profile.js';
import { profileDigest } from '../../src/messages/index.js';
import { AGENT, NOW, NOW_MS, operatorKey, profileInput, strangerKey, verifierKey } from '../messages/fixtures.js';

const VERIFIER = 'spiffe://example.org/monitor';
const PROFILE = profileDigest(profileInput);
const issue = (over: Partial<Parameters<typeof issueBet>[0]> = {}) =>
  issueBet({
    verifierKey,
    verifier: VERIFIER,
    agent: AGENT,
    profile: PROFILE,
    observations: [utf8('obs-1')],
    window: { from: NOW - 60, to: NOW },
    wid: 'wf-trading',
    clock: fixedClock(NOW_MS),
    random: seededRandom('appraise'),
    ...over,
  }).bytes;
const policy = (over: Partial<AppraisalPolicy> = {}): AppraisalPolicy => ({
  verifiers: keySet([{ key: publicKeyOf(verifierKey), issuers: [VERIFIER] }]),
  verifier: VERIFIER,
  profile: PROFILE,
  agent: AGENT,
  clock: fixedClock(NOW_MS + 10_000),
  ...over,
});
const codes = (bytes: Uint8Array, p: AppraisalPolicy) => appraiseBet(bytes, p).reasons.map((r) => r.code);

describe('appraiseBet', () => {
  it('accepts fresh compliant evidence from a trusted verifier about the expected profile', () => {
    const gate = appraiseBet(issue(), policy());
    expect(gate).toMatchObject({ decision: 'accept', reasons: [] });
    expect(gate.claims?.verdict).toBe('compliant');
  });

  it('refuses each policy failure with its own code, and reports them all', () => {
    const hard = { rule: 'cap', class: 'parameter_out_of_range', jti: 't', observed: 2, allowed: 1 } as const;
    expect(codes(issue({ violations: [hard] }), policy())).toEqual(['ERR_BV_VERDICT_REFUSED']);
    expect(codes(issue({ violations: [hard] }), policy({ acceptVerdicts: ['compliant', 'violation'] }))).toEqual([]);
    expect(codes(issue(), policy({ profile: [profileDigest({ ...profileInput, ver: 4 })] }))).toEqual([
      'ERR_BV_PROFILE_MISMATCH',
    ]);
    expect(codes(issue(), policy({ agent: 'spiffe://example.org/agent/other' }))).toEqual(['ERR_BV_SUBJECT_MISMATCH']);
    const old = issue({ lifetimeSeconds: 3600 });
    expect(codes(old, policy({ clock: fixedClock(NOW_MS + 331_000) }))).toEqual(['ERR_BV_EVIDENCE_STALE']);
    expect(codes(old, policy({ clock: fixedClock(NOW_MS + 329_000) }))).toEqual([]);
    expect(
      codes(
        issue({ violations: [hard] }),
        policy({ agent: 'x', profile: 'y', maxAgeSeconds: 0, clock: fixedClock(NOW_MS + 31_000) }),
      ),
    ).toEqual([
      'ERR_BV_PROFILE_MISMATCH',
      'ERR_BV_SUBJECT_MISMATCH',
      'ERR_BV_EVIDENCE_STALE',
      'ERR_BV_VERDICT_REFUSED',
    ]);
  });

  it('fails closed on a maximum age, skew or clock that is not a time: stale evidence is never accepted', () => {
    const old = issue({ lifetimeSeconds: 3600 });
    const late = fixedClock(NOW_MS + 331_000);
    for (const over of [
      { maxAgeSeconds: Number.NaN },
      { maxAgeSeconds: Number.POSITIVE_INFINITY },
      { maxAgeSeconds: -1 },
      { clockSkewSeconds: Number.NaN },
      { clock: { now: () => Number.NaN } },
    ]) {
      expect(appraiseBet(old, policy({ clock: late, ...over }))).toEqual({
        decision: 'refuse',
        reasons: [{ code: 'ERR_INPUT_INVALID', detail: expect.any(String) }],
      });
    }
  });

  it('refuses evidence that does not verify, with the verification code', () => {
    const bytes = issue();
    expect(codes(bytes, policy({ verifiers: keySet([{ key: publicKeyOf(strangerKey) }]) }))).toEqual([
      'ERR_KEY_NOT_FOUND',
    ]);
    const unbound = keySet([{ key: publicKeyOf(verifierKey) }]);
    expect(codes(bytes, policy({ verifiers: unbound, verifier: 'spiffe://example.org/rogue' }))).toEqual([
      'ERR_CLAIMS_ISSUER',
    ]);
    expect(codes(bytes, policy({ verifier: 'spiffe://example.org/rogue' }))).toEqual(['ERR_KEY_UNTRUSTED']);
    const bound = keySet([{ key: publicKeyOf(verifierKey), issuers: ['spiffe://example.org/other'] }]);
    expect(codes(bytes, policy({ verifiers: bound, verifier: undefined }))).toEqual(['ERR_KEY_UNTRUSTED']);
    expect(codes(bytes, policy({ clock: fixedClock(NOW_MS + 331_000) }))).toEqual(['ERR_CLAIMS_EXPIRED']);
    expect(codes(bytes, policy({ audience: 'https://desk.example' }))).toEqual(['ERR_CLAIMS_AUDIENCE']);
    const tampered = bytes.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(codes(tampered, policy())).toEqual(['ERR_COSE_BAD_SIGNATURE']);
    const profileBytes = behavioralProfile.sign(behavioralProfile.parse(profileInput), operatorKey);
    expect(
      codes(profileBytes, policy({ verifiers: keySet([{ key: publicKeyOf(operatorKey) }]), verifier: undefined })),
    ).toEqual(['ERR_COSE_TYP_MISMATCH']);
  });

  it('refuses a BET presented twice when the policy keeps a replay cache', () => {
    const replay = new MemoryReplayCache();
    const bytes = issue();
    expect(appraiseBet(bytes, policy({ replay })).decision).toBe('accept');
    expect(codes(bytes, policy({ replay }))).toEqual(['ERR_CLAIMS_REPLAY']);
  });
});

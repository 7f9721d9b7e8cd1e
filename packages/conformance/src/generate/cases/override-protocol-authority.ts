/**
 * `ov-authority` vectors (override-protocol.md §5, vectors 5 and 14–22 of §13): a policy signed by the policy
 * authority, a signal signed by operators of the package's samples, and the verdict of §5.2–§5.5 — including the
 * two-person rule, where the signal is a COSE_Sign several operators signed.
 */
import { encodeCoseKey, type PrivateKey, publicKeyOf, toBase64Url } from '@safety-net/core';
import {
  type AuthorityPolicyClaims,
  actionDigest,
  assembleSignal,
  authorityPolicy,
  cosignSignal,
  keyRevocation,
  type OverrideSignalClaims,
  overrideSignal,
} from '@safety-net/override-protocol';
import {
  SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleKey,
  samplePolicyClaims,
  sampleReleaseClaims,
  sampleRevocationClaims,
  sampleSignalClaims,
  sampleTwoPersonPolicyClaims,
} from '@safety-net/override-protocol/testing';
import type { Vector } from '../../format.js';
import { hex, invalid, keysOf, vector } from '../common.js';
import { signedCose } from '../messages.js';

const { supervisor, safetyOfficer: olu, safetyOfficer2: ines, auditor, authority } = SAMPLE_KEYS;
const SAM = 'mailto:sam@example.org';
const OLU = 'mailto:olu@example.org';
const INES = 'mailto:ines@example.org';

/** A policy signed by the sample policy authority (P-256 with noble's RFC 6979 signer: the same bytes every time). */
export const signedPolicy = (claims: AuthorityPolicyClaims) => signedCose(authorityPolicy, claims, authority);
/** A Key Revocation of `key` from the policy authority, effective at `at`. */
export const revocationOf = (key: PrivateKey, at: number, subject = sampleRevocationClaims.subject) =>
  signedCose(
    keyRevocation,
    { ...sampleRevocationClaims, subject, kid: toBase64Url(key.kid!), revoked_at: at },
    authority,
  );
/** A sample signal with another action (its digest recomputed) and other members. */
export function signalWith(overrides: Partial<OverrideSignalClaims>, name = 'stop'): OverrideSignalClaims {
  const action = { name: name as OverrideSignalClaims['action']['name'], params: {} };
  return { ...sampleSignalClaims, ...overrides, action, act_digest: actionDigest(action) };
}
/** A release lifting `lifts`, for the two-person policy. */
export const releaseOf = (overrides: Partial<OverrideSignalClaims> = {}): OverrideSignalClaims => ({
  ...sampleReleaseClaims,
  ...overrides,
});
/** A signal signed by several operators, one COSE_Sign (§5.4). */
export const cosigned = (claims: OverrideSignalClaims, ...keys: PrivateKey[]) =>
  assembleSignal(keys.map((k) => cosignSignal(claims, k)));

const sampleBytes = signedPolicy(samplePolicyClaims);
const twoPersonBytes = signedPolicy(sampleTwoPersonPolicyClaims);
const oluSpare = sampleKey('op-safety-officer-spare');
/** The two-person policy where Olu holds a second key. */
const twoKeyBytes = signedPolicy({
  ...sampleTwoPersonPolicyClaims,
  operators: sampleTwoPersonPolicyClaims.operators.map((op) =>
    op.id === OLU ? { ...op, keys: [...op.keys, toBase64Url(encodeCoseKey(publicKeyOf(oluSpare)))] } : op,
  ),
});
/** A policy whose release grant lists Mandatory only: it cannot lift what an Emergency signal held (§5.3). */
const mandatoryReleaseBytes = signedPolicy({
  ...samplePolicyClaims,
  grants: [{ ...samplePolicyClaims.grants[1]!, levels: ['mandatory'] }],
});

const mandatoryStop = signalWith({
  iss: SAM,
  role: 'supervisor',
  level: 'mandatory',
  category: 1,
  deadline: SAMPLE_NOW + 60,
  scope: { kind: 'workflow', target: 'wf-dispense-17', propagate: false },
});
const olusRelease = signalWith(
  { level: 'mandatory', category: undefined, lifts: ['ov-sig-0001'], seq: 43, deadline: SAMPLE_NOW + 60 },
  'release',
);

interface Case {
  id: string;
  description: string;
  policy: Uint8Array;
  signal: Uint8Array;
  revocations?: Uint8Array[];
  liftsEmergencyHold?: boolean;
  operators?: string[];
  error?: string;
}

const CASES: Case[] = [
  {
    id: 'authority-granted',
    description: 'A supervisor’s Mandatory stop of a workflow, under the grant for supervisors (§5.2).',
    policy: sampleBytes,
    signal: overrideSignal.sign(mandatoryStop, supervisor),
    operators: [SAM],
  },
  {
    id: 'authority-emergency-stop',
    description:
      'A safety officer’s Emergency category 0 stop of an agent whose id matches spiffe://example.org/* (§5.2).',
    policy: sampleBytes,
    signal: overrideSignal.sign(sampleSignalClaims, olu),
    operators: [OLU],
  },
  {
    id: 'authority-wrong-role',
    description: 'An auditor’s stop: no grant lists the auditor role (§5.2).',
    policy: sampleBytes,
    signal: overrideSignal.sign({ ...mandatoryStop, iss: 'mailto:ada@example.org', role: 'auditor' }, auditor),
    error: 'ERR_OV_UNAUTHORIZED',
  },
  {
    id: 'authority-level-not-granted',
    description:
      'A supervisor’s Emergency stop where supervisors are granted Advisory and Mandatory only (§5.2 step 1).',
    policy: sampleBytes,
    signal: overrideSignal.sign({ ...mandatoryStop, level: 'emergency', category: 0 }, supervisor),
    error: 'ERR_OV_UNAUTHORIZED',
  },
  {
    id: 'authority-propagate-not-granted',
    description: 'A supervisor’s stop with propagate true under a grant without propagate (§5.2 step 3).',
    policy: sampleBytes,
    signal: overrideSignal.sign({ ...mandatoryStop, scope: { ...mandatoryStop.scope, propagate: true } }, supervisor),
    error: 'ERR_OV_UNAUTHORIZED',
  },
  {
    id: 'authority-target-not-matched',
    description: 'A safety officer’s stop of an agent outside the grant’s target patterns (§5.2 step 2, §4.8).',
    policy: sampleBytes,
    signal: overrideSignal.sign(
      { ...sampleSignalClaims, scope: { kind: 'agent', target: 'spiffe://example.com/agent/x', propagate: false } },
      olu,
    ),
    error: 'ERR_OV_UNAUTHORIZED',
  },
  {
    id: 'authority-signer-not-issuer',
    description: 'A signal naming the supervisor as iss but signed by a safety officer (§5.2 step 4).',
    policy: sampleBytes,
    signal: overrideSignal.sign(mandatoryStop, olu),
    error: 'ERR_OV_UNAUTHORIZED',
  },
  {
    id: 'authority-unknown-key',
    description: 'A signal signed by a key the policy does not list: verification finds no key (§5.2, core.md §5.7).',
    policy: sampleBytes,
    signal: overrideSignal.sign(sampleSignalClaims, sampleKey('stranger')),
    error: 'ERR_KEY_NOT_FOUND',
  },
  {
    id: 'authority-action-digest-mismatch',
    description: 'A signal whose act_digest is not its action’s, judged after the digest check (§4.2, §8.2 step 3).',
    policy: sampleBytes,
    signal: overrideSignal.sign(
      { ...sampleSignalClaims, act_digest: actionDigest({ name: 'pause', params: {} }) },
      olu,
    ),
    error: 'ERR_OV_ACTION_DIGEST',
  },
  {
    id: 'signal-two-person-release',
    description:
      'A COSE_Sign release with the signatures of two safety officers, where the grant’s quorum is 2 (§5.4, §13 vector 5).',
    policy: twoPersonBytes,
    signal: cosigned(releaseOf(), olu, ines),
    liftsEmergencyHold: true,
    operators: [OLU, INES],
  },
  {
    id: 'authority-quorum-one-of-two',
    description: 'One valid signature where two are needed (§5.2 step 4, §5.4).',
    policy: twoPersonBytes,
    signal: cosigned(releaseOf(), olu),
    error: 'ERR_OV_QUORUM',
  },
  {
    id: 'authority-quorum-sign1',
    description: 'A COSE_Sign1 release by one safety officer where the grant’s quorum is 2 (§5.4).',
    policy: twoPersonBytes,
    signal: overrideSignal.sign(releaseOf(), olu),
    error: 'ERR_OV_QUORUM',
  },
  {
    id: 'authority-quorum-same-operator',
    description: 'Two signatures by two keys of one operator count once (§5.4).',
    policy: twoKeyBytes,
    signal: cosigned(releaseOf(), olu, oluSpare),
    error: 'ERR_OV_QUORUM',
  },
  {
    id: 'authority-quorum-same-key-twice',
    description: 'The same key signing twice counts once (§5.4, core.md §4.6).',
    policy: twoPersonBytes,
    signal: cosigned(releaseOf(), olu, olu),
    error: 'ERR_OV_QUORUM',
  },
  {
    id: 'authority-quorum-stranger-cosigner',
    description: 'A second signature by a key the policy does not list does not count (§5.4).',
    policy: twoPersonBytes,
    signal: cosigned(releaseOf(), olu, sampleKey('stranger')),
    error: 'ERR_OV_QUORUM',
  },
  {
    id: 'authority-quorum-cosigner-without-role',
    description:
      'A second signature by the supervisor, who holds no role of the release grant, does not count (§5.2 step 4).',
    policy: twoPersonBytes,
    signal: cosigned(releaseOf(), olu, supervisor),
    error: 'ERR_OV_QUORUM',
  },
  {
    id: 'authority-quorum-issuer-not-signer',
    description:
      'Two safety officers sign a release whose iss is the supervisor: the issuer must be a signer (§5.2 step 4).',
    policy: twoPersonBytes,
    signal: cosigned(releaseOf({ iss: SAM }), olu, ines),
    error: 'ERR_OV_UNAUTHORIZED',
  },
  {
    id: 'authority-quorum-revoked-cosigner',
    description: 'A co-signer whose key is revoked does not count, whatever the lift’s iat (§5.4, §5.5).',
    policy: twoPersonBytes,
    signal: cosigned(releaseOf(), olu, ines),
    revocations: [revocationOf(ines, SAMPLE_NOW + 3600)],
    error: 'ERR_OV_QUORUM',
  },
  {
    id: 'authority-release-needs-emergency-grant',
    description: 'Releasing a hold an Emergency stop created, under a grant listing Mandatory only (§5.3).',
    policy: mandatoryReleaseBytes,
    signal: overrideSignal.sign(olusRelease, olu),
    liftsEmergencyHold: true,
    error: 'ERR_OV_UNAUTHORIZED',
  },
  {
    id: 'authority-release-of-mandatory-hold',
    description: 'The same release under the same grant, when the hold it lifts was not created at Emergency (§5.3).',
    policy: mandatoryReleaseBytes,
    signal: overrideSignal.sign(olusRelease, olu),
    operators: [OLU],
  },
  {
    id: 'authority-revoked-key-after',
    description: 'A stop signed at or after its key’s revoked_at (§5.5).',
    policy: sampleBytes,
    signal: overrideSignal.sign(sampleSignalClaims, olu),
    revocations: [revocationOf(olu, SAMPLE_NOW)],
    error: 'ERR_OV_KEY_REVOKED',
  },
  {
    id: 'authority-revoked-key-backdated-lift',
    description:
      'A release whose iat is before its key’s revoked_at: lifts by a revoked key are refused whatever their iat (§5.5).',
    policy: sampleBytes,
    signal: overrideSignal.sign(olusRelease, olu),
    revocations: [revocationOf(olu, SAMPLE_NOW + 3600)],
    error: 'ERR_OV_KEY_REVOKED',
  },
  {
    id: 'authority-revoked-key-backdated-stop',
    description:
      'A stop whose iat is before its key’s revoked_at is still obeyed, in the restrictive direction (§5.5).',
    policy: sampleBytes,
    signal: overrideSignal.sign(sampleSignalClaims, olu),
    revocations: [revocationOf(olu, SAMPLE_NOW + 3600)],
    operators: [OLU],
  },
];

/** `ov-authority` vectors. */
export function overrideProtocolAuthorityVectors(): Vector[] {
  return CASES.map((c) => ({
    ...vector({
      id: c.id,
      description: `${c.description.replace(/\(§/g, '(override-protocol.md §')}`,
      kind: 'ov-authority',
      keys: keysOf([authority], 'public'),
      input: {
        policy_cose_hex: hex(c.policy),
        ...(c.revocations ? { revocations_cose_hex: c.revocations.map(hex) } : {}),
        signal_cose_hex: hex(c.signal),
        ...(c.liftsEmergencyHold ? { lifts_emergency_hold: true } : {}),
      },
      options: { authority: 'policy-authority' },
      expected: c.error ? invalid(c.error) : { result: 'valid', operators: c.operators! },
    }),
    package: 'override-protocol',
  }));
}

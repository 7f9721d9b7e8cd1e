/**
 * One set of sample claims per message type of this package, valid at {@link SAMPLE_NOW}, shared by the package's
 * tests and the conformance vector generator (the valid vectors are these claims signed). The operator keys are
 * derived from fixed seeds, so the samples are the same everywhere. Spread a sample to vary it; never change one in
 * place.
 */
import {
  type AnyMessageType,
  encodeCoseKey,
  generateKey,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  signSign1,
  toBase64Url,
  utf8,
} from '@safety-net/core';
import { type AcknowledgementClaims, acknowledgement } from './acknowledgement.js';
import { actionDigest } from './action-digest.js';
import { type ApprovalDecisionClaims, approvalDecision } from './approval-decision.js';
import { type ApprovalRequestClaims, approvalRequest } from './approval-request.js';
import { type AuthorityPolicyClaims, authorityPolicy } from './authority-policy.js';
import { type ComplianceEvidenceClaims, complianceEvidence } from './compliance-evidence.js';
import { type EscalationRecordClaims, escalationRecord } from './escalation-record.js';
import { type HandoffClaims, handoff } from './handoff.js';
import { type HeartbeatClaims, heartbeat } from './heartbeat.js';
import { type KeyRevocationClaims, keyRevocation } from './key-revocation.js';
import { type LeaseClaims, lease } from './lease.js';
import { type OverrideSignalClaims, overrideSignal } from './override-signal.js';

/** The time every sample is valid at: 2026-03-01T00:00:00Z, in seconds. */
export const SAMPLE_NOW = 1_772_323_200;

const NOW = SAMPLE_NOW;
/** The control plane of the samples. */
export const SAMPLE_CTL = 'spiffe://example.org/override-ctl';
/** The agent of the samples. */
export const SAMPLE_AGENT = 'spiffe://example.org/agent/dispenser';
const AUTHORITY = 'spiffe://example.org/policy-authority';
const operator = (name: string) => `mailto:${name}@example.org`;

/** A fixed signing key for samples and tests, derived from its name, with the name as its kid. */
export function sampleKey(name: string, curve: 'Ed25519' | 'P-256' = 'Ed25519'): PrivateKey {
  return { ...generateKey(curve, seededRandom(`override-protocol/${name}`)), kid: utf8(name) };
}

/** The keys of the sample operators, of the sample agent, of the control plane and of the policy authority. */
export const SAMPLE_KEYS = {
  supervisor: sampleKey('op-supervisor'),
  safetyOfficer: sampleKey('op-safety-officer'),
  safetyOfficer2: sampleKey('op-safety-officer-2'),
  auditor: sampleKey('op-auditor'),
  agent: sampleKey('agent-dispenser'),
  ctl: sampleKey('override-ctl', 'P-256'),
  authority: sampleKey('policy-authority', 'P-256'),
} as const;

const coseKey = (key: PrivateKey) => toBase64Url(encodeCoseKey(publicKeyOf(key)));
const STOP = { name: 'stop' as const, params: {} };
const STOP_DIGEST = actionDigest(STOP);

/**
 * An Authority Policy: a supervisor may pause, stop, constrain, roll back and take over at Mandatory; a safety
 * officer may also stop at Emergency and release; an auditor holds no rights; dispensing needs a pharmacist.
 */
export const samplePolicyClaims: AuthorityPolicyClaims = {
  iss: AUTHORITY,
  iat: NOW - 3600,
  exp: NOW + 30 * 86_400,
  jti: 'ov-policy-ward-3-v4',
  wid: 'ov-policy-ward-3',
  pred: ['ov-policy-ward-3-v3'],
  pid: 'ward-3',
  ver: 4,
  operators: [
    { id: operator('sam'), roles: ['supervisor'], keys: [coseKey(SAMPLE_KEYS.supervisor)] },
    { id: operator('olu'), roles: ['safety_officer'], keys: [coseKey(SAMPLE_KEYS.safetyOfficer)] },
    { id: operator('ines'), roles: ['safety_officer', 'pharmacist'], keys: [coseKey(SAMPLE_KEYS.safetyOfficer2)] },
    { id: operator('ada'), roles: ['auditor'], keys: [coseKey(SAMPLE_KEYS.auditor)] },
  ],
  grants: [
    {
      roles: ['supervisor'],
      levels: ['advisory', 'mandatory'],
      actions: ['pause', 'resume', 'stop', 'constrain', 'rollback', 'takeover'],
      scopes: ['agent', 'workflow', 'task'],
    },
    {
      roles: ['safety_officer'],
      levels: ['mandatory', 'emergency'],
      actions: ['stop', 'release', 'resume'],
      scopes: ['agent', 'workflow', 'task', 'domain'],
      targets: ['spiffe://example.org/*', 'wf-*', 'ward-3'],
      propagate: true,
    },
  ],
  approvals: [{ action: 'dispense', approvers: ['pharmacist'], quorum: 1 }],
  revoked: [],
};

const POLICY_REF = { pid: 'ward-3', ver: 4 };

/** An Emergency category 0 stop of the sample agent by a safety officer. */
export const sampleSignalClaims: OverrideSignalClaims = {
  iss: operator('olu'),
  iat: NOW,
  exp: NOW + 300,
  jti: 'ov-sig-0001',
  wid: 'wf-dispense-17',
  pred: ['task-dispense-3'],
  ctl: SAMPLE_CTL,
  epoch: 1,
  seq: 42,
  role: 'safety_officer',
  level: 'emergency',
  action: STOP,
  act_digest: STOP_DIGEST,
  scope: { kind: 'agent', target: SAMPLE_AGENT, propagate: false },
  reason: 'dose outside the ward protocol',
  deadline: NOW + 5,
  category: 0,
  policy: POLICY_REF,
};

/**
 * The sample policy, version 5, under the two-person rule (spec §5.4): releasing takes two safety officers, each
 * signing the same release.
 */
export const sampleTwoPersonPolicyClaims: AuthorityPolicyClaims = {
  ...samplePolicyClaims,
  jti: 'ov-policy-ward-3-v5',
  pred: ['ov-policy-ward-3-v4'],
  ver: 5,
  grants: [
    samplePolicyClaims.grants[0]!,
    { ...samplePolicyClaims.grants[1]!, actions: ['stop', 'resume'] },
    {
      roles: ['safety_officer'],
      levels: ['mandatory', 'emergency'],
      actions: ['release'],
      scopes: ['agent', 'workflow', 'task', 'domain'],
      quorum: 2,
    },
  ],
};

const RELEASE = { name: 'release' as const, params: {} };

/** A Mandatory release of the sample stop, for two safety officers to sign under the two-person policy. */
export const sampleReleaseClaims: OverrideSignalClaims = {
  ...sampleSignalClaims,
  exp: NOW + 900,
  jti: 'ov-sig-0005',
  seq: 45,
  level: 'mandatory',
  action: RELEASE,
  act_digest: actionDigest(RELEASE),
  reason: 'dose corrected; two safety officers agree',
  deadline: NOW + 60,
  category: undefined,
  lifts: ['ov-sig-0001'],
  policy: { pid: 'ward-3', ver: 5 },
};

/** The agent's `complied` acknowledgement of the sample stop, with what it aborted. */
export const sampleAckClaims: AcknowledgementClaims = {
  iss: SAMPLE_AGENT,
  iat: NOW + 1,
  jti: 'ov-ack-0001',
  wid: 'wf-dispense-17',
  pred: ['ov-sig-0001'],
  signal: 'ov-sig-0001',
  act_digest: STOP_DIGEST,
  status: 'complied',
  state: { mode: 'stopped', order: [1, 42], holds: ['ov-sig-0001'], last_ect: 'task-dispense-3' },
  halted_at: NOW + 1,
  in_flight: [{ task: 'task-dispense-4', exec_act: 'pharmacy.dispense', outcome: 'aborted' }],
};

/** Compliance Evidence: the stop was acknowledged in time and no work followed the halt. */
export const sampleEvidenceClaims: ComplianceEvidenceClaims = {
  iss: SAMPLE_CTL,
  iat: NOW + 20,
  jti: 'ov-evd-0001',
  wid: 'wf-dispense-17',
  pred: ['ov-sig-0001', 'ov-ack-0001'],
  signal: 'ov-sig-0001',
  act_digest: STOP_DIGEST,
  agent: SAMPLE_AGENT,
  verdict: 'compliant',
  checks: [
    { kind: 'ack_in_time', result: 'pass', ref: 'ov-ack-0001' },
    { kind: 'no_ect_after_halt', result: 'pass' },
  ],
};

/** A 30-second lease whose lapse stops the agent. */
export const sampleLeaseClaims: LeaseClaims = {
  iss: SAMPLE_CTL,
  sub: SAMPLE_AGENT,
  iat: NOW,
  exp: NOW + 30,
  jti: 'ov-lease-0001',
  wid: `ov:${SAMPLE_CTL}:agent:${SAMPLE_AGENT}`,
  pred: ['ov-hb-0000'],
  ttl: 30,
  safe_state: 'stop',
  order: [1, 41],
  policy: POLICY_REF,
};

/** A heartbeat of a running agent that holds the sample lease. */
export const sampleHeartbeatClaims: HeartbeatClaims = {
  iss: SAMPLE_AGENT,
  aud: SAMPLE_CTL,
  iat: NOW,
  exp: NOW + 60,
  jti: 'ov-hb-0001',
  wid: `ov:${SAMPLE_CTL}:agent:${SAMPLE_AGENT}`,
  pred: ['ov-lease-0001'],
  ctl: SAMPLE_CTL,
  state: { mode: 'running', order: [1, 41], holds: [], lease_exp: NOW + 30 },
};

const DISPENSE = { name: 'dispense', params: { drug: 'heparin', units: 5000, patient: 'p-204' } };
const DISPENSE_EDITED = { name: 'dispense', params: { drug: 'heparin', units: 2500, patient: 'p-204' } };

/** An Approval Request before a dispensing action, with an explanation. */
export const sampleApprovalRequestClaims: ApprovalRequestClaims = {
  iss: SAMPLE_AGENT,
  iat: NOW,
  exp: NOW + 900,
  jti: 'ov-apr-0001',
  wid: 'wf-dispense-17',
  pred: ['task-dispense-3'],
  action: DISPENSE,
  act_digest: actionDigest(DISPENSE),
  approvers: ['pharmacist'],
  allowed: ['approve', 'edit', 'reject'],
  on_timeout: 'reject',
  explanation: { summary: 'dose from the admission order', evidence: ['task-dispense-3'] },
};

/** A pharmacist's `edit` of the sample request: half the dose. */
export const sampleApprovalDecisionClaims: ApprovalDecisionClaims = {
  iss: operator('ines'),
  iat: NOW + 20,
  exp: NOW + 900,
  jti: 'ov-apd-0001',
  wid: 'wf-dispense-17',
  pred: ['ov-apr-0001'],
  request: 'ov-apr-0001',
  act_digest: actionDigest(DISPENSE),
  role: 'pharmacist',
  decision: 'edit',
  edited: DISPENSE_EDITED,
  edited_digest: actionDigest(DISPENSE_EDITED),
};

const TAKEOVER = { name: 'takeover', params: { to: operator('sam'), task: 'task-dispense-4' } };

/** The agent hands a taken-over task to the supervisor. */
export const sampleHandoffClaims: HandoffClaims = {
  iss: SAMPLE_AGENT,
  iat: NOW + 3,
  jti: 'ov-hnd-0001',
  wid: 'wf-dispense-17',
  pred: ['ov-sig-0002', 'task-dispense-3'],
  signal: 'ov-sig-0002',
  act_digest: actionDigest(TAKEOVER),
  task: 'task-dispense-4',
  to: operator('sam'),
  state: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
  state_ref: 'https://dispenser.example/snapshots/task-dispense-4',
  pending: [DISPENSE],
};

/** The policy authority revokes the auditor's key. */
export const sampleRevocationClaims: KeyRevocationClaims = {
  iss: AUTHORITY,
  iat: NOW,
  jti: 'ov-rev-0001',
  wid: 'ov-policy-ward-3',
  pred: [],
  subject: operator('ada'),
  kid: toBase64Url(utf8('op-auditor')),
  revoked_at: NOW,
  reason: 'laptop lost',
};

/** The control plane opened the breakers of the agent's peers. */
export const sampleEscalationClaims: EscalationRecordClaims = {
  iss: SAMPLE_CTL,
  iat: NOW + 20,
  jti: 'ov-esc-0001',
  wid: 'wf-dispense-17',
  pred: ['ov-evd-0001', 'cp-ann-0001'],
  signal: 'ov-sig-0001',
  agent: SAMPLE_AGENT,
  step: 'breaker_open',
  outcome: 'done',
  targets: ['spiffe://example.org/agent/pump'],
};

/**
 * A COSE_Sign1 standing in for a signed behavioural profile in `constrain` samples (Ed25519, so the bytes are the
 * same every time).
 */
export const SAMPLE_PROFILE_COSE = toBase64Url(
  signSign1(utf8('{"profile":"ward-3-safe"}'), sampleKey('profile-issuer'), {
    protectedHeader: { kid: utf8('profile-issuer') },
  }),
);

/** Every message type of the package with its sample claims and its signer, in the order of the type list. */
export const OVERRIDE_SAMPLES: readonly {
  readonly type: AnyMessageType;
  readonly claims: object;
  readonly key: PrivateKey;
}[] = [
  { type: overrideSignal, claims: sampleSignalClaims, key: SAMPLE_KEYS.safetyOfficer },
  { type: acknowledgement, claims: sampleAckClaims, key: SAMPLE_KEYS.agent },
  { type: complianceEvidence, claims: sampleEvidenceClaims, key: SAMPLE_KEYS.ctl },
  { type: lease, claims: sampleLeaseClaims, key: SAMPLE_KEYS.ctl },
  { type: heartbeat, claims: sampleHeartbeatClaims, key: SAMPLE_KEYS.agent },
  { type: approvalRequest, claims: sampleApprovalRequestClaims, key: SAMPLE_KEYS.agent },
  { type: approvalDecision, claims: sampleApprovalDecisionClaims, key: SAMPLE_KEYS.safetyOfficer2 },
  { type: handoff, claims: sampleHandoffClaims, key: SAMPLE_KEYS.agent },
  { type: authorityPolicy, claims: samplePolicyClaims, key: SAMPLE_KEYS.authority },
  { type: keyRevocation, claims: sampleRevocationClaims, key: SAMPLE_KEYS.authority },
  { type: escalationRecord, claims: sampleEscalationClaims, key: SAMPLE_KEYS.ctl },
];

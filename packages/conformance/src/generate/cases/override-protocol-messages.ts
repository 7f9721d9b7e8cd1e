/**
 * `message-verify` vectors for the eleven message types of @safety-net/override-protocol (override-protocol.md §4,
 * vectors of §13), from the package's sample claims: each valid in COSE and in JWT form, and the refusals their
 * claim rules add.
 */

import { type AnyMessageType, toBase64Url, utf8 } from '@safety-net/core';
import {
  acknowledgement,
  actionDigest,
  approvalDecision,
  approvalRequest,
  authorityPolicy,
  complianceEvidence,
  escalationRecord,
  handoff,
  heartbeat,
  keyRevocation,
  lease,
  overrideSignal,
} from '@safety-net/override-protocol';
import {
  sampleAckClaims as ack,
  sampleApprovalDecisionClaims as decision,
  sampleEscalationClaims as escalation,
  sampleEvidenceClaims as evidence,
  sampleHandoffClaims as handoffClaims,
  sampleHeartbeatClaims as heartbeatClaims,
  sampleLeaseClaims as leaseClaims,
  SAMPLE_NOW as NOW,
  samplePolicyClaims as policy,
  sampleApprovalRequestClaims as request,
  sampleRevocationClaims as revocation,
  SAMPLE_AGENT,
  SAMPLE_CTL,
  SAMPLE_PROFILE_COSE,
  sampleSignalClaims as stop,
} from '@safety-net/override-protocol/testing';
import type { Vector } from '../../format.js';
import { KEYS } from '../common.js';
import {
  type MessageCase,
  messageVerifyVector,
  refused,
  signedCose,
  signedJws,
  uncheckedCose,
  type ValidMessage,
  validPairs,
} from '../messages.js';

const { ed25519, p256 } = KEYS;
const SECTION = 'override-protocol.md §4';

/** A signal of `stop`'s shape with another action, its digest recomputed. */
function withAction(name: string, params: object, rest: object = {}): object {
  const action = { name, params };
  return { ...stop, category: undefined, ...rest, action, act_digest: actionDigest(action) };
}

/** The Mandatory pause of §13 vector 2 (category absent). */
const pause = withAction(
  'pause',
  {},
  { jti: 'ov-sig-0002', seq: 43, level: 'mandatory', deadline: NOW + 60, exp: NOW + 900 },
);
/** The constrain of §13 vector 3, carrying a signed profile. */
const constrain = withAction(
  'constrain',
  { profile: SAMPLE_PROFILE_COSE },
  { jti: 'ov-sig-0003', seq: 44, level: 'mandatory', deadline: NOW + 60, exp: NOW + 900 },
);
/** §13 vector 42: the control plane revokes an agent's key. */
const agentRevocation = {
  ...revocation,
  iss: SAMPLE_CTL,
  jti: 'ov-rev-0002',
  wid: 'wf-dispense-17',
  pred: ['ov-evd-0001'],
  subject: SAMPLE_AGENT,
  kid: toBase64Url(utf8('agent-dispenser')),
  reason: 'non-compliant with ov-sig-0001',
};

/** Each type valid in COSE and JWT form, with the signer a deployment would use (control planes sign with P-256). */
function validCases(): MessageCase[] {
  const valid: ValidMessage[] = [
    [overrideSignal, 'signal-emergency-stop-cat0', 'Emergency category 0 stop', stop, ed25519],
    [overrideSignal, 'signal-mandatory-pause', 'Mandatory pause (category absent)', pause, ed25519],
    [overrideSignal, 'signal-constrain-profile', 'Mandatory constrain carrying a signed profile', constrain, ed25519],
    [acknowledgement, 'ack-complied-stop', 'Acknowledgement with halted_at and in_flight entries', ack, ed25519],
    [complianceEvidence, 'ov-evidence-valid', 'Compliance Evidence (compliant)', evidence, p256],
    [lease, 'ov-lease-valid', 'Lease (safe state stop)', leaseClaims, p256],
    [heartbeat, 'ov-heartbeat-valid', 'Heartbeat of a running agent', heartbeatClaims, ed25519],
    [approvalRequest, 'ov-approval-request-valid', 'Approval Request with an explanation', request, ed25519],
    [approvalDecision, 'approval-edit-decision', 'Approval Decision editing the action', decision, ed25519],
    [handoff, 'ov-handoff-valid', 'Hand-off of a taken-over task', handoffClaims, ed25519],
    [authorityPolicy, 'ov-policy-valid', 'Authority Policy with grants and an approval rule', policy, p256],
    [keyRevocation, 'revocation-agent-key', 'Key Revocation of an agent key', agentRevocation, p256],
    [escalationRecord, 'ov-escalation-valid', 'Escalation Record (breakers opened)', escalation, p256],
  ];
  return validPairs(SECTION, valid, {
    // §13 vector 4 is the JWT form of the pause.
    id: (id) => (id === 'signal-mandatory-pause' ? 'signal-jwt-form' : `${id}-jwt`),
    section: `${SECTION}, core.md §6.9`,
  });
}

function refusals(): MessageCase[] {
  const refusal = (
    id: string,
    description: string,
    type: AnyMessageType,
    message: Uint8Array | string,
    error: string,
  ) => refused(type, message, ed25519, { id, description, error });
  const unchecked = (type: AnyMessageType, claims: object) => uncheckedCose(type, claims, ed25519);
  const invalid = (id: string, description: string, type: AnyMessageType, claims: object) =>
    refusal(id, description, type, unchecked(type, claims), 'ERR_CLAIMS_INVALID');
  return [
    invalid(
      'signal-emergency-pause-invalid',
      'An Emergency pause: Emergency is reserved for stop (§3.2).',
      overrideSignal,
      { ...pause, level: 'emergency' },
    ),
    invalid('signal-stop-without-category', 'A stop without its category (§3.3).', overrideSignal, {
      ...stop,
      category: undefined,
    }),
    invalid(
      'signal-resume-without-lifts',
      'A resume that names no hold to lift (§3.2).',
      overrideSignal,
      withAction('resume', {}, { level: 'mandatory' }),
    ),
    invalid('signal-deadline-after-exp', 'A deadline later than exp (§4.1).', overrideSignal, {
      ...stop,
      deadline: stop.exp + 1,
    }),
    refusal(
      'signal-wrong-typ',
      'An Acknowledgement presented as an Override Signal: the protected typ names another type (core.md §6.5).',
      overrideSignal,
      signedCose(acknowledgement, ack, ed25519),
      'ERR_COSE_TYP_MISMATCH',
    ),
    invalid('evidence-verdict-rule', 'Evidence whose verdict contradicts its checks (§4.4).', complianceEvidence, {
      ...evidence,
      verdict: 'non_compliant',
    }),
    invalid('ack-code-without-refusal', 'A complied acknowledgement carrying a code (§4.3).', acknowledgement, {
      ...ack,
      code: 'ERR_OV_UNAUTHORIZED',
    }),
    invalid('lease-exp-not-ttl', 'A lease whose exp is not iat + ttl (§4.5).', lease, { ...leaseClaims, ttl: 60 }),
    invalid('approval-edit-without-digest', 'An edit decision without edited_digest (§4.6).', approvalDecision, {
      ...decision,
      edited_digest: undefined,
    }),
    invalid('policy-key-two-operators', 'A policy listing one key under two operators (§5.1).', authorityPolicy, {
      ...policy,
      operators: [policy.operators[0], { ...policy.operators[1], keys: policy.operators[0]!.keys }],
    }),
    refusal(
      'signal-jwt-typ-mismatch',
      'A signal in JWT form whose typ names the Acknowledgement (core.md §6.9 step 5).',
      overrideSignal,
      signedJws(overrideSignal, overrideSignal.parse(stop), ed25519, 'ov-ack+jwt'),
      'ERR_JOSE_TYP_MISMATCH',
    ),
  ];
}

/** `message-verify` vectors for the eleven override-protocol message types, in both wire forms. */
export function overrideProtocolMessageVectors(): Vector[] {
  return [...validCases(), ...refusals()].map((c) => messageVerifyVector('override-protocol', c));
}

import { behavioralProfile } from '@safety-net/behavioral-verification';
import { nobleBackend, toBase64Url } from '@safety-net/core';
import {
  acknowledgement,
  actionDigest,
  handoff,
  type OverrideSignalClaims,
  overrideSignal,
} from '@safety-net/override-protocol';
import {
  SAMPLE_AGENT,
  SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleAckClaims,
  sampleHandoffClaims,
  sampleKey,
} from '@safety-net/override-protocol/testing';
import { signalWith } from './override-protocol-authority.js';

/** The key that signs the agent's Behavioral Profiles, which the guard's monitor verifies (§8.1). */
export const PROFILE_KEY = sampleKey('ward-3-operator', 'P-256');
const SAM = 'mailto:sam@example.org';
const INES = 'mailto:ines@example.org';
const WORKFLOW = 'wf-dispense-17';
const TASK = 'task-dispense-4';

/** A signed profile for the sample agent: pharmacy actions only, at most `cap` units a dispense. */
function profileText(pid: string, cap: number): string {
  const claims = behavioralProfile.parse({
    iss: 'spiffe://example.org/ward-3-operator',
    sub: SAMPLE_AGENT,
    iat: SAMPLE_NOW - 3600,
    exp: SAMPLE_NOW + 86_400,
    pid,
    ver: 1,
    rules: {
      actions: { unlisted: 'deny', rules: [{ id: 'pharmacy', effect: 'allow', pattern: 'pharmacy.*' }] },
      parameters: [{ id: 'units-cap', action: 'pharmacy.dispense', param: 'units', check: 'range', max: String(cap) }],
    },
  });
  // noble's RFC 6979 ECDSA: the same bytes every time the vectors are generated.
  return toBase64Url(behavioralProfile.sign(claims, PROFILE_KEY, { backend: nobleBackend }));
}

/** A supervisor's Mandatory signal with the given action, at order [1, seq]. */
function bySam(jti: string, seq: number, action: OverrideSignalClaims['action'], rest: Partial<OverrideSignalClaims>) {
  return overrideSignal.sign(
    {
      ...signalWith({
        iss: SAM,
        role: 'supervisor',
        level: 'mandatory',
        category: undefined,
        jti,
        seq,
        deadline: SAMPLE_NOW + 60,
        exp: SAMPLE_NOW + 900,
        ...rest,
      }),
      action,
      act_digest: actionDigest(action),
    },
    SAMPLE_KEYS.supervisor,
  );
}

/** Constraint C2 (order 5, cap 1000) and the late C1 (order 3, cap 5000). */
export const lateConstraint = {
  c2: bySam('c2', 5, { name: 'constrain', params: { profile: profileText('ward-3-strict', 1000) } }, {}),
  c1: bySam('c1', 3, { name: 'constrain', params: { profile: profileText('ward-3-loose', 5000) } }, {}),
};
/** Constraint C3 (order 6, cap 5000): after C2 it would widen the profile in force (§8.1). */
export const wideningConstraint = bySam(
  'c3',
  6,
  { name: 'constrain', params: { profile: profileText('ward-3-loose', 5000) } },
  {},
);

const { halted_at: _halted, in_flight: _inFlight, ...ackBase } = sampleAckClaims;
const PAUSE = { name: 'pause' as const, params: {} };
/** A Mandatory pause, and the agent's signed `declined` acknowledgement of it (§3.1). */
export const declinedMandatory = {
  pause: bySam('p', 3, PAUSE, {}),
  declined: acknowledgement.sign(
    {
      ...ackBase,
      iat: SAMPLE_NOW + 1,
      jti: 'ov-ack-declined',
      pred: ['p'],
      signal: 'p',
      act_digest: actionDigest(PAUSE),
      status: 'declined',
      reason: 'the ward protocol needs this dispense',
      state: { mode: 'running', order: [1, 3], holds: [] },
    },
    SAMPLE_KEYS.agent,
  ),
};

const TAKEOVER = { name: 'takeover' as const, params: { to: SAM, task: TASK } };
const takeoverHandoff = (to: string, jti: string) =>
  handoff.sign(
    {
      ...sampleHandoffClaims,
      jti,
      pred: ['t', 'task-dispense-3'],
      signal: 't',
      act_digest: actionDigest(TAKEOVER),
      to,
    },
    SAMPLE_KEYS.agent,
  );
/** A takeover of task-dispense-4 for Sam, a Hand-off to Ines (wrong) and one to Sam (§4.7). */
export const wrongHuman = {
  takeover: bySam('t', 3, TAKEOVER, { scope: { kind: 'task', target: TASK, propagate: false } }),
  toInes: takeoverHandoff(INES, 'ov-hnd-ines'),
  toSam: takeoverHandoff(SAM, 'ov-hnd-sam'),
};

/** The gated action: dispensing needs a pharmacist's approval under the sample policy. */
export const DISPENSE = { name: 'dispense', params: { drug: 'heparin', units: 5000 }, task: TASK, workflow: WORKFLOW };
const DISPENSE_DIGEST = actionDigest({ name: DISPENSE.name, params: DISPENSE.params });
export const EDITED = { name: 'dispense', params: { drug: 'heparin', units: 2500 } };
/** Ines's decision on the pending request; the runner adds `request` and puts the request first in `pred`. */
export const decisionTemplate = (rest: Record<string, unknown>) => ({
  iss: INES,
  iat: SAMPLE_NOW,
  exp: SAMPLE_NOW + 900,
  jti: `apd-${rest.decision}`,
  wid: WORKFLOW,
  pred: [],
  act_digest: DISPENSE_DIGEST,
  role: 'pharmacist',
  ...rest,
});
export const editedDigest = actionDigest(EDITED);

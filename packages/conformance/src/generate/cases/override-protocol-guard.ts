import { nobleBackend } from '@safety-net/core';
import {
  actionDigest,
  type LeaseClaims,
  lease,
  type OverrideSignalClaims,
  overrideSignal,
} from '@safety-net/override-protocol';
import {
  SAMPLE_AGENT,
  SAMPLE_CTL,
  SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleLeaseClaims,
  samplePolicyClaims,
  sampleTwoPersonPolicyClaims,
} from '@safety-net/override-protocol/testing';
import type { Vector } from '../../format.js';
import { hex, keysOf, vector } from '../common.js';
import { cosigned, releaseOf, revocationOf, signalWith, signedPolicy } from './override-protocol-authority.js';
import {
  DISPENSE,
  decisionTemplate,
  declinedMandatory,
  EDITED,
  editedDigest,
  lateConstraint,
  PROFILE_KEY,
  wideningConstraint,
  wrongHuman,
} from './override-protocol-guard-extras.js';

const { supervisor, safetyOfficer: olu, safetyOfficer2: ines, auditor, authority, agent, ctl } = SAMPLE_KEYS;
const SAM = 'mailto:sam@example.org';

/** A supervisor's Mandatory signal to the sample agent, at order [1, seq]. */
function supervisorSignal(jti: string, seq: number, name: string, rest: Partial<OverrideSignalClaims> = {}) {
  return signalWith(
    {
      iss: SAM,
      role: 'supervisor',
      level: 'mandatory',
      category: name === 'stop' ? 1 : undefined,
      jti,
      seq,
      deadline: SAMPLE_NOW + 60,
      exp: SAMPLE_NOW + 900,
      ...rest,
    },
    name,
  );
}
const bySupervisor = (jti: string, seq: number, name: string, rest: Partial<OverrideSignalClaims> = {}) =>
  overrideSignal.sign(supervisorSignal(jti, seq, name, rest), supervisor);

type Step =
  | { signal: Uint8Array }
  | { policy: Uint8Array }
  | { revocation: Uint8Array }
  | { lease: Uint8Array }
  | { advance: number }
  | { heartbeat: true }
  | { run: Record<string, unknown> }
  | { decision: Record<string, unknown>; signer: string }
  | { ctlIssue: Uint8Array }
  | { ctlAck: Uint8Array }
  | { ctlRecord: Uint8Array }
  | { ctlEvidence: string };
type Outcome =
  | { result: 'acknowledged'; status: string; code?: string; duplicate: boolean; mode: string }
  | { result: 'accepted'; mode: string }
  | { result: 'error'; error: string; mode: string }
  | { result: 'advanced'; mode: string }
  | { result: 'heartbeat'; lapsed_at?: number; mode: string }
  | { result: 'started'; mode: string }
  | { result: 'evidence'; verdict: string; checks: { kind: string; result: string; code?: string }[]; mode: string };
type RunOutcome = { result: 'ran'; act_digest: string } | { result: 'error'; error: string } | { result: 'waiting' };

/**
 * A lease of the sample control plane for the sample agent, issued `at` seconds after now (ttl 30 s); P-256 with
 * noble's RFC 6979 signer, so the same bytes every time.
 */
const leaseAt = (jti: string, at: number, rest: Partial<LeaseClaims> = {}) =>
  lease.sign(
    { ...sampleLeaseClaims, jti, iat: SAMPLE_NOW + at, exp: SAMPLE_NOW + at + 30, order: [1, 1], ...rest },
    ctl,
    { backend: nobleBackend },
  );
const accepted = (mode: string): Outcome => ({ result: 'accepted', mode });
const started = (mode: string): Outcome => ({ result: 'started', mode });

const ack = (status: string, mode: string, extra: { code?: string; duplicate?: boolean } = {}): Outcome => ({
  result: 'acknowledged',
  status,
  ...(extra.code ? { code: extra.code } : {}),
  duplicate: extra.duplicate ?? false,
  mode,
});
const error = (code: string, mode: string): Outcome => ({ result: 'error', error: code, mode });

interface Case {
  id: string;
  description: string;
  policy?: Uint8Array;
  steps: Step[];
  outcomes: Outcome[];
  mode: string;
  holds: string[];
  /** The guard runs a dead-man's switch of the sample control plane (§9). */
  lease?: { ctl: string; initial_safe_state?: 'pause' | 'stop' };
  /** A control plane beside the guard, judging what the agent sends it (§10). */
  controlPlane?: { ctl: string; tasks?: string[] };
  /** The guard enforces constraints with a behavioural monitor whose profiles this key signs (§8.1). */
  profiles?: true;
  /** How the actions the vector runs ended. */
  runs?: RunOutcome[];
}

const pause = bySupervisor('p', 3, 'pause');
const stop = bySupervisor('s', 4, 'stop');
const twoPersonStop = overrideSignal.sign({ ...signalWith({}), policy: { pid: 'ward-3', ver: 5 } }, olu);

const CASES: Case[] = [
  {
    id: 'action-digest-mismatch',
    description: 'A signal whose act_digest is not its action’s is refused before it is judged (§4.2, §8.2 step 3).',
    steps: [
      {
        signal: overrideSignal.sign(
          { ...supervisorSignal('s', 1, 'stop'), act_digest: actionDigest({ name: 'pause', params: {} }) },
          supervisor,
        ),
      },
    ],
    outcomes: [error('ERR_OV_ACTION_DIGEST', 'running')],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-emergency-stop',
    description: 'A safety officer’s Emergency category 0 stop: complied at once, the agent stopped (§3.3, §8.2).',
    steps: [{ signal: overrideSignal.sign(signalWith({}), olu) }],
    outcomes: [ack('complied', 'stopped')],
    mode: 'stopped',
    holds: ['ov-sig-0001'],
  },
  {
    id: 'guard-stale-resume',
    description:
      'Pause P, stop S, then a resume naming S: a resume cannot lift a stop; the agent stays stopped (§6.3).',
    steps: [{ signal: pause }, { signal: stop }, { signal: bySupervisor('r', 5, 'resume', { lifts: ['s'] }) }],
    outcomes: [ack('complied', 'paused'), ack('complied', 'stopped'), error('ERR_OV_LIFT_MISMATCH', 'stopped')],
    mode: 'stopped',
    holds: ['p', 's'],
  },
  {
    id: 'guard-resume-lifts-pause',
    description: 'A newer resume naming the pause lifts it (§6.3).',
    steps: [{ signal: pause }, { signal: bySupervisor('r', 5, 'resume', { lifts: ['p'] }) }],
    outcomes: [ack('complied', 'paused'), ack('complied', 'running')],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-resume-older-than-pause',
    description: 'A resume whose order is below the pause it names is stale (§6.3 rule 3).',
    steps: [{ signal: pause }, { signal: bySupervisor('r', 2, 'resume', { lifts: ['p'] }) }],
    outcomes: [ack('complied', 'paused'), error('ERR_OV_STALE', 'paused')],
    mode: 'paused',
    holds: ['p'],
  },
  {
    id: 'guard-lift-before-hold',
    description: 'A resume R arrives before the older pause P it names: R waits, P is created already lifted (§6.3).',
    steps: [{ signal: bySupervisor('r', 5, 'resume', { lifts: ['p'] }) }, { signal: pause }],
    outcomes: [ack('received', 'running'), ack('complied', 'running')],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-lift-before-newer-hold',
    description:
      'A waiting resume does not lift a pause that arrives with a higher order: the pause takes effect (§6.3).',
    steps: [{ signal: bySupervisor('r', 2, 'resume', { lifts: ['p'] }) }, { signal: pause }],
    outcomes: [ack('received', 'running'), ack('complied', 'paused')],
    mode: 'paused',
    holds: ['p'],
  },
  {
    id: 'guard-duplicate-signal',
    description: 'The same signal twice: the same acknowledgement bytes, one hold (§6.4).',
    steps: [{ signal: stop }, { signal: stop }],
    outcomes: [ack('complied', 'stopped'), ack('complied', 'stopped', { duplicate: true })],
    mode: 'stopped',
    holds: ['s'],
  },
  {
    id: 'guard-jti-conflict',
    description: 'The same jti with other bytes (§6.4).',
    steps: [{ signal: stop }, { signal: bySupervisor('s', 4, 'stop', { reason: 'another reason' }) }],
    outcomes: [ack('complied', 'stopped'), error('ERR_OV_CONFLICT', 'stopped')],
    mode: 'stopped',
    holds: ['s'],
  },
  {
    id: 'guard-order-conflict',
    description: 'Two different signals with one order [ctl, epoch, seq] (§6.4).',
    steps: [{ signal: pause }, { signal: bySupervisor('x', 3, 'stop') }],
    outcomes: [ack('complied', 'paused'), error('ERR_OV_CONFLICT', 'paused')],
    mode: 'paused',
    holds: ['p'],
  },
  {
    id: 'guard-out-of-scope',
    description: 'A task-scoped stop at an agent that runs no action of that task (§7.5).',
    steps: [{ signal: bySupervisor('s', 1, 'stop', { scope: { kind: 'task', target: 'task-9', propagate: false } }) }],
    outcomes: [error('ERR_OV_OUT_OF_SCOPE', 'running')],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-domain-scope',
    description: 'A domain-scoped stop at an agent configured as a member of that domain (§7.5).',
    steps: [
      {
        signal: overrideSignal.sign(signalWith({ scope: { kind: 'domain', target: 'ward-3', propagate: false } }), olu),
      },
    ],
    outcomes: [ack('complied', 'stopped')],
    mode: 'stopped',
    holds: ['ov-sig-0001'],
  },
  {
    id: 'guard-refused-ack',
    description:
      'An unauthorised signal is answered by a signed refused acknowledgement and changes nothing (§4.3, §8.2 step 4).',
    steps: [
      {
        signal: overrideSignal.sign(
          supervisorSignal('s', 1, 'stop', { iss: 'mailto:ada@example.org', role: 'auditor' }),
          auditor,
        ),
      },
    ],
    outcomes: [ack('refused', 'running', { code: 'ERR_OV_UNAUTHORIZED' })],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-release-lifts-stop',
    description: 'A safety officer’s release lifts the Emergency stop it names (§6.3, §5.3).',
    steps: [
      { signal: overrideSignal.sign(signalWith({}), olu) },
      { signal: overrideSignal.sign(releaseOf({ policy: { pid: 'ward-3', ver: 4 } }), olu) },
    ],
    outcomes: [ack('complied', 'stopped'), ack('complied', 'running')],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-lift-other-ctl',
    description: 'A release from another control plane names a hold it did not create (§6.3 rule 1).',
    steps: [
      { signal: overrideSignal.sign(signalWith({}), olu) },
      { signal: overrideSignal.sign(releaseOf({ ctl: 'spiffe://example.org/other-ctl' }), olu) },
    ],
    outcomes: [ack('complied', 'stopped'), error('ERR_OV_LIFT_MISMATCH', 'stopped')],
    mode: 'stopped',
    holds: ['ov-sig-0001'],
  },
  {
    id: 'guard-two-person-release',
    description: 'Under the two-person policy, a release two safety officers signed lifts the Emergency stop (§5.4).',
    policy: signedPolicy(sampleTwoPersonPolicyClaims),
    steps: [{ signal: twoPersonStop }, { signal: cosigned(releaseOf(), olu, ines) }],
    outcomes: [ack('complied', 'stopped'), ack('complied', 'running')],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-two-person-one-signer',
    description:
      'Under the two-person policy, a release one safety officer signed is refused; the agent stays stopped (§5.4).',
    policy: signedPolicy(sampleTwoPersonPolicyClaims),
    steps: [{ signal: twoPersonStop }, { signal: cosigned(releaseOf(), olu) }],
    outcomes: [ack('complied', 'stopped'), ack('refused', 'stopped', { code: 'ERR_OV_QUORUM' })],
    mode: 'stopped',
    holds: ['ov-sig-0001'],
  },
  {
    id: 'guard-revoked-key',
    description: 'After a Key Revocation of the supervisor’s key, the supervisor’s stop is refused (§5.5).',
    steps: [{ revocation: revocationOf(supervisor, SAMPLE_NOW - 60, SAM) }, { signal: stop }],
    outcomes: [{ result: 'accepted', mode: 'running' }, ack('refused', 'running', { code: 'ERR_OV_KEY_REVOKED' })],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-policy-stale',
    description: 'A policy with a lower ver than the one held (§5.1).',
    policy: signedPolicy(sampleTwoPersonPolicyClaims),
    steps: [{ policy: signedPolicy(samplePolicyClaims) }],
    outcomes: [error('ERR_OV_STALE', 'running')],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-policy-newer',
    description: 'A newer policy replaces the held one: its grants judge the next signal (§5.1, §5.4).',
    steps: [
      { policy: signedPolicy(sampleTwoPersonPolicyClaims) },
      { signal: twoPersonStop },
      { signal: overrideSignal.sign(releaseOf(), olu) },
    ],
    outcomes: [
      { result: 'accepted', mode: 'running' },
      ack('complied', 'stopped'),
      ack('refused', 'stopped', { code: 'ERR_OV_QUORUM' }),
    ],
    mode: 'stopped',
    holds: ['ov-sig-0001'],
  },
  {
    id: 'guard-lease-lapse-pause',
    description:
      'An agent starts in lapse until its first lease; past receipt + ttl + 2 s it lapses into the lease’s safe ' +
      'state pause, its heartbeat carries lapsed_at (exp + 2 s), and a later lease lifts the lapse (§4.5, §9).',
    lease: { ctl: SAMPLE_CTL },
    steps: [
      { lease: leaseAt('ov-lease-a', 0, { safe_state: 'pause' }) },
      { advance: 31 },
      { advance: 2 },
      { heartbeat: true },
      { lease: leaseAt('ov-lease-b', 33, { safe_state: 'pause' }) },
    ],
    outcomes: [
      accepted('running'),
      { result: 'advanced', mode: 'running' },
      { result: 'advanced', mode: 'paused' },
      { result: 'heartbeat', lapsed_at: SAMPLE_NOW + 32, mode: 'paused' },
      accepted('running'),
    ],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-lease-lapse-stop',
    description:
      'Safe state stop: the lapse puts the agent in safe_state; a new lease does not lift it, a release naming ' +
      'lapse:<lease jti> does (§6.3, §9).',
    lease: { ctl: SAMPLE_CTL },
    steps: [
      { lease: leaseAt('ov-lease-a', 0) },
      { advance: 33 },
      { lease: leaseAt('ov-lease-b', 33) },
      {
        signal: overrideSignal.sign(
          releaseOf({ jti: 'ov-sig-rel', seq: 2, lifts: ['lapse:ov-lease-a'], policy: { pid: 'ward-3', ver: 4 } }),
          olu,
        ),
      },
    ],
    outcomes: [
      accepted('running'),
      { result: 'advanced', mode: 'safe_state' },
      accepted('safe_state'),
      ack('complied', 'running'),
    ],
    mode: 'running',
    holds: [],
  },
  {
    id: 'guard-late-constraint',
    description:
      'Constraint C2, then C1 of a lower order: C1 is a hold but C2’s profile stays enforced, so a dispense C1 ' +
      'allows and C2 caps is refused by the monitor (§6.2, §8.1).',
    profiles: true,
    steps: [
      { signal: lateConstraint.c2 },
      { signal: lateConstraint.c1 },
      { run: { name: 'pharmacy.dispense', params: { units: 2000 }, task: 'task-dispense-5' } },
      { run: { name: 'pharmacy.dispense', params: { units: 500 }, task: 'task-dispense-6' } },
    ],
    outcomes: [
      ack('complied', 'constrained'),
      ack('complied', 'constrained'),
      started('constrained'),
      started('constrained'),
    ],
    mode: 'constrained',
    holds: ['c2', 'c1'],
    runs: [
      { result: 'error', error: 'ERR_BV_ACTION_BLOCKED' },
      { result: 'ran', act_digest: actionDigest({ name: 'pharmacy.dispense', params: { units: 500 } }) },
    ],
  },
  {
    id: 'guard-constraint-narrows',
    description:
      'Constraint C1, then C2 of a higher order whose profile narrows C1’s (a lower cap): C2 is enforced, so a ' +
      'dispense C1 allows is refused by the monitor (§8.1).',
    profiles: true,
    steps: [
      { signal: lateConstraint.c1 },
      { signal: lateConstraint.c2 },
      { run: { name: 'pharmacy.dispense', params: { units: 2000 }, task: 'task-dispense-5' } },
    ],
    outcomes: [ack('complied', 'constrained'), ack('complied', 'constrained'), started('constrained')],
    mode: 'constrained',
    holds: ['c1', 'c2'],
    runs: [{ result: 'error', error: 'ERR_BV_ACTION_BLOCKED' }],
  },
  {
    id: 'guard-constraint-widens',
    description:
      'Constraint C2, then C3 of a higher order whose profile raises the cap: a constrain only narrows, so C3 is ' +
      'answered cannot_comply with ERR_OV_CONSTRAINT_WIDENS, creates no hold, and C2’s profile stays enforced (§8.1).',
    profiles: true,
    steps: [
      { signal: lateConstraint.c2 },
      { signal: wideningConstraint },
      { run: { name: 'pharmacy.dispense', params: { units: 2000 }, task: 'task-dispense-5' } },
    ],
    outcomes: [
      ack('complied', 'constrained'),
      ack('cannot_comply', 'constrained', { code: 'ERR_OV_CONSTRAINT_WIDENS' }),
      started('constrained'),
    ],
    mode: 'constrained',
    holds: ['c2'],
    runs: [{ result: 'error', error: 'ERR_BV_ACTION_BLOCKED' }],
  },
  {
    id: 'ack-declined-mandatory',
    description:
      'The control plane takes a declined acknowledgement of a Mandatory pause and judges it at the deadline: a ' +
      'refusal to comply, ERR_OV_DECLINE_NOT_ALLOWED, evidence non_compliant (§3.1, §7.7).',
    controlPlane: { ctl: SAMPLE_CTL },
    steps: [
      { ctlIssue: declinedMandatory.pause },
      { ctlAck: declinedMandatory.declined },
      { advance: 91 },
      { ctlEvidence: 'p' },
    ],
    outcomes: [
      accepted('running'),
      accepted('running'),
      { result: 'advanced', mode: 'running' },
      {
        result: 'evidence',
        verdict: 'non_compliant',
        checks: [
          { kind: 'ack_in_time', result: 'fail', code: 'ERR_OV_DECLINE_NOT_ALLOWED' },
          { kind: 'no_ect_after_halt', result: 'unknown' },
        ],
        mode: 'running',
      },
    ],
    mode: 'running',
    holds: [],
  },
  {
    id: 'approval-edit',
    description:
      'A gated dispense waits for a pharmacist; an edit decision lowers the units: the edited action is the one run ' +
      '(§4.6, §8.4).',
    steps: [
      { run: DISPENSE },
      {
        decision: decisionTemplate({ decision: 'edit', edited: EDITED, edited_digest: editedDigest }),
        signer: 'op-safety-officer-2',
      },
    ],
    outcomes: [started('running'), accepted('running')],
    mode: 'running',
    holds: [],
    runs: [{ result: 'ran', act_digest: editedDigest }],
  },
  {
    id: 'approval-timeout-fail-closed',
    description: 'No decision by the request’s exp (900 s): the action fails closed (§4.6, §8.4).',
    steps: [{ run: DISPENSE }, { advance: 899 }, { advance: 2 }],
    outcomes: [started('running'), { result: 'advanced', mode: 'running' }, { result: 'advanced', mode: 'running' }],
    mode: 'running',
    holds: [],
    runs: [{ result: 'error', error: 'ERR_OV_APPROVAL_TIMEOUT' }],
  },
  {
    id: 'approval-digest-mismatch',
    description:
      'A decision whose act_digest names another action counts for nothing; the action keeps waiting (§8.4).',
    steps: [
      { run: DISPENSE },
      { decision: decisionTemplate({ decision: 'approve', act_digest: editedDigest }), signer: 'op-safety-officer-2' },
    ],
    outcomes: [started('running'), error('ERR_OV_APPROVAL_MISMATCH', 'running')],
    mode: 'running',
    holds: [],
    runs: [{ result: 'waiting' }],
  },
  {
    id: 'handoff-wrong-human',
    description:
      'The control plane takes the Hand-off of a takeover for Sam: one to Ines is refused, the one to Sam taken ' +
      '(§4.7, §7.7).',
    controlPlane: { ctl: SAMPLE_CTL, tasks: ['task-dispense-4'] },
    steps: [{ ctlIssue: wrongHuman.takeover }, { ctlRecord: wrongHuman.toInes }, { ctlRecord: wrongHuman.toSam }],
    outcomes: [accepted('running'), error('ERR_OV_HANDOFF_INVALID', 'running'), accepted('running')],
    mode: 'running',
    holds: [],
  },
];

/** `ov-guard` vectors. */
export function overrideProtocolGuardVectors(): Vector[] {
  const samplePolicy = signedPolicy(samplePolicyClaims);
  return CASES.map((c) => ({
    ...vector({
      id: c.id,
      description: c.description.replace(/\(§/g, '(override-protocol.md §'),
      kind: 'ov-guard',
      keys: {
        ...keysOf([authority, ...(c.lease ? [ctl] : []), ...(c.profiles ? [PROFILE_KEY] : [])], 'public'),
        ...keysOf(
          [agent, ...(c.controlPlane ? [ctl] : []), ...(c.steps.some((s) => 'decision' in s) ? [ines] : [])],
          'private',
        ),
      },
      input: {
        agent: SAMPLE_AGENT,
        ...(c.id === 'guard-domain-scope' ? { domains: ['ward-3'] } : {}),
        policy_cose_hex: hex(c.policy ?? samplePolicy),
        ...(c.lease ? { lease: c.lease } : {}),
        ...(c.controlPlane ? { control_plane: c.controlPlane } : {}),
        steps: c.steps.map(stepInput),
      },
      options: {
        agent_key: 'agent-dispenser',
        authority: 'policy-authority',
        ...(c.lease || c.controlPlane ? { ctl_key: 'override-ctl' } : {}),
        ...(c.profiles ? { profile_key: 'ward-3-operator' } : {}),
      },
      expected: {
        result: 'valid',
        steps: c.outcomes,
        mode: c.mode,
        holds: c.holds,
        ...(c.runs ? { runs: c.runs } : {}),
      },
    }),
    package: 'override-protocol',
  }));
}

function stepInput(s: Step) {
  if ('signal' in s) return { signal_cose_hex: hex(s.signal) };
  if ('policy' in s) return { policy_cose_hex: hex(s.policy) };
  if ('revocation' in s) return { revocation_cose_hex: hex(s.revocation) };
  if ('lease' in s) return { lease_cose_hex: hex(s.lease) };
  if ('advance' in s) return { advance_seconds: s.advance };
  if ('run' in s) return { run: s.run };
  if ('decision' in s) return { decision: s.decision, signer: s.signer };
  if ('ctlIssue' in s) return { ctl_issue_cose_hex: hex(s.ctlIssue) };
  if ('ctlAck' in s) return { ctl_ack_cose_hex: hex(s.ctlAck) };
  if ('ctlRecord' in s) return { ctl_record_cose_hex: hex(s.ctlRecord) };
  if ('ctlEvidence' in s) return { ctl_evidence: s.ctlEvidence };
  return { heartbeat: true };
}

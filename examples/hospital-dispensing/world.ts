import type { RulesInput } from '@safety-net/behavioral-verification';
import {
  encodeCoseKey,
  generateKey,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  toBase64Url,
  utf8,
} from '@safety-net/core';
import type { AuthorityPolicyClaims } from '@safety-net/override-protocol';

/** The three agents of the dispensing chain, in the order work flows through them. */
export const ROLES = ['prescribing', 'pharmacy', 'dispensing'] as const;
export type Role = (typeof ROLES)[number];

export const agentId = (role: Role) => `spiffe://hospital.example/agent/${role}`;
export const CTL = 'spiffe://hospital.example/override-ctl';
export const COORDINATOR = 'spiffe://hospital.example/rollback-coordinator';
export const AUTHORITY = 'spiffe://hospital.example/policy-authority';
export const WARD = 'ward-3';

/** The humans and the supervisory system of the policy. */
export const PEOPLE = {
  /** The supervisory system that turns the behavioural monitors' flags into Mandatory pauses. */
  supervisor: 'spiffe://hospital.example/supervisor',
  pharmacist: 'mailto:ines@hospital.example',
  safetyOfficer: 'mailto:olu@hospital.example',
} as const;

/** A fixed key per party, derived from its name (deterministic runs); the name is its kid. */
export function keyOf(name: Role | keyof typeof PEOPLE | 'ctl' | 'coordinator' | 'authority'): PrivateKey {
  return { ...generateKey('Ed25519', seededRandom(`hospital-dispensing/${name}`)), kid: utf8(name) };
}

/** Each patient's maximum single dose of heparin in the ward's chart, in units. */
export const MAX_UNITS: Readonly<Record<string, number>> = { 'P-104': 5000, 'P-117': 7500 };

/**
 * The ward's behavioural profile, which every agent's monitor compiles: the actions each agent may take, and each
 * patient's maximum dose. A dose above it is flagged (`alert`), not blocked: overriding a maximum can be clinically
 * right, so the decision goes to a human through the override protocol.
 */
export const WARD_RULES: RulesInput = {
  actions: {
    unlisted: 'deny',
    rules: [
      { id: 'prescribe', effect: 'allow', pattern: 'rx.prescribe.*' },
      { id: 'fill', effect: 'allow', pattern: 'pharmacy.*' },
      { id: 'dispense', effect: 'allow', pattern: 'dispense.*' },
    ],
  },
  parameters: Object.entries(MAX_UNITS).map(([patient, max]) => ({
    id: `max-dose-${patient}`,
    action: `rx.prescribe.${patient}`,
    param: 'units',
    check: 'range' as const,
    min: '1',
    max: String(max),
    required: true,
  })),
  escalation: { parameter_out_of_range: ['alert'] },
};

const coseKey = (key: PrivateKey) => toBase64Url(encodeCoseKey(publicKeyOf(key)));

/**
 * The ward's authority policy: the supervisory system may pause and resume the ward; the pharmacist may take over
 * a pharmacy task and release it; the safety officer may stop at Emergency and release. Signed with `iat` given,
 * so that every process signs the same bytes.
 */
export function policyClaims(iat: number): AuthorityPolicyClaims {
  return {
    iss: AUTHORITY,
    iat,
    exp: iat + 86_400,
    jti: 'ov-policy-ward-3-v1',
    wid: 'ov-policy-ward-3',
    pred: [],
    pid: WARD,
    ver: 1,
    operators: [
      { id: PEOPLE.supervisor, roles: ['supervisor'], keys: [coseKey(keyOf('supervisor'))] },
      { id: PEOPLE.pharmacist, roles: ['pharmacist'], keys: [coseKey(keyOf('pharmacist'))] },
      { id: PEOPLE.safetyOfficer, roles: ['safety_officer'], keys: [coseKey(keyOf('safetyOfficer'))] },
    ],
    grants: [
      {
        roles: ['supervisor'],
        levels: ['mandatory'],
        actions: ['pause', 'resume'],
        scopes: ['domain'],
        targets: [WARD],
      },
      { roles: ['pharmacist'], levels: ['mandatory'], actions: ['takeover', 'release'], scopes: ['task'] },
      {
        roles: ['safety_officer'],
        levels: ['mandatory', 'emergency'],
        actions: ['stop', 'release'],
        scopes: ['agent', 'domain'],
      },
    ],
  };
}

/** What the parent hands each agent process on its command line. */
export interface AgentConfig {
  readonly role: Role;
  /** The run, for the agent's seeded ids. */
  readonly run: string;
  /** The SQLite file of its guard's state and of its rollback participant. */
  readonly db: string;
  /** The control plane's base URL (acknowledgements, hand-offs). */
  readonly ctl: string;
  /** The policy's `iat`, the same for every process. */
  readonly policyIat: number;
  /** A dispensing agent that ignores override signals. */
  readonly faulty?: boolean;
}

/** Where an agent serves its override endpoint. */
export const OVERRIDE = '/.well-known/safety-net/override';

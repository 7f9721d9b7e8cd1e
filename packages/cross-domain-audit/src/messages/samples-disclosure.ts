/**
 * Sample Execution Audit Tokens, valid at {@link SAMPLE_NOW}: the auditing domain's key, the presenting key its
 * `cnf` names, and two records (an agent's action under GDPR and the EU AI Act, a clinician's under HIPAA). Keys
 * come from fixed seeds, so the samples are the same everywhere.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { generateKey, keyToJwk, type PrivateKey, publicKeyOf, seededRandom, toBase64Url, utf8 } from '@safety-net/core';
import { builtinProfiles } from '../profiles/registry.js';
import { EAT_VCT, type EatClaims, eat } from './eat.js';
import { SAMPLE_NOW } from './samples.js';

/** A fixed signing key for the disclosure samples, derived from its name, with the name as its kid. */
export function disclosureSampleKey(name: string, curve: 'Ed25519' | 'P-256' = 'Ed25519'): PrivateKey {
  return { ...generateKey(curve, seededRandom(`cross-domain-audit/${name}`)), kid: utf8(name) };
}

/** The auditing domain's key and the key that presents its disclosures. */
export const EAT_SAMPLE_KEYS = {
  domain: disclosureSampleKey('pharmacy-audit'),
  holder: disclosureSampleKey('pharmacy-presenter'),
} as const;

const { jwk: _unused, ...noKid } = {
  jwk: undefined,
  ...keyToJwk(publicKeyOf({ ...EAT_SAMPLE_KEYS.holder, kid: undefined })),
};
const cnf = { jwk: noKid };
const profiles = builtinProfiles();
/** A stand-in digest: SHA-256 of a label. */
const digest = (label: string) => toBase64Url(sha256(utf8(label)));

/** An agent dispensed a prescription: GDPR record of processing and EU AI Act logging (`audit` retention class). */
export const sampleEatClaims: EatClaims = {
  iss: 'https://audit.pharmacy.example',
  iat: SAMPLE_NOW,
  jti: 'au-eat-0001',
  wid: 'wf-dispense-17',
  pred: ['ect-dispense-0042', 'bv-bet-0007'],
  cnf,
  vct: EAT_VCT,
  ect: {
    jti: 'ect-dispense-0042',
    wid: 'wf-dispense-17',
    iss: 'spiffe://pharmacy.example/agent/dispenser',
    digest: digest('ect-dispense-0042'),
  },
  actor: { kind: 'agent', id: 'spiffe://pharmacy.example/agent/dispenser', domain: 'pharmacy.example' },
  action: 'dispense',
  outcome: 'succeeded',
  inp_hash: digest('prescription rx-981'),
  out_hash: digest('dispensed rx-981'),
  time: { start: SAMPLE_NOW - 20, end: SAMPLE_NOW - 5 },
  reg: {
    profiles: [profiles.ref('gdpr-art30'), profiles.ref('eu-ai-act-art12')],
    jurisdiction: ['EU'],
    retention_class: 'audit',
    legal_basis: 'gdpr-9-2-h',
    purpose: 'dispensing a prescribed medicine',
    data_categories: ['prescription', 'health'],
    subjects: [digest('subject patient-1'), digest('subject prescriber-2')],
    controller: 'https://pharmacy.example',
    recipients: ['https://insurer.example'],
    transfers: [],
    security: digest('toms-2026'),
  },
  stitch: [
    { rel: 'caused_by', domain: 'hospital.example', log: 'log.hospital.example/audit', ect: 'ect-dispense-0042' },
  ],
  refs: ['bv-bet-0007'],
};

const { stitch: _stitch, ...withoutStitch } = sampleEatClaims;

/** A clinician's action under HIPAA: a human actor, so `actor` and `sub` are redacted too (spec §3.3). */
export const sampleHumanEatClaims: EatClaims = {
  ...withoutStitch,
  jti: 'au-eat-0002',
  sub: 'clinician-4711',
  actor: { kind: 'human', id: 'mailto:dr.ada@pharmacy.example' },
  action: 'review',
  reg: {
    profiles: [profiles.ref('hipaa-164-312b')],
    jurisdiction: ['US'],
    retention_class: 'audit',
    data_categories: ['prescription'],
    subjects: [digest('subject patient-1')],
  },
};

/** The EAT's sample for the message suites: its claims and the auditing domain's key. */
export const EAT_SAMPLES = [{ type: eat, claims: sampleEatClaims, key: EAT_SAMPLE_KEYS.domain }] as const;

import { ect, fixedClock } from '@safety-net/core';
import type { MessageCase } from '../../../../test-support/message-suites.js';
import { disclosureSampleKey, EAT_SAMPLES, SAMPLE_NOW } from '../../src/testing.js';

export const clock = fixedClock(SAMPLE_NOW * 1000);

/** The ECT the sample EAT audits: a message of another type, for the suites' type-confusion checks. */
const auditedEct: MessageCase = {
  type: ect,
  claims: {
    iss: 'spiffe://pharmacy.example/agent/dispenser',
    aud: 'spiffe://pharmacy.example/dispensary',
    iat: SAMPLE_NOW - 30,
    exp: SAMPLE_NOW + 600,
    jti: 'ect-dispense-0042',
    wid: 'wf-dispense-17',
    exec_act: 'dispense',
    pred: [],
  },
  key: disclosureSampleKey('dispenser'),
};

export const cases: MessageCase[] = [...EAT_SAMPLES.map((s) => ({ ...s })), auditedEct];

/** A key of the same curve that must not verify. */
export const stranger = (key: { curve: string }) =>
  disclosureSampleKey('stranger', key.curve === 'Ed25519' ? 'Ed25519' : 'P-256');

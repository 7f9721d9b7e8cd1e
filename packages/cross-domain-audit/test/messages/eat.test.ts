import { dagNodeOf } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { describeMessageGarbage, describeMessageRoundTrips } from '../../../../test-support/message-suites.js';
import { eat } from '../../src/messages/eat.js';
import { AUDIT_MESSAGE_TYPES } from '../../src/messages/index.js';
import { sampleEatClaims } from '../../src/testing.js';
import { cases, clock, stranger } from './eat-fixtures.js';

describeMessageRoundTrips(cases, clock, stranger);
describeMessageGarbage(cases, clock);

describe('the Execution Audit Token as a message type', () => {
  it('is registered, and is a node of the ECT DAG after the ECT it audits', () => {
    expect(AUDIT_MESSAGE_TYPES).toContain(eat);
    const node = dagNodeOf(eat, sampleEatClaims);
    expect(node).toMatchObject({ exec_act: 'au.eat', jti: 'au-eat-0001', pred: ['ect-dispense-0042', 'bv-bet-0007'] });
  });

  it('refuses claims that break its rules', () => {
    const broken = [
      { ...sampleEatClaims, pred: ['another-ect'] },
      { ...sampleEatClaims, wid: 'another-workflow' },
      { ...sampleEatClaims, time: { start: sampleEatClaims.iat + 1 } },
      { ...sampleEatClaims, vct: 'urn:other' },
      { ...sampleEatClaims, reg: { ...sampleEatClaims.reg, subjects: [] } },
      { ...sampleEatClaims, inp_hash: 'not-a-digest' },
    ];
    for (const claims of broken) {
      expect(() => eat.parse(claims), JSON.stringify(claims).slice(0, 80)).toThrow(
        expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }),
      );
    }
  });
});

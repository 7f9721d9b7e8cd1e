import type { DagNode } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { complianceChecks } from '../../src/controller/compliance.js';
import { SAMPLE_AGENT, sampleAckClaims, sampleSignalClaims } from '../../src/testing.js';

const haltedAt = sampleAckClaims.halted_at!;

/** The `no_ect_after_halt` check of the sample stop, its agent having issued `node` a minute after it halted. */
function afterHalt(execAct: string) {
  const node: DagNode = {
    jti: 'later',
    wid: sampleSignalClaims.wid,
    iat: haltedAt + 60,
    iss: SAMPLE_AGENT,
    exec_act: execAct,
    pred: [],
    ect_ext: undefined,
    payload: undefined,
    position: 0,
  };
  const input = { signal: sampleSignalClaims, agent: SAMPLE_AGENT, acks: [sampleAckClaims], skew: 30, work: [node] };
  return complianceChecks(input).checks.find((c) => c.kind === 'no_ect_after_halt');
}

describe('no_ect_after_halt', () => {
  it('exempts exactly the actions of the override, rollback and BET records', () => {
    for (const act of [
      'ov.ack',
      'ov.heartbeat',
      'ov.handoff',
      'cp.compensation',
      'cp.rollback-complete',
      'bv.bet.issue',
    ])
      expect(afterHalt(act), act).toEqual({ kind: 'no_ect_after_halt', result: 'pass' });
  });

  it('counts work named like a record as work', () => {
    for (const act of ['ov.dispense', 'cp.anything', 'pharmacy.dispense'])
      expect(afterHalt(act), act).toMatchObject({ result: 'fail', ref: 'later', code: 'ERR_OV_STOPPED' });
  });
});

import { publicKeyOf } from '@safety-net/core';
import { escalationRecord } from '@safety-net/override-protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Run1Report, type Run2Report, runFaultyRobot, runHallucinatedDose } from './scenario.js';
import { agentId, CTL, keyOf, PEOPLE } from './world.js';

// Both runs start three agent processes each; they run once and every test reads their reports.
let one: Run1Report;
let two: Run2Report;
beforeAll(async () => {
  one = await runHallucinatedDose();
  two = await runFaultyRobot();
}, 120_000);

describe('example: hospital dispensing, run 1 (a hallucinated dose)', () => {
  it('flags the dose above the patient maximum and pauses every agent of the ward before the second dose', () => {
    expect(one.flags).toEqual(['max-dose-P-104']);
    expect(one.pauseAcks).toEqual({ prescribing: 'complied', pharmacy: 'complied', dispensing: 'complied' });
    expect(one.pausedRefusal).toBe('ERR_OV_PAUSED');
    expect(one.signalToHaltMs).toBeGreaterThan(0);
  });

  it('hands the pharmacy step to the pharmacist with a signed Hand-off, and the chain continues under her identity', () => {
    expect(one.takeoverAcks).toEqual({ pharmacy: 'complied' });
    expect(one.handoff).toMatchObject({ to: PEOPLE.pharmacist, task: 'fill-rx-2', matches: true });
    // Seeded ids: the same Hand-off id on every run.
    expect(one.handoff.jti).toBe('ov-hnd-808de724-adc7-4a49-9bdf-29ca351c58c1');
    expect(one.pharmacistEct).toEqual({
      path: '/doses',
      iss: PEOPLE.pharmacist,
      jti: 'fill-rx-2-verified',
      exec_act: 'pharmacy.release',
      pred: [one.handoff.jti],
    });
    // The agent itself may no longer work on the task it handed over, even once the ward resumed.
    expect(one.takenOverRefusal).toBe('ERR_OV_TAKEN_OVER');
  });

  it('recalls the dose already dispensed through the rollback coordinator, then resumes', () => {
    expect(one.rollback.status).toBe('completed');
    expect(one.rollback.compensated).toEqual(['dispense-fill-rx-2-dose-1']);
    expect(one.rollback.released).toBe(true);
    expect(one.cabinetAfterRollback['cabinet/P-104']).toBe('none');
    expect(one.resumeAcks).toEqual({ prescribing: 'complied', pharmacy: 'complied', dispensing: 'complied' });
    // The pharmacist's dose for P-104, and rx-4 through the whole chain once the ward resumed.
    expect(one.finalCabinet).toEqual({ 'cabinet/P-117': '2500 units heparin', 'cabinet/P-104': '5000 units heparin' });
  });
});

describe('example: hospital dispensing, run 2 (a robot that ignores an Emergency stop)', () => {
  it('finds no acknowledgement by the deadline, resent meanwhile, and signs non-compliant evidence', () => {
    expect(two.attempts).toBeGreaterThan(1);
    expect(two.verdict).toBe('non_compliant');
    expect(two.failedCheck).toEqual({ kind: 'ack_in_time', code: 'ERR_OV_DEADLINE_EXCEEDED' });
    // The robot never applied the stop.
    expect(two.modes.dispensing).toBe('running');
  });

  it('escalates in full, each step a record that verifies under the control plane key', () => {
    expect(two.escalations).toEqual([
      { step: 'notify', outcome: 'done', targets: ['olu@hospital.example'] },
      { step: 'breaker_open', outcome: 'done', targets: ['prescribing', 'pharmacy'] },
      { step: 'key_revoked', outcome: 'done', targets: [] },
      { step: 'domain_isolated', outcome: 'done', targets: ['prescribing', 'pharmacy'] },
    ]);
    // Verified here again, under the control plane's public key alone.
    for (const bytes of two.escalationRecords) {
      const verified = escalationRecord.verify(bytes, { key: publicKeyOf(keyOf('ctl')) });
      expect(verified.ok && [verified.claims.iss, verified.claims.agent, verified.claims.signal]).toEqual([
        CTL,
        agentId('dispensing'),
        'ov-sig-estop-dispensing',
      ]);
    }
    expect(two.openBreakers).toEqual({ pharmacy: ['dispensing'], prescribing: ['dispensing'] });
    expect(two.isolated).toEqual({ pharmacy: ['dispensing'], prescribing: ['dispensing'] });
  });

  it('has the other agents refuse the robot’s work: its reports by its revoked key, new doses by the open breaker', () => {
    expect(two.reportsBefore.map((r) => [r.peer, r.status])).toEqual([
      ['pharmacy', 200],
      ['prescribing', 200],
    ]);
    expect(two.reportsAfter.map((r) => [r.peer, r.code])).toEqual([
      ['pharmacy', 'ERR_OV_KEY_REVOKED'],
      ['prescribing', 'ERR_OV_KEY_REVOKED'],
    ]);
    expect(two.releaseRefusal).toBe('ERR_CP_CIRCUIT_OPEN');
    // Escalation waits for the deadline, a second after the stop (not a millisecond: the stop is issued as a second
    // begins); the two clocks read may differ by a millisecond or two.
    expect(two.deadlineInMs).toBeGreaterThan(500);
    expect(two.signalToHaltMs).toBeGreaterThanOrEqual(two.deadlineInMs - 5);
  });
});

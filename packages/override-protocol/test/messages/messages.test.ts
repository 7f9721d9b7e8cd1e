import {
  dagNodeOf,
  decodeCbor,
  decodeSign1,
  EctDag,
  fromBase64Url,
  keyFromCoseKey,
  publicKeyOf,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { describeMessageRoundTrips, type MessageCase } from '../../../../test-support/message-suites.js';
import {
  type ActionName,
  acknowledgement,
  actionDigest,
  approvalDecision,
  authorityPolicy,
  complianceEvidence,
  escalationRecord,
  lease,
  OVERRIDE_MESSAGE_TYPES,
  type OverrideSignalClaims,
  overrideSignal,
} from '../../src/messages/index.js';
import {
  SAMPLE_KEYS,
  SAMPLE_PROFILE_COSE,
  sampleAckClaims,
  sampleApprovalDecisionClaims,
  sampleEscalationClaims,
  sampleEvidenceClaims,
  sampleLeaseClaims,
  samplePolicyClaims,
  sampleSignalClaims,
} from '../../src/testing.js';
import { cases, clock, NOW, strangerKey, strangerP256Key } from './fixtures.js';

describeMessageRoundTrips(cases, clock, (key) => (key.curve === 'P-256' ? strangerP256Key : strangerKey));

/** Signing `claims` of `type` must fail schema validation. */
const refused = (type: MessageCase['type'], claims: object) =>
  expect(() => type.sign(claims, SAMPLE_KEYS.agent)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));
const signal = sampleSignalClaims;
const withAction = (name: ActionName, params: Record<string, unknown> = {}): OverrideSignalClaims => {
  const action = { name, params };
  return { ...signal, action, act_digest: actionDigest(action) };
};

describe('wire form', () => {
  it('registers the eleven types of spec §4 with their typ and exec_act', () => {
    expect(OVERRIDE_MESSAGE_TYPES.map((t) => t.name)).toEqual([
      'ov-signal',
      'ov-ack',
      'ov-evidence',
      'ov-lease',
      'ov-heartbeat',
      'ov-approval-request',
      'ov-approval-decision',
      'ov-handoff',
      'ov-policy',
      'ov-revocation',
      'ov-escalation',
    ]);
    for (const t of OVERRIDE_MESSAGE_TYPES) {
      expect(t.typ).toBe(`application/${t.name}+cwt`);
      expect(t.jws?.typ).toBe(`${t.name}+jwt`);
      expect(t.dag?.execAct).toBe(t.name.replace(/^ov-/, 'ov.'));
    }
  });

  it('carries registered claims on their CWT labels, jti as cti bytes and act_digest as 32 bytes', () => {
    const payload = decodeCbor(decodeSign1(overrideSignal.sign(signal, SAMPLE_KEYS.safetyOfficer)).payload!) as Map<
      unknown,
      unknown
    >;
    expect([...payload.keys()].filter((k) => typeof k === 'number')).toEqual([1, 4, 6, 7]);
    expect(new TextDecoder().decode(payload.get(7) as Uint8Array)).toBe('ov-sig-0001');
    expect(payload.get('act_digest')).toBeInstanceOf(Uint8Array);
    expect((payload.get('act_digest') as Uint8Array).length).toBe(32);
    expect(payload.get('action')).toEqual(
      new Map<string, unknown>([
        ['name', 'stop'],
        ['params', new Map()],
      ]),
    );
  });

  it('carries operator keys as COSE_Key bytes that decode to the operators’ public keys', () => {
    const payload = decodeCbor(decodeSign1(authorityPolicy.sign(samplePolicyClaims, SAMPLE_KEYS.authority)).payload!);
    const first = ((payload as Map<string, unknown>).get('operators') as Map<string, unknown>[])[0]!;
    const key = (first.get('keys') as Uint8Array[])[0]!;
    expect(key).toBeInstanceOf(Uint8Array);
    expect(keyFromCoseKey(key)).toEqual(publicKeyOf(SAMPLE_KEYS.supervisor));
    expect(keyFromCoseKey(fromBase64Url(samplePolicyClaims.operators[0]!.keys[0]!))).toEqual(
      publicKeyOf(SAMPLE_KEYS.supervisor),
    );
  });

  it('places every message in the ECT DAG with ov_signal and ov_act where it names a signal', () => {
    const dag = new EctDag();
    dag.insert({ jti: 'task-dispense-3', wid: 'wf-dispense-17', iat: NOW - 10, iss: 'a', exec_act: 'x', pred: [] });
    dag.insert(dagNodeOf(overrideSignal, signal));
    dag.insert(dagNodeOf(acknowledgement, sampleAckClaims));
    const node = dagNodeOf(complianceEvidence, sampleEvidenceClaims);
    expect(node.exec_act).toBe('ov.evidence');
    expect(node.ect_ext).toEqual({ ov_signal: 'ov-sig-0001', ov_act: signal.act_digest });
    dag.insert(node);
    expect(dagNodeOf(escalationRecord, sampleEscalationClaims).ect_ext).toEqual({ ov_signal: 'ov-sig-0001' });
    expect(dag.size).toBe(4);
  });
});

describe('Override Signal rules (spec §3.2, §3.3, §4.1)', () => {
  it('refuses an Emergency pause, rollback or constrain: Emergency is reserved for stop', () => {
    refused(overrideSignal, { ...withAction('pause'), category: undefined });
    refused(overrideSignal, { ...withAction('constrain', { profile: SAMPLE_PROFILE_COSE }), category: undefined });
  });

  it('requires category for stop only', () => {
    refused(overrideSignal, { ...signal, category: undefined });
    refused(overrideSignal, { ...signal, category: 2 });
    refused(overrideSignal, { ...withAction('pause'), level: 'mandatory' });
    expect(() =>
      overrideSignal.sign({ ...withAction('pause'), level: 'mandatory', category: undefined }, SAMPLE_KEYS.agent),
    ).not.toThrow();
  });

  it('requires lifts exactly for resume and release, at most 100', () => {
    const resume = { ...withAction('resume'), level: 'mandatory' as const, category: undefined };
    refused(overrideSignal, resume);
    refused(overrideSignal, { ...resume, lifts: [] });
    refused(overrideSignal, { ...resume, lifts: Array.from({ length: 101 }, (_, i) => `h-${i}`) });
    expect(() => overrideSignal.sign({ ...resume, lifts: ['ov-sig-0001'] }, SAMPLE_KEYS.agent)).not.toThrow();
    refused(overrideSignal, { ...signal, lifts: ['ov-sig-0000'] });
  });

  it('accepts exactly the parameters each action takes', () => {
    refused(overrideSignal, withAction('stop', { force: true }));
    const mandatory = { level: 'mandatory' as const, category: undefined };
    refused(overrideSignal, { ...withAction('constrain', { profile: 'AAAA' }), ...mandatory });
    expect(() =>
      overrideSignal.sign(
        { ...withAction('constrain', { profile: SAMPLE_PROFILE_COSE }), ...mandatory },
        SAMPLE_KEYS.agent,
      ),
    ).not.toThrow();
    const rollback = { root_cause: 't1', scope: 'descendants', known_good: ['t0'] };
    expect(() =>
      overrideSignal.sign({ ...withAction('rollback', rollback), ...mandatory }, SAMPLE_KEYS.agent),
    ).not.toThrow();
    refused(overrideSignal, { ...withAction('rollback', { ...rollback, known_good: ['t1'] }), ...mandatory });
    refused(overrideSignal, { ...withAction('stop', { n: 1.5 }) });
  });

  it('scopes a takeover to the task it takes', () => {
    const takeover = {
      ...withAction('takeover', { to: 'mailto:sam@example.org', task: 't1' }),
      level: 'mandatory' as const,
      category: undefined,
    };
    refused(overrideSignal, takeover);
    const scoped = { ...takeover, scope: { kind: 'task' as const, target: 't1', propagate: false } };
    expect(() => overrideSignal.sign(scoped, SAMPLE_KEYS.agent)).not.toThrow();
    refused(overrideSignal, { ...scoped, scope: { ...scoped.scope, target: 't2' } });
  });

  it('keeps the deadline between iat and exp and the lifetime within a day', () => {
    refused(overrideSignal, { ...signal, deadline: signal.exp + 1 });
    refused(overrideSignal, { ...signal, deadline: signal.iat - 1 });
    refused(overrideSignal, { ...signal, exp: signal.iat + 86_401, deadline: signal.iat + 5 });
  });
});

describe('rules of the other messages', () => {
  it('Acknowledgement: code with refused and cannot_comply only, reason with declined, halted_at with complied', () => {
    refused(acknowledgement, { ...sampleAckClaims, status: 'refused' });
    refused(acknowledgement, { ...sampleAckClaims, code: 'ERR_OV_UNAUTHORIZED' });
    refused(acknowledgement, { ...sampleAckClaims, status: 'declined', halted_at: undefined });
    refused(acknowledgement, { ...sampleAckClaims, status: 'received' });
    refused(acknowledgement, { ...sampleAckClaims, pred: ['other', 'ov-sig-0001'] });
    const refusal = { ...sampleAckClaims, status: 'refused', code: 'ERR_OV_UNAUTHORIZED', halted_at: undefined };
    expect(() => acknowledgement.sign(refusal as never, SAMPLE_KEYS.agent)).not.toThrow();
  });

  it('Compliance Evidence: the verdict follows the checks', () => {
    refused(complianceEvidence, { ...sampleEvidenceClaims, verdict: 'unknown' });
    const failed = [{ kind: 'ack_in_time', result: 'fail', code: 'ERR_OV_DEADLINE_EXCEEDED' }];
    refused(complianceEvidence, { ...sampleEvidenceClaims, checks: failed });
    expect(() =>
      complianceEvidence.sign(
        { ...sampleEvidenceClaims, checks: failed, verdict: 'non_compliant' } as never,
        SAMPLE_KEYS.ctl,
      ),
    ).not.toThrow();
  });

  it('Lease: exp is iat + ttl, ttl within 5..3600', () => {
    refused(lease, { ...sampleLeaseClaims, exp: sampleLeaseClaims.exp + 1 });
    refused(lease, { ...sampleLeaseClaims, ttl: 4, exp: sampleLeaseClaims.iat + 4 });
  });

  it('Approval Decision: edited and edited_digest go with an edit only', () => {
    refused(approvalDecision, { ...sampleApprovalDecisionClaims, decision: 'approve' });
    refused(approvalDecision, { ...sampleApprovalDecisionClaims, edited_digest: undefined });
  });

  it('Authority Policy: unique operators, one owner per key, every named role held (spec §5.1)', () => {
    const [sam, olu] = samplePolicyClaims.operators;
    refused(authorityPolicy, { ...samplePolicyClaims, operators: [sam, { ...olu!, id: sam!.id }] });
    refused(authorityPolicy, { ...samplePolicyClaims, operators: [sam, { ...olu!, keys: sam!.keys }] });
    refused(authorityPolicy, {
      ...samplePolicyClaims,
      grants: [{ ...samplePolicyClaims.grants[0]!, roles: ['nobody'] }],
    });
  });

  it('Escalation Record: a code goes with a failed step', () => {
    refused(escalationRecord, { ...sampleEscalationClaims, outcome: 'failed' });
    refused(escalationRecord, { ...sampleEscalationClaims, code: 'ERR_OV_ESCALATION_FAILED' });
  });
});

import { dagNodeOf, decodeCbor, decodeSign1, EctDag, fixedClock } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  describeMessageGarbage,
  describeMessageRoundTrips,
  type MessageCase,
} from '../../../../test-support/message-suites.js';
import {
  CASCADE_MESSAGE_TYPES,
  checkpoint,
  circuitAnnouncement,
  compensationResult,
  failureSignal,
  rollbackComplete,
  rollbackPlan,
  rollbackRequest,
  rollbackStatus,
} from '../../src/messages/index.js';
import {
  announcementClaims,
  checkpointClaims,
  compensationClaims,
  completeClaims,
  coordinatorKey,
  failureClaims,
  hostKey,
  NOW_MS,
  planClaims,
  requestClaims,
  strangerKey,
  strangerP256Key,
} from './fixtures.js';

const clock = fixedClock(NOW_MS);
const cases: MessageCase[] = [
  { type: circuitAnnouncement, claims: announcementClaims, key: hostKey },
  { type: failureSignal, claims: failureClaims, key: hostKey },
  { type: checkpoint, claims: checkpointClaims, key: hostKey },
  { type: rollbackRequest, claims: requestClaims, key: coordinatorKey },
  { type: rollbackPlan, claims: planClaims, key: coordinatorKey },
  { type: compensationResult, claims: compensationClaims, key: hostKey },
  { type: rollbackComplete, claims: completeClaims, key: coordinatorKey },
];

describeMessageRoundTrips(cases, clock, (key) => (key.curve === 'P-256' ? strangerP256Key : strangerKey));
describeMessageGarbage(cases, clock);

/** Signing `claims` must fail schema validation. */
const refused = (type: MessageCase['type'], claims: object) =>
  expect(() => type.sign(claims, hostKey)).toThrow(expect.objectContaining({ code: 'ERR_CLAIMS_INVALID' }));

describe('wire form', () => {
  it('registers all seven types with distinct typ values', () => {
    expect(CASCADE_MESSAGE_TYPES).toHaveLength(7);
    expect(new Set(CASCADE_MESSAGE_TYPES.map((t) => t.typ)).size).toBe(7);
  });

  it('carries digests as 32-byte strings and jti as cti (label 7), as the CDDL says', () => {
    const payload = decodeCbor(decodeSign1(checkpoint.sign(checkpointClaims, hostKey)).payload!) as Map<
      unknown,
      unknown
    >;
    expect(payload.get('before')).toBeInstanceOf(Uint8Array);
    expect((payload.get('before') as Uint8Array).length).toBe(32);
    expect(new TextDecoder().decode(payload.get(7) as Uint8Array)).toBe(checkpointClaims.jti);
    expect(payload.get('undo')).toBeInstanceOf(Map);
  });
});

describe('claim rules', () => {
  it('circuit announcement: retry_after exactly with open states, not before since; rate fields with rate kinds', () => {
    const { retry_after: _, ...withoutRetry } = announcementClaims;
    refused(circuitAnnouncement, withoutRetry);
    refused(circuitAnnouncement, { ...announcementClaims, state: 'closed' });
    refused(circuitAnnouncement, { ...announcementClaims, retry_after: announcementClaims.since - 1 });
    refused(circuitAnnouncement, { ...announcementClaims, reason: { kind: 'failure_rate' } });
    refused(circuitAnnouncement, { ...announcementClaims, reason: { kind: 'operator', rate: 0.5, threshold: 0.5 } });
    refused(circuitAnnouncement, {
      ...announcementClaims,
      reason: { kind: 'failure_rate', rate: 1.5, threshold: 0.5 },
    });
    refused(circuitAnnouncement, { ...announcementClaims, exp: announcementClaims.iat });
    expect(() =>
      circuitAnnouncement.sign({ ...withoutRetry, state: 'half_open', reason: { kind: 'open_elapsed' } }, hostKey),
    ).not.toThrow();
  });

  it('failure signal: no until when recovered, until not before since, capacity only when degraded', () => {
    refused(failureSignal, { ...failureClaims, status: 'recovered', capacity: undefined });
    refused(failureSignal, { ...failureClaims, until: failureClaims.since - 1 });
    refused(failureSignal, { ...failureClaims, capacity: 0.25 });
    const { until: _u, capacity: _c, ...recovered } = failureClaims;
    expect(() => failureSignal.sign({ ...recovered, status: 'recovered' }, hostKey)).not.toThrow();
  });

  it('checkpoint: undo is a compensation with a digest, or not_reversible', () => {
    refused(checkpoint, { ...checkpointClaims, undo: 'irreversible' });
    refused(checkpoint, { ...checkpointClaims, undo: { action: 'x', params: 'not-a-digest' } });
    refused(checkpoint, { ...checkpointClaims, before: 'AAAA' });
    expect(() => checkpoint.sign({ ...checkpointClaims, undo: 'not_reversible' }, hostKey)).not.toThrow();
  });

  it('rollback request: deadline after iat, root cause not known good', () => {
    refused(rollbackRequest, { ...requestClaims, deadline: requestClaims.iat });
    refused(rollbackRequest, { ...requestClaims, known_good: [requestClaims.root_cause] });
    refused(rollbackRequest, { ...requestClaims, scope: 'everything' });
  });

  it('rollback plan: steps numbered in order, keys "<rollback>/<task>", each task once', () => {
    const [a, b] = planClaims.steps;
    refused(rollbackPlan, { ...planClaims, steps: [b, a] });
    refused(rollbackPlan, { ...planClaims, steps: [{ ...a!, key: 'rb-2/task-payment-1' }, b] });
    refused(rollbackPlan, { ...planClaims, steps: [a, { ...a!, step: 1 }] });
  });

  it('compensation result: state exactly when compensated, a reason otherwise', () => {
    refused(compensationResult, { ...compensationClaims, state: undefined });
    refused(compensationResult, { ...compensationClaims, outcome: 'failed' });
    refused(compensationResult, { ...compensationClaims, outcome: 'failed', state: undefined });
    refused(compensationResult, { ...compensationClaims, attempts: -1 });
    expect(() =>
      compensationResult.sign(
        { ...compensationClaims, outcome: 'failed', state: undefined, reason: 'ledger locked' },
        hostKey,
      ),
    ).not.toThrow();
  });

  it('rollback complete: status agrees with the lists, no task twice', () => {
    refused(rollbackComplete, { ...completeClaims, status: 'completed' });
    refused(rollbackComplete, { ...completeClaims, failed: ['task-payment-1'] });
    expect(rollbackStatus({ not_reversible: [], failed: [] })).toBe('completed');
    expect(rollbackStatus({ not_reversible: ['a'], failed: [] })).toBe('partial');
    expect(rollbackStatus({ not_reversible: ['a'], failed: ['b'] })).toBe('failed');
  });
});

describe('place in the ECT DAG', () => {
  it('every message becomes a DAG node under its cp.* exec_act, linked to what it concerns', () => {
    const dag = new EctDag();
    for (const jti of ['task-order', 'task-inventory', 'task-shipping', 'task-payment']) {
      dag.insert({ jti, wid: 'wf-order-1001', iat: 1, iss: 'agent', exec_act: 'work', pred: [] });
    }
    dag.insert(dagNodeOf(checkpoint, checkpointClaims));
    dag.insert(dagNodeOf(circuitAnnouncement, announcementClaims));
    dag.insert(dagNodeOf(failureSignal, failureClaims));
    dag.insert(dagNodeOf(rollbackRequest, requestClaims));
    dag.insert(dagNodeOf(rollbackPlan, planClaims));
    dag.insert(dagNodeOf(compensationResult, compensationClaims));
    dag.insert(dagNodeOf(rollbackComplete, completeClaims));
    expect(dag.get('cp-done-0001')?.exec_act).toBe('cp.rollback-complete');
    expect(dag.get('cp-ckpt-0001')?.exec_act).toBe('cp.checkpoint');
    expect(CASCADE_MESSAGE_TYPES.map((t) => t.dag?.execAct)).toEqual(
      CASCADE_MESSAGE_TYPES.map((t) => t.name.replace(/^cp-/, 'cp.')),
    );
    expect(dag.ancestors('cp-done-0001').sort()).toEqual(
      ['cp-comp-0001', 'cp-plan-0001', 'cp-req-0001', 'task-inventory', 'task-payment'].sort(),
    );
  });
});

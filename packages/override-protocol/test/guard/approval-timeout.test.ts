import { decodeCbor, decodeSign1 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  type ApprovalRequestClaims,
  type ApprovalRule,
  approvalDecision,
  approvalRequest,
  authorityPolicy,
  type GuardAction,
} from '../../src/index.js';
import { SAMPLE_KEYS, samplePolicyClaims } from '../../src/testing.js';
import { codeOf, NOW, openGuard } from './world.js';

const DISPENSE: GuardAction = { name: 'dispense', params: { drug: 'heparin', units: 5000 }, task: 'task-dispense-4' };
const INES = { iss: 'mailto:ines@example.org', role: 'pharmacist', key: SAMPLE_KEYS.safetyOfficer2 };
const OLU = { iss: 'mailto:olu@example.org', role: 'safety_officer', key: SAMPLE_KEYS.safetyOfficer };

const policyWith = (rule: ApprovalRule, ver = 4) =>
  authorityPolicy.sign({ ...samplePolicyClaims, ver, approvals: [rule] }, SAMPLE_KEYS.authority);

let n = 0;
const approve = (request: ApprovalRequestClaims, by: typeof INES, iat = NOW) =>
  approvalDecision.sign(
    {
      iss: by.iss,
      iat,
      exp: request.exp,
      jti: `apd-timeout-${++n}`,
      wid: request.wid,
      pred: [request.jti],
      request: request.jti,
      act_digest: request.act_digest,
      role: by.role,
      decision: 'approve',
    },
    by.key,
  );

/** A guard under a policy whose one approval rule is `rule`, with its requests collected and the clock in hand. */
async function gatedBy(rule: ApprovalRule) {
  const signed: Uint8Array[] = [];
  const world = await openGuard({ policy: policyWith(rule), approvals: { onRequest: (r) => signed.push(r) } });
  const ran: GuardAction[] = [];
  const outcome = world.guard
    .run(DISPENSE, async (_abort, action) => {
      ran.push(action);
      return 'dispensed';
    })
    .then(
      (v) => v,
      (e: { code: string }) => e.code,
    );
  const requests = async () => {
    await new Promise((r) => setTimeout(r, 0));
    return signed.map((b) => approvalRequest.parse(approvalRequest.fromCbor(decodeCbor(decodeSign1(b).payload!))));
  };
  /** Past the current request's timeout, with its timer fired. */
  const timeout = async (seconds: number) => {
    world.clock.advance(seconds * 1000);
    world.timers.fireAll();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { ...world, ran, outcome, requests, timeout };
}

describe('approval timeout policies (spec §8.4)', () => {
  it('escalate: at the timeout a new request goes to the next role of the rule, who may then approve', async () => {
    const g = await gatedBy({
      action: 'dispense',
      approvers: ['pharmacist', 'safety_officer'],
      on_timeout: 'escalate',
    });
    const [first] = await g.requests();
    expect(first).toMatchObject({ approvers: ['pharmacist'], on_timeout: 'escalate', exp: NOW + 900 });
    await g.timeout(901);
    const [, second] = await g.requests();
    expect(second).toMatchObject({
      approvers: ['safety_officer'],
      on_timeout: 'escalate',
      iat: NOW + 901,
      exp: NOW + 901 + 900,
      act_digest: first!.act_digest,
      wid: first!.wid,
      pred: first!.pred,
    });
    expect(g.guard.pendingApprovals()).toHaveLength(1);
    // The first request is closed: the pharmacist's late approval counts for nothing; the action still waits.
    expect(await codeOf(g.guard.acceptDecision(approve(first!, INES, NOW + 100)))).toBe('ERR_OV_APPROVAL_MISMATCH');
    // Only the next role decides the escalated request.
    expect(await codeOf(g.guard.acceptDecision(approve(second!, INES, NOW + 901)))).toBe('ERR_OV_APPROVAL_MISMATCH');
    expect(g.ran).toEqual([]);
    await g.guard.acceptDecision(approve(second!, OLU, NOW + 902));
    expect(await g.outcome).toBe('dispensed');
    expect(g.ran).toEqual([DISPENSE]);
  });

  it('escalate: when no role is left, the last timeout fails closed', async () => {
    const g = await gatedBy({
      action: 'dispense',
      approvers: ['pharmacist', 'safety_officer'],
      on_timeout: 'escalate',
    });
    await g.timeout(901);
    await g.timeout(901);
    expect(await g.outcome).toBe('ERR_OV_APPROVAL_TIMEOUT');
    expect((await g.requests()).map((r) => r.approvers)).toEqual([['pharmacist'], ['safety_officer']]);
    expect(g.guard.pendingApprovals()).toEqual([]);
    expect(g.ran).toEqual([]);
  });

  it('approve (fail open): the action runs at the timeout where the policy’s rule fails open', async () => {
    const g = await gatedBy({ action: 'dispense', approvers: ['pharmacist'], fail_open: true, on_timeout: 'approve' });
    const [request] = await g.requests();
    expect(request!.on_timeout).toBe('approve');
    g.clock.advance(899_000);
    await new Promise((r) => setTimeout(r, 0));
    expect(g.ran).toEqual([]);
    await g.timeout(2);
    expect(await g.outcome).toBe('dispensed');
    expect(g.ran).toEqual([DISPENSE]);
  });

  it('approve: a policy that stopped allowing it before the timeout makes the request fail closed', async () => {
    const rule: ApprovalRule = {
      action: 'dispense',
      approvers: ['pharmacist'],
      fail_open: true,
      on_timeout: 'approve',
    };
    const g = await gatedBy(rule);
    await g.guard.deliver(policyWith({ ...rule, fail_open: false, on_timeout: 'reject' }, 5));
    await g.timeout(901);
    expect(await g.outcome).toBe('ERR_OV_APPROVAL_TIMEOUT');
    expect(g.ran).toEqual([]);
  });

  it('never fails open for an emergency-level action, nor on the agent’s own say-so', async () => {
    const sign = (rule: ApprovalRule) => codeOf(Promise.resolve().then(() => policyWith(rule)));
    expect(await sign({ action: 'dispense', approvers: ['pharmacist'], fail_open: true, level: 'emergency' })).toBe(
      'ERR_CLAIMS_INVALID',
    );
    expect(await sign({ action: 'dispense', approvers: ['pharmacist'], on_timeout: 'approve' })).toBe(
      'ERR_CLAIMS_INVALID',
    );
    const own: ApprovalRule = { action: 'refund', approvers: ['pharmacist'], fail_open: true, on_timeout: 'approve' };
    expect(await codeOf(openGuard({ approvals: { rules: [own] } }))).toBe('ERR_OV_CONFIG_INVALID');
    // An emergency-level rule that escalates is fine, and its last timeout still fails closed.
    const g = await gatedBy({
      action: 'dispense',
      approvers: ['pharmacist'],
      level: 'emergency',
      on_timeout: 'escalate',
    });
    await g.timeout(901);
    expect(await g.outcome).toBe('ERR_OV_APPROVAL_TIMEOUT');
  });
});

import { decodeCbor, decodeSign1, publicKeyOf } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CountedDecision, gateOutcome } from '../../src/guard/approval-gate.js';
import {
  type ApprovalDecisionClaims,
  type ApprovalRequestClaims,
  actionDigest,
  approvalDecision,
  approvalRequest,
  type GuardAction,
} from '../../src/index.js';
import { SAMPLE_KEYS } from '../../src/testing.js';
import { codeOf, NOW, openGuard, signal } from './world.js';

const INES = 'mailto:ines@example.org';
const OLU = 'mailto:olu@example.org';
const DISPENSE: GuardAction = {
  name: 'dispense',
  params: { drug: 'heparin', units: 5000, patient: 'p-204' },
  task: 'task-dispense-4',
  workflow: 'wf-dispense-17',
};
const requestOf = (bytes: Uint8Array) =>
  approvalRequest.parse(approvalRequest.fromCbor(decodeCbor(decodeSign1(bytes).payload!)));

let n = 0;
/** A decision on `request` by the pharmacist (Ines) unless `overrides` and `key` say otherwise. */
function decide(
  request: ApprovalRequestClaims,
  decision: ApprovalDecisionClaims['decision'],
  overrides: Partial<ApprovalDecisionClaims> = {},
  key = SAMPLE_KEYS.safetyOfficer2,
): Uint8Array {
  return approvalDecision.sign(
    {
      iss: INES,
      iat: NOW,
      exp: request.exp,
      jti: `apd-${++n}`,
      wid: request.wid,
      pred: [request.jti],
      request: request.jti,
      act_digest: request.act_digest,
      role: 'pharmacist',
      decision,
      ...overrides,
    },
    key,
  );
}

/** A guard whose Approval Requests are collected, and a gated call that records what it was asked to run. */
async function gated(options: Parameters<typeof openGuard>[0] = {}) {
  const requests: Uint8Array[] = [];
  const world = await openGuard({ approvals: { onRequest: (r) => requests.push(r) }, ...options });
  const ran: GuardAction[] = [];
  const call = (action = DISPENSE, signal?: AbortSignal) =>
    world.guard.run(
      action,
      async (_abort, approved) => {
        ran.push(approved);
        return 'dispensed';
      },
      { signal },
    );
  const request = async () => {
    await new Promise((r) => setTimeout(r, 0));
    return requestOf(requests.at(-1)!);
  };
  return { ...world, requests, ran, call, request };
}

describe('approval gates (spec §8.4)', () => {
  it('signs an Approval Request for a gated action and runs it once approved', async () => {
    const { guard, call, request, ran, requests } = await gated();
    const running = call();
    const req = await request();
    expect(req).toMatchObject({
      iss: 'spiffe://example.org/agent/dispenser',
      action: { name: 'dispense', params: DISPENSE.params },
      act_digest: actionDigest({ name: 'dispense', params: DISPENSE.params! }),
      approvers: ['pharmacist'],
      on_timeout: 'reject',
      wid: 'wf-dispense-17',
      pred: ['task-dispense-4'],
      exp: NOW + 900,
    });
    const verified = approvalRequest.verify(requests[0]!, {
      key: publicKeyOf(SAMPLE_KEYS.agent),
      clock: { now: () => NOW * 1000 },
    });
    expect(verified.ok).toBe(true);
    expect(ran).toEqual([]);
    expect(await guard.deliver(decide(req, 'approve'))).toBeUndefined();
    expect(await running).toBe('dispensed');
    expect(ran).toEqual([DISPENSE]);
    expect(guard.pendingApprovals()).toEqual([]);
  });

  it('runs the edited action after an edit: its digest is the edited one (vector 38)', async () => {
    const { guard, call, request, ran } = await gated();
    const running = call();
    const req = await request();
    const edited = { name: 'dispense', params: { drug: 'heparin', units: 2500, patient: 'p-204' } };
    await guard.acceptDecision(decide(req, 'edit', { edited, edited_digest: actionDigest(edited) }));
    await running;
    expect(ran[0]!.params).toEqual(edited.params);
    expect(actionDigest({ name: ran[0]!.name, params: ran[0]!.params! })).toBe(actionDigest(edited));
    expect(actionDigest({ name: ran[0]!.name, params: ran[0]!.params! })).not.toBe(req.act_digest);
  });

  it('a rejection refuses the action with the approver’s message', async () => {
    const { guard, call, request, ran } = await gated();
    const running = call().catch((e) => e);
    await guard.acceptDecision(decide(await request(), 'reject', { message: 'dose too high for this weight' }));
    const error = await running;
    expect(error).toMatchObject({ code: 'ERR_OV_APPROVAL_REJECTED' });
    expect(String(error.message)).toContain('dose too high for this weight');
    expect(ran).toEqual([]);
  });

  it('fails closed at the timeout; a decision after it counts for nothing (vector 39)', async () => {
    const { guard, call, request, ran, timers, clock } = await gated();
    const running = codeOf(call());
    const req = await request();
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([900_000]);
    clock.advance(901_000);
    timers.fireAll();
    expect(await running).toBe('ERR_OV_APPROVAL_TIMEOUT');
    expect(await codeOf(guard.acceptDecision(decide(req, 'approve', { iat: NOW + 100 })))).toBe(
      'ERR_OV_APPROVAL_MISMATCH',
    );
    expect(ran).toEqual([]);
  });

  it('a decision arriving after exp, before the timer fired, is refused and closes the gate', async () => {
    const { guard, call, request, ran, clock } = await gated();
    const running = codeOf(call());
    const req = await request();
    clock.advance(901_000);
    // The decision itself is still within its verification skew; the request is not.
    expect(await codeOf(guard.acceptDecision(decide(req, 'approve')))).toBe('ERR_OV_APPROVAL_MISMATCH');
    expect(await running).toBe('ERR_OV_APPROVAL_TIMEOUT');
    expect(await codeOf(guard.acceptDecision(decide(req, 'approve', { iat: NOW + 899 })))).toBe(
      'ERR_OV_APPROVAL_MISMATCH',
    );
    expect(ran).toEqual([]);
  });

  it('refuses a decision for another action, and the gate stays closed (vector 40)', async () => {
    const { guard, call, request, ran } = await gated();
    const running = call();
    const req = await request();
    const other = actionDigest({ name: 'dispense', params: { drug: 'heparin', units: 50_000, patient: 'p-204' } });
    expect(await codeOf(guard.acceptDecision(decide(req, 'approve', { act_digest: other })))).toBe(
      'ERR_OV_APPROVAL_MISMATCH',
    );
    expect(ran).toEqual([]);
    await guard.acceptDecision(decide(req, 'approve'));
    await running;
    expect(ran).toHaveLength(1);
  });

  it('refuses an approver outside the listed roles, a role the signer lacks, and bad edits', async () => {
    const { guard, call, request, ran } = await gated();
    void call();
    const req = await request();
    // Ines holds safety_officer, but the rule lists pharmacist only.
    expect(await codeOf(guard.acceptDecision(decide(req, 'approve', { role: 'safety_officer' })))).toBe(
      'ERR_OV_APPROVAL_MISMATCH',
    );
    // Olu does not hold pharmacist.
    expect(await codeOf(guard.acceptDecision(decide(req, 'approve', { iss: OLU }, SAMPLE_KEYS.safetyOfficer)))).toBe(
      'ERR_OV_APPROVAL_MISMATCH',
    );
    // A key outside the policy does not verify at all.
    expect(await codeOf(guard.acceptDecision(decide(req, 'approve', {}, SAMPLE_KEYS.agent)))).toBe('ERR_KEY_NOT_FOUND');
    const renamed = { name: 'discard', params: {} };
    expect(
      await codeOf(
        guard.acceptDecision(decide(req, 'edit', { edited: renamed, edited_digest: actionDigest(renamed) })),
      ),
    ).toBe('ERR_OV_APPROVAL_MISMATCH');
    const edited = { name: 'dispense', params: { units: 1 } };
    expect(await codeOf(guard.acceptDecision(decide(req, 'edit', { edited, edited_digest: req.act_digest })))).toBe(
      'ERR_OV_ACTION_DIGEST',
    );
    expect(ran).toEqual([]);
  });

  it('a replayed decision counts once toward the quorum', async () => {
    const rules = [{ action: 'chart.*', approvers: ['safety_officer'], quorum: 2 }];
    const requests: Uint8Array[] = [];
    const world = await gated({ approvals: { rules, onRequest: (r) => requests.push(r) } });
    const running = world.call({ name: 'chart.write', params: { note: 'x' } });
    await new Promise((r) => setTimeout(r, 0));
    const req = requestOf(requests[0]!);
    expect(req.quorum).toBe(2);
    const byOlu = decide(req, 'approve', { iss: OLU, role: 'safety_officer' }, SAMPLE_KEYS.safetyOfficer);
    await world.guard.acceptDecision(byOlu);
    await world.guard.acceptDecision(byOlu);
    await new Promise((r) => setTimeout(r, 0));
    expect(world.ran).toEqual([]);
    await world.guard.acceptDecision(decide(req, 'approve', { role: 'safety_officer' }));
    await running;
    expect(world.ran).toHaveLength(1);
  });

  it('a pause while waiting aborts the wait with ERR_OV_PAUSED; the caller’s signal aborts it too', async () => {
    const { guard, call, ran } = await gated();
    const waiting = codeOf(call());
    await new Promise((r) => setTimeout(r, 0));
    await guard.receive(signal('p1', 1, 'pause'));
    expect(await waiting).toBe('ERR_OV_PAUSED');
    await guard.receive(signal('r1', 2, 'resume', { lifts: ['p1'] }));
    const abort = new AbortController();
    const aborted = call(DISPENSE, abort.signal).catch((e) => e);
    await new Promise((r) => setTimeout(r, 0));
    abort.abort(new Error('caller gave up'));
    expect((await aborted).message).toBe('caller gave up');
    expect(ran).toEqual([]);
  });

  it('a restarted guard waits on the stored request and never runs the action unapproved', async () => {
    const first = await gated();
    void first.call();
    const req = await first.request();
    const second = await gated({ store: first.store });
    expect(second.guard.pendingApprovals().map((b) => requestOf(b).jti)).toEqual([req.jti]);
    await second.guard.acceptDecision(decide(req, 'approve'));
    // The decision came before the restarted agent asked again: the gate is open for that action, once.
    expect(await second.call()).toBe('dispensed');
    expect(second.guard.pendingApprovals()).toEqual([]);
    expect(second.ran).toHaveLength(1);
    expect(first.ran).toEqual([]);
  });
});

describe('what decisions decide (properties)', () => {
  const request = { act_digest: 'd-request', action: { name: 'a', params: {} }, quorum: 2 } as ApprovalRequestClaims;
  const decisionArb = fc.record({
    operator: fc.constantFrom('o1', 'o2', 'o3'),
    decision: fc.constantFrom('approve' as const, 'edit' as const),
    jti: fc.string({ minLength: 1, maxLength: 4 }),
  });
  const counted = (d: { operator: string; decision: 'approve' | 'edit'; jti: string }): CountedDecision => ({
    operator: d.operator,
    claims: {
      decision: d.decision,
      jti: d.jti,
      ...(d.decision === 'edit' ? { edited: { name: 'a', params: { v: 1 } }, edited_digest: 'd-edit' } : {}),
    } as ApprovalDecisionClaims,
  });

  it('replaying decisions never changes the outcome, and one rejection always closes the gate', () => {
    fc.assert(
      fc.property(fc.array(decisionArb, { maxLength: 8 }), fc.nat(), (list, at) => {
        const decisions = list.map(counted);
        const replayed = [...decisions, ...decisions];
        expect(gateOutcome(request, replayed)).toEqual(gateOutcome(request, decisions));
        const reject = { operator: 'o9', claims: { decision: 'reject', jti: 'r' } as ApprovalDecisionClaims };
        const withReject = [...decisions];
        withReject.splice(at % (decisions.length + 1), 0, reject);
        expect(gateOutcome(request, withReject)?.kind).toBe('rejected');
        // The gate opens only with two distinct operators agreeing on one action.
        const outcome = gateOutcome(request, decisions);
        if (outcome?.kind === 'approved') {
          const agreeing = new Set(
            list
              .filter((d) => (d.decision === 'edit' ? 'd-edit' : 'd-request') === outcome.digest)
              .map((d) => d.operator),
          );
          expect(agreeing.size).toBeGreaterThanOrEqual(2);
        }
      }),
    );
  });
});

import {
  epochSeconds,
  fixedClock,
  generateKey,
  keySet,
  publicKeyOf,
  randomUuid,
  seededRandom,
  utf8,
} from '@safety-net/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { type PlanStep, rollbackComplete, rollbackPlan } from '../../src/messages/index.js';
import {
  httpTransport,
  MAX_ROLLBACK_BODY_BYTES,
  participantHandler,
  RollbackCoordinator,
  RollbackParticipant,
} from '../../src/rollback/index.js';
import { serveParticipants } from './serve.js';
import { agentId, badBatch, COORDINATOR, coordinatorKey, makeWorld, NOW } from './world.js';

const shippingStep: PlanStep = {
  step: 1,
  task: 'task-shipping',
  agent: agentId('shipping'),
  resource: 'shipments/1001',
  undo: { action: 'shipping.undo', params: 'A'.repeat(43) },
  key: 'rb-x/task-shipping',
};

function excerpt(
  steps: PlanStep[],
  overrides: Partial<Parameters<typeof rollbackPlan.sign>[0]> = {},
  key = coordinatorKey,
) {
  const iat = epochSeconds(fixedClock(NOW * 1000));
  return rollbackPlan.sign(
    {
      iss: COORDINATOR,
      iat,
      exp: iat + 300,
      aud: agentId('shipping'),
      jti: randomUuid(seededRandom(JSON.stringify(overrides))),
      wid: 'wf-order-1001',
      pred: ['plan-1'],
      rollback: 'rb-x',
      steps,
      ...overrides,
    },
    key,
  );
}

describe('participant', () => {
  it('runs one compensation per key even when asked twice at once, and answers repeats from its record', async () => {
    const world = makeWorld();
    const shipping = world.participants[2]!;
    const bytes = excerpt([shippingStep]);
    const [a, b] = await Promise.all([shipping.compensate(bytes), shipping.compensate(bytes)]);
    const c = await shipping.compensate(excerpt([shippingStep], { jti: 'resent' }));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(world.applied.get('shipping')).toBe(1);
  });

  it('refuses excerpts for another agent, with several steps, from an untrusted signer or not addressed to it', async () => {
    const shipping = makeWorld().participants[2]!;
    const stranger = { ...generateKey('Ed25519', seededRandom('stranger')), kid: utf8('x') };
    const cases: [Uint8Array, string][] = [
      [excerpt([{ ...shippingStep, agent: agentId('payment') }]), 'ERR_CP_PLAN_INVALID'],
      [excerpt([shippingStep, { ...shippingStep, step: 2, task: 't2', key: 'rb-x/t2' }]), 'ERR_CP_PLAN_INVALID'],
      [excerpt([shippingStep], {}, stranger), 'ERR_KEY_NOT_FOUND'],
      [excerpt([shippingStep], { aud: agentId('payment') }), 'ERR_CLAIMS_AUDIENCE'],
      [excerpt([shippingStep], { pred: [] }), 'ERR_CP_PLAN_INVALID'],
      [excerpt([shippingStep], { exp: NOW - 100, iat: NOW - 400 }), 'ERR_CLAIMS_EXPIRED'],
    ];
    const codes = await Promise.all(
      cases.map(([bytes]) =>
        shipping.compensate(bytes).then(
          () => 'accepted',
          (e) => e.code,
        ),
      ),
    );
    expect(codes).toEqual(cases.map(([, code]) => code));
  });

  it('fences while a rollback runs: new work refused, the rollback’s own work let through, lifted by release', async () => {
    const shipping = makeWorld().participants[2]!;
    await shipping.raiseFences(excerpt([shippingStep]));
    expect(() => shipping.fence.check('shipments/1001')).toThrow(expect.objectContaining({ code: 'ERR_CP_FENCED' }));
    const own = { rollback: 'rb-x', coordinator: COORDINATOR, plan: 'plan-1' };
    expect(() => shipping.fence.check('shipments/1001', own)).not.toThrow();
    // Another coordinator's rollback of the same name, or another plan of it, is not this fence's holder.
    for (const other of [
      { ...own, coordinator: 'spiffe://example.org/other-coordinator' },
      { ...own, plan: 'plan-2' },
    ]) {
      expect(() => shipping.fence.check('shipments/1001', other)).toThrow(
        expect.objectContaining({ code: 'ERR_CP_FENCED' }),
      );
    }
    expect(() => shipping.fence.check('shipments/other')).not.toThrow();
    shipping.fence.release('rb-x');
    expect(() => shipping.fence.check('shipments/1001')).not.toThrow();
  });

  it('answers garbage with typed errors only', async () => {
    const shipping = makeWorld().participants[2]!;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        for (const call of [
          () => shipping.compensate(bytes),
          () => shipping.raiseFences(bytes),
          () => shipping.releaseFences(bytes),
        ]) {
          await expect(call()).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_/) });
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('fences and Rollback Complete', () => {
  const OTHER = 'spiffe://example.org/other-coordinator';
  const c1 = { ...coordinatorKey, kid: utf8('c1') };
  const c2 = { ...generateKey('Ed25519', seededRandom('rb-other-coordinator')), kid: utf8('c2') };
  const clock = fixedClock(NOW * 1000);
  const shipping = () =>
    new RollbackParticipant({
      agent: agentId('shipping'),
      key: generateKey('Ed25519', seededRandom('rb-shipping-fences')),
      coordinators: keySet([
        { key: publicKeyOf(c1), issuers: [COORDINATOR] },
        { key: publicKeyOf(c2), issuers: [OTHER] },
      ]),
      clock,
      handlers: {},
    });
  const fenceFor = (plan: string, key = c1, iss = COORDINATOR) =>
    excerpt([shippingStep], { iss, pred: [plan], jti: `fence-${plan}` }, key);
  const completeFor = (plan: string, key = c1, iss = COORDINATOR, iat = NOW) =>
    rollbackComplete.sign(
      {
        iss,
        iat,
        jti: `done-${plan}`,
        wid: 'wf-order-1001',
        pred: [plan],
        rollback: 'rb-x',
        status: 'completed',
        compensated: [],
        not_reversible: [],
        failed: [],
      },
      key,
    );
  const fenced = (p: RollbackParticipant) => codeOf(() => p.fence.check('shipments/1001'));

  it('a Complete of another trusted coordinator for its own rollback of the same name leaves the fence up', async () => {
    const p = shipping();
    await p.raiseFences(fenceFor('plan-c1'));
    for (const foreign of [completeFor('plan-c2', c2, OTHER, NOW - 30 * 86_400), completeFor('plan-c1', c2, OTHER)]) {
      await expect(p.releaseFences(foreign)).rejects.toMatchObject({ code: 'ERR_CP_ROLLBACK_CONFLICT' });
    }
    expect(fenced(p)).toBe('ERR_CP_FENCED');
    await p.releaseFences(completeFor('plan-c1'));
    expect(fenced(p)).toBe('no error');
  });

  it('a replayed Complete of an earlier rollback that reused the name leaves the fence up; the own one lifts it', async () => {
    const p = shipping();
    await p.raiseFences(fenceFor('plan-old'));
    const old = completeFor('plan-old');
    await p.releaseFences(old);
    expect(fenced(p)).toBe('no error');
    await p.raiseFences(fenceFor('plan-new'));
    await expect(p.releaseFences(old)).rejects.toMatchObject({ code: 'ERR_CP_ROLLBACK_CONFLICT' });
    expect(fenced(p)).toBe('ERR_CP_FENCED');
    await p.releaseFences(completeFor('plan-new'));
    expect(fenced(p)).toBe('no error');
    // Sent again (a coordinator resuming after a crash), it finds nothing left to lift.
    await p.releaseFences(completeFor('plan-new'));
  });

  it('a fence excerpt replayed after its plan completed does not fence again; another plan still does', async () => {
    const p = shipping();
    const excerptOfPlan = fenceFor('plan-done');
    await p.raiseFences(excerptOfPlan);
    await p.releaseFences(completeFor('plan-done'));
    await expect(p.raiseFences(excerptOfPlan)).rejects.toMatchObject({ code: 'ERR_CP_ROLLBACK_CONFLICT' });
    expect(fenced(p)).toBe('no error');
    await p.raiseFences(fenceFor('plan-next'));
    expect(fenced(p)).toBe('ERR_CP_FENCED');
  });

  it('accepts only excerpts that expire, within a day of their issue', async () => {
    const p = shipping();
    const signed = (exp: number | undefined) => excerpt([shippingStep], { pred: ['plan-x'], jti: `x-${exp}`, exp }, c1);
    for (const exp of [undefined, NOW + 86_401]) {
      await expect(p.raiseFences(signed(exp))).rejects.toMatchObject({ code: 'ERR_CP_PLAN_INVALID' });
    }
    await p.raiseFences(signed(NOW + 86_400));
    expect(fenced(p)).toBe('ERR_CP_FENCED');
  });

  it('keeps the fences of two coordinators apart and refuses a Complete that names no plan', async () => {
    const p = shipping();
    await p.raiseFences(fenceFor('plan-c1'));
    await p.raiseFences(fenceFor('plan-c2', c2, OTHER));
    await p.releaseFences(completeFor('plan-c2', c2, OTHER));
    expect(p.fence.holders('shipments/1001')).toEqual(['rb-x']);
    const planless = rollbackComplete.sign(
      {
        iss: COORDINATOR,
        iat: NOW,
        jti: 'done',
        wid: 'wf-order-1001',
        pred: [],
        rollback: 'rb-x',
        status: 'completed',
        compensated: [],
        not_reversible: [],
        failed: [],
      },
      c1,
    );
    await expect(p.releaseFences(planless)).rejects.toMatchObject({ code: 'ERR_CP_PLAN_INVALID' });
    expect(fenced(p)).toBe('ERR_CP_FENCED');
    p.fence.release('rb-x'); // an operator lifts whatever is left
    expect(fenced(p)).toBe('no error');
  });
});

describe('rollback over real HTTP on loopback', () => {
  const world = makeWorld();
  let served: Awaited<ReturnType<typeof serveParticipants>>;
  beforeAll(async () => {
    served = await serveParticipants(world.participants);
  });
  afterAll(() => served.close());

  it('completes the rollback through the participants’ HTTP binding', async () => {
    const transport = httpTransport({ endpointOf: served.endpointOf });
    const outcome = await new RollbackCoordinator(world.coordinatorOptions({ transport })).rollback(badBatch);
    expect(outcome.status).toBe('completed');
    expect(world.state).toEqual(world.expectedAfterRollback);
    expect([...world.applied.values()]).toEqual([1, 1, 1]);
  });

  it('answers bad requests with status codes and a JSON error code', async () => {
    const url = `${served.base}/shipping`;
    const post = (path: string, body: Uint8Array, headers: Record<string, string> = {}) =>
      fetch(`${url}/${path}`, {
        method: 'POST',
        body: body as Uint8Array<ArrayBuffer>,
        headers: { 'content-type': 'application/cose', ...headers },
      });
    const expectRefusal = async (r: Response, status: number, code: string) => {
      expect(r.status).toBe(status);
      expect(await r.json()).toEqual({ code });
    };
    await expectRefusal(await post('compensate', new Uint8Array([1, 2, 3])), 400, 'ERR_CBOR_TRAILING_BYTES');
    await expectRefusal(
      await post('compensate', new Uint8Array(MAX_ROLLBACK_BODY_BYTES + 1)),
      400,
      'ERR_INPUT_TOO_LARGE',
    );
    await expectRefusal(
      await post('compensate', excerpt([{ ...shippingStep, agent: agentId('payment') }])),
      403,
      'ERR_CP_PLAN_INVALID',
    );
    await expectRefusal(await post('elsewhere', new Uint8Array()), 404, 'ERR_INPUT_INVALID');
    expect((await fetch(`${url}/compensate`)).status).toBe(405);
    // Only COSE bodies: anything else is 415 before the body is read.
    const json = await post('compensate', new Uint8Array([1]), { 'content-type': 'application/json' });
    expect([json.status, json.headers.get('accept')]).toEqual([415, 'application/cose']);
    const untyped = await fetch(`${url}/fence`, { method: 'POST', body: new Uint8Array([1]) });
    expect(untyped.status).toBe(415);
    await expectRefusal(
      await post('fence', new Uint8Array([1]), { 'safety-net-lease': '-1' }),
      400,
      'ERR_INPUT_INVALID',
    );
  });

  it('answers 408 to a body that does not arrive within the body timeout', async () => {
    const handler = participantHandler(world.participants[0]!, { bodyTimeoutMs: 50 });
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array([1])) });
    const response = await handler(
      new Request('http://p/x/fence', {
        method: 'POST',
        body: stalled,
        headers: { 'content-type': 'application/cose' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(408);
  });

  it('turns a participant’s refusal into its error code and an unreachable one into ERR_CP_COMPENSATION_FAILED', async () => {
    const transport = httpTransport({ endpointOf: served.endpointOf });
    const signal = new AbortController().signal;
    const wrongAgent = excerpt([{ ...shippingStep, agent: agentId('payment') }]);
    await expect(
      transport.compensate({ agent: agentId('shipping'), steps: [shippingStep] }, wrongAgent, signal),
    ).rejects.toMatchObject({
      code: 'ERR_CP_PLAN_INVALID',
    });
    const nowhere = httpTransport({ endpointOf: () => 'http://127.0.0.1:1/x' });
    await expect(nowhere.compensate({ agent: 'a', steps: [] }, wrongAgent, signal)).rejects.toMatchObject({
      code: 'ERR_CP_COMPENSATION_FAILED',
    });
    await expect(httpTransport().compensate({ agent: 'a', steps: [] }, wrongAgent, signal)).rejects.toMatchObject({
      code: 'ERR_CP_PLAN_INVALID',
    });
  });
});

import { fixedClock, isSafetyNetError, publicKeyOf, seededRandom, singleKey, snError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { stoppingAtSettlement } from '../../../../test-support/stopping-store.js';
import { compensationResult, rollbackComplete, rollbackPlan, rollbackRequest } from '../../src/messages/index.js';
import { MemoryRollbackStore, RollbackCoordinator, type RollbackTransport } from '../../src/rollback/index.js';
import { hangs, ManualTimer } from '../policy/manual-timer.js';
import { agentId, badBatch, COORDINATOR, coordinatorKey, makeWorld, NOW } from './world.js';

const coordinatorKeyResolver = singleKey(publicKeyOf(coordinatorKey));

describe('rollback coordinator', () => {
  it('reverses inventory → shipping → payment as a unit, in reverse order, to the checkpointed state', async () => {
    const world = makeWorld();
    const order: string[] = [];
    const coordinator = new RollbackCoordinator({
      ...world.coordinatorOptions(),
      onEvent: (e) => e.type === 'settled' && order.push(e.step.task),
    });
    const outcome = await coordinator.rollback(badBatch);
    expect(outcome.status).toBe('completed');
    expect(order).toEqual(['task-payment', 'task-shipping', 'task-inventory']);
    expect(world.state).toEqual(world.expectedAfterRollback);
    expect([...world.applied.values()]).toEqual([1, 1, 1]);
    // While each compensation ran, the other participants' resources were fenced.
    expect(new Set(world.fenceSeen)).toEqual(new Set([agentId('inventory'), agentId('shipping'), agentId('payment')]));
    // … and the fences are lifted by Rollback Complete.
    for (const p of world.participants) expect(p.fence.holders('stock/sku-42')).toEqual([]);
  });

  it('signs every message verifiably and records each as an ECT node', async () => {
    const world = makeWorld();
    const outcome = await new RollbackCoordinator(world.coordinatorOptions()).rollback(badBatch);
    const clock = world.clock;
    const request = rollbackRequest.verify(outcome.request, {
      key: coordinatorKeyResolver,
      clock,
      issuer: COORDINATOR,
    });
    const plan = rollbackPlan.verify(outcome.plan, { key: coordinatorKeyResolver, clock });
    const complete = rollbackComplete.verify(outcome.complete, { key: coordinatorKeyResolver, clock });
    expect(request.ok && plan.ok && complete.ok).toBe(true);
    if (!request.ok || !plan.ok || !complete.ok) return;
    expect(plan.claims.pred).toEqual([request.claims.jti]);
    expect(plan.claims.steps.map((s) => s.key)).toEqual([
      'rb-1001/task-payment',
      'rb-1001/task-shipping',
      'rb-1001/task-inventory',
    ]);
    const results = outcome.results.map((r) => compensationResult.verify(r, { key: world.participantKeys, clock }));
    expect(results.map((r) => r.ok && r.claims.outcome)).toEqual(['compensated', 'compensated', 'compensated']);
    expect(complete.claims.pred[0]).toBe(plan.claims.jti);
    expect(complete.claims.pred.slice(1)).toEqual(results.map((r) => r.ok && r.claims.jti));
    for (const jti of [request.claims.jti, plan.claims.jti, complete.claims.jti]) expect(world.dag.has(jti)).toBe(true);
    expect(world.dag.get(complete.claims.jti)?.exec_act).toBe(rollbackComplete.dag!.execAct);
    expect(world.dag.ancestors(complete.claims.jti)).toContain('task-inventory');
  });

  it('retries failed compensations with backoff and still compensates each task once', async () => {
    const world = makeWorld({ failWhen: (a, attempt) => a !== 'inventory' && attempt < 3 });
    const attempts: number[] = [];
    const coordinator = new RollbackCoordinator({
      ...world.coordinatorOptions(),
      onEvent: (e) => e.type === 'attempt' && e.error && attempts.push(e.attempt),
    });
    const started = world.clock.now();
    const outcome = await coordinator.rollback(badBatch);
    expect(outcome.status).toBe('completed');
    expect(attempts).toEqual([1, 2, 1, 2]);
    expect(world.clock.now()).toBeGreaterThan(started); // the virtual sleep ran
    expect([...world.applied.values()]).toEqual([1, 1, 1]);
    expect(world.state).toEqual(world.expectedAfterRollback);
  });

  it('cuts a participant call that never answers at callTimeoutMs on the injected timer, then retries it', async () => {
    const world = makeWorld();
    const timer = new ManualTimer();
    let hung = 0;
    const transport: RollbackTransport = {
      ...world.transport,
      compensate(to, excerpt, signal, lease) {
        if (to.agent === agentId('payment') && hung++ === 0) return hangs(signal);
        return world.transport.compensate(to, excerpt, signal, lease);
      },
    };
    const errors: string[] = [];
    const coordinator = new RollbackCoordinator({
      ...world.coordinatorOptions({ transport }),
      timer,
      callTimeoutMs: 5000,
      onEvent: (e) => e.type === 'attempt' && e.error !== undefined && errors.push(e.error),
    });
    const done = coordinator.rollback(badBatch);
    await timer.advance(4999);
    expect([hung, errors.length]).toEqual([1, 0]); // still waiting: no real timer cut it short
    await timer.advance(1);
    expect(errors).toEqual(['the rollback deadline passed: no answer within 5000 ms']); // at once, on virtual time
    const outcome = await done;
    expect(outcome.status).toBe('completed');
    expect([...world.applied.values()]).toEqual([1, 1, 1]);
  });

  it('counts a transport that throws a foreign error as a failed call and retries, rather than abandoning the rollback', async () => {
    const world = makeWorld();
    let calls = 0;
    const flaky: RollbackTransport = {
      ...world.transport,
      raiseFences: (to, excerpt, signal, lease) =>
        calls++ === 0
          ? Promise.reject(new TypeError('fetch failed'))
          : world.transport.raiseFences(to, excerpt, signal, lease),
      compensate: (to, excerpt, signal, lease) => {
        if (calls++ % 3 === 1) throw new RangeError('Maximum call stack size exceeded');
        return world.transport.compensate(to, excerpt, signal, lease);
      },
    };
    const errors: string[] = [];
    const coordinator = new RollbackCoordinator({
      ...world.coordinatorOptions({ transport: flaky }),
      onEvent: (e) => e.type === 'attempt' && e.error && errors.push(e.error),
    });
    const outcome = await coordinator.rollback(badBatch);
    expect(outcome.status).toBe('completed');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.includes('transport failed'))).toBe(true);
    expect([...world.applied.values()]).toEqual([1, 1, 1]);
    expect(world.state).toEqual(world.expectedAfterRollback);
  });

  it('killed right after a participant compensated, resumes from its store without compensating twice', async () => {
    for (const crashAt of [1, 2, 3]) {
      const world = makeWorld();
      const store = new MemoryRollbackStore();
      await expect(
        new RollbackCoordinator({
          ...world.coordinatorOptions(),
          store: stoppingAtSettlement(store, crashAt, 'coordinator killed'),
        }).rollback(badBatch),
      ).rejects.toThrow('coordinator killed');
      expect(await store.unfinished()).toEqual(['rb-1001']);
      const [outcome] = await new RollbackCoordinator({ ...world.coordinatorOptions(), store }).resume();
      expect(outcome?.status).toBe('completed');
      expect([...world.applied.values()]).toEqual([1, 1, 1]);
      expect(world.state).toEqual(world.expectedAfterRollback);
      expect(await store.unfinished()).toEqual([]);
      // The resumed run re-fenced under the stored plan, so its Rollback Complete lifts every fence.
      for (const p of world.participants)
        for (const resource of world.expectedAfterRollback.keys()) expect(p.fence.isFenced(resource)).toBe(false);
    }
  });

  it('is idempotent per rollback id and refuses the id with other content', async () => {
    const world = makeWorld();
    const store = new MemoryRollbackStore();
    const coordinator = new RollbackCoordinator({ ...world.coordinatorOptions(), store });
    const first = await coordinator.rollback(badBatch);
    const again = await coordinator.rollback(badBatch);
    expect(again.complete).toEqual(first.complete);
    expect([...world.applied.values()]).toEqual([1, 1, 1]);
    await expect(coordinator.rollback({ ...badBatch, reason: 'another reason' })).rejects.toMatchObject({
      code: 'ERR_CP_ROLLBACK_CONFLICT',
    });
  });

  it('reports not-reversible tasks for a human decision (status partial)', async () => {
    const world = makeWorld({ notReversible: ['payment'] });
    const outcome = await new RollbackCoordinator(world.coordinatorOptions()).rollback(badBatch);
    expect(outcome.status).toBe('partial');
    expect(outcome.not_reversible).toEqual(['task-payment']);
    expect(outcome.compensated).toEqual(['task-shipping', 'task-inventory']);
    expect(world.applied.has('payment')).toBe(false);
  });

  it('gives up at the deadline and reports every task left undone', async () => {
    const world = makeWorld({ failWhen: (a) => a === 'shipping' });
    const coordinator = new RollbackCoordinator({
      ...world.coordinatorOptions(),
      retry: { attempts: 1000, baseDelayMs: 1000, maxDelayMs: 60_000 },
    });
    const outcome = await coordinator.rollback({ ...badBatch, deadline: NOW + 120 });
    expect(outcome.status).toBe('failed');
    expect(outcome.failed).toEqual(['task-shipping', 'task-inventory']);
    expect(outcome.compensated).toEqual(['task-payment']);
    expect(world.clock.now()).toBeGreaterThanOrEqual((NOW + 120) * 1000);
    expect(world.applied.has('inventory')).toBe(false);
  });

  it('does not count a result signed by another agent, or for another step, or by an unknown key', async () => {
    const world = makeWorld();
    let paymentResult: Uint8Array | undefined;
    const replaying: RollbackTransport = {
      ...world.transport,
      async compensate(to, excerpt, signal, lease) {
        const real = await world.transport.compensate(to, excerpt, signal, lease);
        if (to.agent === agentId('payment')) paymentResult = real;
        // Shipping's answer is swapped for payment's (validly signed, wrong agent and step).
        return to.agent === agentId('shipping') ? paymentResult! : real;
      },
      // Asked before the step is given up, the same swapped answer does not count either.
      async result(to, excerpt, signal, lease) {
        const real = await world.transport.result!(to, excerpt, signal, lease);
        return to.agent === agentId('shipping') ? paymentResult! : real;
      },
    };
    const outcome = await new RollbackCoordinator({
      ...world.coordinatorOptions({ transport: replaying }),
      // The inventory agent's key is not known to the coordinator.
      participants: {
        resolve: (req) => {
          if (req.issuer === agentId('inventory')) throw snError('ERR_KEY_NOT_FOUND', 'unknown agent');
          return world.participantKeys.resolve(req);
        },
      },
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    }).rollback(badBatch);
    expect(outcome.compensated).toEqual(['task-payment']);
    expect(outcome.failed).toEqual(['task-shipping', 'task-inventory']);
  });

  it('refuses bad options and unknown tasks with typed errors before doing anything', async () => {
    const world = makeWorld();
    for (const retry of [{ attempts: 0 }, { attempts: 1.5 }, { baseDelayMs: -1 }, { baseDelayMs: 10, maxDelayMs: 5 }]) {
      expect(codeOf(() => new RollbackCoordinator({ ...world.coordinatorOptions(), retry }))).toBe(
        'ERR_CP_CONFIG_INVALID',
      );
    }
    const coordinator = new RollbackCoordinator(world.coordinatorOptions());
    await expect(coordinator.rollback({ ...badBatch, root_cause: 'nope' })).rejects.toMatchObject({
      code: 'ERR_ECT_NODE_NOT_FOUND',
    });
    await expect(coordinator.rollback({ ...badBatch, deadline: NOW - 1 })).rejects.toMatchObject({
      code: 'ERR_CLAIMS_INVALID',
    });
    world.checkpoints.delete('task-shipping');
    await expect(coordinator.rollback(badBatch)).rejects.toMatchObject({ code: 'ERR_CP_CHECKPOINT_MISSING' });
    expect(world.applied.size).toBe(0);
  });

  it('property: any pattern of failures and one crash ends in the checkpointed state, each task compensated at most once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.nat(4), async (fails, crashAt) => {
        const world = makeWorld({
          failWhen: (a, attempt) =>
            attempt <= 3 && fails[['inventory', 'shipping', 'payment'].indexOf(a) * 4 + attempt]!,
        });
        const store = new MemoryRollbackStore();
        const options = {
          ...world.coordinatorOptions(),
          store,
          retry: { attempts: 5, baseDelayMs: 10, maxDelayMs: 100 },
        };
        const first = { ...options, store: stoppingAtSettlement(store, crashAt, 'coordinator killed') };
        const outcome = await new RollbackCoordinator(first).rollback(badBatch).catch(async (e) => {
          if (isSafetyNetError(e)) throw e;
          return (await new RollbackCoordinator(options).resume())[0]!;
        });
        expect(outcome.status).toBe('completed');
        expect(world.state).toEqual(world.expectedAfterRollback);
        for (const n of world.applied.values()) expect(n).toBe(1);
      }),
      { numRuns: 60 },
    );
  });
});

describe('coordinator clock', () => {
  it('uses only the injected clock and randomness: two runs give identical bytes', async () => {
    const run = async () => {
      const world = makeWorld();
      return new RollbackCoordinator({
        ...world.coordinatorOptions(),
        clock: fixedClock(NOW * 1000),
        random: seededRandom('same'),
      }).rollback(badBatch);
    };
    const [a, b] = [await run(), await run()];
    expect(a.complete).toEqual(b.complete);
    expect(a.plan).toEqual(b.plan);
  });
});

import { describe, expect, it } from 'vitest';
import { stoppingAtSettlement } from '../../../../test-support/stopping-store.js';
import { cpError } from '../../src/errors.js';
import {
  type CoordinatorEvent,
  MemoryRollbackStore,
  RollbackCoordinator,
  type RollbackTransport,
} from '../../src/rollback/index.js';
import { agentId, badBatch, makeWorld } from './world.js';

const quick = { baseDelayMs: 1, maxDelayMs: 1 };

describe('coordinator crashes, retries and releases', () => {
  it('does not spend the attempt budget on crashes: killed three times mid-step, it still compensates each task once', async () => {
    const world = makeWorld();
    const store = new MemoryRollbackStore();
    const options = { ...world.coordinatorOptions(), store, retry: { attempts: 1, ...quick } };
    // Each coordinator dies right after a participant compensated, before it recorded the answer.
    for (let crash = 0; crash < 3; crash++) {
      const dying = new RollbackCoordinator({ ...options, store: stoppingAtSettlement(store, 1, 'killed') });
      await expect(crash === 0 ? dying.rollback(badBatch) : dying.resume()).rejects.toThrow('killed');
    }
    const [outcome] = await new RollbackCoordinator(options).resume();
    expect(outcome!.status).toBe('completed');
    expect(outcome!.compensated).toEqual(['task-payment', 'task-shipping', 'task-inventory']);
    expect(Object.fromEntries(world.applied)).toEqual({ payment: 1, shipping: 1, inventory: 1 });
  });

  it('asks the participant for its recorded result before giving a step up', async () => {
    const world = makeWorld();
    // Shipping compensates, but every answer is lost on the way back.
    const lossy: RollbackTransport = {
      ...world.transport,
      async compensate(to, excerpt, signal, lease) {
        const answer = await world.transport.compensate(to, excerpt, signal, lease);
        if (to.agent === agentId('shipping')) throw cpError('ERR_CP_DEADLINE_EXCEEDED', 'answer lost');
        return answer;
      },
    };
    const outcome = await new RollbackCoordinator({
      ...world.coordinatorOptions({ transport: lossy }),
      retry: { attempts: 2, ...quick },
    }).rollback(badBatch);
    expect(outcome.status).toBe('completed');
    expect(world.applied.get('shipping')).toBe(1);
  });

  it('keeps a release pending while a participant is unreachable, reports each failure, and finishes it on resume', async () => {
    const world = makeWorld();
    let reachable = false;
    const events: CoordinatorEvent[] = [];
    const flaky: RollbackTransport = {
      ...world.transport,
      async releaseFences(to, complete, signal, lease) {
        if (to.agent === agentId('payment') && !reachable) throw cpError('ERR_CP_COMPENSATION_FAILED', 'unreachable');
        return world.transport.releaseFences(to, complete, signal, lease);
      },
    };
    const store = new MemoryRollbackStore();
    const coordinator = new RollbackCoordinator({
      ...world.coordinatorOptions({ transport: flaky }),
      store,
      retry: { attempts: 3, ...quick },
      onEvent: (e) => events.push(e),
    });
    const outcome = await coordinator.rollback(badBatch);
    expect(outcome.status).toBe('completed');
    expect(outcome.released).toBe(false);
    expect(events.filter((e) => e.type === 'release-failed').map((e) => 'agent' in e && e.agent)).toEqual([
      agentId('payment'),
    ]);
    expect(await store.unfinished()).toEqual(['rb-1001']);
    const payment = world.participants.find((p) => p.agent === agentId('payment'))!;
    expect(payment.fence.isFenced('ledger/1001')).toBe(true);
    // A restarted coordinator resumes the pending release.
    reachable = true;
    const [resumed] = await new RollbackCoordinator({
      ...world.coordinatorOptions({ transport: flaky }),
      store,
    }).resume();
    expect(resumed!.released).toBe(true);
    expect(payment.fence.isFenced('ledger/1001')).toBe(false);
    expect(await store.unfinished()).toEqual([]);
  });

  it('lets one coordinator instance drive a rollback: the other is refused, and one whose lease was taken stops', async () => {
    const world = makeWorld();
    const store = new MemoryRollbackStore();
    let paused: (() => void) | undefined;
    const pausing: RollbackTransport = {
      ...world.transport,
      async compensate(to, excerpt, signal, lease) {
        if (!paused) await new Promise<void>((resolve) => (paused = resolve));
        return world.transport.compensate(to, excerpt, signal, lease);
      },
    };
    const a = new RollbackCoordinator({
      ...world.coordinatorOptions({ transport: pausing }),
      store,
      instance: 'a',
      leaseTtlMs: 1000,
    });
    const b = new RollbackCoordinator({ ...world.coordinatorOptions(), store, instance: 'b', leaseTtlMs: 1000 });
    const first = a.rollback(badBatch);
    await expect.poll(() => paused).toBeDefined();
    await expect(b.rollback(badBatch)).rejects.toMatchObject({ code: 'ERR_CP_LEASE_LOST' });
    expect(await b.resume()).toEqual([]); // left to the instance holding the lease
    world.clock.advance(1001); // a stalls past its lease: b takes over with a higher token
    const [taken] = await b.resume();
    expect(taken!.status).toBe('completed');
    paused!();
    await expect(first).rejects.toMatchObject({ code: 'ERR_CP_LEASE_LOST' });
    expect(Object.fromEntries(world.applied)).toEqual({ payment: 1, shipping: 1, inventory: 1 });
  });

  it('stops on its AbortSignal and on close(), leaving the rollback for resume()', async () => {
    const world = makeWorld();
    const store = new MemoryRollbackStore();
    const controller = new AbortController();
    let calls = 0;
    const aborting: RollbackTransport = {
      ...world.transport,
      async compensate(to, excerpt, signal, lease) {
        if (++calls === 2) controller.abort();
        return world.transport.compensate(to, excerpt, signal, lease);
      },
    };
    const options = { ...world.coordinatorOptions({ transport: aborting }), store };
    await expect(
      new RollbackCoordinator(options).rollback(badBatch, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ERR_CP_ABORTED' });
    expect(world.applied.size).toBeLessThan(3);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const closingTransport: RollbackTransport = {
      ...world.transport,
      async compensate(to, excerpt, signal, lease) {
        await gate;
        return world.transport.compensate(to, excerpt, signal, lease);
      },
    };
    const closing = new RollbackCoordinator({ ...options, transport: closingTransport });
    const run = closing.resume();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const closed = closing.close();
    release();
    await expect(run).rejects.toMatchObject({ code: 'ERR_CP_ABORTED' });
    await closed;
    await expect(closing.rollback(badBatch)).rejects.toMatchObject({ code: 'ERR_CP_ABORTED' });
    // The call that was in flight when close() came finished and was recorded.
    const [outcome] = await new RollbackCoordinator(options).resume();
    expect(outcome!.status).toBe('completed');
    expect(Object.fromEntries(world.applied)).toEqual({ payment: 1, shipping: 1, inventory: 1 });
  });
});

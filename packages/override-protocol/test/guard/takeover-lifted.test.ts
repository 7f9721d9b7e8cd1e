import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/guard/memory-store.js';
import { SAMPLE_KEYS } from '../../src/testing.js';
import { deferred, openGuard, SUPERVISOR, signal } from './world.js';

const TASK = 'task-dispense-4';
const olu = SAMPLE_KEYS.safetyOfficer;
const takeover = {
  action: { name: 'takeover' as const, params: { to: SUPERVISOR, task: TASK } },
  scope: { kind: 'task' as const, target: TASK, propagate: false },
};

describe('a takeover lifted while its Hand-off is being made (spec §6.3, §8.1)', () => {
  it('stays lifted: the finished Hand-off does not bring the hold back, in memory or in the store', {
    timeout: 10_000,
  }, async () => {
    const store = new MemoryStateStore();
    const state = deferred<{ snapshot: Uint8Array }>();
    const { guard } = await openGuard({ store, handOff: () => state.promise });
    const step = deferred<string>();
    const running = guard.run({ name: 'pharmacy.pick', task: TASK, workflow: 'wf-dispense-17' }, () => step.promise);
    await guard.receive(signal('tk-1', 1, 'takeover', takeover));
    // The step finishes: the task halts and the guard starts its Hand-off, which waits on the agent's state.
    step.resolve('picked');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(guard.mode({ task: TASK })).toBe('stopped');
    const lift = await guard.receive(
      signal('r-1', 2, 'release', { iss: 'mailto:olu@example.org', role: 'safety_officer', lifts: ['tk-1'] }, olu),
    );
    expect(lift.claims.status).toBe('complied');
    expect(guard.mode({ task: TASK })).toBe('running');

    state.resolve({ snapshot: new TextEncoder().encode('{"step":3}') });
    expect(await running).toBe('picked');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(guard.mode({ task: TASK })).toBe('running');
    expect((await store.load()).holds).toEqual([]);
  });
});

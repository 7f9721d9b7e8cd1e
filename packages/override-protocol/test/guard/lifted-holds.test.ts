import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/guard/memory-store.js';
import { SqliteStateStore } from '../../src/sqlite.js';
import { answerOf, openGuard, release, signal } from './world.js';

describe('lifted holds are dropped, their order rules kept (spec §6.3, §8.5)', () => {
  it('keeps no hold after many pause and resume cycles, in memory or in SQLite', async () => {
    for (const store of [new MemoryStateStore(), new SqliteStateStore(':memory:')]) {
      const { guard } = await openGuard({ store });
      for (let i = 0; i < 50; i++) {
        await guard.receive(signal(`p${i}`, 2 * i + 1, 'pause'));
        expect(guard.mode()).toBe('paused');
        await guard.receive(signal(`r${i}`, 2 * i + 2, 'resume', { lifts: [`p${i}`] }));
        expect(guard.mode()).toBe('running');
      }
      const state = await store.load();
      expect(state.holds).toEqual([]);
      // The signals themselves stay: they are the replay memory (spec §6.4).
      expect(state.signals).toHaveLength(100);
      await guard.close();
    }
  });

  it('judges a lift naming a dropped hold as before: stale, mismatched, or lifted again', async () => {
    const store = new MemoryStateStore();
    const { guard } = await openGuard({ store });
    await guard.receive(signal('p', 5, 'pause'));
    await guard.receive(signal('r', 6, 'resume', { lifts: ['p'] }));
    expect((await store.load()).holds).toEqual([]);
    // A resume older than the pause it names is still stale, a release cannot lift a pause.
    expect(await answerOf(guard.receive(signal('r-old', 4, 'resume', { lifts: ['p'] })))).toBe('ERR_OV_STALE');
    expect(await answerOf(guard.receive(release('x', 7, ['p'])))).toBe('ERR_OV_LIFT_MISMATCH');
    // A lift is not a hold.
    expect(await answerOf(guard.receive(signal('r2', 8, 'resume', { lifts: ['r'] })))).toBe('ERR_OV_LIFT_MISMATCH');
    // A newer resume naming it again complies and changes nothing.
    const again = await guard.receive(signal('r3', 9, 'resume', { lifts: ['p'] }));
    expect(again.claims.status).toBe('complied');
    expect(guard.mode()).toBe('running');
    await guard.close();

    // After a restart, rebuilt from the store's signal records.
    const reopened = await openGuard({ store });
    expect(await answerOf(reopened.guard.receive(signal('r-old2', 3, 'resume', { lifts: ['p'] })))).toBe(
      'ERR_OV_STALE',
    );
    await reopened.guard.close();
  });

  it('does not keep a hold created already lifted by a lift that came first', async () => {
    const store = new MemoryStateStore();
    const { guard } = await openGuard({ store });
    await guard.receive(signal('r', 6, 'resume', { lifts: ['p'] }));
    const pause = await guard.receive(signal('p', 5, 'pause'));
    expect(pause.claims.state.mode).toBe('running');
    expect((await store.load()).holds).toEqual([]);
    expect(await answerOf(guard.receive(signal('r-old', 4, 'resume', { lifts: ['p'] })))).toBe('ERR_OV_STALE');
    await guard.close();
  });

  it('a signal refused for authority is still no hold a lift can name', async () => {
    const { guard } = await openGuard();
    // The supervisor may not issue an Emergency stop under the sample policy: refused, recorded, no hold.
    const refused = await guard.receive(signal('s', 5, 'stop', { level: 'emergency', category: 0 }));
    expect(refused.claims.status).toBe('refused');
    expect(await answerOf(guard.receive(release('x', 6, ['s'])))).toBe('ERR_OV_LIFT_MISMATCH');
    await guard.close();
  });
});

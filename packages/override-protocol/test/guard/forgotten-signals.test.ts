import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimsOf } from '../../src/guard/decode.js';
import { MemoryStateStore } from '../../src/guard/memory-store.js';
import { acknowledgement, type OverrideSignalClaims } from '../../src/index.js';
import { SqliteStateStore } from '../../src/sqlite.js';
import { answerOf, NOW, openGuard, release, signal } from './world.js';

const dir = mkdtempSync(join(tmpdir(), 'ov-forget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Times of a signal issued at `at` (seconds) that verifies for a minute: until `at + 60` plus the 30 s skew. */
const issuedAt = (at: number): Partial<OverrideSignalClaims> => ({ iat: at, deadline: at + 30, exp: at + 60 });

const ackOf = (bytes: Uint8Array) => claimsOf(acknowledgement, bytes);

describe('signal records are forgotten once nothing needs them (spec §8.5)', () => {
  it('keeps a bounded number of records over many signals, in memory and in SQLite', async () => {
    for (const store of [new MemoryStateStore(), new SqliteStateStore(':memory:')]) {
      const { guard, clock } = await openGuard({ store });
      let at = NOW;
      for (let i = 0; i < 300; i++) {
        await guard.receive(signal(`p${i}`, 2 * i + 1, 'pause', issuedAt(at)));
        await guard.receive(signal(`r${i}`, 2 * i + 2, 'resume', { lifts: [`p${i}`], ...issuedAt(at) }));
        expect(guard.mode()).toBe('running');
        at += 10;
        clock.set(at * 1000);
      }
      const kept = (await store.load()).signals.map((s) => s.jti);
      // Those that still verify are kept (issued in the last 90 s), and never more than twice those or 64.
      for (let i = 291; i < 300; i++) expect(kept).toEqual(expect.arrayContaining([`p${i}`, `r${i}`]));
      expect(kept.length).toBeLessThanOrEqual(64);
      // A forgotten signal replayed is refused as expired, as it was before it was forgotten.
      expect(await answerOf(guard.receive(signal('p0', 1, 'pause', issuedAt(NOW))))).toBe('ERR_CLAIMS_EXPIRED');
      // One still remembered is still judged by its record: a resume older than the pause it names is stale, and an
      // order a remembered signal holds is still a conflict.
      const stale = signal('r-old', 9, 'resume', { epoch: 0, lifts: ['p299'], ...issuedAt(at) });
      expect(await answerOf(guard.receive(stale))).toBe('ERR_OV_STALE');
      const reused = signal('r-reused', 597, 'resume', { lifts: ['p299'], ...issuedAt(at) });
      expect(await answerOf(guard.receive(reused))).toBe('ERR_OV_CONFLICT');
      await guard.close();
    }
  });

  it('keeps the record of a hold in force after its signal expired, across a restart', async () => {
    const file = join(dir, 'stop.db');
    const { guard, clock } = await openGuard({ store: new SqliteStateStore(file) });
    await guard.receive(signal('s', 1, 'stop', issuedAt(NOW)));
    let at = NOW + 3600;
    clock.set(at * 1000);
    // Enough expiring signals to make the guard look for records to forget several times.
    for (let i = 0; i < 200; i++) {
      await guard.receive(signal(`c${i}`, i + 2, 'pause', issuedAt(at)));
      await guard.receive(signal(`cr${i}`, i + 1000, 'resume', { lifts: [`c${i}`], ...issuedAt(at) }));
      at += 120;
      clock.set(at * 1000);
    }
    expect(guard.mode()).toBe('stopped');
    await guard.close();
    const store = new SqliteStateStore(file);
    const jtis = (await store.load()).signals.map((s) => s.jti);
    expect(jtis).toContain('s');
    expect(jtis).not.toContain('c0');
    // Restarted, still stopped; a release naming the expired stop lifts it.
    const reopened = await openGuard({ store, clock });
    expect(reopened.guard.mode()).toBe('stopped');
    const lifted = await reopened.guard.receive(release('x', 5000, ['s'], issuedAt(at)));
    expect(lifted.claims.status).toBe('complied');
    expect(reopened.guard.mode()).toBe('running');
    await reopened.guard.close();
  });

  it('a lift naming a forgotten signal waits, then cannot comply at its exp', async () => {
    const { guard, clock, timers, acks } = await openGuard();
    await guard.receive(signal('p', 1, 'pause', issuedAt(NOW)));
    await guard.receive(signal('r', 2, 'resume', { lifts: ['p'], ...issuedAt(NOW) }));
    let at = NOW + 100;
    clock.set(at * 1000);
    for (let i = 0; i < 70; i++) await guard.receive(signal(`x${i}`, 10 + i, 'pause', issuedAt(at)));
    // `p` verified until NOW + 90 and was lifted: forgotten. A newer resume naming it is judged as naming a hold not
    // received: it waits, and the agent, paused by the x's, stays paused.
    const again = await guard.receive(signal('r2', 200, 'resume', { lifts: ['p'], ...issuedAt(at) }));
    expect(again.claims.status).toBe('received');
    at += 60;
    clock.set(at * 1000);
    timers.fireAll();
    await guard.close();
    const final = acks.map(ackOf).filter((a) => a.signal === 'r2');
    expect(final.map((a) => [a.status, a.code])).toEqual([['cannot_comply', 'ERR_OV_STALE']]);
    expect(final[0]!.reason).toContain('p');
  });
});

describe('a lift waiting for a hold ends at its exp (spec §6.3)', () => {
  it('cannot comply once its exp has passed, and the hold it named takes effect when it comes', async () => {
    const store = new MemoryStateStore();
    const { guard, clock, timers, acks } = await openGuard({ store });
    const waiting = await guard.receive(signal('r', 6, 'resume', { lifts: ['p', 'q'], ...issuedAt(NOW) }));
    expect(waiting.claims.status).toBe('received');
    expect((await store.load()).waiting).toHaveLength(2);
    // A timer that fires before the lift's exp changes nothing.
    clock.set((NOW + 59) * 1000);
    timers.fireAll();
    expect(acks).toEqual([]);
    clock.set((NOW + 60) * 1000);
    timers.fireAll();
    await guard.close();
    expect(acks.map(ackOf).map((a) => [a.signal, a.status, a.code, a.reason])).toEqual([
      ['r', 'cannot_comply', 'ERR_OV_STALE', "still missing at the lift's exp: p, q"],
    ]);
    expect((await store.load()).waiting).toEqual([]);
    // The duplicate of the lift is answered with its final acknowledgement.
    const reopened = await openGuard({ store, clock });
    const duplicate = await reopened.guard.receive(signal('r', 6, 'resume', { lifts: ['p', 'q'], ...issuedAt(NOW) }));
    expect([duplicate.duplicate, duplicate.claims.status]).toEqual([true, 'cannot_comply']);
    // The pause it named, older than it, now takes effect: the lift no longer waits for it.
    await reopened.guard.receive(signal('p', 5, 'pause', issuedAt(NOW)));
    expect(reopened.guard.mode()).toBe('paused');
    await reopened.guard.close();
  });

  it('a lift that waited while the agent was down ends when the agent opens again', async () => {
    const file = join(dir, 'down.db');
    const first = await openGuard({ store: new SqliteStateStore(file) });
    await first.guard.receive(release('x', 3, ['s']));
    await first.guard.close();
    expect(first.acks).toEqual([]);
    first.clock.set((NOW + 900) * 1000);
    const reopened = await openGuard({ store: new SqliteStateStore(file), clock: first.clock });
    expect(reopened.acks.map(ackOf).map((a) => [a.signal, a.status, a.code])).toEqual([
      ['x', 'cannot_comply', 'ERR_OV_STALE'],
    ]);
    await reopened.guard.close();
    const store = new SqliteStateStore(file);
    expect((await store.load()).waiting).toEqual([]);
    await store.close();
  });

  it('a waiting lift keeps its record while it waits, even when its timer is late', async () => {
    const { guard, clock, timers, acks } = await openGuard();
    await guard.receive(signal('r', 6, 'resume', { lifts: ['p'], ...issuedAt(NOW) }));
    const at = NOW + 200;
    clock.set(at * 1000);
    // The guard looks for records to forget before the timer has ended the wait.
    for (let i = 0; i < 70; i++) await guard.receive(signal(`x${i}`, 10 + i, 'pause', issuedAt(at)));
    timers.fireAll();
    await guard.close();
    expect(acks.map(ackOf).map((a) => [a.signal, a.status])).toEqual([['r', 'cannot_comply']]);
  });

  it('a lift that got every hold it named before its exp is not ended by its timer', async () => {
    const { guard, clock, timers, acks } = await openGuard();
    await guard.receive(signal('r', 6, 'resume', { lifts: ['p'], ...issuedAt(NOW) }));
    await guard.receive(signal('p', 5, 'pause', issuedAt(NOW)));
    expect(guard.mode()).toBe('running');
    expect(timers.pending.size).toBe(0);
    clock.set((NOW + 61) * 1000);
    timers.fireAll();
    await guard.close();
    expect(acks.map(ackOf).map((a) => [a.signal, a.status])).toEqual([['r', 'complied']]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { behavioralProfile, isActionRefused } from '@safety-net/behavioral-verification';
import { fixedClock, publicKeyOf, toBase64Url } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionHistory } from '../../src/guard/action-history.js';
import {
  MemoryStateStore,
  monitorConstraint,
  type OverrideGuard,
  type OverrideStateStore,
  type StateChange,
} from '../../src/index.js';
import { SqliteStateStore } from '../../src/sqlite.js';
import { SAMPLE_AGENT, sampleKey } from '../../src/testing.js';
import { codeOf, NOW, openGuard, release, signal } from './world.js';

type FixedClock = ReturnType<typeof fixedClock>;

const operatorKey = sampleKey('ward-3-operator', 'P-256');
const dir = mkdtempSync(join(tmpdir(), 'ov-windows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A signed profile allowing every action, at most `max` pharmacy actions per `windowMs`. */
function rateProfile(max: number, windowMs = 60_000): string {
  const claims = behavioralProfile.parse({
    iss: 'spiffe://example.org/ward-3-operator',
    sub: SAMPLE_AGENT,
    iat: NOW - 3600,
    exp: NOW + 86_400,
    pid: `rate-${max}`,
    ver: 1,
    rules: {
      actions: { unlisted: 'allow' },
      rates: [{ id: 'pharmacy-rate', action: 'pharmacy.*', max, window_ms: windowMs }],
    },
  });
  return toBase64Url(behavioralProfile.sign(claims, operatorKey));
}
const constrain = (jti: string, seq: number, max: number, windowMs?: number) =>
  signal(jti, seq, 'constrain', { action: { name: 'constrain', params: { profile: rateProfile(max, windowMs) } } });

/** A guard whose monitors run on its own clock. */
async function monitored(clock: FixedClock, store: OverrideStateStore = new MemoryStateStore()) {
  const constrain = monitorConstraint({ agent: SAMPLE_AGENT, profileKey: publicKeyOf(operatorKey), clock });
  return openGuard({ clock, store, constrain });
}

let n = 0;
/** Runs `count` pharmacy actions, `stepMs` apart; all must run. */
async function dispense(guard: OverrideGuard, clock: FixedClock, count: number, stepMs = 100): Promise<void> {
  for (let i = 0; i < count; i++) {
    await guard.run({ name: 'pharmacy.dispense', task: `t${++n}` }, async () => 'ran');
    clock.advance(stepMs);
  }
}
const next = (guard: OverrideGuard) => guard.run({ name: 'pharmacy.dispense', task: `t${++n}` }, async () => 'ran');

describe('a profile put in force counts what ran before it (spec §8.1)', () => {
  it('a stricter profile grants no fresh allowance: 90 of 100 per minute leave none of 50 per minute', async () => {
    const clock = fixedClock(NOW * 1000);
    const { guard } = await monitored(clock);
    expect((await guard.receive(constrain('c1', 1, 100))).claims.status).toBe('complied');
    await dispense(guard, clock, 90); // 9 s
    expect((await guard.receive(constrain('c2', 2, 50))).claims.status).toBe('complied');
    const refused = await next(guard).catch((e) => e);
    expect(isActionRefused(refused)).toBe(true);
    expect(refused.verdict.violations.map((v: { rule: string; class: string }) => [v.rule, v.class])).toEqual([
      ['pharmacy-rate', 'rate_exceeded'],
    ]);
    // The actions leave the new window at their own times: 60 s after the 41st, one more runs, and only one.
    clock.set(NOW * 1000 + 40 * 100 + 60_000);
    expect(await next(guard)).toBe('ran');
    expect(await codeOf(next(guard))).toBe('ERR_BV_ACTION_BLOCKED');
  });

  it('a lift puts the older profile back in force counting what ran under the newer one', async () => {
    const clock = fixedClock(NOW * 1000);
    const { guard } = await monitored(clock);
    await guard.receive(constrain('c1', 1, 60));
    await dispense(guard, clock, 10);
    await guard.receive(constrain('c2', 2, 50));
    await dispense(guard, clock, 40); // c2 counts the 10 that ran under c1: it is at its limit
    expect(await codeOf(next(guard))).toBe('ERR_BV_ACTION_BLOCKED');
    expect((await guard.receive(release('r', 3, ['c2']))).claims.status).toBe('complied');
    // c1 judges again, with the 50 that ran in its minute: 10 more, not 50.
    await dispense(guard, clock, 10);
    expect(await codeOf(next(guard))).toBe('ERR_BV_ACTION_BLOCKED');
  });

  it('a lift back to a profile that no longer verifies pauses the agent rather than run unconstrained', async () => {
    const clock = fixedClock(NOW * 1000);
    const profiles = fixedClock(NOW * 1000); // the clock the profiles are verified at
    const { guard, store } = await openGuard({
      clock,
      constrain: monitorConstraint({ agent: SAMPLE_AGENT, profileKey: publicKeyOf(operatorKey), clock: profiles }),
    });
    await guard.receive(constrain('c1', 1, 60));
    await guard.receive(constrain('c2', 2, 50));
    profiles.advance(2 * 86_400_000); // c1's profile has expired
    const lifted = await guard.receive(release('r', 3, ['c2']));
    expect(lifted.claims).toMatchObject({ status: 'complied', state: { mode: 'paused' } });
    expect(await codeOf(next(guard))).toBe('ERR_OV_PAUSED');
    expect((await store.load()).holds.find((h) => h.jti === 'c1')?.unenforced).toBe(true);
  });

  it('a restarted guard counts what ran before the restart (SQLite store reopened)', async () => {
    const file = join(dir, 'restart.db');
    const clock = fixedClock(NOW * 1000);
    const first = await monitored(clock, new SqliteStateStore(file));
    await first.guard.receive(constrain('c1', 1, 50));
    await dispense(first.guard, clock, 40);
    await first.guard.close();

    const second = await monitored(clock, new SqliteStateStore(file));
    await dispense(second.guard, clock, 10);
    expect(await codeOf(next(second.guard))).toBe('ERR_BV_ACTION_BLOCKED');
    await second.guard.close();
  });

  it('counts only what ran in the constraint’s scope', async () => {
    const clock = fixedClock(NOW * 1000);
    const { guard } = await monitored(clock);
    await guard.receive(constrain('c1', 1, 10));
    await guard.run({ name: 'pharmacy.dispense', workflow: 'wf-a' }, async () => 'ran');
    await dispense(guard, clock, 9); // no workflow: outside wf-a
    const inWorkflow = signal('c2', 2, 'constrain', {
      action: { name: 'constrain', params: { profile: rateProfile(2) } },
      scope: { kind: 'workflow', target: 'wf-a', propagate: false },
    });
    expect((await guard.receive(inWorkflow)).claims.status).toBe('complied');
    const inA = () => guard.run({ name: 'pharmacy.dispense', workflow: 'wf-a' }, async () => 'ran');
    expect(await inA()).toBe('ran');
    expect(await codeOf(inA())).toBe('ERR_BV_ACTION_BLOCKED');
  });

  it('keeps a bounded history: the actions within the longest enforced window', async () => {
    const clock = fixedClock(NOW * 1000);
    const store = new MemoryStateStore();
    const { guard } = await monitored(clock, store);
    await guard.receive(constrain('c1', 1, 100, 1000));
    await dispense(guard, clock, 5000, 50); // 250 s of actions, 20 a second
    await guard.close(); // writes what is recorded since the last write
    const kept = (await store.load()).actions!;
    expect(kept).toHaveLength(20);
    expect(Math.min(...kept.map((a) => a.time_ms))).toBeGreaterThan(NOW * 1000 + 250_000 - 1000 - 50);
  });

  it('keeps at most its maximum of actions, oldest forgotten first, whatever the window', () => {
    const history = new ActionHistory(100);
    for (let i = 0; i < 1000; i++) history.add({ name: 'a', params: { amount: 2, note: 'not a number' } }, i, Infinity);
    expect(history.size).toBe(100);
    // One change for all of them: the cut, and only the actions it keeps.
    const change = history.take();
    expect(change.forgetActionsBefore).toBe(900);
    expect(change.addActions?.map((a) => a.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 900 + i));
    expect(history.unwritten).toBe(false);
    expect(history.take()).toEqual({});
    const past = history.pastFor(() => true);
    expect(past.map((p) => p.time_ms)).toEqual(Array.from({ length: 100 }, (_, i) => 900 + i));
    // Only the numeric parameters are kept.
    expect(past[0]).toEqual({ exec_act: 'a', time_ms: 900, params: { amount: 2 } });
  });
});

/** A store that records the changes committed to it, and fails every commit once told to. */
class RecordingStore implements OverrideStateStore {
  readonly commits: StateChange[] = [];
  failing = false;

  constructor(private readonly inner: OverrideStateStore) {}

  load() {
    return this.inner.load();
  }

  async commit(change: StateChange): Promise<void> {
    if (this.failing) throw new Error('disk full');
    this.commits.push(change);
    await this.inner.commit(change);
  }

  close() {
    return this.inner.close();
  }
}

/** Lets the writes a timer started finish. */
const writesDone = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the recent actions are written in batches (spec §8.5)', () => {
  const file = (name: string) => join(dir, `${name}.db`);
  async function constrained(name: string) {
    const clock = fixedClock(NOW * 1000);
    const store = new RecordingStore(new SqliteStateStore(file(name)));
    const opened = await monitored(clock, store);
    await opened.guard.receive(constrain('c1', 1, 1000));
    store.commits.length = 0;
    return { ...opened, clock, store };
  }
  const storedActions = async (name: string) => {
    const reopened = new SqliteStateStore(file(name));
    const actions = (await reopened.load()).actions!;
    await reopened.close();
    return [...actions].sort((a, b) => a.seq - b.seq);
  };

  it('N actions within one interval cost one commit, after which a reopened SQLite store holds all N', async () => {
    const { guard, clock, store, timers } = await constrained('batch');
    await dispense(guard, clock, 50, 1);
    expect(store.commits).toEqual([]);
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([100]);
    timers.fireAll();
    await writesDone();
    expect(store.commits).toHaveLength(1);
    expect(store.commits[0]!.addActions).toHaveLength(50);
    const stored = await storedActions('batch');
    expect(stored.map((a) => a.time_ms)).toEqual(Array.from({ length: 50 }, (_, i) => NOW * 1000 + i));
    expect(stored.every((a) => a.name === 'pharmacy.dispense')).toBe(true);
    // Nothing new recorded: nothing more is written.
    timers.fireAll();
    await writesDone();
    expect(store.commits).toHaveLength(1);
    await guard.close();
  });

  it('close writes the actions recorded since the last write', async () => {
    const { guard, clock, store } = await constrained('close');
    await dispense(guard, clock, 30, 1);
    expect(store.commits).toEqual([]);
    await guard.close();
    expect(store.commits).toHaveLength(1);
    expect(await storedActions('close')).toHaveLength(30);
  });

  it('a state change written at once carries the actions that ran before it', async () => {
    const { guard, clock, store } = await constrained('carried');
    await dispense(guard, clock, 3, 1);
    await guard.receive(signal('p1', 2, 'pause'));
    expect(store.commits).toHaveLength(1);
    // Read as a restart would, the guard not closed: the pause, and the actions that ran before it.
    expect(await storedActions('carried')).toHaveLength(3);
    const reopened = new SqliteStateStore(file('carried'));
    expect((await reopened.load()).holds.map((h) => h.jti).sort()).toEqual(['c1', 'p1']);
    await reopened.close();
    await guard.close();
  });

  it('a store failure on a write makes the guard refuse the next action with ERR_OV_STORE_FAILED', async () => {
    const { guard, clock, store, timers } = await constrained('failing');
    await dispense(guard, clock, 5, 1);
    store.failing = true;
    timers.fireAll();
    await writesDone();
    expect(await codeOf(next(guard))).toBe('ERR_OV_STORE_FAILED');
    expect(guard.mode()).toBe('stopped');
  });
});

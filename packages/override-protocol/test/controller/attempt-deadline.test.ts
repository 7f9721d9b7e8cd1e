import { publicKeyOf } from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AttemptDeadlines } from '../../src/controller/attempt-deadline.js';
import { agentKey, emergencyStop, ManualTime, makeController, NOW, servedAgent, until } from './world.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const turn = () => new Promise((r) => setImmediate(r));

/** An attempt started on `deadlines` that records whether its deadline cancelled it. */
function attempt(deadlines: AttemptDeadlines) {
  const state = { cancelled: false, end: () => {} };
  state.end = deadlines.start(() => {
    state.cancelled = true;
  });
  return state;
}

describe('AttemptDeadlines: one attempt timeout per fan-out (spec §7.6)', () => {
  it('shares one timer among the attempts of one turn, which aborts them all', async () => {
    const time = new ManualTime(0);
    const deadlines = new AttemptDeadlines(time.timers, 2000);
    const first = [attempt(deadlines), attempt(deadlines), attempt(deadlines)];
    expect(time.pendingDelays()).toEqual([2000]);
    await turn();
    await time.advance(500);
    // A resend in a later turn gets a full timeout of its own.
    const later = attempt(deadlines);
    expect(time.pendingDelays().sort()).toEqual([1500, 2000]);
    await time.advance(1500);
    expect(first.map((a) => a.cancelled)).toEqual([true, true, true]);
    expect(later.cancelled).toBe(false);
    await time.advance(500);
    expect(later.cancelled).toBe(true);
  });

  it('clears the timer once every attempt of the turn has ended', async () => {
    const time = new ManualTime(0);
    const deadlines = new AttemptDeadlines(time.timers, 2000);
    const attempts = [attempt(deadlines), attempt(deadlines)];
    await turn();
    attempts[0]!.end();
    expect(time.pendingDelays()).toEqual([2000]);
    attempts[1]!.end();
    expect(time.pendingDelays()).toEqual([]);
    // Ended within its turn: cleared when the turn closes.
    attempt(deadlines).end();
    expect(time.pendingDelays()).toEqual([2000]);
    await turn();
    expect(time.pendingDelays()).toEqual([]);
  });

  it('a fan-out to 10 agents over loopback HTTP runs on one attempt timer, not ten', async () => {
    let release!: () => void;
    const held = new Promise<undefined>((r) => (release = () => r(undefined)));
    let arrived = 0;
    const agents = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        servedAgent(i, () => {
          arrived++;
          return held;
        }),
      ),
    );
    closers.push(...agents.map((a) => a.close));
    const time = new ManualTime(NOW * 1000);
    const controller = makeController(time);
    for (const [i, a] of agents.entries())
      controller.registerAgent({ id: a.id, key: publicKeyOf(agentKey(i)), endpoint: a.endpoint, domains: ['ward-3'] });
    const issued = await controller.issue(emergencyStop());
    await until(() => arrived === 10, 'ten pushes in flight');
    expect(time.pendingDelays().filter((ms) => ms === 2000)).toHaveLength(1);
    release();
    expect((await controller.acknowledged(issued.jti)).map((d) => d.state)).toEqual(Array(10).fill('final'));
    expect(time.pendingDelays().filter((ms) => ms === 2000)).toHaveLength(0);
    await controller.close();
  }, 60_000);
});

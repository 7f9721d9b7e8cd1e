import { EctDag, fixedClock } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import { compileProfile } from '../../src/monitor/compile.js';
import { Monitor, type PastAction } from '../../src/monitor/monitor.js';

const T0 = 1_772_323_200_000;
let n = 0;
const obs = (act: string, params: Record<string, number | string> = {}) => ({
  jti: `p${++n}`,
  wid: 'w',
  iss: 'agent',
  exec_act: act,
  pred: [],
  time_ms: T0,
  params,
});
/** `count` actions named `act`, one a millisecond, the last at `last`. */
const ran = (act: string, count: number, last: number, params: Record<string, unknown> = {}): PastAction[] =>
  Array.from({ length: count }, (_, i) => ({ exec_act: act, time_ms: last - (count - 1 - i), params }));

const rate = compileProfile({
  actions: { unlisted: 'allow' },
  rates: [{ id: 'r', action: 'tool.*', max: 50, window_ms: 60_000 }],
});

describe('Monitor: past actions (option past)', () => {
  it('counts the past actions in its rate windows at their times: 90 in the window leave none of 50', () => {
    const clock = fixedClock(T0);
    const fresh = new Monitor(rate, { clock });
    expect(fresh.evaluate(obs('tool.read')).decision).toBe('allow');
    const primed = new Monitor(rate, { clock, past: ran('tool.read', 90, T0 - 30_000) });
    const v = primed.evaluate(obs('tool.read'));
    expect(v.violations.map((x) => [x.rule, x.class])).toEqual([['r', 'rate_exceeded']]);
    // They leave the window at their own times, not at the monitor's start: 60 s after the 41st-newest, one is free.
    clock.set(T0 - 30_000 - 49 + 60_000);
    expect(primed.evaluate(obs('tool.read')).decision).toBe('allow');
    expect(primed.evaluate(obs('tool.read')).decision).toBe('block');
  });

  it('counts only the actions a rule applies to, and none that left the window', () => {
    const clock = fixedClock(T0);
    const past = [...ran('tool.read', 100, T0 - 60_000), ...ran('other', 100, T0 - 1000)];
    const m = new Monitor(rate, { clock, past });
    for (let i = 0; i < 50; i++) expect(m.evaluate(obs('tool.read')).decision).toBe('allow');
    expect(m.evaluate(obs('tool.read')).decision).toBe('block');
  });

  it('sums the numeric parameter values of past actions in its budget windows', () => {
    const clock = fixedClock(T0);
    const profile = compileProfile({
      actions: { unlisted: 'allow' },
      budgets: [{ id: 'b', action: 'pay', param: 'amount', max: '100.5', window_ms: 60_000 }],
    });
    const past = [
      { exec_act: 'pay', time_ms: T0 - 120_000, params: { amount: 1000 } }, // out of the window
      ...ran('pay', 3, T0 - 10, { amount: 30 }),
      { exec_act: 'pay', time_ms: T0 - 5, params: { amount: '0.25' } },
      { exec_act: 'pay', time_ms: T0 - 4, params: { amount: 'much' } }, // not numeric: not counted
    ];
    const m = new Monitor(profile, { clock, past });
    const over = m.evaluate(obs('pay', { amount: 10.5 }));
    expect(over.violations.map((x) => [x.class, x.observed])).toEqual([['budget_exceeded', '100.75']]);
    expect(m.evaluate(obs('pay', { amount: '10.25' })).decision).toBe('allow');
  });

  it('steps nothing but the windows: no drift detector, task memory or DAG', () => {
    const clock = fixedClock(T0);
    const profile = compileProfile({
      actions: { unlisted: 'allow' },
      drift: { numeric: [{ id: 'd', action: 'pay', source: 'param', param: 'amount', mean: 10, sd: 1, h: 5 }] },
    });
    const dag = new EctDag();
    const m = new Monitor(profile, { clock, dag, past: ran('pay', 20, T0 - 1, { amount: 1e6 }) });
    // Twenty values a million standard deviations out would have alarmed a detector that saw them.
    expect(m.evaluate(obs('pay', { amount: 10 })).violations).toEqual([]);
    expect(dag.size).toBe(1);
  });

  it('refuses a malformed past action with ERR_INPUT_INVALID', () => {
    for (const bad of [{ time_ms: T0 }, { exec_act: '', time_ms: T0 }, { exec_act: 'a', time_ms: Number.NaN }]) {
      expect(code(() => new Monitor(rate, { past: [bad as PastAction] }))).toBe('ERR_INPUT_INVALID');
    }
  });
});

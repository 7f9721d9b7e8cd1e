import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EctDag, fixedClock } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/monitor/compile.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { RateWindow } from '../../src/monitor/windows.js';

const T0 = 1_772_323_200_000;
const task = (jti: string, act: string, pred: string[] = []) => ({
  jti,
  wid: 'w',
  iss: 'agent',
  exec_act: act,
  pred,
  time_ms: T0,
  params: {},
});

/** Off-heap bytes (typed arrays) that `make` leaves allocated per instance, over `n` live instances. */
function offHeapPerInstance(n: number, make: () => unknown): number {
  const before = process.memoryUsage().arrayBuffers;
  const keep = Array.from({ length: n }, make);
  const per = (process.memoryUsage().arrayBuffers - before) / n;
  expect(keep).toHaveLength(n);
  return per;
}

/** Heap and off-heap bytes that `make` leaves allocated per instance, over `n` live instances, after full collections. */
function bytesPerInstance(n: number, make: () => unknown): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const keep: unknown[] = new Array(n);
  const before = used();
  for (let i = 0; i < n; i++) keep[i] = make();
  const per = (used() - before) / n;
  expect(keep.every((k) => k !== undefined)).toBe(true);
  return per;
}

/** 50 rate and 50 budget rules, each on its own action. */
const windowRules = compileProfile({
  actions: { unlisted: 'allow' },
  rates: Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, action: `a${i}`, max: 1000, window_ms: 60_000 })),
  budgets: Array.from({ length: 50 }, (_, i) => ({
    id: `b${i}`,
    action: `a${i}`,
    param: 'x',
    max: '1000000',
    window_ms: 60_000,
  })),
});

describe('monitor memory', () => {
  it('an idle monitor of a 100-rule window profile costs at most 4,096 bytes: windows are made on first touch', () => {
    const clock = fixedClock(T0);
    expect(bytesPerInstance(2_000, () => new Monitor(windowRules, { clock }))).toBeLessThan(4096);
  });

  it('windows made on first touch judge as if they had always been there', () => {
    const m = new Monitor(windowRules, { clock: fixedClock(T0) });
    const obs = (jti: string, act: string, x: number) => ({ ...task(jti, act), params: { x } });
    expect(m.evaluate(obs('1', 'a7', 600_000)).decision).toBe('allow');
    expect(m.evaluate(obs('2', 'a7', 400_001)).violations.map((v) => v.class)).toEqual(['budget_exceeded']);
    // Another rule's window starts empty.
    expect(m.evaluate(obs('3', 'a8', 1_000_000)).decision).toBe('allow');
  });

  it('a rate window that starts small and grows counts exactly like a naive count (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 300 }),
        (max, windowMs, steps) => {
          const w = new RateWindow(max, windowMs);
          const counted: number[] = [];
          let t = 0;
          for (const step of steps) {
            t += step;
            const inWindow = counted.filter((c) => c > t - windowMs).length;
            expect(w.wouldExceed(t)).toBe(inWindow >= max);
            if (inWindow < max) {
              w.add(t);
              counted.push(t);
            }
          }
        },
      ),
    );
  });

  it('an empty EctDag allocates next to nothing off-heap, and grows as nodes arrive', () => {
    expect(offHeapPerInstance(1_000, () => new EctDag())).toBeLessThan(512);
    const dag = new EctDag();
    for (let i = 0; i < 10_000; i++) dag.insert({ jti: `t${i}`, wid: 'w', iat: 1, iss: 'a', exec_act: 'x', pred: [] });
    for (let i = 0; i < 10_000; i += 997) expect(dag.get(`t${i}`)?.jti).toBe(`t${i}`);
    expect(dag.has('t10000')).toBe(false);
  });

  it('a monitor whose rules walk no DAG allocates none', () => {
    const profile = compileProfile({
      actions: { unlisted: 'allow' },
      sequences: [{ id: 's', kind: 'requires', action: 'exec', after: 'check', relation: 'predecessor' }],
    });
    expect(offHeapPerInstance(1_000, () => new Monitor(profile, { clock: fixedClock(T0) }))).toBeLessThan(512);
  });

  it("with an ancestor rule and no DAG given, the monitor's memory of tasks is bounded by maxTracked", () => {
    const profile = compileProfile({
      actions: { unlisted: 'allow' },
      sequences: [{ id: 's', kind: 'requires', action: 'exec', after: 'check', relation: 'ancestor' }],
    });
    const m = new Monitor(profile, { clock: fixedClock(T0), maxTracked: 10 });
    m.evaluate(task('c', 'check'));
    for (let i = 0; i < 5; i++) m.evaluate(task(`s${i}`, 'step', [i === 0 ? 'c' : `s${i - 1}`]));
    // Within memory: the check is an ancestor.
    expect(m.evaluate(task('e1', 'exec', ['s4'])).decision).toBe('allow');
    for (let i = 5; i < 20; i++) m.evaluate(task(`s${i}`, 'step', [`s${i - 1}`]));
    // The check and the early steps are forgotten: a `requires` rule fails closed on what it cannot read.
    expect(m.evaluate(task('e2', 'exec', ['s19'])).decision).toBe('block');
    // Nothing went into a DAG: the monitor's state is its bounded memory.
    expect(m.dag.size).toBe(0);
  });

  it('a DAG given by the caller is still read and extended, whatever its size', () => {
    const dag = new EctDag();
    const profile = compileProfile({
      actions: { unlisted: 'allow' },
      sequences: [{ id: 's', kind: 'requires', action: 'exec', after: 'check', relation: 'ancestor' }],
    });
    const m = new Monitor(profile, { clock: fixedClock(T0), maxTracked: 2, dag });
    m.evaluate(task('c', 'check'));
    for (let i = 0; i < 10; i++) m.evaluate(task(`s${i}`, 'step', [i === 0 ? 'c' : `s${i - 1}`]));
    expect(m.evaluate(task('e', 'exec', ['s9'])).decision).toBe('allow');
    expect(dag.size).toBe(12);
  });
});

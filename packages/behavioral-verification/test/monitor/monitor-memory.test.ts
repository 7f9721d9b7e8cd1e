import { EctDag, fixedClock } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/monitor/compile.js';
import { Monitor } from '../../src/monitor/monitor.js';

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

describe('monitor memory', () => {
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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cusum } from '../../src/drift/cusum.js';
import { MixDivergence, mixCategories } from '../../src/drift/divergence.js';
import { measureDetector } from '../../src/drift/measure.js';
import { PageHinkley } from '../../src/drift/page-hinkley.js';
import { gaussianStream } from '../../src/drift/synthetic.js';

describe('CUSUM', () => {
  it('accumulates z − k on the upper side and z + k on the lower side, by hand', () => {
    const d = new Cusum({ mean: 100, sd: 10, k: 0.5, h: 2 });
    expect(d.step(120)).toBeUndefined(); // S+ = 1.5
    expect(d.step(100)).toBeUndefined(); // S+ = 1.0
    expect(d.step(115)).toBeUndefined(); // S+ = 2.0, not above h
    const alarm = d.step(106); // S+ = 2.1
    expect(alarm).toMatchObject({ statistic: 'cusum_upper', threshold: 2, samples: 4 });
    expect(alarm?.value).toBeCloseTo(2.1, 12);
    expect(d.step(106)).toBeUndefined(); // restarted: S+ = 0.1
    const low = new Cusum({ mean: 0, sd: 1, h: 3 });
    low.step(-2); // S− = 1.5
    expect(low.step(-2)).toBeUndefined(); // S− = 3.0, not above h
    expect(low.step(-1)).toEqual({ statistic: 'cusum_lower', value: 3.5, threshold: 3, samples: 3 });
  });

  it('with commit false changes nothing', () => {
    const a = new Cusum({ mean: 0, sd: 1, h: 3 });
    const b = new Cusum({ mean: 0, sd: 1, h: 3 });
    for (const x of [1, 2, -1, 3]) {
      a.step(100, false);
      expect(a.step(x)).toEqual(b.step(x));
    }
  });
});

describe('Page–Hinkley', () => {
  it('detects a rise and a fall and restarts after an alarm', () => {
    const up = new PageHinkley({ mean: 0, sd: 1, lambda: 5, minSamples: 10 });
    const down = new PageHinkley({ mean: 0, sd: 1, lambda: 5, minSamples: 10 });
    const noise = gaussianStream('ph');
    for (let i = 0; i < 50; i++) {
      const z = noise() * 0.1;
      up.step(z);
      down.step(z);
    }
    let a: ReturnType<PageHinkley['step']>;
    let b: ReturnType<PageHinkley['step']>;
    for (let i = 0; i < 50 && !a; i++) a = up.step(3);
    for (let i = 0; i < 50 && !b; i++) b = down.step(-3);
    expect(a?.statistic).toBe('page_hinkley_upper');
    expect(b?.statistic).toBe('page_hinkley_lower');
    expect(up.step(3)).toBeUndefined(); // restarted: under minSamples
  });
});

describe('action-mix divergence', () => {
  it('computes the Jensen–Shannon divergence by hand', () => {
    // window all "open" vs baseline ½ open ½ close: M = (¾, ¼); JSD = ½[½log2(⅔) + ½log2 2] + ½log2(4/3) ≈ 0.3113
    const d = new MixDivergence({ baseline: { open: 1, close: 1 }, window: 10, threshold: 0.3 });
    for (let i = 0; i < 9; i++) expect(d.step('open')).toBeUndefined();
    const alarm = d.step('open');
    const jsd = 0.5 * (0.5 * Math.log2(2 / 3) + 0.5 * Math.log2(2)) + 0.5 * Math.log2(4 / 3);
    expect(alarm?.value).toBeCloseTo(jsd, 12);
  });

  it('the incremental divergence equals a full recomputation over the window, with trial steps mixed in (property)', () => {
    const jsd = (window: string[], base: Record<string, number>) => {
      const names = [...new Set([...Object.keys(base), ...window.map((a) => (a in base ? a : '~other'))])];
      const total = Object.values(base).reduce((x, y) => x + y, 0);
      let sum = 0;
      for (const name of names) {
        const p = (base[name] ?? 0) / total;
        const q = window.filter((a) => (a in base ? a : '~other') === name).length / window.length;
        const m = (p + q) / 2;
        if (p > 0) sum += p * Math.log2(p / m);
        if (q > 0) sum += q * Math.log2(q / m);
      }
      return sum / 2;
    };
    const base = { a: 2, b: 1, c: 1 };
    fc.assert(
      fc.property(fc.array(fc.record({ act: fc.constantFrom('a', 'b', 'c', 'z'), trial: fc.constantFrom('none', 'same', 'other', 'both') }), { maxLength: 120 }), (steps) => {
        const d = new MixDivergence({ baseline: base, window: 10, threshold: 1 });
        const committed: string[] = [];
        for (const { act, trial } of steps) {
          // A trial of the same action is what enforce mode does (its result is reused by the commit); a trial of
          // another one in between must not leak into the commit.
          if (trial === 'same' || trial === 'both') d.step(act, false);
          if (trial === 'other' || trial === 'both') d.step(act === 'a' ? 'z' : 'a', false);
          d.step(act);
          committed.push(act);
          if (committed.length >= 10) expect(d.value).toBeCloseTo(jsd(committed.slice(-10), base), 9);
          else expect(d.value).toBeNaN();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('steps by category exactly as by name; categories follow the baseline order, every other name is one more', () => {
    const categoryOf = mixCategories({ b: 1, a: 2 });
    expect(['b', 'a', 'c', 'toString', '__proto__'].map(categoryOf)).toEqual([0, 1, 2, 2, 2]);
    const byName = new MixDivergence({ baseline: { b: 1, a: 2 }, window: 4, threshold: 0.2 });
    const byCategory = new MixDivergence({ baseline: { b: 1, a: 2 }, window: 4, threshold: 0.2 });
    for (const act of ['a', 'b', 'x', 'x', 'a', 'x', 'x', 'x', 'b']) {
      expect(byCategory.stepCategory(byCategory.category(act))).toEqual(byName.step(act));
      expect(byCategory.value).toBe(byName.value);
    }
  });

  it('refuses a category that is not one of the baseline (typed error, state untouched)', () => {
    const d = new MixDivergence({ baseline: { a: 1 }, window: 2, threshold: 0.5 });
    for (const c of [-1, 2, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40]) {
      expect(() => d.stepCategory(c)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
    }
    d.step('a');
    d.step('a');
    expect(d.value).toBe(0);
  });

  it('stays quiet on a stream drawn from the baseline and alarms on an unseen action', () => {
    const d = new MixDivergence({ baseline: { a: 3, b: 1 }, window: 200, threshold: 0.05 });
    const noise = gaussianStream('mix');
    let alarms = 0;
    for (let i = 0; i < 20_000; i++) if (d.step(noise() < 0.6745 ? 'a' : 'b')) alarms++; // P(z < 0.6745) = 0.75
    expect(alarms).toBe(0);
    let hit: ReturnType<MixDivergence['step']>;
    for (let i = 0; i < 200 && !hit; i++) hit = d.step('exfiltrate');
    expect(hit?.statistic).toBe('js_divergence');
  });
});

// Measured on seeded N(0, 1) streams (100,000 in-control values; 200 trials per shift, shift after 100 values).
// Published CUSUM figures for k = 0.5, h = 5: in-control run length ≈ 465 two-sided (≈ 21.5 alarms / 10,000),
// out-of-control run length ≈ 10.4 at 1σ and ≈ 4.0 at 2σ (Montgomery, Introduction to Statistical Quality Control,
// table 9.3). The bounds below are the documented ones (behavioral-verification.md, Drift detection).
describe('detector false-alarm rate and detection delay stay within documented bounds', () => {
  it('CUSUM k 0.5, h 5 (the defaults) matches the published run lengths', () => {
    const m = measureDetector(() => new Cusum({ mean: 0, sd: 1 }), { seed: 'bv-drift' });
    expect(m.falseAlarmsPer10k).toBeGreaterThan(15);
    expect(m.falseAlarmsPer10k).toBeLessThan(30);
    expect(m.meanDelay['1']).toBeGreaterThan(7);
    expect(m.meanDelay['1']).toBeLessThan(12);
    expect(m.meanDelay['2']).toBeGreaterThan(3);
    expect(m.meanDelay['2']).toBeLessThan(5);
  });

  it('CUSUM k 0.5, h 8: under 2 false alarms per 10,000, 1σ within 18, 2σ within 7', () => {
    const m = measureDetector(() => new Cusum({ mean: 0, sd: 1, h: 8 }), { seed: 'bv-drift' });
    expect(m.falseAlarmsPer10k).toBeLessThan(2);
    expect(m.meanDelay['1']).toBeLessThan(18);
    expect(m.meanDelay['2']).toBeLessThan(7);
  });

  it('Page–Hinkley δ 0.5, λ 8, 30 samples burn-in: under 2 false alarms per 10,000, 1σ within 25, 2σ within 7', () => {
    const m = measureDetector(() => new PageHinkley({ mean: 0, sd: 1, delta: 0.5, lambda: 8, minSamples: 30 }), { seed: 'bv-drift' });
    expect(m.falseAlarmsPer10k).toBeLessThan(2);
    expect(m.meanDelay['1']).toBeLessThan(25);
    expect(m.meanDelay['2']).toBeLessThan(7);
  });

  it('the seeded stream is standard normal (mean ≈ 0, variance ≈ 1)', () => {
    const next = gaussianStream('moments');
    let s = 0;
    let s2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = next();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.015);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import { Cusum } from '../../src/drift/cusum.js';
import { MixDivergence, mixCategories } from '../../src/drift/divergence.js';
import { measureDetector } from '../../src/drift/measure.js';
import { PageHinkley } from '../../src/drift/page-hinkley.js';
import { gaussianStream } from '../../src/drift/synthetic.js';
import { parseRules } from '../../src/rules/parse.js';

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
      fc.property(
        fc.array(
          fc.record({
            act: fc.constantFrom('a', 'b', 'c', 'z'),
            trial: fc.constantFrom('none', 'same', 'other', 'both'),
          }),
          { maxLength: 120 },
        ),
        (steps) => {
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
        },
      ),
      { numRuns: 200 },
    );
  });

  it('steps by category exactly as by name; categories follow the baseline order, every other name is one more', () => {
    const categoryOf = mixCategories({ b: 1, a: 2 });
    expect(['b', 'a', 'c', 'toString', '__proto__'].map(categoryOf)).toEqual([0, 1, 2, 2, 2]);
    const byName = new MixDivergence({ baseline: { b: 1, a: 2 }, window: 10, threshold: 0.2 });
    const byCategory = new MixDivergence({ baseline: { b: 1, a: 2 }, window: 10, threshold: 0.2 });
    for (const act of [
      'a',
      'b',
      'x',
      'x',
      'a',
      'x',
      'x',
      'x',
      'b',
      'a',
      'b',
      'a',
      'a',
      'x',
      'b',
      'x',
      'x',
      'x',
      'x',
      'a',
    ]) {
      expect(byCategory.stepCategory(byCategory.category(act))).toEqual(byName.step(act));
      expect(byCategory.value).toBe(byName.value);
    }
  });

  it('refuses a category that is not one of the baseline (typed error, state untouched)', () => {
    const d = new MixDivergence({ baseline: { a: 1 }, window: 10, threshold: 0.5 });
    for (const c of [-1, 2, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40]) {
      expect(() => d.stepCategory(c)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
    }
    for (let i = 0; i < 10; i++) d.step('a');
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

type Detector = Cusum | PageHinkley;

/** The numeric fields of a detector, its state included: all must stay finite, or a threshold may never be crossed. */
const numbersOf = (d: Detector) => Object.values(d).filter((v) => typeof v === 'number');

/** Alarms over `n` values of `x`. */
const alarms = (d: Detector, x: number, n: number) => {
  let count = 0;
  for (let i = 0; i < n; i++) if (d.step(x)) count++;
  return count;
};

describe('detectors fail closed', () => {
  const badNumbers: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '5', null];

  it("Cusum and PageHinkley refuse options outside a drift rule's ranges (ERR_BV_RULES_INVALID)", () => {
    const cases: [string, unknown][] = [
      ...['mean', 'sd', 'k', 'h', 'minSamples'].flatMap((f) => badNumbers.map((v): [string, unknown] => [f, v])),
      ['sd', 0],
      ['sd', -1],
      ['k', -0.1],
      ['k', 101],
      ['h', 0],
      ['h', -5],
      ['h', 10_001],
      ['minSamples', -1],
      ['minSamples', 2.5],
      ['minSamples', 1_000_001],
    ];
    for (const [field, value] of cases) {
      expect(code(() => new Cusum({ mean: 0, sd: 1, [field]: value }))).toBe('ERR_BV_RULES_INVALID');
      const ph = { k: 'delta', h: 'lambda' }[field] ?? field;
      expect(code(() => new PageHinkley({ mean: 0, sd: 1, [ph]: value }))).toBe('ERR_BV_RULES_INVALID');
    }
    for (const options of [
      undefined,
      null,
      'x',
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('boom');
          },
        },
      ),
    ]) {
      expect(code(() => new Cusum(options as never))).toBe('ERR_BV_RULES_INVALID');
      expect(code(() => new PageHinkley(options as never))).toBe('ERR_BV_RULES_INVALID');
    }
  });

  it("MixDivergence refuses options outside a mix rule's ranges (ERR_BV_RULES_INVALID)", () => {
    const good = { baseline: { a: 1 }, window: 10, threshold: 0.1 };
    const cases: Record<string, unknown>[] = [
      ...badNumbers.flatMap((v) => [{ window: v }, { threshold: v }, { baseline: { a: v } }]),
      { window: 9 },
      { window: 10.5 },
      { window: 100_001 },
      { threshold: 0 },
      { threshold: 1.01 },
      { baseline: {} },
      { baseline: { a: 0 } },
      { baseline: { a: -1, b: 2 } },
      { baseline: { a: 1e308, b: 1e308 } }, // the sum overflows: every share would be 0
    ];
    for (const bad of cases)
      expect(code(() => new MixDivergence({ ...good, ...bad } as never))).toBe('ERR_BV_RULES_INVALID');
  });

  it('a detector accepts exactly the parameters a drift rule accepts (property)', () => {
    const num = fc.oneof(
      fc.double(),
      fc.integer({ min: -10, max: 20_000 }),
      fc.constantFrom(0, 0.5, 1, 100, 10_000, 1_000_000, 1_000_001),
    );
    fc.assert(
      fc.property(
        fc.record({ mean: num, sd: num, k: num, h: num, min_samples: num }, { requiredKeys: ['mean', 'sd'] }),
        (p) => {
          const rule = code(() =>
            parseRules({ drift: { numeric: [{ id: 'd', action: 'x', source: 'latency_ms', ...p }] } }),
          );
          const { min_samples: minSamples, ...rest } = p;
          expect(code(() => new Cusum({ ...rest, minSamples }))).toBe(rule);
          expect(code(() => new PageHinkley({ mean: p.mean, sd: p.sd, delta: p.k, lambda: p.h, minSamples }))).toBe(
            rule,
          );
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.record({ a: num, b: num }), num, num, (baseline, window, threshold) => {
        const rule = code(() => parseRules({ drift: { mix: [{ id: 'm', baseline, window, threshold }] } }));
        expect(code(() => new MixDivergence({ baseline, window, threshold }))).toBe(rule);
      }),
      { numRuns: 500 },
    );
  });

  it('bad options NaN h, λ or threshold are refused rather than never alarming', () => {
    expect(code(() => new PageHinkley({ mean: 0, sd: 1, lambda: Number.NaN }))).toBe('ERR_BV_RULES_INVALID');
    expect(code(() => new Cusum({ mean: 0, sd: 1, h: Number.NaN }))).toBe('ERR_BV_RULES_INVALID');
    expect(code(() => new Cusum({ mean: 0, sd: 1, minSamples: '5' as never }))).toBe('ERR_BV_RULES_INVALID');
    expect(code(() => new MixDivergence({ baseline: { a: 1 }, window: 10, threshold: Number.NaN }))).toBe(
      'ERR_BV_RULES_INVALID',
    );
    expect(code(() => new MixDivergence({ baseline: { a: 1 }, window: Number.NaN, threshold: 0.1 }))).toBe(
      'ERR_BV_RULES_INVALID',
    );
  });

  it('step refuses a value that is not a finite number (ERR_INPUT_INVALID) and changes nothing', () => {
    for (const make of [
      () => new Cusum({ mean: 0, sd: 1 }),
      () => new PageHinkley({ mean: 0, sd: 1, minSamples: 3 }),
    ]) {
      const d = make();
      const twin = make();
      for (const x of [1, -2, 0.5]) expect(d.step(x)).toEqual(twin.step(x));
      for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '7' as never]) {
        for (const commit of [true, false]) expect(code(() => d.step(x, commit))).toBe('ERR_INPUT_INVALID');
      }
      expect(numbersOf(d)).toEqual(numbersOf(twin));
    }
    const cusum = new Cusum({ mean: 0, sd: 1 });
    expect(code(() => cusum.step(Number.NaN))).toBe('ERR_INPUT_INVALID');
    expect(alarms(cusum, 1e6, 100)).toBe(100); // was 0: one NaN silenced it for good
  });

  it('Page–Hinkley: a value whose z overflows alarms with a finite statistic, and the detector keeps working', () => {
    // sd below 1: (1.7e308 − 10)/0.5 is Infinity, and Infinity − Infinity used to leave NaN in the state.
    const ph = new PageHinkley({ mean: 10, sd: 0.5 });
    alarms(ph, 10, 5);
    const alarm = ph.step(1.7e308);
    expect(alarm?.statistic).toBe('page_hinkley_upper');
    expect(Number.isFinite(alarm?.value)).toBe(true);
    alarms(ph, 10, 5);
    expect(alarms(ph, 1000, 50)).toBeGreaterThan(0);
    expect(numbersOf(ph).every(Number.isFinite)).toBe(true);
  });

  it('CUSUM: values whose z overflows, in the burn-in, leave it alarming', () => {
    // In the burn-in nothing alarms, so nothing restarts: +∞, −∞, +∞ once left both sums at ∞ − ∞ = NaN.
    const cusum = new Cusum({ mean: 0, sd: 0.5, minSamples: 10 });
    for (const x of [1.7e308, -1.7e308, 1.7e308]) expect(cusum.step(x)).toBeUndefined();
    expect(alarms(cusum, 1000, 50)).toBeGreaterThan(0);
    expect(numbersOf(cusum).every(Number.isFinite)).toBe(true);
  });

  it('any doubles, NaN, ±Infinity and huge values included, leave the state finite and the detector alarming (property)', () => {
    const x = fc.oneof(
      fc.double(),
      fc.constantFrom(
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        1.7e308,
        -1.7e308,
        1e300,
        0,
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('cusum', 'page_hinkley'),
        fc.constantFrom(1e-3, 1, 1e3),
        fc.constantFrom(0, 30),
        fc.array(fc.record({ x, commit: fc.boolean() }), { maxLength: 60 }),
        (method, sd, minSamples, steps) => {
          const d =
            method === 'cusum' ? new Cusum({ mean: 0, sd, minSamples }) : new PageHinkley({ mean: 0, sd, minSamples });
          for (const s of steps) {
            const outcome = code(() => {
              const alarm = d.step(s.x, s.commit);
              if (alarm) expect(Number.isFinite(alarm.value)).toBe(true);
            });
            expect(outcome).toBe(Number.isFinite(s.x) ? 'no error' : 'ERR_INPUT_INVALID');
            expect(numbersOf(d).every(Number.isFinite)).toBe(true);
          }
          alarms(d, 0, 200);
          expect(alarms(d, 20 * sd, 200)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
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
    const m = measureDetector(() => new PageHinkley({ mean: 0, sd: 1, delta: 0.5, lambda: 8, minSamples: 30 }), {
      seed: 'bv-drift',
    });
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

import { seededRandom } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import {
  bootstrapInterval,
  normalCdf,
  normalQuantile,
  quantileSorted,
  wilsonInterval,
} from '../../src/harness/stats.js';

/**
 * The Wilson interval computed a second, independent way: by definition it is the set of p with
 * |p̂ − p| ≤ z·sqrt(p(1 − p)/n); find its two ends by bisection instead of the closed form.
 */
function wilsonByBisection(x: number, n: number, z: number): [number, number] {
  const phat = x / n;
  const inside = (p: number) => Math.abs(phat - p) <= z * Math.sqrt((p * (1 - p)) / n);
  const edge = (outside: number, ins: number) => {
    let [o, i] = [outside, ins];
    for (let k = 0; k < 200; k++) {
      const m = (o + i) / 2;
      if (inside(m)) i = m;
      else o = m;
    }
    return i;
  };
  return [phat === 0 ? 0 : edge(0, phat), phat === 1 ? 1 : edge(1, phat)];
}

// z of a 95 % two-sided interval, as published in tables (Φ⁻¹(0.975)).
const Z95 = 1.959963984540054;

describe('normal distribution', () => {
  it('matches published quantiles and CDF values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(Z95, 8);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 8);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.6448536269514722, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 6);
    expect(normalCdf(-2.124)).toBeCloseTo(0.016835, 5);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
  });

  it('refuses probabilities outside (0, 1) with a code', () => {
    for (const p of [0, 1, -0.5, Number.NaN]) expect(code(() => normalQuantile(p))).toBe('ERR_INPUT_INVALID');
  });
});

describe('wilsonInterval', () => {
  it('gives [0.4902, 0.9433] for 8/10 at 95 %', () => {
    const { low, high } = wilsonInterval(8, 10, 0.95);
    expect(low).toBeCloseTo(0.4902, 4);
    expect(high).toBeCloseTo(0.9433, 4);
  });

  it.each([
    [8, 10],
    [0, 20],
    [20, 20],
    [1, 3],
    [475, 500],
    [3, 1000],
  ])('agrees with the definition solved by bisection for %i/%i', (x, n) => {
    const { low, high } = wilsonInterval(x, n, 0.95);
    const [bl, bh] = wilsonByBisection(x, n, Z95);
    expect(low).toBeCloseTo(bl, 9);
    expect(high).toBeCloseTo(bh, 9);
  });
});

describe('quantileSorted (type 7)', () => {
  it('matches NumPy / R defaults on known data', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantileSorted(ten, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantileSorted(ten, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantileSorted(ten, 0.99)).toBeCloseTo(9.91, 12);
    expect(quantileSorted([15, 20, 35, 40, 50], 0.4)).toBeCloseTo(29, 12);
    expect(quantileSorted([7], 0.99)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('bootstrapInterval', () => {
  const data = Array.from({ length: 400 }, (_, i) => ((i * 7919) % 400) / 10); // 0 … 39.9, evenly spread
  const mean = (s: readonly number[]) => s.reduce((a, b) => a + b, 0) / s.length;

  it('is reproducible from a seed and changes with the seed', () => {
    const opts = (seed: string) => ({ confidence: 0.95, resamples: 300, random: seededRandom(seed) });
    const a = bootstrapInterval(data, mean, mean(data), opts('seed-1'));
    const b = bootstrapInterval(data, mean, mean(data), opts('seed-1'));
    const c = bootstrapInterval(data, mean, mean(data), opts('seed-2'));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('approximates the normal-theory interval of a mean (independent cross-check)', () => {
    const m = mean(data);
    const sd = Math.sqrt(data.reduce((s, x) => s + (x - m) ** 2, 0) / (data.length - 1));
    const half = (Z95 * sd) / Math.sqrt(data.length);
    const { low, high } = bootstrapInterval(data, mean, m, {
      confidence: 0.95,
      resamples: 2000,
      random: seededRandom('x'),
    });
    expect(Math.abs(m - half - low)).toBeLessThan(0.15 * half);
    expect(Math.abs(m + half - high)).toBeLessThan(0.15 * half);
  });

  it('always contains the estimate', () => {
    const { low, high } = bootstrapInterval([1, 1, 1, 1000], (s) => Math.max(...s), 1000, {
      confidence: 0.5,
      resamples: 50,
      random: seededRandom('y'),
    });
    expect(low).toBeLessThanOrEqual(1000);
    expect(high).toBeGreaterThanOrEqual(1000);
  });
});

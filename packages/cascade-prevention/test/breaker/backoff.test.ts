import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDuration } from '../../src/breaker/backoff.js';

describe('open duration with backoff and jitter', () => {
  const b = { baseMs: 1_000, multiplier: 2, maxMs: 10_000, jitter: 0, resetMs: 10_000 };

  it('doubles per trip up to the cap, without jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 100, 5_000].map((k) => openDuration(b, k, () => 0.9))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('takes jitter × r off the capped duration', () => {
    const j = { ...b, jitter: 0.5 };
    expect(openDuration(j, 1, () => 0)).toBe(1_000);
    expect(openDuration(j, 1, () => 0.5)).toBe(750);
    expect(openDuration(j, 4, () => 0.999)).toBe(Math.round(8_000 * (1 - 0.5 * 0.999)));
  });

  it('reads a draw outside [0, 1) as 0, and never returns less than 1 ms', () => {
    const j = { ...b, jitter: 1 };
    for (const r of [Number.NaN, -1, 1, 7, Number.POSITIVE_INFINITY]) expect(openDuration(j, 2, () => r)).toBe(2_000);
    expect(openDuration(j, 1, () => 0.99999999)).toBe(1);
  });

  it('stays in (base × (1 − jitter), base] with base = min(max, open × m^(k−1)) (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseMs, multiplier, capFactor, jitter, trip, r) => {
          const maxMs = baseMs * capFactor;
          const d = openDuration({ baseMs, multiplier, maxMs, jitter, resetMs: maxMs }, trip, () => r);
          let base = baseMs;
          for (let k = 1; k < trip && base < maxMs; k++) base *= multiplier;
          base = Math.min(base, maxMs);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeLessThanOrEqual(Math.round(base));
          expect(d).toBeGreaterThanOrEqual(Math.max(1, Math.floor(base * (1 - jitter))));
          expect(d).toBe(Math.max(1, Math.round(base * (1 - jitter * r))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

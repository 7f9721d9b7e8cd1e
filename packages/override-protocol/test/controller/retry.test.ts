import { seededRandom } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../src/controller/retry.js';

describe('resend schedule (spec §7.6)', () => {
  it('resends Emergency signals every 250 ms, whatever the attempt', () => {
    const random = seededRandom('retry');
    expect([0, 1, 5, 40].map((n) => retryDelay('emergency', n, random))).toEqual([250, 250, 250, 250]);
  });

  it('backs off with full jitter under 250 ms · 2^n, capped at 5 s', () => {
    const random = seededRandom('retry-jitter');
    for (const [attempt, ceiling] of [
      [0, 250],
      [1, 500],
      [3, 2000],
      [4, 4000],
      [5, 5000],
      [30, 5000],
    ] as const) {
      const delays = Array.from({ length: 400 }, () => retryDelay('mandatory', attempt, random));
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      // Full jitter spreads over the whole range, not around the ceiling.
      expect(Math.min(...delays)).toBeLessThan(ceiling * 0.1);
      expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.9);
    }
  });
});

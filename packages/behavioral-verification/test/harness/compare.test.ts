import { fixedClock, seededRandom } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import { compareProfiles } from '../../src/harness/compare.js';
import { computeMetrics } from '../../src/harness/metrics.js';
import { type Agent, runSuite } from '../../src/harness/run.js';
import { compileSuite } from '../../src/harness/suite.js';
import type { Metric, PerformanceProfileClaims } from '../../src/messages/performance-profile.js';
import { additionSuite } from './fixtures.js';

const DIGEST = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';

function profile(metrics: Record<string, Metric>, digest = DIGEST): PerformanceProfileClaims {
  return { iss: 'runner', sub: 'agent', iat: 0, jti: 'j', suite: { id: 's', digest }, env: {}, metrics };
}
const rate = (value: number, n: number): Metric => ({ value, n, ci_low: 0, ci_high: 1, confidence: 0.95 });

describe('compareProfiles', () => {
  it('reproduces the textbook two-proportion z-test (45/100 vs 60/100: χ² = 4.5113, p = 0.0337)', () => {
    const cmp = compareProfiles(
      profile({ task_completion_accuracy: rate(0.45, 100) }),
      profile({ task_completion_accuracy: rate(0.6, 100) }),
    );
    const [m] = cmp.metrics;
    expect(m).toMatchObject({ metric: 'task_completion_accuracy', method: 'z-test', better: 'b' });
    expect(m!.difference).toBeCloseTo(-0.15, 12);
    expect(m!.pValue).toBeCloseTo(0.03367, 4);
    // At 99 % the same difference is not enough.
    expect(
      compareProfiles(
        profile({ task_completion_accuracy: rate(0.45, 100) }),
        profile({ task_completion_accuracy: rate(0.6, 100) }),
        { confidence: 0.99 },
      ).metrics[0]!.better,
    ).toBe('none');
  });

  it('finds no difference between equal or saturated rates', () => {
    const same = compareProfiles(
      profile({ safety_compliance_rate: rate(1, 50) }),
      profile({ safety_compliance_rate: rate(1, 80) }),
    );
    expect(same.metrics[0]).toMatchObject({ better: 'none', pValue: 1 });
  });

  it('judges latency by disjoint intervals, lower being better', () => {
    const lat = (value: number, lo: number, hi: number): Metric => ({
      value,
      n: 50,
      ci_low: lo,
      ci_high: hi,
      confidence: 0.95,
    });
    const cmp = compareProfiles(
      profile({
        latency_p95_ms: lat(100, 90, 110),
        latency_p50_ms: lat(50, 40, 60),
        resource_efficiency: lat(5, 4, 6),
      }),
      profile({
        latency_p95_ms: lat(150, 140, 160),
        latency_p50_ms: lat(55, 45, 65),
        resource_efficiency: lat(9, 8, 10),
      }),
    );
    expect(cmp.metrics.map((m) => [m.metric, m.method, m.better])).toEqual([
      ['latency_p50_ms', 'intervals', 'none'],
      ['latency_p95_ms', 'intervals', 'a'],
      ['resource_efficiency', 'intervals', 'b'],
    ]);
  });

  it('refuses profiles of different suites', () => {
    const m = { task_completion_accuracy: rate(0.5, 10) };
    expect(code(() => compareProfiles(profile(m), profile(m, 'x'.repeat(43))))).toBe('ERR_BV_SUITE_MISMATCH');
    expect(code(() => compareProfiles(profile(m), profile(m), { confidence: 0 }))).toBe('ERR_INPUT_INVALID');
  });

  it('tells a clearly better agent from a worse one end to end', async () => {
    const suite = compileSuite(additionSuite(100));
    const agent =
      (errorEvery: number, ms: number): Agent =>
      async (input) => {
        const { a, b } = input as { a: number; b: number };
        clock.advance(ms + (a % 7));
        return { output: a % errorEvery === 0 ? 0 : a + b, resources: { tokens: 50 } };
      };
    const clock = fixedClock(0);
    const measure = async (ag: Agent) => {
      const run = await runSuite(ag, suite, { clock, repetitions: 2 });
      return profile(computeMetrics(run, { random: seededRandom('cmp'), resamples: 300 }), suite.digest);
    };
    const good = await measure(agent(50, 20)); // 98 % correct, ~23 ms
    const bad = await measure(agent(2, 80)); // 50 % correct, ~83 ms
    const cmp = compareProfiles(good, bad);
    const by = Object.fromEntries(cmp.metrics.map((m) => [m.metric, m]));
    expect(by.task_completion_accuracy).toMatchObject({ better: 'a' });
    expect(by.task_completion_accuracy!.pValue).toBeLessThan(1e-6);
    expect(by.latency_p50_ms!.better).toBe('a');
    expect(by.latency_p99_ms!.better).toBe('a');
    expect(by.resource_efficiency!.better).toBe('a');
    expect(by.behavioral_consistency!.better).toBe('none'); // both are deterministic
    expect(compareProfiles(bad, good).metrics.find((m) => m.metric === 'task_completion_accuracy')!.better).toBe('b');
    expect(compareProfiles(good, good).metrics.every((m) => m.better === 'none')).toBe(true);
  });
});

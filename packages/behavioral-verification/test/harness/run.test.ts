import { fixedClock, generateKey, publicKeyOf, seededRandom, singleKey } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { codeOf as code } from '../../../../test-support/codes.js';
import { computeMetrics } from '../../src/harness/metrics.js';
import { signPerformanceProfile } from '../../src/harness/profile.js';
import { type Agent, runSuite } from '../../src/harness/run.js';
import { compileSuite } from '../../src/harness/suite.js';
import { performanceProfile } from '../../src/messages/performance-profile.js';
import type { JsonValue } from '../../src/monitor/verdict.js';
import { additionSuite, sampleSuite } from './fixtures.js';

const NOW_MS = 1_772_323_200_000;
const runnerKey = generateKey('Ed25519', seededRandom('bv-harness-runner'));

/** An agent for `additionSuite`: wrong on the ids in `wrong`, taking 10·(i+1) ms on the clock, 100 tokens each. */
function additionAgent(clock: ReturnType<typeof fixedClock>, wrong: ReadonlySet<number>): Agent {
  return async (input) => {
    const { a, b } = input as { a: number; b: number };
    clock.advance(10 * (a + 1));
    return { output: wrong.has(a) ? -1 : a + b, resources: { tokens: 100 } };
  };
}

describe('runSuite + computeMetrics on an agent of known quality', () => {
  const clock = fixedClock(0);
  const suite = compileSuite(additionSuite(20));
  const wrong = new Set([0, 4, 8, 12, 16]);

  it('measures accuracy, latency percentiles and efficiency exactly', async () => {
    const run = await runSuite(additionAgent(clock, wrong), suite, { clock });
    expect(run.suite).toEqual({ id: 'addition', digest: suite.digest });
    expect(run.outcomes.map((o) => o.correct).filter(Boolean)).toHaveLength(15);
    const m = computeMetrics(run, { random: seededRandom('metrics') });
    // 15/20 correct; Wilson 95 % interval computed by hand: centre 0.70973, half-width 0.17842.
    expect(m.task_completion_accuracy).toMatchObject({ value: 0.75, n: 20, confidence: 0.95 });
    expect(m.task_completion_accuracy!.ci_low).toBeCloseTo(0.5313, 4);
    expect(m.task_completion_accuracy!.ci_high).toBeCloseTo(0.8881, 3);
    // Latencies 10, 20 … 200 ms: type-7 quantiles.
    expect(m.latency_p50_ms!.value).toBeCloseTo(105, 9);
    expect(m.latency_p95_ms!.value).toBeCloseTo(190.5, 9);
    expect(m.latency_p99_ms!.value).toBeCloseTo(198.1, 9);
    expect(m.latency_p50_ms!.n).toBe(20);
    expect(m.latency_p50_ms!.ci_low).toBeLessThan(105);
    expect(m.latency_p50_ms!.ci_high).toBeGreaterThan(105);
    expect(m.latency_p99_ms!.ci_high).toBeLessThanOrEqual(200);
    // 15 correct answers for 2 000 tokens.
    expect(m.resource_efficiency).toMatchObject({ value: 7.5, n: 20 });
    expect(m.safety_compliance_rate).toBeUndefined(); // no task has safety checks
    expect(m.behavioral_consistency).toBeUndefined(); // one repetition only
  });

  it('is deterministic for a seed', async () => {
    const run = await runSuite(additionAgent(clock, wrong), suite, { clock });
    const a = computeMetrics(run, { random: seededRandom('s1') });
    expect(computeMetrics(run, { random: seededRandom('s1') })).toEqual(a);
    expect(computeMetrics(run, { random: seededRandom('s2') }).latency_p50_ms).not.toEqual(a.latency_p50_ms);
  });

  it('measures behavioural consistency across repetitions', async () => {
    let calls = 0;
    const flaky: Agent = async (input) => {
      const { a, b } = input as { a: number; b: number };
      return { output: a === 3 && calls++ % 2 === 1 ? { sum: a + b } : a + b };
    };
    const run = await runSuite(flaky, suite, { clock, repetitions: 3 });
    expect(run.outcomes).toHaveLength(60);
    const m = computeMetrics(run, { random: seededRandom('c') });
    expect(m.behavioral_consistency).toMatchObject({ value: 19 / 20, n: 20 });
    expect(m.task_completion_accuracy).toMatchObject({ value: 59 / 60, n: 60 });
  });

  it('refuses bad options with codes', async () => {
    const agent = additionAgent(clock, wrong);
    await expect(runSuite(agent, suite, { clock, repetitions: 0 })).rejects.toMatchObject({
      code: 'ERR_INPUT_INVALID',
    });
    await expect(runSuite(agent, suite, { clock, timeoutMs: -1 })).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    const run = await runSuite(agent, suite, { clock });
    expect(code(() => computeMetrics(run, { random: seededRandom('x'), confidence: 1 }))).toBe('ERR_INPUT_INVALID');
    expect(code(() => computeMetrics(run, { random: seededRandom('x'), resamples: 0 }))).toBe('ERR_INPUT_INVALID');
  });
});

describe('failures are outcomes, not crashes', () => {
  it('records exceptions, time-outs and non-JSON outputs as failed attempts', async () => {
    const clock = fixedClock(0);
    const agent = ((input: JsonValue) => {
      const { a, b } = input as { a: number; b: number };
      if (a === 1) return new Promise(() => {}); // never answers
      if (a === 2) return Promise.reject(new Error('model crashed'));
      if (a === 3) throw new TypeError('synchronous throw');
      if (a === 4) return Promise.resolve({ output: () => 1 });
      if (a === 5) return Promise.resolve('not a response');
      clock.advance(5);
      return Promise.resolve({ output: a + b });
    }) as Agent;
    const run = await runSuite(agent, compileSuite(additionSuite(8)), { clock, timeoutMs: 30 });
    expect(run.outcomes.map((o) => o.status)).toEqual([
      'ok',
      'timeout',
      'error',
      'error',
      'invalid_output',
      'invalid_output',
      'ok',
      'ok',
    ]);
    expect(run.outcomes.filter((o) => o.correct)).toHaveLength(3);
    const m = computeMetrics(run, { random: seededRandom('f') });
    expect(m.task_completion_accuracy).toMatchObject({ value: 3 / 8, n: 8 });
    expect(m.latency_p50_ms).toMatchObject({ value: 5, n: 3 }); // only answered attempts carry a latency
    expect(m.resource_efficiency).toBeUndefined(); // no tokens reported
  });
});

describe('safety compliance', () => {
  it('counts outputs that hit a forbidden pattern', async () => {
    const answers: Record<string, JsonValue> = {
      exact: { answer: 'Paris', n: [1, 2] },
      subset: { status: 'ok', items: [{ id: 1 }] },
      numeric: 5,
    };
    let leak = false;
    const agent: Agent = async (input) => {
      if (input === 'greet') {
        leak = !leak;
        return { output: leak ? 'hello, bob' : 'hello, password' };
      }
      return { output: answers[typeof input === 'number' ? 'subset' : Array.isArray(input) ? 'numeric' : 'exact']! };
    };
    const run = await runSuite(agent, compileSuite(sampleSuite), { clock: fixedClock(0), repetitions: 4 });
    const m = computeMetrics(run, { random: seededRandom('s') });
    expect(m.safety_compliance_rate).toMatchObject({ value: 0.5, n: 4 });
    expect(m.task_completion_accuracy).toMatchObject({ value: 1, n: 16 });
    expect(m.behavioral_consistency).toMatchObject({ value: 0.75, n: 4 });
  });
});

describe('signPerformanceProfile', () => {
  it('signs a profile that verifies through the message type with the measured metrics', async () => {
    const clock = fixedClock(0);
    const suite = compileSuite(additionSuite(10));
    const run = await runSuite(additionAgent(clock, new Set([2])), suite, { clock, repetitions: 2 });
    const metrics = computeMetrics(run, { random: seededRandom('sign') });
    const bytes = signPerformanceProfile(run, metrics, {
      key: runnerKey,
      issuer: 'spiffe://example.org/bench-runner',
      agent: 'spiffe://example.org/agent/adder',
      environment: { runtime: 'node-20', model: 'adder-1' },
      clock: fixedClock(NOW_MS),
      random: seededRandom('jti'),
      lifetimeSeconds: 86_400,
    });
    const result = performanceProfile.verify(bytes, {
      key: singleKey(publicKeyOf(runnerKey)),
      clock: fixedClock(NOW_MS),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.claims.metrics).toEqual(metrics);
    expect(result.claims.suite).toEqual({ id: 'addition', digest: suite.digest });
    expect(result.claims).toMatchObject({
      sub: 'spiffe://example.org/agent/adder',
      iat: NOW_MS / 1000,
      exp: NOW_MS / 1000 + 86_400,
    });
    expect(Object.keys(result.claims.metrics).sort()).toEqual([
      'behavioral_consistency',
      'latency_p50_ms',
      'latency_p95_ms',
      'latency_p99_ms',
      'resource_efficiency',
      'task_completion_accuracy',
    ]);
    const stranger = generateKey('Ed25519', seededRandom('bv-harness-stranger'));
    expect(
      performanceProfile.verify(bytes, { key: singleKey(publicKeyOf(stranger)), clock: fixedClock(NOW_MS) }).ok,
    ).toBe(false);
  });
});

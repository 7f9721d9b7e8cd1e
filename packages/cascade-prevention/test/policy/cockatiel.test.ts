/**
 * The same scenarios through cockatiel 3 and through our policies, on one fake clock (vitest's, which both read
 * through `setTimeout` and `Date`): call counts, outcomes and settle times must agree where the designs agree.
 */
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ConstantBackoff,
  circuitBreaker,
  retry as cRetry,
  timeout as cTimeout,
  wrap as cWrap,
  handleAll,
  handleWhen,
  TimeoutStrategy,
} from 'cockatiel';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/breaker.js';
import { retry } from '../../src/policy/retry.js';
import { type TimeoutStrategy as Strategy, timeout } from '../../src/policy/timeout.js';
import { wrap } from '../../src/policy/wrap.js';
import { hangs } from './manual-timer.js';

interface Seen {
  calls: number;
  fulfilled: boolean;
  value?: unknown;
  error?: unknown;
  elapsed: number;
}

/** Runs `start` on the fake clock until it settles; how it settled, when, and how often `fn` was called. */
async function observe(start: (fn: () => Promise<unknown>) => Promise<unknown>, fn: (n: number) => Promise<unknown>) {
  const t0 = Date.now();
  const seen: Seen = { calls: 0, fulfilled: false, elapsed: -1 };
  const p = start(() => fn(++seen.calls)).then(
    (value) => Object.assign(seen, { fulfilled: true, value, elapsed: Date.now() - t0 }),
    (error: unknown) => Object.assign(seen, { error, elapsed: Date.now() - t0 }),
  );
  await vi.runAllTimersAsync();
  await p;
  return seen;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('cross-check with cockatiel: retry', () => {
  it('calls as often, settles the same way and after the same delays (cockatiel maxAttempts n = our attempts n + 1)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 5 }), async (failures, retries) => {
        const fn = (n: number) => (n <= failures ? Promise.reject(new Error(`failure ${n}`)) : Promise.resolve(n));
        const theirs = cRetry(handleAll, { maxAttempts: retries, backoff: new ConstantBackoff(10) });
        const ours = retry({ attempts: retries + 1, backoff: { initialDelayMs: 10, multiplier: 1, jitter: 0 } });
        const a = await observe((f) => theirs.execute(f), fn);
        const b = await observe((f) => ours.execute(f), fn);
        expect(b.calls).toBe(a.calls);
        expect(b.fulfilled).toBe(a.fulfilled);
        expect(b.value).toBe(a.value);
        expect((b.error as Error | undefined)?.message).toBe((a.error as Error | undefined)?.message);
        expect(b.elapsed).toBe(a.elapsed);
      }),
      { numRuns: 40 },
    );
  });
});

describe('cross-check with cockatiel: timeout strategies', () => {
  const behaviours: Record<string, (signal: AbortSignal) => Promise<unknown>> = {
    'finishes in time': () => new Promise((r) => setTimeout(() => r('fast'), 50)),
    'stops when aborted': (signal) => hangs(signal),
    'ignores the abort and resolves late': () => new Promise((r) => setTimeout(() => r('late'), 250)),
    'ignores the abort and rejects late': () => new Promise((_, j) => setTimeout(() => j(new Error('late')), 250)),
  };
  const strategies: [Strategy, TimeoutStrategy][] = [
    ['cooperative', TimeoutStrategy.Cooperative],
    ['aggressive', TimeoutStrategy.Aggressive],
  ];
  for (const [name, behaviour] of Object.entries(behaviours)) {
    for (const [ourStrategy, theirStrategy] of strategies) {
      it(`${ourStrategy}, a function that ${name}: same outcome kind, value and time`, async () => {
        const signals: AbortSignal[] = [];
        const theirs = cTimeout(100, theirStrategy);
        const ours = timeout(100, { strategy: ourStrategy });
        const a = await observe(
          () =>
            theirs.execute(({ signal }) => {
              signals.push(signal);
              return behaviour(signal);
            }),
          () => Promise.resolve(),
        );
        const b = await observe(
          () =>
            ours.execute(({ signal }) => {
              signals.push(signal);
              return behaviour(signal);
            }),
          () => Promise.resolve(),
        );
        expect([b.fulfilled, b.value, b.elapsed]).toEqual([a.fulfilled, a.value, a.elapsed]);
        if (!b.fulfilled) expect(b.error).toMatchObject({ code: 'ERR_CP_TIMEOUT' });
        // Both abort the function's signal at the deadline (cockatiel also on return; we leave it alone then).
        if (name !== 'finishes in time') expect(signals.map((s) => s.aborted)).toEqual([true, true]);
      });
    }
  }
});

describe('cross-check with cockatiel: composition', () => {
  it('retry outside a breaker that opens: the same calls, and the refusal ends the retries', async () => {
    const theirs = cWrap(
      cRetry(
        handleWhen((e) => !(e instanceof BrokenCircuitError)),
        { maxAttempts: 4, backoff: new ConstantBackoff(10) },
      ),
      circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(2) }),
    );
    const ours = wrap(
      retry({ attempts: 5, backoff: { initialDelayMs: 10, multiplier: 1, jitter: 0 } }),
      new CircuitBreaker({
        id: 'b',
        dependency: 'dep',
        window: { kind: 'count', size: 2 },
        failureRateThreshold: 1,
        openDurationMs: 10_000,
      }),
    );
    const down = () => Promise.reject(new Error('down'));
    const a = await observe((f) => theirs.execute(f), down);
    const b = await observe((f) => ours.execute(f), down);
    expect(a.error).toBeInstanceOf(BrokenCircuitError);
    expect(b.error).toMatchObject({ code: 'ERR_CP_CIRCUIT_OPEN' });
    expect([b.calls, b.elapsed]).toEqual([a.calls, a.elapsed]);
    expect(b.calls).toBe(2);
  });

  it('timeout inside retry: every attempt its own deadline, the same calls and total time', async () => {
    const theirs = cWrap(
      cRetry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(10) }),
      cTimeout(100, TimeoutStrategy.Cooperative),
    );
    const ours = wrap(
      retry({ attempts: 3, backoff: { initialDelayMs: 10, multiplier: 1, jitter: 0 } }),
      timeout(100, { strategy: 'cooperative' }),
    );
    let calls = 0;
    const a = await observe(
      () =>
        theirs.execute(({ signal }) => {
          calls++;
          return hangs(signal);
        }),
      () => Promise.resolve(),
    );
    const theirCalls = calls;
    calls = 0;
    const b = await observe(
      () =>
        ours.execute(({ signal }) => {
          calls++;
          return hangs(signal);
        }),
      () => Promise.resolve(),
    );
    expect(calls).toBe(theirCalls);
    expect(calls).toBe(3);
    expect([b.fulfilled, b.elapsed]).toEqual([a.fulfilled, a.elapsed]);
    expect(b.elapsed).toBe(320);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/breaker.js';
import { Bulkhead } from '../../src/bulkhead/bulkhead.js';
import type { PolicyContext } from '../../src/policy/policy.js';
import { retry } from '../../src/policy/retry.js';
import { type TimeoutStrategy, timeout } from '../../src/policy/timeout.js';
import { wrap } from '../../src/policy/wrap.js';
import { hangs, ManualTimer, outcome, track } from './manual-timer.js';

/** A breaker that opens after two failures in a row of two calls, on the virtual clock. */
function breakerOn(timer: ManualTimer): CircuitBreaker {
  return new CircuitBreaker({
    id: 'b',
    dependency: 'dep',
    window: { kind: 'count', size: 2 },
    failureRateThreshold: 1,
    openDurationMs: 10_000,
    backoff: { jitter: 0 },
    clock: timer,
  });
}

const down = () => Promise.reject(new Error('down'));

describe('wrap: composition order', () => {
  it('retry outside a breaker stops at the open breaker: ERR_CP_CIRCUIT_OPEN is not retried', async () => {
    const timer = new ManualTimer();
    const breaker = breakerOn(timer);
    let calls = 0;
    const policy = wrap(retry({ attempts: 5, backoff: { initialDelayMs: 10, jitter: 0 }, timer }), breaker);
    const r = track(
      policy.execute(() => {
        calls++;
        return down();
      }),
      timer,
    );
    await timer.runAll();
    expect(r.result).toBe('ERR_CP_CIRCUIT_OPEN');
    expect(calls).toBe(2); // the third attempt was refused by the breaker, and nothing came after it
    expect(breaker.state).toBe('open');
  });

  it('a breaker outside retry counts one outcome per call, whatever the attempts inside', async () => {
    const timer = new ManualTimer();
    const breaker = breakerOn(timer);
    let calls = 0;
    const policy = wrap(breaker, retry({ attempts: 3, backoff: { initialDelayMs: 10 }, timer }));
    const r = track(
      policy.execute(() => (++calls < 3 ? down() : Promise.resolve('ok'))),
      timer,
    );
    await timer.runAll();
    expect(r.result).toBe('value:ok');
    expect(calls).toBe(3);
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 1, failures: 0 });
  });

  it('timeout inside retry gives each attempt its own deadline and its own signal', async () => {
    const timer = new ManualTimer();
    const start = timer.now();
    const seen: { attempt?: number; signal: AbortSignal; at: number }[] = [];
    const policy = wrap(
      retry({ attempts: 3, backoff: { initialDelayMs: 10, jitter: 0 }, timer }),
      timeout(100, { timer }),
    );
    const caller = new AbortController();
    const r = track(
      policy.execute(({ signal, attempt }) => {
        seen.push({ attempt, signal, at: timer.now() });
        return hangs(signal);
      }, caller.signal),
      timer,
    );
    await timer.runAll();
    // 0 → 100 timed out, 10 ms wait, 110 → 210 timed out, 20 ms wait, 230 → 330 timed out: the last error.
    expect(r).toMatchObject({ result: 'ERR_CP_TIMEOUT', at: start + 330 });
    expect(seen.map((s) => [s.attempt, s.at - start])).toEqual([
      [0, 0],
      [1, 110],
      [2, 230],
    ]);
    expect(new Set(seen.map((s) => s.signal)).size).toBe(3);
    expect(seen.every((s) => s.signal.aborted && s.signal !== caller.signal)).toBe(true);
    expect(caller.signal.aborted).toBe(false); // a timeout aborts only what it wraps
  });

  it('timeout outside retry is one deadline for every attempt and the waits between them', async () => {
    const timer = new ManualTimer();
    const start = timer.now();
    let calls = 0;
    const policy = wrap(
      timeout(250, { timer }),
      retry({ attempts: 10, backoff: { initialDelayMs: 100, jitter: 0 }, timer }),
    );
    const r = track(
      policy.execute(() => {
        calls++;
        return down();
      }),
      timer,
    );
    await timer.runAll();
    // Attempts at 0 and 100; the third was due at 300, past the deadline.
    expect(r).toMatchObject({ result: 'ERR_CP_TIMEOUT', at: start + 250 });
    expect(calls).toBe(2);
    expect(timer.pending).toBe(0);
  });

  it('retry outside a full bulkhead does not retry ERR_CP_BULKHEAD_FULL and never calls the function', async () => {
    const timer = new ManualTimer();
    const bulkhead = new Bulkhead({ name: 'pool', maxConcurrent: 1 });
    let release!: () => void;
    const holder = bulkhead.run(() => new Promise<void>((r) => (release = r)));
    let called = false;
    const r = track(
      wrap(retry({ attempts: 5, timer }), bulkhead).execute(() => {
        called = true;
        return 1;
      }),
      timer,
    );
    await timer.runAll();
    expect(r.result).toBe('ERR_CP_BULKHEAD_FULL');
    expect(called).toBe(false);
    expect(timer.pending).toBe(0);
    release();
    await holder;
  });

  it('hands the function one merged context: the retry attempt and the innermost signal', async () => {
    const timer = new ManualTimer();
    const contexts: PolicyContext[] = [];
    const breaker = breakerOn(timer);
    const bulkhead = new Bulkhead({ name: 'pool', maxConcurrent: 2 });
    const policy = wrap(retry({ attempts: 3, timer }), breaker, bulkhead, timeout(1000, { timer }));
    const r = track(
      policy.execute((ctx) => {
        contexts.push(ctx);
        return contexts.length < 2 ? Promise.reject(new Error('once')) : Promise.resolve(ctx.attempt);
      }),
      timer,
    );
    await timer.runAll();
    expect(r.result).toBe('value:1');
    expect(contexts.map((c) => c.attempt)).toEqual([0, 1]);
    expect(contexts.every((c) => c.signal instanceof AbortSignal && !c.signal.aborted)).toBe(true);
    expect(contexts[0]!.signal).not.toBe(contexts[1]!.signal);
  });
});

describe('wrap: the caller aborts', () => {
  it('aborts the function’s signal through every layer, rejects with ERR_CP_ABORTED, retries nothing, frees the slot', async () => {
    const timer = new ManualTimer();
    const breaker = breakerOn(timer);
    const bulkhead = new Bulkhead({ name: 'pool', maxConcurrent: 1 });
    const policy = wrap(
      retry({ attempts: 5, retryOn: () => true, timer }),
      breaker,
      bulkhead,
      timeout(1000, { timer }),
    );
    const caller = new AbortController();
    const signals: AbortSignal[] = [];
    const r = track(
      policy.execute(({ signal }) => {
        signals.push(signal);
        return hangs(signal);
      }, caller.signal),
      timer,
    );
    await timer.advance(50);
    expect(bulkhead.stats().active).toBe(1);
    const reason = new Error('user left');
    caller.abort(reason);
    await timer.runAll();
    expect(r).toMatchObject({ result: 'ERR_CP_ABORTED', at: timer.now() });
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBe(reason);
    expect(bulkhead.stats()).toMatchObject({ active: 0, queued: 0 });
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', calls: 0 }); // an abort says nothing of the dependency
    expect(timer.pending).toBe(0);
  });
});

describe('wrap: input', () => {
  it('needs at least one policy, each with execute', () => {
    expect(() => wrap()).toThrow(expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }));
    expect(() => wrap({} as never)).toThrow(expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }));
  });

  it('refuses a non-function as an ERR_CP_CONFIG_INVALID rejection', async () => {
    const timer = new ManualTimer();
    expect(await outcome(wrap(timeout(10, { timer })).execute(1 as never))).toBe('ERR_CP_CONFIG_INVALID');
    const bulkhead = new Bulkhead({ name: 'pool', maxConcurrent: 1 });
    expect(await outcome(bulkhead.execute(1 as never))).toBe('ERR_CP_CONFIG_INVALID');
  });
});

/** What one attempt of a generated call does. */
type Step = 'ok' | 'fail' | 'hang' | 'ignore';

describe('wrap: random workloads (fast-check)', () => {
  it('every call settles once, nothing is left unhandled, no slot or timer is left taken, no attempt follows an abort', async () => {
    const call = fc.record({
      startAt: fc.integer({ min: 0, max: 400 }),
      steps: fc.array(fc.constantFrom<Step>('ok', 'fail', 'hang', 'ignore'), { minLength: 1, maxLength: 4 }),
      abortAt: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(call, { minLength: 1, maxLength: 8 }),
          fc.constantFrom<TimeoutStrategy>('cooperative', 'aggressive'),
          async (calls, strategy) => {
            const timer = new ManualTimer();
            const start = timer.now();
            const breaker = breakerOn(timer);
            const bulkhead = new Bulkhead({ name: 'pool', maxConcurrent: 2, maxQueue: 1 });
            const policy = wrap(
              retry({ attempts: 3, backoff: { initialDelayMs: 20 }, random: () => 0.5, timer }),
              breaker,
              bulkhead,
              timeout(100, { timer, strategy }),
            );
            const runs = calls.map((c) => {
              const caller = new AbortController();
              const attempts: number[] = [];
              let abortedAt: number | undefined;
              let result: { done: boolean; result?: string } = { done: false };
              timer.after(c.startAt, () => {
                result = track(
                  policy.execute(({ signal }) => {
                    attempts.push(timer.now());
                    const step = c.steps[Math.min(attempts.length - 1, c.steps.length - 1)]!;
                    if (step === 'ok') return Promise.resolve('ok');
                    if (step === 'fail') return down();
                    if (step === 'hang') return hangs(signal);
                    return new Promise<string>((resolve) => timer.after(500, () => resolve('late')));
                  }, caller.signal),
                  timer,
                );
              });
              if (c.abortAt !== undefined)
                timer.after(c.abortAt, () => {
                  abortedAt = timer.now();
                  caller.abort();
                });
              return {
                attempts,
                get result() {
                  return result;
                },
                get abortedAt() {
                  return abortedAt;
                },
              };
            });
            await timer.runAll();
            for (const run of runs) {
              expect(run.result.done).toBe(true);
              expect(run.result.result).toMatch(
                /^(value:(ok|late)|error:down|ERR_CP_(TIMEOUT|ABORTED|CIRCUIT_OPEN|BULKHEAD_FULL|BULKHEAD_SHED))$/,
              );
              if (run.result.result === 'ERR_CP_ABORTED') expect(run.abortedAt).toBeDefined();
              if (run.abortedAt !== undefined)
                for (const at of run.attempts) expect(at).toBeLessThanOrEqual(run.abortedAt);
              expect(run.attempts.length).toBeLessThanOrEqual(3);
            }
            const stats = bulkhead.stats();
            expect(stats).toMatchObject({ active: 0, queued: 0 });
            expect(stats.completed).toBe(stats.started);
            expect(breaker.snapshot().probesInFlight).toBe(0);
            expect(timer.pending).toBe(0);
            expect(timer.now() - start).toBeLessThan(3_600_000);
          },
        ),
        { numRuns: 150 },
      );
      await new Promise<void>((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { cpError } from '../../src/errors.js';
import { isRetryable, retry } from '../../src/policy/retry.js';
import { ManualTimer, outcome, track } from './manual-timer.js';

/** A function failing `failures` times, then giving 'ok'; records the attempt and time of every call. */
function flaky(timer: ManualTimer, failures: number, error: () => unknown = () => new Error('down')) {
  const calls: { attempt: number | undefined; at: number }[] = [];
  const fn = ({ attempt }: { attempt?: number }) => {
    calls.push({ attempt, at: timer.now() });
    return calls.length <= failures ? Promise.reject(error()) : Promise.resolve('ok');
  };
  return { calls, fn };
}

describe('retry: options', () => {
  it.each([
    { attempts: 0 },
    { attempts: 1001 },
    { attempts: 2.5 },
    { backoff: { initialDelayMs: 0 } },
    { backoff: { initialDelayMs: 100, maxDelayMs: 50 } },
    { backoff: { multiplier: 0.5 } },
    { backoff: { jitter: 2 } },
    { backoff: 1 },
    { retryOn: true },
    { random: 0.5 },
    { timer: { after: null } },
  ])('refuses %j as ERR_CP_CONFIG_INVALID', (options) => {
    expect(() => retry(options as never)).toThrow(expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }));
  });
});

describe('retry: attempts and delays', () => {
  it('retries until the function fulfils, with attempt numbers 0, 1, 2 and jittered exponential delays', async () => {
    const timer = new ManualTimer();
    const start = timer.now();
    const { calls, fn } = flaky(timer, 2);
    const policy = retry({ attempts: 5, backoff: { initialDelayMs: 100, jitter: 0.2 }, random: () => 0.5, timer });
    const r = track(policy.execute(fn), timer);
    await timer.runAll();
    expect(r.result).toBe('value:ok');
    // 100 × (1 − 0.2 × 0.5) = 90, then 200 × 0.9 = 180.
    expect(calls).toEqual([
      { attempt: 0, at: start },
      { attempt: 1, at: start + 90 },
      { attempt: 2, at: start + 270 },
    ]);
    expect(policy.delayBefore(10)).toBe(9000); // 100 × 2^9 capped at the default 10,000, jittered
  });

  it('gives the last rejection when the attempts are spent', async () => {
    const timer = new ManualTimer();
    let n = 0;
    const policy = retry({ attempts: 3, backoff: { jitter: 0 }, timer });
    const r = track(
      policy.execute(() => Promise.reject(new Error(`failure ${++n}`))),
      timer,
    );
    await timer.runAll();
    expect(r.result).toBe('error:failure 3');
    expect(n).toBe(3);
    expect(timer.pending).toBe(0);
  });

  it.each([
    'ERR_CP_CIRCUIT_OPEN',
    'ERR_CP_BULKHEAD_FULL',
    'ERR_CP_BULKHEAD_SHED',
    'ERR_CP_DOMAIN_ISOLATED',
    'ERR_CP_ABORTED',
    'ERR_CP_CONFIG_INVALID',
  ] as const)('does not retry %s by default', async (code) => {
    const timer = new ManualTimer();
    const { calls, fn } = flaky(timer, 1, () => cpError(code, 'refused'));
    const r = track(retry({ timer }).execute(fn), timer);
    await timer.runAll();
    expect(r.result).toBe(code);
    expect(calls).toHaveLength(1);
    expect(isRetryable(cpError(code, 'x'))).toBe(false);
  });

  it('retries timeouts and foreign errors by default', () => {
    expect(isRetryable(cpError('ERR_CP_TIMEOUT', 'x'))).toBe(true);
    expect(isRetryable(new TypeError('fetch failed'))).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
  });

  it('follows retryOn, and reads a throwing predicate as no', async () => {
    const timer = new ManualTimer();
    const only = flaky(timer, 3, () => new Error('transient'));
    const r1 = track(
      retry({ attempts: 5, retryOn: (e) => (e as Error).message === 'transient', timer }).execute(only.fn),
      timer,
    );
    await timer.runAll();
    expect(r1.result).toBe('value:ok');
    expect(only.calls).toHaveLength(4);

    const throwing = flaky(timer, 3);
    const r2 = track(
      retry({
        attempts: 5,
        retryOn: () => {
          throw new Error('predicate bug');
        },
        timer,
      }).execute(throwing.fn),
      timer,
    );
    await timer.runAll();
    expect(r2.result).toBe('error:down');
    expect(throwing.calls).toHaveLength(1);
  });

  it('turns a synchronous throw into a retried rejection', async () => {
    const timer = new ManualTimer();
    let n = 0;
    const r = track(
      retry({ attempts: 2, timer }).execute(() => {
        if (++n === 1) throw new Error('sync');
        return 'second';
      }),
      timer,
    );
    await timer.runAll();
    expect(r.result).toBe('value:second');
  });
});

describe('retry: the caller aborts', () => {
  it('never retries the caller’s abort, even when retryOn says yes: ERR_CP_ABORTED at once', async () => {
    const timer = new ManualTimer();
    const caller = new AbortController();
    const seen: AbortSignal[] = [];
    const policy = retry({ attempts: 5, retryOn: () => true, timer });
    const p = policy.execute(({ signal }) => {
      seen.push(signal);
      return new Promise<never>(() => {}); // ignores its signal
    }, caller.signal);
    const r = track(p, timer);
    await timer.advance(10);
    caller.abort(new Error('user left'));
    await timer.runAll();
    expect(r.result).toBe('ERR_CP_ABORTED');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(caller.signal);
    expect(seen[0]!.aborted).toBe(true);
  });

  it('ends the wait between attempts with ERR_CP_ABORTED and cancels the timer', async () => {
    const timer = new ManualTimer();
    const caller = new AbortController();
    const { calls, fn } = flaky(timer, 10);
    const r = track(retry({ attempts: 5, backoff: { initialDelayMs: 1000 }, timer }).execute(fn, caller.signal), timer);
    await timer.advance(500);
    expect(calls).toHaveLength(1);
    caller.abort();
    await timer.advance(0);
    expect(r.result).toBe('ERR_CP_ABORTED');
    expect(timer.pending).toBe(0);
    await timer.advance(10_000);
    expect(calls).toHaveLength(1);
  });

  it('does not call the function under a signal already aborted', async () => {
    let called = false;
    const p = retry({ timer: new ManualTimer() }).execute(() => {
      called = true;
      return 1;
    }, AbortSignal.abort());
    expect(await outcome(p)).toBe('ERR_CP_ABORTED');
    expect(called).toBe(false);
  });
});

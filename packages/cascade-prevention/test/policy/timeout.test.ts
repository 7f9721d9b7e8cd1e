import { describe, expect, it } from 'vitest';
import { timeout } from '../../src/policy/timeout.js';
import { hangs, ManualTimer, outcome, track } from './manual-timer.js';

describe('timeout: options', () => {
  it.each([
    [0, {}],
    [1.5, {}],
    [2 ** 31, {}],
    [Number.NaN, {}],
    [10, { strategy: 'optimistic' }],
    [10, { timer: {} }],
    [10, { timer: { after: 1 } }],
    [10, null],
  ])('refuses ms %s with %j as ERR_CP_CONFIG_INVALID', (ms, options) => {
    expect(() => timeout(ms, options as never)).toThrow(expect.objectContaining({ code: 'ERR_CP_CONFIG_INVALID' }));
  });

  it('refuses a non-function and a non-signal as ERR_CP_CONFIG_INVALID rejections', async () => {
    const policy = timeout(10, { timer: new ManualTimer() });
    expect(await outcome(policy.execute(1 as never))).toBe('ERR_CP_CONFIG_INVALID');
    expect(await outcome(policy.execute(() => 1, {} as AbortSignal))).toBe('ERR_CP_CONFIG_INVALID');
  });
});

describe('timeout: deadline', () => {
  it('passes a value that comes in time through, cancels its timer and leaves the signal alone', async () => {
    const timer = new ManualTimer();
    let seen: AbortSignal | undefined;
    const r = track(
      timeout(100, { timer }).execute(({ signal }) => {
        seen = signal;
        return new Promise<number>((resolve) => timer.after(99, () => resolve(7)));
      }),
      timer,
    );
    await timer.advance(99);
    expect(r).toMatchObject({ done: true, result: 'value:7' });
    expect(seen?.aborted).toBe(false);
    expect(timer.pending).toBe(0);
  });

  it('cooperative: aborts the signal at the deadline; a function that stops gives ERR_CP_TIMEOUT then', async () => {
    const timer = new ManualTimer();
    const start = timer.now();
    let seen: AbortSignal | undefined;
    const p = timeout(100, { timer }).execute(({ signal }) => {
      seen = signal;
      return hangs(signal);
    });
    const r = track(p, timer);
    await timer.advance(99);
    expect(r.done).toBe(false);
    await timer.advance(1);
    expect(r).toMatchObject({ done: true, at: start + 100, result: 'ERR_CP_TIMEOUT' });
    expect(seen?.aborted).toBe(true);
    // The function rejected with its signal's reason (as fetch does): that is the timeout error itself.
    await expect(p).rejects.toBe(seen?.reason);
  });

  it('cooperative: a function rejecting with its own error after the deadline gives ERR_CP_TIMEOUT with it as cause', async () => {
    const timer = new ManualTimer();
    const own = new Error('stopped');
    const p = timeout(100, { timer }).execute(
      ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(own))),
    );
    const r = track(p, timer);
    await timer.advance(100);
    expect(r.result).toBe('ERR_CP_TIMEOUT');
    await expect(p).rejects.toMatchObject({ cause: own });
  });

  it('cooperative: a function that ignores its signal is waited for, and its late value is kept (as cockatiel)', async () => {
    const timer = new ManualTimer();
    const start = timer.now();
    let seen: AbortSignal | undefined;
    const r = track(
      timeout(100, { timer }).execute(({ signal }) => {
        seen = signal;
        return new Promise<string>((resolve) => timer.after(250, () => resolve('late')));
      }),
      timer,
    );
    await timer.advance(100);
    expect(seen?.aborted).toBe(true);
    expect(r.done).toBe(false);
    await timer.advance(150);
    expect(r).toMatchObject({ done: true, at: start + 250, result: 'value:late' });
  });

  it('aggressive: rejects at the deadline even when the function ignores its signal; its late rejection is handled', async () => {
    const timer = new ManualTimer();
    const start = timer.now();
    let seen: AbortSignal | undefined;
    const r = track(
      timeout(100, { timer, strategy: 'aggressive' }).execute(({ signal }) => {
        seen = signal;
        return new Promise<string>((_, reject) => timer.after(250, () => reject(new Error('late failure'))));
      }),
      timer,
    );
    await timer.advance(100);
    expect(r).toMatchObject({ done: true, at: start + 100, result: 'ERR_CP_TIMEOUT' });
    expect(seen?.aborted).toBe(true);
    await timer.advance(150); // the late rejection must not surface as unhandled (vitest fails the run if it does)
    expect(r.result).toBe('ERR_CP_TIMEOUT');
  });

  it('turns a synchronous throw into a rejection and cancels the timer', async () => {
    const timer = new ManualTimer();
    const p = timeout(100, { timer }).execute(() => {
      throw new Error('sync');
    });
    expect(await outcome(p)).toBe('error:sync');
    expect(timer.pending).toBe(0);
  });
});

describe('timeout: the caller aborts', () => {
  it.each(['cooperative', 'aggressive'] as const)(
    '%s: ERR_CP_ABORTED at once, the function’s signal aborted with the caller’s reason, the timer cancelled',
    async (strategy) => {
      const timer = new ManualTimer();
      const caller = new AbortController();
      let seen: AbortSignal | undefined;
      const p = timeout(100, { timer, strategy }).execute(({ signal }) => {
        seen = signal;
        return new Promise<never>(() => {}); // ignores its signal: the abort must not wait for it
      }, caller.signal);
      const r = track(p, timer);
      await timer.advance(30);
      const reason = new Error('user left');
      caller.abort(reason);
      await timer.advance(0);
      expect(r).toMatchObject({ done: true, result: 'ERR_CP_ABORTED' });
      await expect(p).rejects.toMatchObject({ cause: reason });
      expect(seen?.aborted).toBe(true);
      expect(seen?.reason).toBe(reason);
      expect(timer.pending).toBe(0);
    },
  );

  it('does not call the function when the caller’s signal is already aborted', async () => {
    const timer = new ManualTimer();
    let called = false;
    const p = timeout(100, { timer }).execute(() => {
      called = true;
      return 1;
    }, AbortSignal.abort());
    expect(await outcome(p)).toBe('ERR_CP_ABORTED');
    expect(called).toBe(false);
    expect(timer.pending).toBe(0);
  });
});

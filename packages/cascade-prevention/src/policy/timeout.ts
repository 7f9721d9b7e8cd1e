import { cpError } from '../errors.js';
import { abortedError } from '../util/abortable.js';
import { checkInt, checkObject, invalid } from '../util/checks.js';
import type { Policy, PolicyContext } from './policy.js';
import { resolveTimer, type Timer } from './timer.js';

/**
 * What happens when the time is up (cockatiel's `TimeoutStrategy`). Both abort the signal the function received.
 * `cooperative` then waits for the function: a rejection after the deadline is `ERR_CP_TIMEOUT` (the function's
 * error as its cause), a value that still arrives is kept. `aggressive` rejects with `ERR_CP_TIMEOUT` at once,
 * even if the function ignores its signal.
 */
export type TimeoutStrategy = 'cooperative' | 'aggressive';

/** Options of {@link timeout}. */
export interface TimeoutPolicyOptions {
  /** Default `'cooperative'` (Polly's default; cockatiel asks for one). */
  readonly strategy?: TimeoutStrategy;
  /** Default the real timer ({@link systemTimer}). */
  readonly timer?: Timer;
}

/** The policy {@link timeout} builds. */
export class TimeoutPolicy implements Policy {
  private readonly aggressive: boolean;
  private readonly timer: Timer;

  constructor(
    /** The deadline of each call, ms. */
    readonly ms: number,
    options: TimeoutPolicyOptions = {},
  ) {
    checkInt(ms, 'timeout ms', 1, 2 ** 31 - 1);
    const o = checkObject(options, 'timeout options');
    const strategy = o['strategy'] ?? 'cooperative';
    if (strategy !== 'cooperative' && strategy !== 'aggressive')
      invalid("timeout strategy must be 'cooperative' or 'aggressive'");
    this.aggressive = strategy === 'aggressive';
    this.timer = resolveTimer(o['timer']);
  }

  /**
   * Runs `fn` with a signal that aborts when the caller's does or when `ms` have passed. Rejects with
   * `ERR_CP_TIMEOUT` on the deadline (see {@link TimeoutStrategy}) and with `ERR_CP_ABORTED` at once when the
   * caller aborts.
   */
  execute<T>(fn: (ctx: PolicyContext) => T | PromiseLike<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (typeof fn !== 'function') invalid('execute needs a function');
      if (signal !== undefined && !(signal instanceof AbortSignal)) invalid('signal must be an AbortSignal');
      if (signal?.aborted) throw abortedError(signal, 'timeout: aborted before the call');
      const controller = new AbortController();
      let timedOut: Error | undefined;
      let settled = false;
      let cancel = (): void => {};
      // Settles once; the later outcome of an abandoned function is still handled, never an unhandled rejection.
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        cancel();
        signal?.removeEventListener('abort', onCallerAbort);
        return true;
      };
      const onCallerAbort = () => {
        controller.abort(signal!.reason);
        if (finish()) reject(abortedError(signal!, 'timeout: aborted during the call'));
      };
      cancel = this.timer.after(this.ms, () => {
        if (settled) return;
        timedOut = cpError('ERR_CP_TIMEOUT', `no result within ${this.ms} ms`);
        controller.abort(timedOut);
        if (this.aggressive && finish()) reject(timedOut);
      });
      signal?.addEventListener('abort', onCallerAbort, { once: true });
      let pending: T | PromiseLike<T>;
      try {
        pending = fn({ signal: controller.signal });
      } catch (error) {
        pending = Promise.reject(error);
      }
      Promise.resolve(pending).then(
        (value) => {
          if (finish()) resolve(value);
        },
        (error: unknown) => {
          if (!finish()) return;
          // A function that rejects with its signal's reason (as fetch does) hands back our own error.
          const late = timedOut === undefined || error === timedOut;
          reject(late ? error : cpError('ERR_CP_TIMEOUT', `no result within ${this.ms} ms`, { cause: error }));
        },
      );
    });
  }
}

/**
 * A timeout policy: each call gets `ms` before its signal aborts and it rejects with `ERR_CP_TIMEOUT`. Inside a
 * {@link retry} every attempt gets its own deadline; outside, one deadline covers every attempt.
 *
 * @example
 * ```ts
 * const fiveSeconds = timeout(5_000, { strategy: 'aggressive' });
 * const body = await fiveSeconds.execute(({ signal }) => fetch(url, { signal }).then((r) => r.text()));
 * ```
 */
export function timeout(ms: number, options?: TimeoutPolicyOptions): TimeoutPolicy {
  return new TimeoutPolicy(ms, options);
}

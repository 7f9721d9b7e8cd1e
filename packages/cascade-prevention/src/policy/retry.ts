import { isSafetyNetError } from '@safety-net/core';
import { openDuration, type ResolvedBackoff } from '../breaker/backoff.js';
import { abortedError, callAbortable, NEVER_ABORTED } from '../util/abortable.js';
import { checkFunction, checkInt, checkNumber, checkObject, invalid } from '../util/checks.js';
import type { Policy, PolicyContext } from './policy.js';
import { resolveTimer, type Timer } from './timer.js';

/** Delays between attempts: `initialDelayMs × multiplier^(n − 1)`, capped, jittered (the breaker's §3.3 formula). */
export interface RetryBackoffOptions {
  /** Delay before the first retry, ms. Default 100. */
  readonly initialDelayMs?: number;
  /** Growth per retry, ≥ 1. Default 2. */
  readonly multiplier?: number;
  /** Cap of the un-jittered delay, ms. Default 10,000 (at least `initialDelayMs`). */
  readonly maxDelayMs?: number;
  /** Share of the delay taken off at random, [0, 1]. Default 0.2. */
  readonly jitter?: number;
}

/** Options of {@link retry}. */
export interface RetryPolicyOptions {
  /** Calls in all, the first included (cockatiel's `maxAttempts` + 1), 1…1000. Default 3. */
  readonly attempts?: number;
  /** Delays between attempts. */
  readonly backoff?: RetryBackoffOptions;
  /** Whether a rejection is worth another attempt. Default {@link isRetryable}. A throwing predicate means no. */
  readonly retryOn?: (error: unknown) => boolean;
  /** Uniform draws in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Default the real timer. */
  readonly timer?: Timer;
}

/** Codes that say another attempt now would be refused too, or that nobody wants the result any more. */
const FINAL_CODES: ReadonlySet<string> = new Set([
  'ERR_CP_CIRCUIT_OPEN',
  'ERR_CP_BULKHEAD_FULL',
  'ERR_CP_BULKHEAD_SHED',
  'ERR_CP_DOMAIN_ISOLATED',
  'ERR_CP_ABORTED',
  'ERR_CP_CONFIG_INVALID',
]);

/**
 * The default retry predicate: every rejection but an open breaker, a full or isolated failure domain, shed
 * work, an abort and invalid options (retrying those only adds load to what is already refusing it).
 */
export function isRetryable(error: unknown): boolean {
  return !(isSafetyNetError(error) && FINAL_CODES.has(error.code));
}

/** The policy {@link retry} builds. */
export class RetryPolicy implements Policy {
  private readonly attempts: number;
  private readonly backoff: ResolvedBackoff;
  private readonly retryOn: (error: unknown) => boolean;
  private readonly random: () => number;
  private readonly timer: Timer;

  constructor(options: RetryPolicyOptions = {}) {
    const o = checkObject(options, 'retry options');
    const b = checkObject(o['backoff'], 'retry backoff');
    const baseMs = checkInt(b['initialDelayMs'], 'backoff.initialDelayMs', 1, 2 ** 31 - 1, 100);
    const maxMs = checkInt(b['maxDelayMs'], 'backoff.maxDelayMs', baseMs, 2 ** 31 - 1, Math.max(baseMs, 10_000));
    this.attempts = checkInt(o['attempts'], 'attempts', 1, 1000, 3);
    this.backoff = {
      baseMs,
      multiplier: checkNumber(b['multiplier'], 'backoff.multiplier', { min: 1, max: 1000 }, 2),
      maxMs,
      jitter: checkNumber(b['jitter'], 'backoff.jitter', { min: 0, max: 1 }, 0.2),
      resetMs: maxMs,
    };
    this.retryOn = checkFunction<(error: unknown) => boolean>(o['retryOn'], 'retryOn', isRetryable);
    this.random = checkFunction<() => number>(o['random'], 'random', Math.random);
    this.timer = resolveTimer(o['timer']);
  }

  /** The delay before retry `n` (1-based), ms. */
  delayBefore(n: number): number {
    return openDuration(this.backoff, n, this.random);
  }

  /**
   * Calls `fn` until it fulfils, its rejection is not retryable, or the attempts are spent; then settles with the
   * last outcome. The context carries the attempt (0 first). The caller's abort rejects at once with
   * `ERR_CP_ABORTED` and is never retried, whatever `retryOn` says.
   */
  async execute<T>(fn: (ctx: PolicyContext) => T | PromiseLike<T>, signal?: AbortSignal): Promise<T> {
    if (typeof fn !== 'function') invalid('execute needs a function');
    if (signal !== undefined && !(signal instanceof AbortSignal)) invalid('signal must be an AbortSignal');
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortedError(signal, `retry: aborted before attempt ${attempt}`);
      try {
        if (signal === undefined) return await fn({ signal: NEVER_ABORTED, attempt });
        return await callAbortable(fn, { signal, attempt }, signal);
      } catch (error) {
        if (signal?.aborted) throw abortedError(signal, `retry: aborted during attempt ${attempt}`);
        if (attempt + 1 >= this.attempts || !this.wantsRetry(error)) throw error;
      }
      await this.sleep(this.delayBefore(attempt + 1), signal);
    }
  }

  private wantsRetry(error: unknown): boolean {
    try {
      return this.retryOn(error) === true;
    } catch {
      return false;
    }
  }

  /** Waits between attempts; the caller's abort ends the wait with `ERR_CP_ABORTED` and cancels the timer. */
  private sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        cancel();
        reject(abortedError(signal!, 'retry: aborted while waiting to retry'));
      };
      const cancel = this.timer.after(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * A retry policy: up to `attempts` calls with exponential, jittered delays between them.
 *
 * @example
 * ```ts
 * const policy = retry({ attempts: 4, backoff: { initialDelayMs: 200 } });
 * const answer = await policy.execute(({ signal, attempt }) => ask(question, { signal, attempt }));
 * ```
 */
export function retry(options?: RetryPolicyOptions): RetryPolicy {
  return new RetryPolicy(options);
}

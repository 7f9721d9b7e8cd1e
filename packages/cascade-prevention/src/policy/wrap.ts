import { cpError } from '../errors.js';
import { invalid } from '../util/checks.js';
import type { Policy, PolicyContext } from './policy.js';

/** The policy {@link wrap} builds. */
export class WrappedPolicy implements Policy {
  constructor(
    /** Outermost first. */
    readonly policies: readonly Policy[],
  ) {
    if (!Array.isArray(policies) || policies.length === 0) invalid('wrap needs at least one policy');
    for (const p of policies) {
      if (typeof p !== 'object' || p === null || typeof (p as { execute?: unknown }).execute !== 'function')
        invalid('wrap takes policies: objects with execute(fn, signal)');
    }
  }

  /** Runs `fn` through every policy, outermost first; the function's context merges theirs, inner ones winning. */
  execute<T>(fn: (ctx: PolicyContext) => T | PromiseLike<T>, signal?: AbortSignal): Promise<T> {
    if (typeof fn !== 'function') return Promise.reject(cpError('ERR_CP_CONFIG_INVALID', 'execute needs a function'));
    return this.step(0, fn, undefined, signal);
  }

  /** Policy `i` runs the rest; each inner policy gets the signal its outer one handed down, never the caller's. */
  private step<T>(
    i: number,
    fn: (ctx: PolicyContext) => T | PromiseLike<T>,
    outer: PolicyContext | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const last = i === this.policies.length - 1;
    return this.policies[i]!.execute((own) => {
      const ctx = outer === undefined ? own : { ...outer, ...own };
      return last ? fn(ctx) : this.step(i + 1, fn, ctx, ctx.signal);
    }, signal);
  }
}

/**
 * Composes policies outer → inner, as cockatiel's and Polly's `wrap` do: `wrap(retry, breaker, bulkhead, timeout)`
 * retries calls that a breaker guards, each attempt taking a bulkhead slot and getting its own deadline. One
 * signal flows through: the caller's aborts everything inside; a timeout's aborts only what it wraps.
 *
 * @example
 * ```ts
 * const policy = wrap(retry({ attempts: 3 }), breaker, bulkhead, timeout(2_000));
 * const answer = await policy.execute(({ signal }) => fetch(url, { signal }).then((r) => r.json()));
 * ```
 */
export function wrap(...policies: Policy[]): WrappedPolicy {
  return new WrappedPolicy(policies);
}

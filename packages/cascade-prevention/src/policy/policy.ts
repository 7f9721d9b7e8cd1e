import { NEVER_ABORTED } from '../util/abortable.js';

/** What a policy hands the function it runs (cockatiel's `IDefaultPolicyContext` / `IRetryContext`). */
export interface PolicyContext {
  /** Aborted when the caller aborts or a timeout around the function fires; pass it on to the work. */
  readonly signal: AbortSignal;
  /** The attempt of an enclosing {@link retry}, 0 for the first call; absent without one. */
  readonly attempt?: number;
}

/**
 * A resilience policy: runs a function under some rule (breaker, bulkhead, timeout, retry) and settles with its
 * outcome or the rule's typed error. Policies compose with {@link wrap}; the caller's `signal` aborts the call and
 * reaches the function through its context.
 */
export interface Policy {
  /** Runs `fn` under the policy; `signal` aborts it and reaches `fn` as `ctx.signal` (or a signal it aborts). */
  execute<T>(fn: (ctx: PolicyContext) => T | PromiseLike<T>, signal?: AbortSignal): Promise<T>;
}

/** The context of a call whose caller gave no signal; shared, so the fast paths allocate none. */
export const UNSIGNALLED: PolicyContext = Object.freeze({ signal: NEVER_ABORTED });

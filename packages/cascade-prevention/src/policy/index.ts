export type { Policy, PolicyContext } from './policy.js';
export { isRetryable, type RetryBackoffOptions, RetryPolicy, type RetryPolicyOptions, retry } from './retry.js';
export { TimeoutPolicy, type TimeoutPolicyOptions, type TimeoutStrategy, timeout } from './timeout.js';
export { systemTimer, type Timer } from './timer.js';
export { WrappedPolicy, wrap } from './wrap.js';

export type { BackoffOptions } from './backoff.js';
export { type BreakerSnapshot, CircuitBreaker, type ExecuteOptions } from './breaker.js';
export type { BreakerOptions, WindowOptions } from './options.js';
export type { RemoteCircuitState, RemoteFailureSignal } from './remote.js';
export type { Transition, TransitionListener, TransitionReasonKind } from './state.js';

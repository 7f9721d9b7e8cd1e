export { type BackoffOptions, openDuration, type ResolvedBackoff } from './backoff.js';
export { type BreakerSnapshot, CircuitBreaker, type ExecuteOptions } from './breaker.js';
export { CountWindow } from './count-window.js';
export {
  type BreakerOptions,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
  type WindowOptions,
} from './options.js';
export type { RemoteCircuitState, RemoteFailureSignal } from './remote.js';
export type { Transition, TransitionListener, TransitionReasonKind } from './state.js';
export { TimeWindow } from './time-window.js';
export { FAILURE, type OutcomeWindow, SLOW } from './window.js';

export { MAX_RECENT_ACTIONS } from './action-history.js';
export {
  type ApprovalOptions,
  type CountedDecision,
  checkDecision,
  DEFAULT_APPROVAL_TIMEOUT,
  type GateOutcome,
  gateOutcome,
} from './approval-gate.js';
export { type MonitorConstraintOptions, monitorConstraint } from './behavioural-constraint.js';
export { type Answer, MAX_HOLDS, MAX_SIGNAL_BYTES, MAX_WAITING_LIFTS, OverrideGuard } from './guard.js';
export { type ActionPlace, compareOrder, type Hold, type HoldKind } from './hold.js';
export {
  DEFAULT_LAPSE_SKEW,
  type LeaseOptions,
  lapseHoldId,
  MAX_LAPSE_SKEW,
  msUntilLapse,
  type Receipt,
} from './lapse.js';
export { MemoryStateStore } from './memory-store.js';
export type { ConstraintCheck, GuardAction, GuardOptions, GuardTimers, RunOptions } from './options.js';
export type {
  GuardState,
  LeaseRecord,
  OverrideStateStore,
  PendingApproval,
  ProcessedSignal,
  RecentAction,
  StateChange,
  WaitingLift,
} from './state-store.js';
export { type CaptureState, checkHandoff, type HandOffState } from './takeover.js';

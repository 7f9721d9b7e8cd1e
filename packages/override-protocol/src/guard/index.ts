export { type Answer, MAX_HOLDS, MAX_SIGNAL_BYTES, MAX_WAITING_LIFTS, OverrideGuard } from './guard.js';
export { type ActionPlace, compareOrder, type Hold, type HoldKind } from './hold.js';
export { MemoryStateStore } from './memory-store.js';
export type { ConstraintCheck, GuardAction, GuardOptions, GuardTimers } from './options.js';
export type { GuardState, OverrideStateStore, ProcessedSignal, StateChange, WaitingLift } from './state-store.js';

export type { ArtefactKind, ArtefactVerifiers, SubmittedArtefact } from './artefacts.js';
export { type AgentOutcome, type IssuedSignal, OverrideController } from './controller.js';
export type { RecordDag } from './dag-recording.js';
export {
  DEFAULT_ESCALATION,
  type EscalationNotice,
  type EscalationOptions,
  type EscalationSink,
} from './escalation.js';
export { type ControlPlaneHandlerOptions, controlPlaneHandler } from './handler.js';
export type { LeaseGrant } from './leases.js';
export { MemoryControllerStore } from './memory-store.js';
export type { ControllerOptions } from './options.js';
export { outboxOf } from './outbox.js';
export type { InProcessAgent } from './push.js';
export type { AgentRegistration } from './registry.js';
export { EMERGENCY_RETRY_MS, RETRY_BASE_MS, RETRY_CAP_MS, retryDelay } from './retry.js';
export { revokingResolver } from './revoking-resolver.js';
export { SIGNAL_DEFAULTS, type SignalRequest } from './signal-request.js';
export type {
  ControllerStore,
  Delivery,
  DeliveryClaim,
  DeliveryState,
  DeliveryUpdate,
  NewSignal,
  Pruned,
  RecordedSignal,
  RecordKind,
  StoredAck,
  StoredAgent,
  StoredRecord,
  StoredSignal,
} from './store.js';

export type { CheckpointLookup } from './checkpoints.js';
export type { CompensationEntry, CompensationRecord } from './compensation-record.js';
export {
  type CoordinatorEvent,
  RollbackCoordinator,
  type RollbackInput,
  type RollbackOutcome,
  type RollbackRunOptions,
  requestDigest,
} from './coordinator.js';
export type { CoordinatorOptions, RetryOptions } from './coordinator-options.js';
export { Fence, type FenceHolder } from './fence.js';
export {
  type HttpTransportOptions,
  httpTransport,
  LEASE_HEADER,
  MAX_ROLLBACK_BODY_BYTES,
  type ParticipantHandlerOptions,
  participantHandler,
} from './http.js';
export type { CheckpointInput, CompensationInput, RollbackRequestInput } from './inputs.js';
export { MemoryParticipantStore, type MemoryParticipantStoreOptions } from './memory-participant-store.js';
export { MemoryRollbackStore } from './memory-store.js';
export { isRecordTask, type PlanOptions, type ResolvedPlanOptions } from './options.js';
export {
  type CompensationHandler,
  type CompensationRequest,
  type ParticipantCallOptions,
  type ParticipantEndpoint,
  type ParticipantOptions,
  RollbackParticipant,
} from './participant.js';
export type { Committed, ParticipantStore, StoredFences } from './participant-store.js';
export { type PlannedRollback, planRollback } from './plan.js';
export type { NewRollback, RollbackStore, StepState, StepStatus, StoredRollback } from './store.js';
export { inProcessTransport, type ParticipantAddress, type RollbackTransport } from './transport.js';

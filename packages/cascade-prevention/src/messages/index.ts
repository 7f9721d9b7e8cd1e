import type { AnyMessageType } from '@safety-net/core';
import { checkpoint } from './checkpoint.js';
import { circuitAnnouncement } from './circuit-announcement.js';
import { compensationResult } from './compensation-result.js';
import { failureSignal } from './failure-signal.js';
import { rollbackComplete } from './rollback-complete.js';
import { rollbackPlan } from './rollback-plan.js';
import { rollbackRequest } from './rollback-request.js';

export { type CheckpointClaims, CheckpointClaimsSchema, checkpoint } from './checkpoint.js';
export {
  type CircuitAnnouncementClaims,
  CircuitAnnouncementClaimsSchema,
  type CircuitState,
  CircuitStateSchema,
  circuitAnnouncement,
  type TransitionKind,
  TransitionKindSchema,
  type TransitionReason,
  TransitionReasonSchema,
} from './circuit-announcement.js';
export {
  type Compensation,
  CompensationSchema,
  MAX_EXCERPT_LIFETIME_SECONDS,
  MAX_ROLLBACK_TASKS,
  NameSchema,
  type Undo,
  UndoSchema,
} from './common.js';
export {
  type CompensationOutcome,
  CompensationOutcomeSchema,
  type CompensationResultClaims,
  CompensationResultClaimsSchema,
  compensationResult,
} from './compensation-result.js';
export {
  type FailureSignalClaims,
  FailureSignalClaimsSchema,
  type FailureStatus,
  FailureStatusSchema,
  failureSignal,
} from './failure-signal.js';
export {
  type RollbackCompleteClaims,
  RollbackCompleteClaimsSchema,
  type RollbackStatus,
  RollbackStatusSchema,
  rollbackComplete,
  rollbackStatus,
} from './rollback-complete.js';
export {
  compensationKey,
  type PlanStep,
  PlanStepSchema,
  type RollbackPlanClaims,
  RollbackPlanClaimsSchema,
  rollbackPlan,
} from './rollback-plan.js';
export {
  type RollbackRequestClaims,
  RollbackRequestClaimsSchema,
  type RollbackScope,
  RollbackScopeSchema,
  rollbackRequest,
} from './rollback-request.js';

/** Every cascade-prevention message type, for a registry (`inspect`, vectors). */
export const CASCADE_MESSAGE_TYPES: readonly AnyMessageType[] = [
  circuitAnnouncement,
  failureSignal,
  checkpoint,
  rollbackRequest,
  rollbackPlan,
  compensationResult,
  rollbackComplete,
];

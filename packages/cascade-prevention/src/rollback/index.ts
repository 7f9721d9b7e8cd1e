export type { CheckpointLookup } from './checkpoints.js';
export type { CheckpointInput, CompensationInput, RollbackRequestInput } from './inputs.js';
export { isRecordTask, type PlanOptions, type ResolvedPlanOptions } from './options.js';
export { type PlannedRollback, type PlanStep, planRollback } from './plan.js';

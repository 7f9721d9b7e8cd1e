export {
  type AddCheckpointInput,
  type AddCheckpointOptions,
  type AddCheckpointResult,
  addCheckpoint,
} from './client.js';
export { cosignatureLine, witnessSigner } from './cosignature.js';
export { TLOG_SIZE_MEDIA_TYPE, type WitnessedLog, type WitnessOptions, witnessHandler } from './handler.js';
export { MemoryWitnessStore } from './memory-store.js';
export {
  COSIGNATURE_SKEW,
  type CosignedCheckpoint,
  DEFAULT_COSIGNATURE_MAX_AGE,
  type VerifyCosignedOptions,
  verifyCosigned,
  type WitnessPolicy,
  WitnessPolicySchema,
} from './policy.js';
export {
  type AddCheckpointRequest,
  formatAddCheckpoint,
  MAX_ADD_CHECKPOINT_BYTES,
  MAX_PROOF_LINES,
  parseAddCheckpoint,
} from './request.js';
export type { AdvanceResult, WitnessEvidence, WitnessState, WitnessStore } from './store.js';

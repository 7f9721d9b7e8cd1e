import type { AnyMessageType } from '@safety-net/core';
import { behavioralProfile } from './behavioral-profile.js';
import { bet } from './bet.js';
import { observation } from './observation.js';
import { performanceProfile } from './performance-profile.js';

export {
  BaselineProvenanceSchema,
  type BehavioralProfileClaims,
  BehavioralProfileClaimsSchema,
  type BehavioralProfileInput,
  behavioralProfile,
  profileDigest,
} from './behavioral-profile.js';
export {
  type BetClaims,
  BetClaimsSchema,
  type BetVerdict,
  BetVerdictSchema,
  type BetViolation,
  BetViolationSchema,
  bet,
  DEFAULT_BET_LIFETIME_SECONDS,
  type DriftStat,
  DriftStatSchema,
  MAX_BET_ENTRIES,
} from './bet.js';
export { type EvidenceValue, EvidenceValueSchema, MAX_EVIDENCE_VALUE_CHARS } from './common.js';
export {
  type ObservationClaims,
  ObservationClaimsSchema,
  observation,
  observationDigest,
  observationInput,
} from './observation.js';
export {
  type CommittedParams,
  commitParams,
  discloseParam,
  PARAM_SALT_BYTES,
  type ParamCommitments,
  type ParamDisclosure,
  ParamDisclosureSchema,
  verifyDisclosure,
} from './param-commitment.js';
export {
  type Metric,
  MetricNameSchema,
  MetricSchema,
  PERFORMANCE_METRICS,
  type PerformanceProfileClaims,
  PerformanceProfileClaimsSchema,
  performanceProfile,
} from './performance-profile.js';

/** Every behavioural-verification message type, for a registry (`inspect`, vectors). */
export const BEHAVIORAL_MESSAGE_TYPES: readonly AnyMessageType[] = [
  behavioralProfile,
  observation,
  bet,
  performanceProfile,
];

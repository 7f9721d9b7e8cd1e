export type { BaselineSnapshot } from './baseline.js';
export {
  type BlastGroup,
  type BlastRadius,
  type BlastRadiusOptions,
  blastRadius,
  type DomainOf,
} from './blast-radius.js';
export { type Cascade, findCascades, ROOT_CAUSE_WORK_FACTOR, type RootCause } from './cascades.js';
export {
  type BreakerToOpen,
  type ContainmentOptions,
  type ContainmentRecommendation,
  recommendContainment,
} from './containment.js';
export { type AnomalyReason, type BlastRadiusBounds, CascadeDetector, type Judgement } from './detector.js';
export { CASCADE_DEFAULTS, type CascadeOptions, type ResolvedCascadeOptions } from './options.js';
export type { Outcome, OutcomeRecord } from './outcome.js';
export { type LayeredWorkflowOptions, layeredWorkflow } from './synthetic.js';

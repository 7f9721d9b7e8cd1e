/**
 * @safety-net/behavioral-verification — runtime verification that agents behave as declared: behavioural profiles,
 * a streaming policy monitor, drift detection, Behavioral Evidence Tokens (BETs), appraisal and performance
 * profiles.
 *
 * @packageDocumentation
 */

export * from './appraisal/index.js';
export * from './bet/index.js';
export type { DriftAlarm, NumericDetector } from './drift/alarm.js';
export { Cusum, type CusumOptions } from './drift/cusum.js';
export { MixDivergence, type MixDivergenceOptions } from './drift/divergence.js';
export { type DetectorMeasurement, type MeasureOptions, measureDetector } from './drift/measure.js';
export { PageHinkley, type PageHinkleyOptions } from './drift/page-hinkley.js';
export * from './errors.js';
export * from './harness/index.js';
export * from './merkle/index.js';
export * from './messages/index.js';
export { type Applicable, CompiledProfile, compileProfile } from './monitor/compile.js';
export {
  type ActionRefusedError,
  type GuardAction,
  type GuardOptions,
  type GuardOutcome,
  isActionRefused,
  type RefusalCode,
} from './monitor/guard.js';
export { Monitor, type MonitorOptions, type PastAction } from './monitor/monitor.js';
export {
  type ObservationInput,
  type ObservationInputIn,
  ObservationInputSchema,
  type ParamValue,
  ParamValueSchema,
  parseObservation,
} from './monitor/observation-input.js';
export type { ParamCheck } from './monitor/param-check.js';
export { readObservation } from './monitor/read-observation.js';
export type { Decision, JsonValue, Verdict, Violation } from './monitor/verdict.js';
export type { ReadonlyDeep } from './readonly-deep.js';
export { compareDecimal, type Decimal, formatDecimal, MAX_DECIMAL_CHARS, parseDecimal } from './rules/decimal.js';
export { parseRules } from './rules/parse.js';
export type { ActionMatcher } from './rules/pattern.js';
export { compileSafeRegex, MAX_REGEX_INPUT, MAX_REGEX_SOURCE, MAX_UNBOUNDED_QUANTIFIERS } from './rules/safe-regex.js';
export {
  ActionPatternSchema,
  ActionRuleSchema,
  ActionsSchema,
  BudgetRuleSchema,
  DEFAULT_ESCALATION,
  DecimalValueSchema,
  EscalationSchema,
  type MixDriftRule,
  MixDriftRuleSchema,
  type NumericDriftRule,
  NumericDriftRuleSchema,
  type ParameterRule,
  ParameterRuleSchema,
  RateRuleSchema,
  RESPONSES,
  type Response,
  ResponseSchema,
  RuleIdSchema,
  type Rules,
  type RulesInput,
  RulesSchema,
  ScopeRuleSchema,
  SequenceRuleSchema,
  UNLISTED_RULE_ID,
  VIOLATION_CLASSES,
  type ViolationClass,
  ViolationClassSchema,
} from './rules/schema.js';

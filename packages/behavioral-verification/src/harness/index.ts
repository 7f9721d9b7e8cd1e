export {
  type CompareOptions,
  compareProfiles,
  LOWER_IS_BETTER_METRICS,
  type MetricComparison,
  PROPORTION_METRICS,
  type ProfileComparison,
} from './compare.js';
export { computeMetrics, type MetricOptions, type RunMetrics } from './metrics.js';
export { type SignPerformanceOptions, signPerformanceProfile } from './profile.js';
export {
  type Agent,
  type AgentResources,
  type AgentResponse,
  type AttemptStatus,
  MAX_REPETITIONS,
  type RunOptions,
  type RunResult,
  runSuite,
  type TaskOutcome,
} from './run.js';
export type { Interval } from './stats.js';
export {
  type Checker,
  CheckerSchema,
  type CompiledSuite,
  type CompiledTask,
  compileSuite,
  MAX_SAFETY_PATTERNS,
  MAX_SUITE_CHARS,
  MAX_SUITE_TASKS,
  suiteDigest,
  type Task,
  TaskSchema,
  type TaskSuite,
  TaskSuiteSchema,
} from './suite.js';

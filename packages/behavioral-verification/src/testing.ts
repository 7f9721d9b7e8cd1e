/**
 * Test helpers of `@safety-net/behavioral-verification`, for its own tests, the conformance generator and
 * implementers' tests: sample claims per message type, the runner of the `bv-monitor-evaluate` vectors, and seeded
 * synthetic streams for measuring detectors and for simulations (never for anything secret). No semver promise beyond the root entry's.
 *
 * @packageDocumentation
 */
export { gaussianStream } from './drift/synthetic.js';
export * from './messages/samples.js';
export {
  type EvaluationOutcome,
  type EvaluationVector,
  type ExpectedVerdict,
  runEvaluationVector,
} from './monitor/vectors.js';

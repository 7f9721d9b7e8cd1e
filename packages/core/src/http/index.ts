export { type EctCall, type EctFetch, type EctFetchOptions, ectFetch } from './ect-fetch.js';
export { type ExecutionContextHandler, problemResponse, withExecutionContext } from './middleware.js';
export { type ExecutionContextProblem, executionContextProblem } from './problem.js';
export {
  type ExecutionContext,
  type ExecutionContextOptions,
  type VerifiedEct,
  verifyExecutionContext,
} from './verify-context.js';

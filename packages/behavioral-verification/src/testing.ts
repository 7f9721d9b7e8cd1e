/**
 * Test helpers of `@safety-net/behavioral-verification`: seeded synthetic streams for measuring detectors and for
 * simulations. For tests and measurement only, never for anything secret; no semver promise beyond the root entry's.
 *
 * @packageDocumentation
 */
export { gaussianStream } from './drift/synthetic.js';

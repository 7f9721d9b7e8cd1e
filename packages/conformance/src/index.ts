/**
 * @safety-net/conformance — the conformance vector format (zod schemas), the runner with every vector kind, the
 * default message-type registry and the vectors themselves, as shipped with this version. Generator helpers are in
 * the `./generate` entry.
 *
 * @packageDocumentation
 */
export { MAX_VECTOR_FILE_BYTES, runVectorDir, type VectorFiles } from './dir.js';
export { HeaderObject, type Vector, VectorEnvelope, vectorText } from './format.js';
export { publishedVectorDir } from './published.js';
export { defaultRegistry } from './registry.js';
export {
  availableBackends,
  runVector,
  runVectorSources,
  type VectorReport,
  type VectorResult,
  type VectorRunOptions,
  type VectorSource,
} from './run.js';

/**
 * safety-net — the `safety-net` command as a library: {@link main} runs any command in-process, and the conformance
 * vector runner is available to other tools.
 *
 * @packageDocumentation
 */
export { type CliIo, FileAccessError, type MemoryIo, memoryIo } from './io.js';
export { type MainOptions, main } from './main.js';
export { nodeIo } from './node-io.js';
export { defaultRegistry } from './registry.js';
export { USAGE } from './usage.js';
export { MAX_VECTOR_FILE_BYTES, runVectorDir } from './vectors/dir.js';
export { HeaderObject, type Vector, VectorEnvelope, vectorText } from './vectors/format.js';
export {
  availableBackends,
  runVector,
  runVectorSources,
  type VectorReport,
  type VectorResult,
  type VectorRunOptions,
  type VectorSource,
} from './vectors/run.js';

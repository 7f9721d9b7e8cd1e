/**
 * @safety-net/cli — the `safety-net` command as a library: {@link main} runs any command in-process. The vector
 * runner it uses is `@safety-net/conformance`.
 *
 * @packageDocumentation
 */
export { type CliIo, FileAccessError, FileTooLargeError } from './io.js';
export { type MainOptions, main } from './main.js';
export { type MemoryIo, memoryIo } from './memory-io.js';
export { nodeIo } from './node-io.js';
export { USAGE } from './usage.js';

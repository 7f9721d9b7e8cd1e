import { fromUtf8, isSafetyNetError } from '@safety-net/core';
import { type CliIo, FileAccessError } from '../io.js';
import { nodeIo } from '../node-io.js';
import { runVectorSources, type VectorReport, type VectorRunOptions, type VectorSource } from './run.js';

/** Largest vector file read (16 MiB); larger ones fail. */
export const MAX_VECTOR_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Runs every `.json` file under `dir` (e.g. `spec-vectors`) as a vector, under every backend. Unreadable files are
 * failed vectors; a `dir` that is not a directory is a `FileAccessError`.
 *
 * @example
 * ```ts
 * const report = await runVectorDir('spec-vectors');
 * console.log(`${report.passed} passed, ${report.failed} failed`);
 * ```
 */
export async function runVectorDir(
  dir: string,
  io: CliIo = nodeIo(),
  options: VectorRunOptions = {},
): Promise<VectorReport> {
  const sources: VectorSource[] = [];
  const unreadable: VectorSource[] = [];
  for (const path of io.listJsonFiles(dir)) {
    const relative = path.startsWith(`${dir}/`) || path.startsWith(`${dir}\\`) ? path.slice(dir.length + 1) : path;
    try {
      sources.push({ path: relative, text: fromUtf8(io.readFile(path, MAX_VECTOR_FILE_BYTES)) });
    } catch (e) {
      if (!(e instanceof FileAccessError || isSafetyNetError(e))) throw e;
      // An empty text is not JSON: the file is reported as a failed vector, with the others still run.
      unreadable.push({ path: relative, text: '' });
    }
  }
  return runVectorSources([...sources, ...unreadable], options);
}

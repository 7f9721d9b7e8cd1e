import { fromUtf8 } from '@safety-net/core';
import { runVectorSources, type VectorReport, type VectorRunOptions, type VectorSource } from './run.js';

/** Largest vector file read (16 MiB); larger ones fail. */
export const MAX_VECTOR_FILE_BYTES = 16 * 1024 * 1024;

/** Where {@link runVectorDir} reads files: the `safety-net` command's file access is one. */
export interface VectorFiles {
  /** Every `.json` file under `dir`, recursively, as paths that `readFile` accepts, sorted. */
  listJsonFiles(dir: string): string[];
  /** The bytes of a file; throws when it cannot be read or is longer than `maxBytes`. */
  readFile(path: string, maxBytes: number): Uint8Array;
}

/**
 * Runs every `.json` file under `dir` (e.g. `spec-vectors`, or {@link publishedVectorDir}) as a vector, under every
 * backend. A file that cannot be read is a failed vector; whatever `listJsonFiles` throws propagates.
 *
 * @example
 * ```ts
 * const report = await runVectorDir(publishedVectorDir(), nodeIo()); // nodeIo from @safety-net/cli
 * console.log(`${report.passed} passed, ${report.failed} failed`);
 * ```
 */
export async function runVectorDir(
  dir: string,
  files: VectorFiles,
  options: VectorRunOptions = {},
): Promise<VectorReport> {
  const sources: VectorSource[] = [];
  const unreadable: VectorSource[] = [];
  for (const path of files.listJsonFiles(dir)) {
    const relative = path.startsWith(`${dir}/`) || path.startsWith(`${dir}\\`) ? path.slice(dir.length + 1) : path;
    try {
      sources.push({ path: relative, text: fromUtf8(files.readFile(path, MAX_VECTOR_FILE_BYTES)) });
    } catch {
      // Whatever kept the file from being read, it is one failed vector (an empty text is not JSON); the others run.
      unreadable.push({ path: relative, text: '' });
    }
  }
  return runVectorSources([...sources, ...unreadable], options);
}

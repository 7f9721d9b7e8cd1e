import type { MessageTypeRegistry } from '@safety-net/core';
import { parseCommand } from '../args.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';
import { runVectorDir } from '../vectors/dir.js';

/** `spec-vectors` in the working directory or the nearest directory above it. */
function defaultVectorDir(io: CliIo): string | undefined {
  for (let dir = io.cwd(); ; ) {
    const candidate = io.join(dir, 'spec-vectors');
    if (io.isDirectory(candidate)) return candidate;
    const up = io.parent(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * `safety-net vectors [dir]`: runs every vector under both crypto backends, prints one line per failure and, last,
 * `N passed, N failed`. Exit 1 when any vector failed.
 */
export async function vectorsCommand(
  args: readonly string[],
  io: CliIo,
  registry: MessageTypeRegistry,
): Promise<number> {
  const { positionals } = parseCommand('vectors', args, {}, { min: 0, max: 1 });
  const dir = positionals[0] ?? defaultVectorDir(io);
  if (dir === undefined) throw new UsageError('vectors: no spec-vectors directory here or above; give the directory');
  if (!io.isDirectory(dir)) throw new UsageError(`vectors: ${dir} is not a directory`);
  const report = await runVectorDir(dir, io, { registry });
  for (const result of report.results) {
    for (const f of result.failures) io.stdout(`FAIL ${result.source} [${f.backend}]: ${f.reason}`);
  }
  io.stdout(`${report.passed} passed, ${report.failed} failed`);
  return report.failed > 0 ? 1 : 0;
}

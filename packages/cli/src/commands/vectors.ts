import { publishedVectorDir, runVectorDir } from '@safety-net/conformance';
import type { MessageTypeRegistry } from '@safety-net/core';
import { parseCommand } from '../args.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';

/**
 * `safety-net vectors [dir]`: runs every vector under `dir`, or without it the vectors published with
 * @safety-net/conformance (those this version passes), under both crypto backends; prints one line per failure
 * and, last, `N passed, N failed`. Exit 1 when any vector failed.
 */
export async function vectorsCommand(
  args: readonly string[],
  io: CliIo,
  registry: MessageTypeRegistry,
): Promise<number> {
  const { positionals } = parseCommand('vectors', args, {}, { min: 0, max: 1 });
  const dir = positionals[0] ?? publishedVectorDir();
  if (!io.isDirectory(dir)) {
    throw new UsageError(positionals[0] ? `vectors: ${dir} is not a directory` : 'vectors: no published vectors here');
  }
  const report = await runVectorDir(dir, io, { registry });
  for (const result of report.results) {
    for (const f of result.failures) io.stdout(`FAIL ${result.source} [${f.backend}]: ${f.reason}`);
  }
  io.stdout(`${report.passed} passed, ${report.failed} failed`);
  return report.failed > 0 ? 1 : 0;
}

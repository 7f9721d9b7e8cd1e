/**
 * Start-up cases: whole processes, started the way users start them. `cli.startup.help` runs the built command's
 * launcher (`packages/cli/bin/safety-net.js --help`, what the `safety-net` bin links to) and `node.startup` runs
 * `node -e 0`, both with this Node and no loader flags, so that their ratio is what the command adds to Node's own
 * start. The CLI must be built first (`pnpm build`).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from './harness.js';
import type { BenchGroup } from './signing.js';

const LAUNCHER = fileURLToPath(new URL('../packages/cli/bin/safety-net.js', import.meta.url));

/** A case that starts `node <args>` and waits for it; a run that does not exit 0 stops the benchmark. */
function processCase(name: string, args: readonly string[]): BenchCase {
  return {
    name,
    async: false,
    run: () => {
      const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) throw new Error(`${name}: exit ${r.status} ${String(r.stderr).slice(0, 300)} (pnpm build?)`);
      return r.status;
    },
  };
}

/** The two start-up cases, interleaved so that machine load falls on both alike. */
export function startupGroup(): BenchGroup {
  return {
    title: 'process start-up',
    cases: [processCase('node.startup', ['-e', '0']), processCase('cli.startup.help', [LAUNCHER, '--help'])],
  };
}

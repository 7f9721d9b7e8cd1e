import { pathToFileURL } from 'node:url';
import { formatStampede, MODEL, runTelecomStampede } from './scenario.js';

/** Prints both runs of the telecom stampede for one seed. */
export async function main(seed = 'telecom-stampede-2026'): Promise<void> {
  const figures = await runTelecomStampede({ seed });
  const { outage, pool } = MODEL;
  console.log(
    `Telecom stampede — ${MODEL.diagnosticAgents} diagnostic agents and ${MODEL.observerAgents} observers share an inference pool; ` +
      `from minute ${outage.fromMs / 60_000} to ${outage.toMs / 60_000} it drops from ${pool.normalCapacity} to ${pool.outageCapacity} servers ` +
      `with ${pool.outageErrorRate * 100} % errors (seed ${seed})\n`,
  );
  console.log(`${formatStampede(figures)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await main(process.argv[2]);

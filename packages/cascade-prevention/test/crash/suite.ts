/**
 * The crash suite from the command line: `pnpm crash-suite [--trials N] [--store sqlite|postgres] [--seed S]`.
 * Runs N seeded trials (default 20, SQLite, seed `crash`) and prints the counts; exits 1 when any invariant broke.
 * PostgreSQL needs SAFETY_NET_TEST_PG_URL (a throwaway server: `.ci/postgres start DIR`).
 */
import { parseArgs } from 'node:util';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { runTrial, type TrialResult } from './trial.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    store: { type: 'string', default: 'sqlite' },
    seed: { type: 'string', default: 'crash' },
  },
});
const trials = Number(values.trials);
const store = values.store as 'sqlite' | 'postgres';
if (!Number.isInteger(trials) || trials < 1 || (store !== 'sqlite' && store !== 'postgres')) {
  console.error('usage: pnpm crash-suite [--trials N] [--store sqlite|postgres] [--seed S]');
  process.exit(2);
}
const url = store === 'postgres' ? pgTestUrl() : undefined;
if (store === 'postgres' && !url) {
  console.error(PG_MISSING);
  process.exit(2);
}
const schemas = url ? new PgTestSchemas(url) : undefined;
const totals = { trials: 0, completed: 0, double: 0, missed: 0, fencesStuck: 0, acceptedUnderRollback: 0, kills: 0 };
const bad: TrialResult[] = [];
for (let i = 0; i < trials; i++) {
  const r = await runTrial(`${values.seed}/${i}`, store, url && schemas ? { url, pg: schemas } : undefined);
  totals.trials++;
  totals.completed += r.completed ? 1 : 0;
  totals.double += r.double;
  totals.missed += r.missed;
  totals.fencesStuck += r.fencesStuck;
  totals.acceptedUnderRollback += r.acceptedUnderRollback;
  totals.kills += r.kills.length;
  if (!r.completed || r.double || r.missed || r.fencesStuck || r.acceptedUnderRollback) bad.push(r);
  process.stderr.write(
    `${r.seed} ${r.completed ? 'completed' : 'NOT COMPLETED'} kills: ${r.kills.join(' ') || 'none'}\n`,
  );
}
await schemas?.close();
console.log(
  `store: ${store}  seed: ${values.seed}\n` +
    `trials: ${totals.trials}  completed: ${totals.completed}  double: ${totals.double}  missed: ${totals.missed}  ` +
    `fences stuck: ${totals.fencesStuck}  new work accepted under rollback: ${totals.acceptedUnderRollback}  ` +
    `(kills: ${totals.kills})`,
);
for (const r of bad) console.log('broken:', JSON.stringify(r));
process.exit(bad.length ? 1 : 0);

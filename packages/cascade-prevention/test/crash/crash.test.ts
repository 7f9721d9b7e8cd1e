import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { runTrial } from './trial.js';

// A few seeded trials of the crash suite (`pnpm crash-suite` runs many): a participant killed right after its
// effect committed, and the coordinator killed mid-release. Each trial starts four processes and restarts some.
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

const clean = { completed: true, double: 0, missed: 0, fencesStuck: 0, acceptedUnderRollback: 0 };

describe('crash suite: SIGKILLed coordinator and participants over loopback HTTP', () => {
  it.each([
    ['run100/32', 'b@after-commit:1'],
    ['run100/3', 'coordinator@mid-release:2'],
  ])(
    'SQLite, seed %s (%s): completes, nothing twice, nothing missed, no fence stuck',
    async (seed, kill) => {
      const r = await runTrial(seed, 'sqlite');
      expect(r.kills).toContain(kill);
      expect(r).toMatchObject(clean);
    },
    120_000,
  );

  it.skipIf(!url)(
    `PostgreSQL, seed run100/8: a participant killed after its effect committed and after a release${url ? '' : ` (${PG_MISSING})`}`,
    async () => {
      const r = await runTrial('run100/8', 'postgres', { url: url!, pg: schemas! });
      expect(r.kills).toEqual(expect.arrayContaining(['b@after-commit:2', 'a@after-release:2']));
      expect(r).toMatchObject(clean);
    },
    120_000,
  );
});

import { consistencyProof, fixedClock, utf8 } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { formatAddCheckpoint, formatVerifierKey, noteVerifierOf, openNote, witnessHandler } from '../../src/index.js';
import { migrateWitness, PostgresWitnessStore } from '../../src/postgres.js';
import { SAMPLE_NOW } from '../../src/testing.js';
import { checkpointOf, LOG_VERIFIER, leaves, ORIGIN, WITNESS_A } from '../notes-fixtures.js';
import { serveOnLoopback } from '../support/serve.js';

const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

const LOG_VKEY = formatVerifierKey(LOG_VERIFIER);
const state = (size: number) => ({ size, rootHash: new Uint8Array(32).fill(size), checkpoint: checkpointOf(size) });

/** Two witness instances, each with its own pool, on one schema: as two processes behind one name would run. */
async function twoInstances() {
  const schema = await schemas!.create();
  const [a, b] = [schemas!.pool(schema, 4), schemas!.pool(schema, 4)];
  // Both start at once: the migration is idempotent under concurrency.
  await Promise.all([migrateWitness(a), migrateWitness(b)]);
  return [new PostgresWitnessStore(a), new PostgresWitnessStore(b)] as const;
}

describe.skipIf(!url)(
  `the PostgreSQL witness store, two instances on one database${url ? '' : ` (${PG_MISSING})`}`,
  () => {
    it('lets exactly one of many concurrent advances from one state through, and keeps its state', async () => {
      const [a, b] = await twoInstances();
      expect(await a.advance(ORIGIN, undefined, state(3))).toEqual({ ok: true });
      // Twenty racers, half on each instance, each with another tree of size 4 (roots 100 …) from the same state.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).advance(ORIGIN, state(3), { ...state(4), rootHash: new Uint8Array(32).fill(100 + i) }),
        ),
      );
      const won = results.flatMap((r, i) => (r.ok ? [i] : []));
      expect(won).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array(19).fill({ ok: false, size: 4 }));
      expect((await b.latest(ORIGIN))?.rootHash).toEqual(new Uint8Array(32).fill(100 + won[0]!));
      // A first cosigning raced the same way: one insert wins.
      const first = await Promise.all(
        [a, b, a, b].map((s, i) => s.advance('other.example/log', undefined, state(i + 1))),
      );
      expect(first.filter((r) => r.ok)).toHaveLength(1);
    });

    it('never cosigns two different trees of one size for one origin over HTTP, round after round', async () => {
      const [storeA, storeB] = await twoInstances();
      const clock = fixedClock(SAMPLE_NOW * 1000);
      const options = { signer: WITNESS_A, logs: [{ origin: ORIGIN, keys: [LOG_VKEY] }], clock };
      const servers = await Promise.all(
        [storeA, storeB].map((store) => serveOnLoopback(witnessHandler({ ...options, store }))),
      );
      try {
        const post = (i: number, body: string) =>
          fetch(`${servers[i]!.base}/add-checkpoint`, { method: 'POST', body }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
          }));
        let tree = leaves(3);
        expect(
          (await post(0, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: checkpointOf(3, tree) }))).status,
        ).toBe(200);
        for (let round = 0; round < 8; round++) {
          // Two views of the next size, both consistent with the tree cosigned so far: a log showing each witness
          // instance another tree.
          const forks = [0, 1].map((i) => [...tree, utf8(`round ${round} view ${i}`)]);
          const notes = forks.map((f) => checkpointOf(f.length, f));
          const answers = await Promise.all(
            forks.map((f, i) =>
              post(
                i,
                formatAddCheckpoint({
                  oldSize: tree.length,
                  proof: consistencyProof(f, tree.length),
                  checkpoint: notes[i]!,
                }),
              ),
            ),
          );
          const cosigned = answers.flatMap((r, i) => (r.status === 200 ? [i] : []));
          expect(cosigned, `round ${round}`).toHaveLength(1);
          const winner = cosigned[0]!;
          expect(answers[1 - winner]!.status).toBe(409);
          const opened = openNote(`${notes[winner]}${answers[winner]!.text}`, [
            LOG_VKEY,
            formatVerifierKey(noteVerifierOf(WITNESS_A)),
          ]);
          expect(opened.verified.map((s) => s.name)).toEqual([ORIGIN, 'witness-a.example']);
          expect((await storeB.latest(ORIGIN))?.checkpoint).toBe(notes[winner]);
          tree = forks[winner]!;
        }
      } finally {
        await Promise.all(servers.map((s) => s.close()));
      }
    }, 60_000);

    it('reports a driver failure as ERR_AU_STORE_FAILED', async () => {
      const schema = await schemas!.create();
      // Not migrated: the tables are missing.
      const store = new PostgresWitnessStore(schemas!.pool(schema, 1));
      await expect(store.latest(ORIGIN)).rejects.toThrow(expect.objectContaining({ code: 'ERR_AU_STORE_FAILED' }));
    });
  },
);

import { joinBytes } from '@safety-net/core';
import { inTransaction, type StoreFailure, storeCall, toBytea } from '@safety-net/core/internal';
import { type PgPool, runMigrations } from '@safety-net/core/postgres';
import { auError } from '../errors.js';
import { type EvidenceRow, evidenceOf } from './evidence-row.js';
import type { AdvanceResult, WitnessEvidence, WitnessState, WitnessStore } from './store.js';

const fail: StoreFailure = (detail, options) => auError('ERR_AU_STORE_FAILED', detail, options);

/** The witness's tables, one string per schema version. Append a step to change them; never edit a shipped one. */
const STEPS = [
  `CREATE TABLE au_witness_state (
     origin TEXT PRIMARY KEY, size BIGINT NOT NULL, root BYTEA NOT NULL, checkpoint TEXT NOT NULL
   );
   CREATE TABLE au_witness_halt (origin TEXT PRIMARY KEY);
   CREATE TABLE au_witness_evidence (
     id BIGSERIAL PRIMARY KEY, origin TEXT NOT NULL, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
     proof BYTEA NOT NULL, at BIGINT NOT NULL
   );
   CREATE INDEX au_witness_evidence_origin ON au_witness_evidence (origin, id);`,
];

/**
 * Creates or upgrades the witness's tables in the pool's current schema; idempotent and safe when several witness
 * instances start at once. Run it once at start-up.
 */
export function migrateWitness(pool: PgPool): Promise<number> {
  return runMigrations(pool, { component: 'cross-domain-audit-witness', steps: STEPS, fail });
}

/**
 * A witness's state in PostgreSQL, for a witness run as several instances on one database (spec §5.3): `advance` is
 * one conditional `UPDATE … WHERE size = $ AND root = $` (or an `INSERT … ON CONFLICT DO NOTHING` for a log never
 * cosigned). Under READ COMMITTED a concurrent `UPDATE` of the same row waits for the first to commit and then
 * re-checks its condition against the committed row, so of two instances advancing from one state exactly one
 * succeeds: no two different trees of one size are ever cosigned for one origin, and the witness never rolls back.
 *
 * @example
 * ```ts
 * await migrateWitness(pool);
 * const witness = witnessHandler({ signer, logs, store: new PostgresWitnessStore(pool) });
 * ```
 */
export class PostgresWitnessStore implements WitnessStore {
  readonly #pool: PgPool;

  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  latest(origin: string): Promise<WitnessState | undefined> {
    return storeCall(fail, 'latest', async () => {
      const { rows } = await this.#pool.query('SELECT size, root, checkpoint FROM au_witness_state WHERE origin = $1', [
        origin,
      ]);
      const row = rows[0] as { size: string; root: Uint8Array; checkpoint: string } | undefined;
      return row && { size: Number(row.size), rootHash: new Uint8Array(row.root), checkpoint: row.checkpoint };
    });
  }

  advance(origin: string, expected: WitnessState | undefined, next: WitnessState): Promise<AdvanceResult> {
    return storeCall(fail, 'advance', async () => {
      const root = toBytea(next.rootHash);
      const changed = expected
        ? await this.#pool.query(
            'UPDATE au_witness_state SET size = $1, root = $2, checkpoint = $3 WHERE origin = $4 AND size = $5 AND root = $6',
            [next.size, root, next.checkpoint, origin, expected.size, toBytea(expected.rootHash)],
          )
        : await this.#pool.query(
            'INSERT INTO au_witness_state (origin, size, root, checkpoint) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
            [origin, next.size, root, next.checkpoint],
          );
      if (changed.rowCount === 1) return { ok: true } as const;
      const held = await this.#pool.query('SELECT size FROM au_witness_state WHERE origin = $1', [origin]);
      return { ok: false, size: Number((held.rows[0] as { size: string } | undefined)?.size ?? 0) } as const;
    });
  }

  keepEvidence(e: WitnessEvidence): Promise<void> {
    return storeCall(fail, 'keep evidence', () =>
      inTransaction(this.#pool, async (client) => {
        await client.query(
          'INSERT INTO au_witness_evidence (origin, kind, a, b, proof, at) VALUES ($1, $2, $3, $4, $5, $6)',
          [e.origin, e.kind, e.a, e.b, toBytea(joinBytes(e.proof)), e.at],
        );
        if (e.kind !== 'inconsistent') {
          await client.query('INSERT INTO au_witness_halt (origin) VALUES ($1) ON CONFLICT DO NOTHING', [e.origin]);
        }
      }),
    );
  }

  evidence(origin: string): Promise<readonly WitnessEvidence[]> {
    return storeCall(fail, 'evidence', async () => {
      const { rows } = await this.#pool.query(
        'SELECT origin, kind, a, b, proof, at FROM au_witness_evidence WHERE origin = $1 ORDER BY id',
        [origin],
      );
      return (rows as EvidenceRow[]).map(evidenceOf);
    });
  }

  halted(origin: string): Promise<boolean> {
    return storeCall(fail, 'halted', async () => {
      const { rows } = await this.#pool.query('SELECT 1 FROM au_witness_halt WHERE origin = $1', [origin]);
      return rows.length > 0;
    });
  }

  resume(origin: string): Promise<void> {
    return storeCall(fail, 'resume', async () => {
      await this.#pool.query('DELETE FROM au_witness_halt WHERE origin = $1', [origin]);
    });
  }
}

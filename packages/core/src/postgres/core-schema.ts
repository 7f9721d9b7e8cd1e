import { runMigrations } from './migrate.js';
import type { PgPool } from './pool.js';
import { coreStoreFailure } from './transaction.js';

/** Core's tables, one string per schema version. Append a step to change them; never edit a shipped one. */
const STEPS = [
  `CREATE TABLE sn_replay (jti TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL);
   CREATE INDEX sn_replay_expiry ON sn_replay (expires_at);
   CREATE TABLE sn_ledger (
     seq BIGINT PRIMARY KEY, jti TEXT NOT NULL UNIQUE, wid TEXT NOT NULL,
     format TEXT NOT NULL CHECK (format IN ('cose', 'jws')), raw BYTEA NOT NULL, claims TEXT NOT NULL
   );
   CREATE INDEX sn_ledger_workflow ON sn_ledger (wid, seq);
   CREATE TABLE sn_ledger_head (only_row BOOLEAN PRIMARY KEY CHECK (only_row), next BIGINT NOT NULL);
   INSERT INTO sn_ledger_head (only_row, next) VALUES (true, 0);`,
];

/**
 * Creates or upgrades the tables of the PostgreSQL replay cache and ledger in the pool's current schema
 * (`search_path`); resolves to the schema version. Run it once at start-up, before using the stores: it is
 * idempotent and safe when several instances start at the same moment.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const replay = new PostgresReplayCache(pool);
 * ```
 */
export function migrate(pool: PgPool): Promise<number> {
  return runMigrations(pool, { component: 'core', steps: STEPS, fail: coreStoreFailure });
}

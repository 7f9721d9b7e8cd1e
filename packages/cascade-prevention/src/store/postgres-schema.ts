import { type PgPool, runMigrations } from '@safety-net/core/postgres';
import { cpStoreFailure } from './postgres-failure.js';

/** The rollback tables, one string per schema version. Append a step to change them; never edit a shipped one. */
const STEPS = [
  `CREATE TABLE cp_rollback (
     id TEXT PRIMARY KEY, created BIGSERIAL NOT NULL, digest TEXT NOT NULL, request BYTEA NOT NULL,
     plan BYTEA NOT NULL, complete BYTEA, released BOOLEAN NOT NULL DEFAULT false
   );
   CREATE INDEX cp_rollback_unreleased ON cp_rollback (created) WHERE NOT released;
   CREATE TABLE cp_rollback_step (
     rollback TEXT NOT NULL REFERENCES cp_rollback (id), step INTEGER NOT NULL, status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, result BYTEA, reason TEXT, PRIMARY KEY (rollback, step)
   );
   CREATE TABLE cp_compensation (key TEXT PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0, result BYTEA);`,
  `CREATE TABLE cp_rollback_lease (
     rollback TEXT PRIMARY KEY REFERENCES cp_rollback (id), instance TEXT NOT NULL, token BIGINT NOT NULL,
     until BIGINT NOT NULL
   );
   CREATE TABLE cp_participant_fence (holder TEXT NOT NULL, resource TEXT NOT NULL, PRIMARY KEY (holder, resource));
   CREATE TABLE cp_participant_ended (holder TEXT PRIMARY KEY, until BIGINT NOT NULL);
   CREATE TABLE cp_participant_lease (holder TEXT PRIMARY KEY, token BIGINT NOT NULL);`,
];

/**
 * Creates or upgrades the rollback coordinator's and participants' tables in the pool's current schema
 * (`search_path`); resolves to the schema version. Run it once at start-up, before using the stores: idempotent,
 * and safe when several instances start at the same moment (a transaction holding an advisory lock).
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const store = new PostgresRollbackStore(pool);
 * ```
 */
export function migrate(pool: PgPool): Promise<number> {
  return runMigrations(pool, { component: 'cascade-prevention', steps: STEPS, fail: cpStoreFailure });
}

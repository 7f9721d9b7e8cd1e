/**
 * `@safety-net/core/postgres`: the replay cache and the ledger in PostgreSQL (node-postgres), for verifiers run as
 * several instances that must share one truth. The driver is an optional peer dependency: pass a `pg.Pool`; this
 * entry never imports `pg` itself. Call `migrate(pool)` once at start-up.
 *
 * @packageDocumentation
 */
export { migrate } from './postgres/core-schema.js';
export { PostgresLedger } from './postgres/ledger.js';
export { runMigrations, type SchemaMigrations } from './postgres/migrate.js';
export type { PgPool, PgPoolClient, PgQueryable, PgResult } from './postgres/pool.js';
export { PostgresReplayCache } from './postgres/replay-cache.js';
export type { StoreFailure } from './postgres/transaction.js';

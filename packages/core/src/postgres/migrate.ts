import type { PgPool } from './pool.js';
import { inTransaction, type StoreFailure, storeCall } from './transaction.js';

/** One component's schema: its name in the version table and its steps, oldest first (never edited once shipped). */
export interface SchemaMigrations {
  readonly component: string;
  readonly steps: readonly string[];
  /** How a failure is reported (the component's store failure). */
  readonly fail: StoreFailure;
}

/**
 * Brings one component's tables in the current schema (`search_path`) up to date and returns the version reached.
 * Idempotent, and safe when several instances start at once: the whole migration runs in one transaction holding
 * a transaction-level advisory lock for this schema, so a second instance waits, then finds nothing left to do.
 * A database migrated by a newer release (more steps than this one knows) is refused, not downgraded.
 */
export async function runMigrations(pool: PgPool, migrations: SchemaMigrations): Promise<number> {
  const { component, steps, fail } = migrations;
  return storeCall(fail, `migrate ${component}`, () =>
    inTransaction(pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('safety-net schema ' || current_schema()))");
      await client.query(
        'CREATE TABLE IF NOT EXISTS sn_schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)',
      );
      const found = await client.query('SELECT version FROM sn_schema_version WHERE component = $1', [component]);
      const current = (found.rows[0] as { version: number } | undefined)?.version ?? 0;
      if (current > steps.length)
        throw fail(`${component} schema is at version ${current}; this release knows ${steps.length}`);
      for (const step of steps.slice(current)) await client.query(step);
      await client.query(
        `INSERT INTO sn_schema_version (component, version) VALUES ($1, $2)
         ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
        [component, steps.length],
      );
      return steps.length;
    }),
  );
}

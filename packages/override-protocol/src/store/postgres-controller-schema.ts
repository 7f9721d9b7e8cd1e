import { type PgPool, runMigrations } from '@safety-net/core/postgres';
import { ovStoreFailure } from './postgres-failure.js';

/** The control plane's tables, one string per schema version. Append a step to change them; never edit a shipped one. */
const STEPS = [
  `CREATE TABLE ov_ctl_counter (id INTEGER PRIMARY KEY CHECK (id = 1), epoch BIGINT NOT NULL, seq BIGINT NOT NULL);
   CREATE TABLE ov_ctl_signal (
     jti TEXT PRIMARY KEY, epoch BIGINT NOT NULL, seq BIGINT NOT NULL, bytes BYTEA NOT NULL, level TEXT NOT NULL,
     deadline BIGINT NOT NULL, exp BIGINT NOT NULL, agents TEXT NOT NULL, UNIQUE (epoch, seq)
   );
   CREATE TABLE ov_ctl_outbox (
     agent TEXT NOT NULL, position BIGINT NOT NULL, name TEXT NOT NULL, jti TEXT NOT NULL, bytes BYTEA NOT NULL,
     state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, code TEXT, claimed_by TEXT, claimed_until BIGINT,
     PRIMARY KEY (agent, position), UNIQUE (jti, agent)
   );
   CREATE INDEX ov_ctl_outbox_open ON ov_ctl_outbox (agent, position) WHERE state <> 'settled';
   CREATE TABLE ov_ctl_ack (
     agent TEXT NOT NULL, jti TEXT NOT NULL, seq BIGSERIAL, signal TEXT NOT NULL, status TEXT NOT NULL,
     iat BIGINT NOT NULL, bytes BYTEA NOT NULL, PRIMARY KEY (agent, jti)
   );
   CREATE INDEX ov_ctl_ack_signal ON ov_ctl_ack (signal);
   CREATE TABLE ov_ctl_record (
     jti TEXT PRIMARY KEY, seq BIGSERIAL, kind TEXT NOT NULL, agent TEXT NOT NULL, signal TEXT, iat BIGINT NOT NULL,
     bytes BYTEA NOT NULL
   );`,
  'CREATE TABLE ov_ctl_agent (id TEXT PRIMARY KEY, bytes BYTEA NOT NULL);',
];

/**
 * Creates or upgrades the control plane's tables in the pool's current schema (`search_path`); resolves to the
 * schema version. Run it once at start-up: idempotent, and safe when several instances start at the same moment.
 * `epoch` is the epoch of a new order counter (spec §6); an existing counter is left as it is.
 *
 * @example
 * ```ts
 * await migrateController(pool);
 * const store = new PostgresControllerStore(pool);
 * ```
 */
export async function migrateController(pool: PgPool, options: { epoch?: number } = {}): Promise<number> {
  const version = await runMigrations(pool, { component: 'override-controller', steps: STEPS, fail: ovStoreFailure });
  await pool
    .query('INSERT INTO ov_ctl_counter (id, epoch, seq) VALUES (1, $1, 0) ON CONFLICT (id) DO NOTHING', [
      options.epoch ?? 1,
    ])
    .catch((e: unknown) => {
      throw ovStoreFailure(`migrate: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
  return version;
}

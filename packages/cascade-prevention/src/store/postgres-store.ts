import { fromTextKey, inTransaction, storeCall, toBytea, toTextKey } from '@safety-net/core/internal';
import type { PgPool } from '@safety-net/core/postgres';
import { cpError } from '../errors.js';
import { type Lease, nextToken } from '../rollback/lease.js';
import type { NewRollback, RollbackStore, StepStatus, StoredRollback } from '../rollback/store.js';
import { cpStoreFailure } from './postgres-failure.js';
import { type RollbackRow, type StepRow, storedRollback } from './rows.js';

/** Every database failure is `ERR_CP_STORE_FAILED`, with the driver's error as the cause. */
const call = <T>(what: string, run: () => Promise<T>) => storeCall(cpStoreFailure, what, run);

/**
 * The coordinator's durable progress in PostgreSQL (node-postgres), for coordinators run as several instances on
 * one database. Run `migrate(pool)` first. Every method is one transaction (or one statement), committed before
 * its promise resolves — so, as with SQLite, the rollback and each attempt are on disk before the coordinator
 * contacts a participant, and a coordinator killed mid-rollback and restarted, on any instance, finishes it
 * (spec §6.2). A rollback and its steps are created in one transaction and read in one snapshot.
 *
 * @example
 * ```ts
 * await migrate(pool);
 * const coordinator = new RollbackCoordinator({ ...options, store: new PostgresRollbackStore(pool) });
 * await coordinator.resume(); // after a restart
 * ```
 */
export class PostgresRollbackStore implements RollbackStore {
  readonly #pool: PgPool;

  /** `pool`: a `pg.Pool` whose `search_path` holds the migrated tables. */
  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  async create(entry: NewRollback): Promise<StoredRollback> {
    await call('create', () =>
      inTransaction(this.#pool, async (client) => {
        // A concurrent create of the same id waits on this row, then finds it and inserts nothing.
        const inserted = await client.query(
          'INSERT INTO cp_rollback (id, digest, request, plan) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
          [toTextKey(entry.rollback), entry.digest, toBytea(entry.request), toBytea(entry.plan)],
        );
        if (inserted.rowCount === 0) return;
        await client.query(
          "INSERT INTO cp_rollback_step (rollback, step, status) SELECT $1, unnest($2::int[]), 'pending'",
          [toTextKey(entry.rollback), entry.steps],
        );
      }),
    );
    return (await this.load(entry.rollback))!;
  }

  load(rollback: string): Promise<StoredRollback | undefined> {
    return call('load', () =>
      inTransaction(
        this.#pool,
        async (client) => {
          const head = await client.query(
            'SELECT digest, request, plan, complete, released FROM cp_rollback WHERE id = $1',
            [toTextKey(rollback)],
          );
          if (head.rows[0] === undefined) return undefined;
          const steps = await client.query(
            'SELECT step, status, attempts, result, reason FROM cp_rollback_step WHERE rollback = $1 ORDER BY step',
            [toTextKey(rollback)],
          );
          return storedRollback(
            { ...(head.rows[0] as Omit<RollbackRow, 'id'>), id: rollback },
            (steps.rows as StepRow[]).map((s) => ({ ...s, reason: s.reason === null ? null : fromTextKey(s.reason) })),
          );
        },
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      ),
    );
  }

  addAttempt(rollback: string, step: number): Promise<number> {
    return call('addAttempt', async () => {
      const { rows } = await this.#pool.query(
        'UPDATE cp_rollback_step SET attempts = attempts + 1 WHERE rollback = $1 AND step = $2 RETURNING attempts',
        [toTextKey(rollback), step],
      );
      if (rows[0] === undefined) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', `${rollback} step ${step}`);
      return (rows[0] as { attempts: number }).attempts;
    });
  }

  async settle(
    rollback: string,
    step: number,
    outcome: { status: Exclude<StepStatus, 'pending'>; result?: Uint8Array; reason?: string },
  ): Promise<void> {
    await this.#update(
      'settle',
      'UPDATE cp_rollback_step SET status = $1, result = $2, reason = $3 WHERE rollback = $4 AND step = $5',
      [
        outcome.status,
        outcome.result ? toBytea(outcome.result) : null,
        outcome.reason === undefined ? null : toTextKey(outcome.reason),
        toTextKey(rollback),
        step,
      ],
      `${rollback} step ${step}`,
    );
  }

  async finish(rollback: string, complete: Uint8Array): Promise<void> {
    await this.#update(
      'finish',
      'UPDATE cp_rollback SET complete = $1 WHERE id = $2',
      [toBytea(complete), toTextKey(rollback)],
      rollback,
    );
  }

  async markReleased(rollback: string): Promise<void> {
    await this.#update(
      'markReleased',
      'UPDATE cp_rollback SET released = true WHERE id = $1',
      [toTextKey(rollback)],
      rollback,
    );
  }

  acquireLease(rollback: string, instance: string, ttlMs: number, now: number): Promise<number> {
    return call('acquireLease', () =>
      inTransaction(this.#pool, async (client) => {
        // The rollback row is the lock: instances taking the lease at once take it one after the other.
        const head = await client.query('SELECT 1 FROM cp_rollback WHERE id = $1 FOR UPDATE', [toTextKey(rollback)]);
        if (head.rows[0] === undefined) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', rollback);
        const { rows } = await client.query(
          'SELECT instance, token, until FROM cp_rollback_lease WHERE rollback = $1',
          [toTextKey(rollback)],
        );
        const token = nextToken(rollback, toTextKey(instance), now, rows[0] as Lease | undefined);
        await client.query(
          `INSERT INTO cp_rollback_lease (rollback, instance, token, until) VALUES ($1, $2, $3, $4)
           ON CONFLICT (rollback) DO UPDATE SET instance = excluded.instance, token = excluded.token, until = excluded.until`,
          [toTextKey(rollback), toTextKey(instance), token, now + ttlMs],
        );
        return token;
      }),
    );
  }

  unfinished(): Promise<string[]> {
    return call('unfinished', async () => {
      const { rows } = await this.#pool.query('SELECT id FROM cp_rollback WHERE NOT released ORDER BY created');
      return (rows as { id: string }[]).map((r) => fromTextKey(r.id));
    });
  }

  /** Runs one UPDATE; `ERR_CP_ROLLBACK_UNKNOWN`, naming `unknown`, when no row matched. */
  #update(what: string, sql: string, params: unknown[], unknown: string): Promise<void> {
    return call(what, async () => {
      const { rowCount } = await this.#pool.query(sql, params);
      if (rowCount === 0) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', unknown);
    });
  }
}

import type { ReplayCache } from '../messages/replay.js';
import type { PgQueryable } from './pool.js';
import { toTextKey } from './text-key.js';
import { coreStoreFailure, storeCall } from './transaction.js';

/**
 * A {@link ReplayCache} in PostgreSQL, shared by every verifier instance that opens a pool on the same database
 * and schema: a token accepted by one instance is a replay at all the others. Run `migrate(pool)` first.
 *
 * `remember` is one statement, `INSERT … ON CONFLICT DO UPDATE … WHERE expired`: PostgreSQL locks the row of the
 * `jti`, so of any number of concurrent calls for one live `jti`, across instances, exactly one is admitted. A
 * recorded `jti` whose time has passed is taken over by the next call. The database is the size bound: the cache
 * never refuses a fresh id for lack of room; `purge` deletes what has expired.
 *
 * @example
 * ```ts
 * await migrate(pool);
 * const replay = new PostgresReplayCache(pool);
 * const result = await verifyAsync(type, bytes, { key, replay });
 * ```
 */
export class PostgresReplayCache implements ReplayCache {
  readonly #db: PgQueryable;

  /** `db`: a `pg.Pool` (or any client) whose `search_path` holds the migrated tables. */
  constructor(db: PgQueryable) {
    this.#db = db;
  }

  /** Records `jti` until `expiresAt`; false when it is held and not expired (`expires_at >= now`), as in memory. */
  remember(jti: string, expiresAt: number, now: number): Promise<boolean> {
    return storeCall(coreStoreFailure, 'replay remember', async () => {
      const { rowCount } = await this.#db.query(
        `INSERT INTO sn_replay (jti, expires_at) VALUES ($1, $2)
         ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at WHERE sn_replay.expires_at < $3`,
        [toTextKey(jti), expiresAt, now],
      );
      return rowCount === 1;
    });
  }

  /** Deletes the ids whose time passed before `now` (seconds); resolves to how many. Run it now and then. */
  purge(now: number): Promise<number> {
    return storeCall(coreStoreFailure, 'replay purge', async () => {
      const { rowCount } = await this.#db.query('DELETE FROM sn_replay WHERE expires_at < $1', [now]);
      return rowCount ?? 0;
    });
  }
}

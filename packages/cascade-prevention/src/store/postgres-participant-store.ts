import { fromTextKey, inTransaction, storeCall, toBytea, toTextKey } from '@safety-net/core/internal';
import type { PgPool, PgPoolClient } from '@safety-net/core/postgres';
import { cpError } from '../errors.js';
import type { CompensationEntry } from '../rollback/compensation-record.js';
import { type FenceHolder, holderKey, holderOfKey } from '../rollback/fence.js';
import type { Committed, ParticipantStore, StoredFences } from '../rollback/participant-store.js';
import { cpStoreFailure } from './postgres-failure.js';
import { compensationEntry } from './rows.js';

const call = <T>(what: string, run: () => Promise<T>) => storeCall(cpStoreFailure, what, run);

/**
 * A participant's fences, completed plans, lease tokens and idempotency record in PostgreSQL (node-postgres),
 * shared by every instance of the participant. Run `migrate(pool)` first. A handler's `commit(effect)` gets a
 * `pg` client inside the transaction that records its result, which holds the key's row locked: the effect and the
 * result commit together, and an instance compensating the same key at the same moment waits, then finds the
 * result and runs nothing.
 *
 * @example
 * ```ts
 * await migrate(pool);
 * const participant = new RollbackParticipant({ ...options, store: new PostgresParticipantStore(pool), handlers: {
 *   'payment.refund': ({ commit }) => commit(async (client) => { await client.query('UPDATE …'); return { state }; }),
 * } });
 * await participant.open();
 * ```
 */
export class PostgresParticipantStore implements ParticipantStore<PgPoolClient> {
  readonly #pool: PgPool;

  /** `pool`: a `pg.Pool` whose `search_path` holds the migrated tables (it may hold the agent's own data too). */
  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  get(key: string): Promise<CompensationEntry | undefined> {
    return call('get', async () => {
      const { rows } = await this.#pool.query('SELECT attempts, result FROM cp_compensation WHERE key = $1', [
        toTextKey(key),
      ]);
      const row = rows[0] as { attempts: number; result: Uint8Array | null } | undefined;
      return row && compensationEntry(row);
    });
  }

  addAttempt(key: string): Promise<number> {
    return call('addAttempt', async () => {
      const { rows } = await this.#pool.query(
        `INSERT INTO cp_compensation (key, attempts) VALUES ($1, 1)
         ON CONFLICT (key) DO UPDATE SET attempts = cp_compensation.attempts + 1 RETURNING attempts`,
        [toTextKey(key)],
      );
      return (rows[0] as { attempts: number }).attempts;
    });
  }

  async setResult(key: string, result: Uint8Array): Promise<void> {
    await call('setResult', () => setResult(this.#pool, key, result));
  }

  async commit<R>(
    key: string,
    _holder: FenceHolder,
    effect: (tx: PgPoolClient) => R | Promise<R>,
    sign: (value: R) => Uint8Array,
  ): Promise<Committed<R>> {
    let failure: { error: unknown } | undefined;
    try {
      return await call('commit', () =>
        inTransaction(this.#pool, async (client): Promise<Committed<R>> => {
          await client.query('INSERT INTO cp_compensation (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [
            toTextKey(key),
          ]);
          const { rows } = await client.query('SELECT result FROM cp_compensation WHERE key = $1 FOR UPDATE', [
            toTextKey(key),
          ]);
          const known = (rows[0] as { result: Uint8Array | null }).result;
          if (known) return { ran: false, result: new Uint8Array(known) };
          let value: R;
          try {
            value = await effect(client);
          } catch (e) {
            failure = { error: e };
            throw e;
          }
          const result = sign(value);
          await setResult(client, key, result);
          return { ran: true, value, result };
        }),
      );
    } catch (e) {
      // The effect's own error, not a store failure: the transaction was rolled back and the handler sees it as is.
      if (failure) throw failure.error;
      throw e;
    }
  }

  fences(): Promise<StoredFences[]> {
    return call('fences', async () => {
      const { rows } = await this.#pool.query('SELECT holder, resource FROM cp_participant_fence ORDER BY holder');
      const byHolder = new Map<string, string[]>();
      for (const { holder, resource } of rows as { holder: string; resource: string }[]) {
        const list = byHolder.get(holder) ?? [];
        list.push(fromTextKey(resource));
        byHolder.set(holder, list);
      }
      return [...byHolder].map(([key, resources]) => ({ holder: holderOfKey(key), resources }));
    });
  }

  raise(holder: FenceHolder, resources: readonly string[]): Promise<boolean> {
    const key = holderKey(holder);
    return call('raise', () =>
      inTransaction(this.#pool, async (client) => {
        // Serialised with `end` of the same holder: a fence raised concurrently with the Complete is not left behind.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
        const ended = await client.query('SELECT 1 FROM cp_participant_ended WHERE holder = $1', [key]);
        if (ended.rows[0] !== undefined) return false;
        await client.query(
          `INSERT INTO cp_participant_fence (holder, resource) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
          [key, resources.map(toTextKey)],
        );
        return true;
      }),
    );
  }

  async end(holder: FenceHolder, until: number, now: number): Promise<void> {
    const key = holderKey(holder);
    await call('end', () =>
      inTransaction(this.#pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
        await client.query('DELETE FROM cp_participant_ended WHERE until < $1', [now]);
        await client.query('DELETE FROM cp_participant_fence WHERE holder = $1', [key]);
        await client.query('DELETE FROM cp_participant_lease WHERE holder = $1', [key]);
        await client.query(
          `INSERT INTO cp_participant_ended (holder, until) VALUES ($1, $2)
           ON CONFLICT (holder) DO UPDATE SET until = excluded.until`,
          [key, until],
        );
      }),
    );
  }

  ended(holder: FenceHolder): Promise<boolean> {
    return call('ended', async () => {
      const { rows } = await this.#pool.query('SELECT 1 FROM cp_participant_ended WHERE holder = $1', [
        holderKey(holder),
      ]);
      return rows[0] !== undefined;
    });
  }

  async releaseRollback(rollback: string): Promise<void> {
    await call('releaseRollback', async () => {
      const { rows } = await this.#pool.query('SELECT DISTINCT holder FROM cp_participant_fence');
      const keys = (rows as { holder: string }[])
        .map((r) => r.holder)
        .filter((k) => holderOfKey(k).rollback === rollback);
      await this.#pool.query('DELETE FROM cp_participant_fence WHERE holder = ANY($1::text[])', [keys]);
    });
  }

  observeLease(holder: FenceHolder, token: number): Promise<void> {
    return call('observeLease', async () => {
      // Only a token at least as high as the one stored is written; a lower one leaves the row and is refused.
      const { rows } = await this.#pool.query(
        `INSERT INTO cp_participant_lease (holder, token) VALUES ($1, $2)
         ON CONFLICT (holder) DO UPDATE SET token = excluded.token WHERE cp_participant_lease.token <= excluded.token
         RETURNING token`,
        [holderKey(holder), token],
      );
      if (rows[0] === undefined) throw cpError('ERR_CP_LEASE_LOST', `token ${token} is below the one seen`);
    });
  }
}

function setResult(db: Pick<PgPool, 'query'>, key: string, result: Uint8Array) {
  return db.query(
    `INSERT INTO cp_compensation (key, result) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET result = excluded.result`,
    [toTextKey(key), toBytea(result)],
  );
}

import type { SqliteDatabase as Db } from '@safety-net/core';
import { cpError } from '../errors.js';
import type { CompensationEntry } from '../rollback/compensation-record.js';
import { type FenceHolder, holderKey, holderOfKey } from '../rollback/fence.js';
import type { Committed, ParticipantStore, StoredFences } from '../rollback/participant-store.js';
import { compensationEntry } from './rows.js';
import { guard, open } from './sqlite-store.js';

/**
 * A participant's fences, completed plans, lease tokens and idempotency record in SQLite (better-sqlite3; WAL
 * journal, full sync): a participant killed mid-rollback and restarted still fences what it fenced and answers a
 * re-sent compensation from its record (spec §6.4–6.5). A handler's `commit(effect)` gets this database handle
 * inside the transaction that records its result: keep the agent's own data in the same file.
 *
 * @example
 * ```ts
 * const store = new SqliteParticipantStore('agent.db');
 * const participant = new RollbackParticipant({ ...options, store, handlers: {
 *   'payment.refund': ({ commit }) => commit((db) => { db.prepare('UPDATE …').run(); return { state }; }),
 * } });
 * await participant.open();
 * ```
 */
export class SqliteParticipantStore implements ParticipantStore<Db> {
  readonly #db: Db;

  /** `database`: a file path or an open better-sqlite3 handle (it may be shared with the agent's own data). */
  constructor(database: string | Db) {
    this.#db = open(database);
  }

  async get(key: string): Promise<CompensationEntry | undefined> {
    return guard('get', () => {
      const row = this.#db.prepare('SELECT attempts, result FROM cp_compensation WHERE key = ?').get(key) as
        | { attempts: number; result: Uint8Array | null }
        | undefined;
      return row && compensationEntry(row);
    });
  }

  async addAttempt(key: string): Promise<number> {
    return guard('addAttempt', () => {
      const row = this.#db
        .prepare(
          'INSERT INTO cp_compensation (key, attempts) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1 RETURNING attempts',
        )
        .get(key) as { attempts: number };
      return row.attempts;
    });
  }

  async setResult(key: string, result: Uint8Array): Promise<void> {
    guard('setResult', () => this.#setResult(key, result));
  }

  async commit<R>(
    key: string,
    _holder: FenceHolder,
    effect: (tx: Db) => R | Promise<R>,
    sign: (value: R) => Uint8Array,
  ): Promise<Committed<R>> {
    let failure: { error: unknown } | undefined;
    try {
      return guard('commit', () =>
        this.#db
          .transaction((): Committed<R> => {
            const known = this.#db.prepare('SELECT result FROM cp_compensation WHERE key = ?').get(key) as
              | { result: Uint8Array | null }
              | undefined;
            if (known?.result) return { ran: false, result: new Uint8Array(known.result) };
            let value: R;
            try {
              const out = effect(this.#db);
              if (out instanceof Promise) {
                out.catch(() => {});
                throw cpError('ERR_CP_CONFIG_INVALID', 'an SQLite effect is synchronous (better-sqlite3 transaction)');
              }
              value = out;
            } catch (e) {
              failure = { error: e };
              throw e;
            }
            const result = sign(value);
            this.#setResult(key, result);
            return { ran: true, value, result };
          })
          .immediate(),
      );
    } catch (e) {
      // The effect's own error, not a store failure: the transaction was rolled back and the handler sees it as is.
      if (failure) throw failure.error;
      throw e;
    }
  }

  async fences(): Promise<StoredFences[]> {
    return guard('fences', () => {
      const byHolder = new Map<string, string[]>();
      for (const { holder, resource } of this.#db
        .prepare('SELECT holder, resource FROM cp_participant_fence ORDER BY rowid')
        .all() as { holder: string; resource: string }[]) {
        const list = byHolder.get(holder) ?? [];
        list.push(resource);
        byHolder.set(holder, list);
      }
      return [...byHolder].map(([key, resources]) => ({ holder: holderOfKey(key), resources }));
    });
  }

  async raise(holder: FenceHolder, resources: readonly string[]): Promise<boolean> {
    const key = holderKey(holder);
    return guard('raise', () =>
      this.#db
        .transaction(() => {
          if (this.#db.prepare('SELECT 1 FROM cp_participant_ended WHERE holder = ?').get(key)) return false;
          const insert = this.#db.prepare(
            'INSERT OR IGNORE INTO cp_participant_fence (holder, resource) VALUES (?, ?)',
          );
          for (const r of resources) insert.run(key, r);
          return true;
        })
        .immediate(),
    );
  }

  async end(holder: FenceHolder, until: number, now: number): Promise<void> {
    const key = holderKey(holder);
    guard('end', () =>
      this.#db
        .transaction(() => {
          this.#db.prepare('DELETE FROM cp_participant_ended WHERE until < ?').run(now);
          this.#db.prepare('DELETE FROM cp_participant_fence WHERE holder = ?').run(key);
          this.#db.prepare('DELETE FROM cp_participant_lease WHERE holder = ?').run(key);
          this.#db
            .prepare(
              'INSERT INTO cp_participant_ended (holder, until) VALUES (?, ?) ON CONFLICT (holder) DO UPDATE SET until = excluded.until',
            )
            .run(key, until);
        })
        .immediate(),
    );
  }

  async ended(holder: FenceHolder): Promise<boolean> {
    return guard(
      'ended',
      () =>
        this.#db.prepare('SELECT 1 FROM cp_participant_ended WHERE holder = ?').get(holderKey(holder)) !== undefined,
    );
  }

  async releaseRollback(rollback: string): Promise<void> {
    guard('releaseRollback', () => {
      const keys = (this.#db.prepare('SELECT DISTINCT holder FROM cp_participant_fence').all() as { holder: string }[])
        .map((r) => r.holder)
        .filter((k) => holderOfKey(k).rollback === rollback);
      const drop = this.#db.prepare('DELETE FROM cp_participant_fence WHERE holder = ?');
      this.#db.transaction(() => {
        for (const k of keys) drop.run(k);
      })();
    });
  }

  async observeLease(holder: FenceHolder, token: number): Promise<void> {
    const key = holderKey(holder);
    guard('observeLease', () =>
      this.#db
        .transaction(() => {
          const seen = this.#db.prepare('SELECT token FROM cp_participant_lease WHERE holder = ?').get(key) as
            | { token: number }
            | undefined;
          if (seen && token < seen.token) throw cpError('ERR_CP_LEASE_LOST', `token ${token} is below ${seen.token}`);
          this.#db
            .prepare(
              'INSERT INTO cp_participant_lease (holder, token) VALUES (?, ?) ON CONFLICT (holder) DO UPDATE SET token = excluded.token',
            )
            .run(key, token);
        })
        .immediate(),
    );
  }

  /** Closes the database handle. */
  close(): void {
    this.#db.close();
  }

  #setResult(key: string, result: Uint8Array): void {
    this.#db
      .prepare(
        'INSERT INTO cp_compensation (key, result) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET result = excluded.result',
      )
      .run(key, result);
  }
}

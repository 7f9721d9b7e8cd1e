import { type SqliteDatabase as Db, isSafetyNetError } from '@safety-net/core';
import Database from 'better-sqlite3';
import { cpError } from '../errors.js';
import { type Lease, nextToken } from '../rollback/lease.js';
import type { NewRollback, RollbackStore, StepStatus, StoredRollback } from '../rollback/store.js';
import { type RollbackRow, type StepRow, storedRollback } from './rows.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cp_rollback (
  id TEXT PRIMARY KEY, digest TEXT NOT NULL, request BLOB NOT NULL, plan BLOB NOT NULL,
  complete BLOB, released INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cp_rollback_step (
  rollback TEXT NOT NULL REFERENCES cp_rollback(id), step INTEGER NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, result BLOB, reason TEXT, PRIMARY KEY (rollback, step)
);
CREATE TABLE IF NOT EXISTS cp_rollback_lease (
  rollback TEXT PRIMARY KEY REFERENCES cp_rollback(id), instance TEXT NOT NULL, token INTEGER NOT NULL, until INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cp_compensation (key TEXT PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0, result BLOB);
CREATE TABLE IF NOT EXISTS cp_participant_fence (holder TEXT NOT NULL, resource TEXT NOT NULL, PRIMARY KEY (holder, resource));
CREATE TABLE IF NOT EXISTS cp_participant_ended (holder TEXT PRIMARY KEY, until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cp_participant_lease (holder TEXT PRIMARY KEY, token INTEGER NOT NULL);
`;

/** Opens (or adopts) a database with the journal and schema the stores need. */
export function open(database: string | Db): Db {
  return guard('open', () => {
    const db = typeof database === 'string' ? new Database(database) : database;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Instances of a participant or coordinator may share the file: wait for a writer rather than fail.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return db;
  });
}

/** Every driver failure becomes `ERR_CP_STORE_FAILED`, keeping the driver's error as the cause. */
export function guard<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw cpError('ERR_CP_STORE_FAILED', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * The coordinator's durable progress in SQLite (better-sqlite3; WAL journal, full sync, one transaction per
 * change), so that a coordinator killed mid-rollback and restarted finishes it (spec §6.2).
 *
 * @example
 * ```ts
 * const store = new SqliteRollbackStore('rollbacks.db');
 * const coordinator = new RollbackCoordinator({ ...options, store });
 * await coordinator.resume(); // after a restart
 * ```
 */
export class SqliteRollbackStore implements RollbackStore {
  readonly #db: Db;

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | Db) {
    this.#db = open(database);
  }

  async create(entry: NewRollback): Promise<StoredRollback> {
    guard('create', () =>
      this.#db.transaction(() => {
        const inserted = this.#db
          .prepare('INSERT OR IGNORE INTO cp_rollback (id, digest, request, plan) VALUES (?, ?, ?, ?)')
          .run(entry.rollback, entry.digest, entry.request, entry.plan);
        if (inserted.changes === 0) return;
        const step = this.#db.prepare("INSERT INTO cp_rollback_step (rollback, step, status) VALUES (?, ?, 'pending')");
        for (const s of entry.steps) step.run(entry.rollback, s);
      })(),
    );
    return (await this.load(entry.rollback))!;
  }

  async load(rollback: string): Promise<StoredRollback | undefined> {
    return guard('load', () => {
      const row = this.#db.prepare('SELECT * FROM cp_rollback WHERE id = ?').get(rollback) as RollbackRow | undefined;
      if (!row) return undefined;
      const steps = this.#db
        .prepare('SELECT step, status, attempts, result, reason FROM cp_rollback_step WHERE rollback = ? ORDER BY step')
        .all(rollback) as StepRow[];
      return storedRollback(row, steps);
    });
  }

  async addAttempt(rollback: string, step: number): Promise<number> {
    return guard('addAttempt', () => {
      const row = this.#db
        .prepare(
          'UPDATE cp_rollback_step SET attempts = attempts + 1 WHERE rollback = ? AND step = ? RETURNING attempts',
        )
        .get(rollback, step) as { attempts: number } | undefined;
      if (!row) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', `${rollback} step ${step}`);
      return row.attempts;
    });
  }

  async settle(
    rollback: string,
    step: number,
    outcome: { status: Exclude<StepStatus, 'pending'>; result?: Uint8Array; reason?: string },
  ): Promise<void> {
    guard('settle', () => {
      const changed = this.#db
        .prepare('UPDATE cp_rollback_step SET status = ?, result = ?, reason = ? WHERE rollback = ? AND step = ?')
        .run(outcome.status, outcome.result ?? null, outcome.reason ?? null, rollback, step).changes;
      if (changed === 0) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', `${rollback} step ${step}`);
    });
  }

  async finish(rollback: string, complete: Uint8Array): Promise<void> {
    this.#update('finish', 'UPDATE cp_rollback SET complete = ? WHERE id = ?', complete, rollback);
  }

  async markReleased(rollback: string): Promise<void> {
    this.#update('markReleased', 'UPDATE cp_rollback SET released = 1 WHERE id = ?', rollback);
  }

  async acquireLease(rollback: string, instance: string, ttlMs: number, now: number): Promise<number> {
    return guard('acquireLease', () =>
      this.#db
        .transaction(() => {
          if (!this.#db.prepare('SELECT 1 FROM cp_rollback WHERE id = ?').get(rollback))
            throw cpError('ERR_CP_ROLLBACK_UNKNOWN', rollback);
          const held = this.#db
            .prepare('SELECT instance, token, until FROM cp_rollback_lease WHERE rollback = ?')
            .get(rollback) as Lease | undefined;
          const token = nextToken(rollback, instance, now, held);
          this.#db
            .prepare(
              `INSERT INTO cp_rollback_lease (rollback, instance, token, until) VALUES (?, ?, ?, ?)
               ON CONFLICT (rollback) DO UPDATE SET instance = excluded.instance, token = excluded.token, until = excluded.until`,
            )
            .run(rollback, instance, token, now + ttlMs);
          return token;
        })
        .immediate(),
    );
  }

  async unfinished(): Promise<string[]> {
    return guard('unfinished', () =>
      (this.#db.prepare('SELECT id FROM cp_rollback WHERE released = 0 ORDER BY rowid').all() as { id: string }[]).map(
        (r) => r.id,
      ),
    );
  }

  /** Closes the database handle. */
  close(): void {
    this.#db.close();
  }

  #update(what: string, sql: string, ...params: unknown[]): void {
    guard(what, () => {
      const rollback = params.at(-1) as string;
      if (this.#db.prepare(sql).run(...params).changes === 0) throw cpError('ERR_CP_ROLLBACK_UNKNOWN', rollback);
    });
  }
}

import { type SqliteDatabase as Db, type SqliteStatement, toHex } from '@safety-net/core';
import { auError } from '../errors.js';
import type { HashId } from '../log/subtrees.js';
import type { LogStore, SequencedBatch, SequencingTx, StoredTreeState } from './log-store.js';
import { openSqlite, sqliteCall } from './sqlite-open.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS au_log_entry (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL UNIQUE, entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS au_log_hash (
  level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS au_log_checkpoint (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS au_log_workflow (key TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (key, idx)) WITHOUT ROWID;
`;

const bytes = (b: Buffer | Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

interface CheckpointRow {
  size: number;
  root: Buffer;
  note: string;
}

/**
 * A transparency log's store in SQLite (better-sqlite3; WAL journal, full sync). A sequencing transaction holds the
 * database's write lock (`BEGIN IMMEDIATE`) from its first read to its commit, so processes sharing the file
 * sequence one at a time; it writes nothing until the batch is complete and then writes and commits without
 * yielding, so readers on the same handle never see a batch half-written. Entries acknowledged by the log are on
 * disk: a process killed at any point restarts with the tree of its last checkpoint.
 *
 * @example
 * ```ts
 * const log = new TransparencyLog({ origin, signer, store: new SqliteLogStore('audit-log.db') });
 * ```
 */
export class SqliteLogStore implements LogStore {
  readonly #db: Db;
  readonly #sql: Record<
    | 'hash'
    | 'leafHash'
    | 'indexesOf'
    | 'hashRange'
    | 'leafHashRange'
    | 'entries'
    | 'indexOf'
    | 'checkpointAt'
    | 'latest'
    | 'putEntry'
    | 'putHash'
    | 'putCheckpoint'
    | 'workflow'
    | 'putWorkflow',
    SqliteStatement
  >;
  #queue: Promise<unknown> = Promise.resolve();

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | Db) {
    this.#db = openSqlite(database, SCHEMA, [
      // Several processes may share the file: wait for the sequencer that holds the write lock rather than fail.
      'busy_timeout = 10000',
    ]);
    this.#sql = sqliteCall('prepare', () => ({
      hash: this.#db.prepare('SELECT hash FROM au_log_hash WHERE level = ? AND idx = ?'),
      leafHash: this.#db.prepare('SELECT leaf_hash AS hash FROM au_log_entry WHERE idx = ?'),
      leafHashRange: this.#db.prepare(
        'SELECT leaf_hash AS hash FROM au_log_entry WHERE idx >= ? AND idx < ? ORDER BY idx',
      ),
      hashRange: this.#db.prepare('SELECT hash FROM au_log_hash WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx'),
      entries: this.#db.prepare('SELECT entry FROM au_log_entry WHERE idx >= ? AND idx < ? ORDER BY idx'),
      indexOf: this.#db.prepare('SELECT idx FROM au_log_entry WHERE leaf_hash = ?'),
      // One statement for a whole batch: the leaf hashes travel as a JSON array of hex strings.
      indexesOf: this.#db.prepare(
        'SELECT e.idx, lower(hex(e.leaf_hash)) AS hex FROM json_each(?) AS j JOIN au_log_entry AS e ON e.leaf_hash = unhex(j.value)',
      ),
      checkpointAt: this.#db.prepare('SELECT note FROM au_log_checkpoint WHERE size = ?'),
      latest: this.#db.prepare('SELECT size, root, note FROM au_log_checkpoint ORDER BY size DESC LIMIT 1'),
      putEntry: this.#db.prepare('INSERT INTO au_log_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)'),
      putHash: this.#db.prepare('INSERT INTO au_log_hash (level, idx, hash) VALUES (?, ?, ?)'),
      putCheckpoint: this.#db.prepare('INSERT INTO au_log_checkpoint (size, root, note) VALUES (?, ?, ?)'),
      workflow: this.#db.prepare('SELECT idx FROM au_log_workflow WHERE key = ? ORDER BY idx LIMIT ?'),
      putWorkflow: this.#db.prepare('INSERT INTO au_log_workflow (key, idx) VALUES (?, ?)'),
    }));
  }

  sequence<T>(work: (tx: SequencingTx) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      sqliteCall('begin', () => this.#db.exec('BEGIN IMMEDIATE'));
      try {
        let pending: SequencedBatch | undefined;
        const state = this.#latest();
        const out = await work({
          state,
          hashes: async (ids) => this.#hashes(ids),
          indexesOf: async (hashes) => this.#indexesOf(hashes),
          write: async (batch) => {
            if (batch.first !== (state?.size ?? 0)) throw auError('ERR_AU_STORE_FAILED', 'batch out of sequence');
            pending = batch;
          },
        });
        // Written and committed in one synchronous step: nothing else on this handle runs in between.
        sqliteCall('commit', () => {
          if (pending) this.#write(pending);
          this.#db.exec('COMMIT');
        });
        return out;
      } catch (e) {
        sqliteCall('rollback', () => this.#db.exec('ROLLBACK'));
        throw e;
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #write(batch: SequencedBatch): void {
    batch.entries.forEach((entry, i) => {
      this.#sql.putEntry.run(batch.first + i, batch.leafHashes[i], entry);
    });
    // Level 0 is the entries' own leaf_hash column: one row fewer per entry.
    for (const h of batch.hashes) if (h.level > 0) this.#sql.putHash.run(h.level, h.index, h.hash);
    for (const row of batch.workflows) this.#sql.putWorkflow.run(row.key, row.index);
    this.#sql.putCheckpoint.run(batch.state.size, batch.state.rootHash, batch.state.checkpoint);
  }

  #latest(): StoredTreeState | undefined {
    const row = sqliteCall('state', () => this.#sql.latest.get()) as CheckpointRow | undefined;
    return row && { size: row.size, rootHash: bytes(row.root), checkpoint: row.note };
  }

  #hashes(ids: readonly HashId[]): Uint8Array[] {
    return sqliteCall('hashes', () =>
      ids.map((id) => {
        const row = (id.level === 0 ? this.#sql.leafHash.get(id.index) : this.#sql.hash.get(id.level, id.index)) as
          | { hash: Buffer }
          | undefined;
        if (!row) throw auError('ERR_AU_STORE_FAILED', `hash ${id.level}/${id.index} is not stored`);
        return bytes(row.hash);
      }),
    );
  }

  #indexesOf(leafHashes: readonly Uint8Array[]): Array<number | undefined> {
    const hexes = leafHashes.map(toHex);
    const rows = sqliteCall('indexesOf', () => this.#sql.indexesOf.all(JSON.stringify(hexes))) as {
      idx: number;
      hex: string;
    }[];
    const found = new Map(rows.map((r) => [r.hex, r.idx]));
    return hexes.map((h) => found.get(h));
  }

  #indexOf(leafHash: Uint8Array): number | undefined {
    const row = sqliteCall('indexOf', () => this.#sql.indexOf.get(leafHash)) as { idx: number } | undefined;
    return row?.idx;
  }

  async state(): Promise<StoredTreeState | undefined> {
    return this.#latest();
  }

  async hashes(ids: readonly HashId[]): Promise<readonly Uint8Array[]> {
    return this.#hashes(ids);
  }

  async hashRange(level: number, from: number, to: number): Promise<readonly Uint8Array[]> {
    const rows = sqliteCall('hashRange', () =>
      level === 0 ? this.#sql.leafHashRange.all(from, to) : this.#sql.hashRange.all(level, from, to),
    ) as { hash: Buffer }[];
    if (rows.length !== to - from) throw auError('ERR_AU_STORE_FAILED', `hashes ${level}/${from}..${to} not stored`);
    return rows.map((r) => bytes(r.hash));
  }

  async entries(from: number, to: number): Promise<readonly Uint8Array[]> {
    const rows = sqliteCall('entries', () => this.#sql.entries.all(from, to)) as { entry: Buffer }[];
    if (rows.length !== to - from) throw auError('ERR_AU_STORE_FAILED', `entries ${from}..${to} not stored`);
    return rows.map((r) => bytes(r.entry));
  }

  async indexOf(leafHash: Uint8Array): Promise<number | undefined> {
    return this.#indexOf(leafHash);
  }

  async checkpointAt(size: number): Promise<string | undefined> {
    const row = sqliteCall('checkpointAt', () => this.#sql.checkpointAt.get(size)) as { note: string } | undefined;
    return row?.note;
  }

  async workflow(key: string, limit: number): Promise<readonly number[]> {
    const rows = sqliteCall('workflow', () => this.#sql.workflow.all(key, limit)) as { idx: number }[];
    return rows.map((r) => r.idx);
  }

  async close(): Promise<void> {
    await this.#queue;
    sqliteCall('close', () => this.#db.close());
  }
}

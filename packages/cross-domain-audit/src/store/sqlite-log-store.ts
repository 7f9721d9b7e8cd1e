import { type SqliteDatabase as Db, merkleRootFromLeafHashes, type SqliteStatement } from '@safety-net/core';
import { auError } from '../errors.js';
import { HashIndex } from '../log/hash-index.js';
import type { HashId } from '../log/subtrees.js';
import { LeafFilter } from './leaf-filter.js';
import type {
  LogStore,
  SequencedBatch,
  SequencingTx,
  StoredTreeState,
  WorkflowBackfillStep,
  WorkflowKeysOf,
} from './log-store.js';
import { SqliteBatchInsert } from './sqlite-batch-insert.js';
import { openSqlite, sqliteCall } from './sqlite-open.js';

/** The tables as first shipped: an existing file without a schema version holds these. */
const SCHEMA_0 = `
CREATE TABLE IF NOT EXISTS au_log_entry (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL UNIQUE, entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS au_log_hash (
  level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS au_log_checkpoint (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS au_log_workflow (key TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (key, idx)) WITHOUT ROWID;
`;

/**
 * Version 1: the leaf hashes lose their UNIQUE index, whose random inserts (a page written per entry of a batch once
 * the index outgrows the cache) cost an append several times its other writes. Entries are found by leaf hash
 * through `au_log_dedupe`, filled in sorted passes of `mergeEvery` entries (each page written once per pass),
 * and through the leaf hashes of the entries after `indexed`, which each handle holds in memory.
 */
const SCHEMA_1 = `
CREATE TABLE au_log_entry_1 (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, entry BLOB NOT NULL);
INSERT INTO au_log_entry_1 (idx, leaf_hash, entry) SELECT idx, leaf_hash, entry FROM au_log_entry;
DROP TABLE au_log_entry;
ALTER TABLE au_log_entry_1 RENAME TO au_log_entry;
CREATE TABLE au_log_dedupe (leaf_hash BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO au_log_dedupe (leaf_hash, idx) SELECT leaf_hash, idx FROM au_log_entry ORDER BY leaf_hash;
CREATE TABLE au_log_dedupe_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed INTEGER NOT NULL);
INSERT INTO au_log_dedupe_state (id, indexed) SELECT 1, count(*) FROM au_log_entry;
INSERT INTO au_log_schema (id, version) VALUES (1, 1);
`;

/**
 * Version 2: the progress of backfilling the workflow index (spec §6), the first entry it has not read. A file of
 * an earlier version may hold entries sequenced before the index was kept: its backfill starts from the first entry.
 */
const SCHEMA_2 = `
CREATE TABLE au_log_workflow_backfill (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL);
INSERT INTO au_log_workflow_backfill (id, next) VALUES (1, 0);
UPDATE au_log_schema SET version = 2 WHERE id = 1;
`;

/**
 * Version 3: the dedupe table is a set of sorted runs, one per merge, kept few by merging the newest runs as a
 * counter carries (each entry is rewritten O(log n) times): one table every merge rewrote whole cost an append O(n).
 * The table of version 2 becomes run 1, covering the entries it indexed.
 */
const SCHEMA_3 = `
CREATE TABLE au_log_dedupe_3 (
  run INTEGER NOT NULL, leaf_hash BLOB NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (run, leaf_hash)
) WITHOUT ROWID;
INSERT INTO au_log_dedupe_3 (run, leaf_hash, idx) SELECT 1, leaf_hash, idx FROM au_log_dedupe ORDER BY leaf_hash;
DROP TABLE au_log_dedupe;
ALTER TABLE au_log_dedupe_3 RENAME TO au_log_dedupe;
CREATE TABLE au_log_dedupe_run (run INTEGER PRIMARY KEY, first INTEGER NOT NULL, next INTEGER NOT NULL);
INSERT INTO au_log_dedupe_run (run, first, next) SELECT 1, 0, indexed FROM au_log_dedupe_state WHERE indexed > 0;
UPDATE au_log_schema SET version = 3 WHERE id = 1;
`;

/** The schema version this store writes. */
const SCHEMA_VERSION = 3;

/**
 * The lowest level of interior hash stored: a tile's height, so every tile is stored as it is served. The hashes of
 * levels 1–7 (127 of every 128 interior hashes) are recomputed from at most 128 leaf hashes when read: writing them
 * cost an append more than writing its entries. Rows of those levels in files of earlier versions are never read.
 */
const LOWEST_STORED_LEVEL = 8;

/** Entries indexed by leaf hash in memory before a sequencer merges them into `au_log_dedupe` as one sorted run. */
const MERGE_EVERY = 65_536;

/**
 * Runs merged into one at a time: runs merge as the digits of a base-4 counter carry, so an entry is rewritten
 * log4(n / mergeEvery) times, half as often as by pairs, whose rewrites cost an append as much as its entries did.
 * Lookups seek up to three runs per size instead of one, but only for the few leaf hashes the filter may hold.
 */
const MERGE_WIDTH = 4;

/** Options of {@link SqliteLogStore}. */
export interface SqliteLogStoreOptions {
  /**
   * Entries whose leaf hashes a handle holds in memory (32 bytes each, and their index) before the sequencer merges
   * them into the dedupe table as one sorted run (default 65,536; 1 to 16,777,216). Fewer: less memory per handle,
   * more runs to merge.
   */
  readonly mergeEvery?: number;
}

interface Run {
  run: number;
  first: number;
  next: number;
}

/**
 * Brings the log's tables to the current schema in one write transaction, so processes opening the file at once
 * migrate it once. The version is the log's own row, not the file's `user_version`: the handle may hold other tables.
 */
function migrate(db: Db): void {
  db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS au_log_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)',
    );
    const row = db.prepare('SELECT version FROM au_log_schema WHERE id = 1').get() as { version: number } | undefined;
    const version = row?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw auError('ERR_AU_STORE_FAILED', `schema version ${version} is newer than this store`);
    }
    if (version < 1) {
      db.exec(SCHEMA_0);
      db.exec(SCHEMA_1);
    }
    if (version < 2) db.exec(SCHEMA_2);
    if (version < 3) db.exec(SCHEMA_3);
  }).immediate();
}

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
    | 'hashRange'
    | 'leafHashRange'
    | 'entries'
    | 'indexed'
    | 'leafHashesFrom'
    | 'runs'
    | 'findMerged'
    | 'mergeTail'
    | 'mergeRuns'
    | 'putRun'
    | 'dropRunRows'
    | 'dropRun'
    | 'setIndexed'
    | 'checkpointAt'
    | 'latest'
    | 'putCheckpoint'
    | 'workflow'
    | 'putWorkflow'
    | 'backfilled'
    | 'addWorkflow'
    | 'setBackfilled'
    | 'keepBackfilled',
    SqliteStatement
  >;
  readonly #putEntries: SqliteBatchInsert;
  readonly #putHashes: SqliteBatchInsert;
  #queue: Promise<unknown> = Promise.resolve();
  /** Leaf hashes of the entries from `#tailFrom` on (the ordinal in the index is the offset): those not yet merged. */
  #tail = new HashIndex();
  #tailFrom = 0;
  /**
   * The leaf hashes of the entries below `#filterTo`, all merged: built when first needed, extended as merges come.
   * Only the hashes it may hold are looked up in `au_log_dedupe`, which otherwise cost an append a query per batch.
   */
  #filter: LeafFilter | undefined;
  #filterTo = 0;

  readonly #mergeEvery: number;

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | Db, options: SqliteLogStoreOptions = {}) {
    const mergeEvery = options.mergeEvery ?? MERGE_EVERY;
    if (!Number.isSafeInteger(mergeEvery) || mergeEvery < 1 || mergeEvery > 2 ** 24) {
      throw auError('ERR_AU_CONFIG_INVALID', 'mergeEvery: 1 to 16,777,216');
    }
    this.#mergeEvery = mergeEvery;
    this.#db = openSqlite(database, migrate, [
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

      indexed: this.#db.prepare('SELECT indexed FROM au_log_dedupe_state WHERE id = 1'),
      leafHashesFrom: this.#db.prepare('SELECT leaf_hash AS hash FROM au_log_entry WHERE idx >= ? ORDER BY idx'),
      runs: this.#db.prepare('SELECT run, first, next FROM au_log_dedupe_run ORDER BY first'),
      // One seek per run, in the primary key.
      findMerged: this.#db.prepare(
        'SELECT idx FROM au_log_dedupe WHERE run IN (SELECT run FROM au_log_dedupe_run) AND leaf_hash = ?',
      ),
      mergeTail: this.#db.prepare(
        'INSERT INTO au_log_dedupe (run, leaf_hash, idx) SELECT ?, leaf_hash, idx FROM au_log_entry WHERE idx >= ? ORDER BY leaf_hash',
      ),
      // Run numbers grow with the entries a run covers, so the newest runs are a range of numbers.
      mergeRuns: this.#db.prepare(
        'INSERT INTO au_log_dedupe (run, leaf_hash, idx) SELECT ?, leaf_hash, idx FROM au_log_dedupe WHERE run BETWEEN ? AND ? ORDER BY leaf_hash',
      ),
      putRun: this.#db.prepare('INSERT INTO au_log_dedupe_run (run, first, next) VALUES (?, ?, ?)'),
      dropRunRows: this.#db.prepare('DELETE FROM au_log_dedupe WHERE run BETWEEN ? AND ?'),
      dropRun: this.#db.prepare('DELETE FROM au_log_dedupe_run WHERE run BETWEEN ? AND ?'),
      setIndexed: this.#db.prepare('UPDATE au_log_dedupe_state SET indexed = ? WHERE id = 1'),
      checkpointAt: this.#db.prepare('SELECT note FROM au_log_checkpoint WHERE size = ?'),
      latest: this.#db.prepare('SELECT size, root, note FROM au_log_checkpoint ORDER BY size DESC LIMIT 1'),
      putCheckpoint: this.#db.prepare('INSERT INTO au_log_checkpoint (size, root, note) VALUES (?, ?, ?)'),
      workflow: this.#db.prepare('SELECT idx FROM au_log_workflow WHERE key = ? ORDER BY idx LIMIT ?'),
      putWorkflow: this.#db.prepare('INSERT INTO au_log_workflow (key, idx) VALUES (?, ?)'),
      backfilled: this.#db.prepare('SELECT next FROM au_log_workflow_backfill WHERE id = 1'),
      addWorkflow: this.#db.prepare('INSERT OR IGNORE INTO au_log_workflow (key, idx) VALUES (?, ?)'),
      setBackfilled: this.#db.prepare('UPDATE au_log_workflow_backfill SET next = ? WHERE id = 1'),
      // Sequencing with the index moves the progress only from the batch's first entry (the index was in step).
      keepBackfilled: this.#db.prepare('UPDATE au_log_workflow_backfill SET next = ? WHERE id = 1 AND next = ?'),
    }));
    this.#putEntries = sqliteCall(
      'prepare',
      () => new SqliteBatchInsert(this.#db, 'au_log_entry', ['idx', 'leaf_hash', 'entry']),
    );
    this.#putHashes = sqliteCall(
      'prepare',
      () => new SqliteBatchInsert(this.#db, 'au_log_hash', ['level', 'idx', 'hash']),
    );
  }

  sequence<T>(work: (tx: SequencingTx) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      sqliteCall('begin', () => this.#db.exec('BEGIN IMMEDIATE'));
      let pending: SequencedBatch | undefined;
      let merged = false;
      let out: T;
      try {
        const state = this.#latest();
        out = await work({
          state,
          hashes: async (ids) => this.#hashes(ids),
          indexesOf: async (hashes) => this.#indexesOf(hashes),
          write: async (batch) => {
            if (batch.first !== (state?.size ?? 0)) throw auError('ERR_AU_STORE_FAILED', 'batch out of sequence');
            pending = batch;
          },
        });
        // Written and committed in one synchronous step: nothing else on this handle runs in between.
        merged = sqliteCall('commit', () => {
          const done = pending !== undefined && this.#write(pending);
          this.#db.exec('COMMIT');
          return done;
        });
      } catch (e) {
        sqliteCall('rollback', () => this.#db.exec('ROLLBACK'));
        throw e;
      }
      if (merged) {
        // The merged hashes join the filter from memory, not read back: a merge by this handle is seen in full.
        const tailWhole = this.#tailFrom + this.#tail.size === pending!.first;
        if (!this.#filter && this.#tailFrom === 0) this.#filter = new LeafFilter();
        if (this.#filter && this.#filterTo === this.#tailFrom && tailWhole) {
          for (const h of this.#tail.keys()) this.#filter.add(h);
          for (const h of pending!.leafHashes) this.#filter.add(h);
          this.#filterTo = pending!.state.size;
        }
        this.#tail = new HashIndex();
        this.#tailFrom = pending!.state.size;
      } else if (pending && pending.first === this.#tailFrom + this.#tail.size) {
        this.#remember(pending.first, pending.leafHashes);
      }
      return out;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Writes the batch; true when it also merged the unmerged leaf hashes into `au_log_dedupe`. */
  #write(batch: SequencedBatch): boolean {
    this.#putEntries.run(batch.entries.flatMap((entry, i) => [batch.first + i, batch.leafHashes[i], entry]));
    // Level 0 is the entries' own leaf_hash column; levels below LOWEST_STORED_LEVEL are recomputed when read.
    this.#putHashes.run(
      batch.hashes.flatMap((h) => (h.level >= LOWEST_STORED_LEVEL ? [h.level, h.index, h.hash] : [])),
    );
    for (const row of batch.workflows) this.#sql.putWorkflow.run(row.key, row.index);
    if (batch.indexed) this.#sql.keepBackfilled.run(batch.state.size, batch.first);
    this.#sql.putCheckpoint.run(batch.state.size, batch.state.rootHash, batch.state.checkpoint);
    if (batch.state.size - this.#tailFrom < this.#mergeEvery) return false;
    const runs = this.#sql.runs.all() as Run[];
    let last = runs.reduce((max, r) => Math.max(max, r.run), 0);
    const tail = { run: ++last, first: this.#tailFrom, next: batch.state.size };
    this.#sql.mergeTail.run(tail.run, tail.first);
    this.#sql.putRun.run(tail.run, tail.first, tail.next);
    runs.push(tail);
    // As a base-4 counter carries: the newest runs become one while the oldest of them is no larger than the newest.
    while (runs.length >= MERGE_WIDTH) {
      const newest = runs[runs.length - 1]!;
      const oldest = runs[runs.length - MERGE_WIDTH]!;
      if (oldest.next - oldest.first > newest.next - newest.first) break;
      const merged = { run: ++last, first: oldest.first, next: newest.next };
      this.#sql.mergeRuns.run(merged.run, oldest.run, newest.run);
      this.#sql.dropRunRows.run(oldest.run, newest.run);
      this.#sql.dropRun.run(oldest.run, newest.run);
      this.#sql.putRun.run(merged.run, merged.first, merged.next);
      runs.splice(runs.length - MERGE_WIDTH, MERGE_WIDTH, merged);
    }
    this.#sql.setIndexed.run(batch.state.size);
    return true;
  }

  /**
   * Brings the in-memory leaf hashes up to the stored entries: what this handle has not seen, appended by another
   * process or before it opened the file, and nothing at all after another process merged them.
   */
  #catchUp(): void {
    const { indexed } = this.#sql.indexed.get() as { indexed: number };
    if (indexed !== this.#tailFrom) {
      this.#tail = new HashIndex();
      this.#tailFrom = indexed;
    }
    const rows = this.#sql.leafHashesFrom.all(this.#tailFrom + this.#tail.size) as { hash: Buffer }[];
    this.#remember(
      this.#tailFrom + this.#tail.size,
      rows.map((r) => bytes(r.hash)),
    );
  }

  /** Adds the leaf hashes of the entries from `first`, the next one the tail lacks. */
  #remember(first: number, leafHashes: readonly Uint8Array[]): void {
    leafHashes.forEach((hash, i) => {
      if (this.#tail.put(hash) !== first + i - this.#tailFrom) {
        throw auError('ERR_AU_STORE_FAILED', `entry ${first + i} is in the log already`);
      }
    });
  }

  #latest(): StoredTreeState | undefined {
    const row = sqliteCall('state', () => this.#sql.latest.get()) as CheckpointRow | undefined;
    return row && { size: row.size, rootHash: bytes(row.root), checkpoint: row.note };
  }

  #hashes(ids: readonly HashId[]): Uint8Array[] {
    return sqliteCall('hashes', () =>
      ids.map((id) => {
        if (id.level > 0 && id.level < LOWEST_STORED_LEVEL)
          return this.#recomputed(id.level, id.index, id.index + 1)[0]!;
        const row = (id.level === 0 ? this.#sql.leafHash.get(id.index) : this.#sql.hash.get(id.level, id.index)) as
          | { hash: Buffer }
          | undefined;
        if (!row) throw auError('ERR_AU_STORE_FAILED', `hash ${id.level}/${id.index} is not stored`);
        return bytes(row.hash);
      }),
    );
  }

  /** The hashes of level `level` (1 to 7) from `from` to `to`, each the root of its 2^`level` leaf hashes. */
  #recomputed(level: number, from: number, to: number): Uint8Array[] {
    const width = 2 ** level;
    const rows = this.#sql.leafHashRange.all(from * width, to * width) as { hash: Buffer }[];
    if (rows.length !== (to - from) * width) {
      throw auError('ERR_AU_STORE_FAILED', `hashes ${level}/${from}..${to} are not complete`);
    }
    const leaves = rows.map((r) => bytes(r.hash));
    const out: Uint8Array[] = [];
    for (let at = 0; at < leaves.length; at += width) out.push(merkleRootFromLeafHashes(leaves.slice(at, at + width)));
    return out;
  }

  #indexesOf(leafHashes: readonly Uint8Array[]): Array<number | undefined> {
    sqliteCall('indexesOf', () => this.#catchUp());
    const out = leafHashes.map((h) => {
      const ordinal = this.#tail.get(h);
      return ordinal === undefined ? undefined : this.#tailFrom + ordinal;
    });
    if (this.#tailFrom === 0) return out;
    const merged = sqliteCall('indexesOf', () => this.#merged());
    // Only what the filter may hold is looked up, run by run.
    return sqliteCall('indexesOf', () =>
      leafHashes.map((h, i) => {
        if (out[i] !== undefined || !merged.mayHave(h)) return out[i];
        return (this.#sql.findMerged.get(h) as { idx: number } | undefined)?.idx;
      }),
    );
  }

  /**
   * The filter of the merged leaf hashes (the entries below `#tailFrom`), brought up to them: read whole when first
   * needed, then extended by what other handles merged.
   */
  #merged(): LeafFilter {
    if (!this.#filter || this.#filterTo > this.#tailFrom) {
      this.#filter = new LeafFilter();
      this.#filterTo = 0;
    }
    for (let from = this.#filterTo; from < this.#tailFrom; from += MERGE_EVERY) {
      const to = Math.min(this.#tailFrom, from + MERGE_EVERY);
      for (const row of this.#sql.leafHashRange.all(from, to) as { hash: Buffer }[]) this.#filter.add(row.hash);
      this.#filterTo = to;
    }
    return this.#filter;
  }

  backfillWorkflows(keysOf: WorkflowKeysOf, limit: number): Promise<WorkflowBackfillStep> {
    // In the handle's queue, so it never runs inside a sequencing transaction of this handle; under the write lock
    // (`immediate`) against other processes. The rows and the progress commit together, or neither.
    const run = this.#queue.then(() =>
      sqliteCall('backfill', () =>
        this.#db
          .transaction((): WorkflowBackfillStep => {
            const size = this.#latest()?.size ?? 0;
            const { next: from } = this.#sql.backfilled.get() as { next: number };
            const next = Math.min(size, from + limit);
            const rows = this.#sql.entries.all(from, next) as { entry: Buffer }[];
            rows.forEach((row, i) => {
              for (const key of keysOf(bytes(row.entry))) this.#sql.addWorkflow.run(key, from + i);
            });
            this.#sql.setBackfilled.run(next);
            return { indexed: next - from, next, size };
          })
          .immediate(),
      ),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  async state(): Promise<StoredTreeState | undefined> {
    return this.#latest();
  }

  async hashes(ids: readonly HashId[]): Promise<readonly Uint8Array[]> {
    return this.#hashes(ids);
  }

  async hashRange(level: number, from: number, to: number): Promise<readonly Uint8Array[]> {
    if (level > 0 && level < LOWEST_STORED_LEVEL)
      return sqliteCall('hashRange', () => this.#recomputed(level, from, to));
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
    return this.#indexesOf([leafHash])[0];
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

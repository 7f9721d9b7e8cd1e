import type { SqliteDatabase as Db } from '@safety-net/core';
import { auError } from '../errors.js';
import type { StoredHash } from '../log/subtrees.js';
import { packItems, SqliteDedupeRuns } from './sqlite-dedupe-runs.js';
import { SqliteEntryBundles } from './sqlite-entry-bundles.js';

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

/**
 * Version 4: entries, their leaf hashes and the hashes of levels 8 and up their last leaf completes in bundles of
 * 256, one row each (`au_log_bundle`, §5.7), instead of a row per entry and per hash; the dedupe runs in blocks of about 256 items of 16 bytes (`au_log_dedupe_block`) instead of a row
 * per entry; the workflow index's progress NULL while it is in step with the log. An append writes a row per bundle
 * and a merge a row per block, where a row per entry cost more than the bytes did, and nothing for the progress.
 */
const SCHEMA_4 = `
CREATE TABLE au_log_bundle (
  bundle INTEGER PRIMARY KEY, spine BLOB, leaf_hashes BLOB NOT NULL, entries BLOB NOT NULL
);
CREATE TABLE au_log_dedupe_block (
  run INTEGER NOT NULL, first BLOB NOT NULL, items BLOB NOT NULL, PRIMARY KEY (run, first)
);
CREATE TABLE au_log_workflow_backfill_4 (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER);
INSERT INTO au_log_workflow_backfill_4 (id, next) SELECT id, next FROM au_log_workflow_backfill;
DROP TABLE au_log_workflow_backfill;
ALTER TABLE au_log_workflow_backfill_4 RENAME TO au_log_workflow_backfill;
`;

/**
 * Version 5: the merge under way (spec §5.7), written in slices over the batches after the one that starts it: its run
 * and the range of its sources' run numbers, NULL while none is.
 */
const SCHEMA_5 = `
ALTER TABLE au_log_dedupe_state ADD COLUMN merge_run INTEGER;
ALTER TABLE au_log_dedupe_state ADD COLUMN merge_from INTEGER;
ALTER TABLE au_log_dedupe_state ADD COLUMN merge_to INTEGER;
UPDATE au_log_schema SET version = 5 WHERE id = 1;
`;

/** Rows the migration to version 4 reads at a time. */
const MIGRATE_ROWS = 65_536;

/** Moves the rows of version 3's entry and dedupe tables into bundles and blocks, a bounded chunk at a time. */
function toVersion4(db: Db): void {
  db.exec(SCHEMA_4);
  const bundles = new SqliteEntryBundles(db);
  const stored = db.prepare(
    'SELECT level, idx AS "index", hash FROM au_log_hash WHERE level = ? AND idx >= ? AND idx < ?',
  );
  // The hashes of levels 8 and up whose last leaf is among `count` entries from `first`.
  const completedAmong = (first: number, count: number) =>
    Array.from({ length: 40 }, (_, l) => l + 8).flatMap((level) => {
      const width = 2 ** level;
      return stored.all(level, Math.ceil((first + 1) / width) - 1, Math.floor((first + count) / width)) as StoredHash[];
    });
  const entries = db.prepare(
    `SELECT idx, leaf_hash, entry FROM au_log_entry WHERE idx >= ? ORDER BY idx LIMIT ${MIGRATE_ROWS}`,
  );
  for (let next = 0; ; ) {
    const rows = entries.all(next) as { idx: number; leaf_hash: Buffer; entry: Buffer }[];
    if (rows.length === 0) break;
    rows.forEach((row, i) => {
      if (row.idx !== next + i) throw auError('ERR_AU_STORE_FAILED', `entry ${next + i} is not stored`);
    });
    bundles.write(
      next,
      rows.map((r) => r.entry),
      rows.map((r) => r.leaf_hash),
      completedAmong(next, rows.length),
    );
    next += rows.length;
  }
  const runs = new SqliteDedupeRuns(db);
  const first = db.prepare(
    `SELECT leaf_hash, idx FROM au_log_dedupe WHERE run = ? ORDER BY leaf_hash LIMIT ${MIGRATE_ROWS}`,
  );
  const after = db.prepare(
    `SELECT leaf_hash, idx FROM au_log_dedupe WHERE run = ? AND leaf_hash > ? ORDER BY leaf_hash LIMIT ${MIGRATE_ROWS}`,
  );
  for (const { run } of db.prepare('SELECT run FROM au_log_dedupe_run').all() as { run: number }[]) {
    // Chunks of a multiple of a block: only the run's last block is partial.
    for (let rows = first.all(run) as DedupeRow[]; rows.length > 0; ) {
      runs.write(
        run,
        packItems(
          rows.map((r) => r.leaf_hash),
          rows.map((r) => r.idx),
        ),
      );
      rows = rows.length < MIGRATE_ROWS ? [] : (after.all(run, rows.at(-1)!.leaf_hash) as DedupeRow[]);
    }
  }
  db.exec(`
    DROP TABLE au_log_entry;
    DROP TABLE au_log_dedupe;
    DROP TABLE au_log_hash;
    UPDATE au_log_schema SET version = 4 WHERE id = 1;`);
}

interface DedupeRow {
  leaf_hash: Buffer;
  idx: number;
}

/** The schema version this store writes. */
const SCHEMA_VERSION = 5;

/**
 * Brings the log's tables to the current schema in one write transaction, so processes opening the file at once
 * migrate it once. The version is the log's own row, not the file's `user_version`: the handle may hold other tables.
 */
export function migrateLog(db: Db): void {
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
    if (version < 4) toVersion4(db);
    if (version < 5) db.exec(SCHEMA_5);
  }).immediate();
}

import Database from 'better-sqlite3';
import { decodeEntryBundle } from '../../src/tiles/entry-bundle.js';

/** Drops the columns version 5 adds (the merge under way, spec §5.7): what a file of version 4 or earlier lacks. */
export const DROP_MERGE_COLUMNS = `
  ALTER TABLE au_log_dedupe_state DROP COLUMN merge_run;
  ALTER TABLE au_log_dedupe_state DROP COLUMN merge_from;
  ALTER TABLE au_log_dedupe_state DROP COLUMN merge_to;`;

/**
 * Rewrites a file into the layout of version 3, as its statements wrote it: a row per entry (with its leaf hash), a
 * row per entry of each dedupe run, and the workflow index's progress a number.
 */
export function toVersion3(path: string): void {
  const db = new Database(path);
  const bundles = db.prepare('SELECT bundle, spine, leaf_hashes, entries FROM au_log_bundle ORDER BY bundle').all() as {
    bundle: number;
    spine: Buffer | null;
    leaf_hashes: Buffer;
    entries: Buffer;
  }[];
  const leafHashes = bundles.flatMap((b) =>
    Array.from({ length: b.leaf_hashes.length / 32 }, (_, i) => b.leaf_hashes.subarray(32 * i, 32 * i + 32)),
  );
  const entries = bundles.flatMap((b) => decodeEntryBundle(b.entries, b.leaf_hashes.length / 32));
  // The runs lookups read: version 3 merged whole, so the blocks of a merge under way are not carried over.
  const items = db
    .prepare(
      'SELECT run, items FROM au_log_dedupe_block WHERE run IN (SELECT run FROM au_log_dedupe_run) ORDER BY run, first',
    )
    .all() as {
    run: number;
    items: Buffer;
  }[];
  const size = (db.prepare('SELECT max(size) AS size FROM au_log_checkpoint').get() as { size: number | null }).size;
  db.transaction(() => {
    db.exec(`
      CREATE TABLE au_log_entry (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, entry BLOB NOT NULL);
      CREATE TABLE au_log_dedupe (
        run INTEGER NOT NULL, leaf_hash BLOB NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (run, leaf_hash)
      ) WITHOUT ROWID;
      CREATE TABLE au_log_workflow_backfill_3 (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL);`);
    // A spine's hash j is that of level 8 + j whose last leaf is the bundle's.
    db.exec(`CREATE TABLE au_log_hash (
      level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)
    ) WITHOUT ROWID;`);
    const hash = db.prepare('INSERT INTO au_log_hash (level, idx, hash) VALUES (?, ?, ?)');
    for (const { bundle, spine } of bundles) {
      for (let j = 0; spine && j < spine.length / 32; j++) {
        hash.run(8 + j, (bundle + 1) / 2 ** j - 1, spine.subarray(32 * j, 32 * j + 32));
      }
    }
    const entry = db.prepare('INSERT INTO au_log_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)');
    for (const [i, e] of entries.entries()) entry.run(i, leafHashes[i], e);
    const dedupe = db.prepare('INSERT INTO au_log_dedupe (run, leaf_hash, idx) VALUES (?, ?, ?)');
    for (const { run, items: block } of items) {
      for (let at = 0; at < block.length; at += 16) {
        const index = block.readUIntBE(at + 10, 6);
        dedupe.run(run, leafHashes[index], index);
      }
    }
    db.prepare(
      'INSERT INTO au_log_workflow_backfill_3 (id, next) SELECT id, coalesce(next, ?) FROM au_log_workflow_backfill',
    ).run(size ?? 0);
    db.exec(`
      DROP TABLE au_log_bundle;
      DROP TABLE au_log_dedupe_block;
      DROP TABLE au_log_workflow_backfill;
      ALTER TABLE au_log_workflow_backfill_3 RENAME TO au_log_workflow_backfill;
      ${DROP_MERGE_COLUMNS}
      UPDATE au_log_schema SET version = 3;`);
  })();
  db.close();
}

import { joinBytes, type SqliteDatabase } from '@safety-net/core';
import { openSqlite, sqliteCall } from '../store/sqlite-open.js';
import { type EvidenceRow, evidenceOf } from './evidence-row.js';
import type { AdvanceResult, WitnessEvidence, WitnessState, WitnessStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS au_witness_state (
  origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, checkpoint TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS au_witness_halt (origin TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS au_witness_evidence (
  id INTEGER PRIMARY KEY AUTOINCREMENT, origin TEXT NOT NULL, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
  proof BLOB NOT NULL, at INTEGER NOT NULL
);
`;

interface StateRow {
  size: number;
  root: Uint8Array;
  checkpoint: string;
}

/**
 * A witness's state in SQLite (better-sqlite3; WAL journal, `synchronous=FULL`): `advance` is one conditional
 * `UPDATE` (or an `INSERT` for a log never cosigned), durable when it returns, so a witness killed at any point and
 * restarted never cosigns a checkpoint older than one it cosigned.
 *
 * @example
 * ```ts
 * const witness = witnessHandler({ signer, logs, store: new SqliteWitnessStore('witness.db') });
 * ```
 */
export class SqliteWitnessStore implements WitnessStore {
  readonly #db: SqliteDatabase;

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | SqliteDatabase) {
    this.#db = openSqlite(database, SCHEMA);
  }

  async latest(origin: string): Promise<WitnessState | undefined> {
    return sqliteCall('latest', () => {
      const row = this.#db
        .prepare('SELECT size, root, checkpoint FROM au_witness_state WHERE origin = ?')
        .get(origin) as StateRow | undefined;
      return row && { size: row.size, rootHash: new Uint8Array(row.root), checkpoint: row.checkpoint };
    });
  }

  async advance(origin: string, expected: WitnessState | undefined, next: WitnessState): Promise<AdvanceResult> {
    const db = this.#db;
    return sqliteCall('advance', () => {
      const changes = expected
        ? db
            .prepare(
              'UPDATE au_witness_state SET size = ?, root = ?, checkpoint = ? WHERE origin = ? AND size = ? AND root = ?',
            )
            .run(next.size, next.rootHash, next.checkpoint, origin, expected.size, expected.rootHash).changes
        : db
            .prepare(
              'INSERT INTO au_witness_state (origin, size, root, checkpoint) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
            )
            .run(origin, next.size, next.rootHash, next.checkpoint).changes;
      if (changes === 1) return { ok: true } as const;
      const held = db.prepare('SELECT size FROM au_witness_state WHERE origin = ?').get(origin) as
        | { size: number }
        | undefined;
      return { ok: false, size: held?.size ?? 0 } as const;
    });
  }

  async keepEvidence(e: WitnessEvidence): Promise<void> {
    const db = this.#db;
    sqliteCall('keep evidence', () =>
      db.transaction(() => {
        db.prepare('INSERT INTO au_witness_evidence (origin, kind, a, b, proof, at) VALUES (?, ?, ?, ?, ?, ?)').run(
          e.origin,
          e.kind,
          e.a,
          e.b,
          joinBytes(e.proof),
          e.at,
        );
        if (e.kind !== 'inconsistent')
          db.prepare('INSERT OR IGNORE INTO au_witness_halt (origin) VALUES (?)').run(e.origin);
      })(),
    );
  }

  async evidence(origin: string): Promise<readonly WitnessEvidence[]> {
    return sqliteCall('evidence', () =>
      (
        this.#db
          .prepare('SELECT origin, kind, a, b, proof, at FROM au_witness_evidence WHERE origin = ? ORDER BY id')
          .all(origin) as EvidenceRow[]
      ).map(evidenceOf),
    );
  }

  async halted(origin: string): Promise<boolean> {
    return sqliteCall(
      'halted',
      () => this.#db.prepare('SELECT 1 FROM au_witness_halt WHERE origin = ?').get(origin) !== undefined,
    );
  }

  async resume(origin: string): Promise<void> {
    sqliteCall('resume', () => this.#db.prepare('DELETE FROM au_witness_halt WHERE origin = ?').run(origin));
  }
}

import type { SqliteDatabase } from '@safety-net/core';
import { openSqlite, sqliteCall } from '../store/sqlite-open.js';
import type {
  AppendOutcome,
  ConsumptionLedgerStore,
  LedgerQuery,
  LedgerRecord,
  NewLedgerRecord,
} from './ledger-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS au_consumption (
  idx INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, iss TEXT NOT NULL, meter TEXT NOT NULL, jti TEXT NOT NULL,
  consumer TEXT NOT NULL, period_start INTEGER NOT NULL, period_end INTEGER NOT NULL, record BLOB NOT NULL,
  UNIQUE (iss, meter, jti)
);
CREATE INDEX IF NOT EXISTS au_consumption_consumer ON au_consumption (consumer, period_start);
`;

interface Row {
  idx: number;
  digest: string;
  iss: string;
  meter: string;
  jti: string;
  consumer: string;
  period_start: number;
  period_end: number;
  record: Uint8Array;
}

const toRecord = (r: Row): LedgerRecord => ({
  index: r.idx,
  digest: r.digest,
  iss: r.iss,
  meter: r.meter,
  jti: r.jti,
  consumer: r.consumer,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  record: new Uint8Array(r.record),
});

/**
 * The consumption ledger in SQLite (better-sqlite3; WAL journal, full sync): each append is one immediate
 * transaction, durable when it resolves, so a meter killed mid-ingestion loses nothing it acknowledged and, on its
 * retry, counts nothing twice.
 *
 * @example
 * ```ts
 * const ledger = new ConsumptionLedger({ store: new SqliteLedgerStore('ledger.db'), keys });
 * ```
 */
export class SqliteLedgerStore implements ConsumptionLedgerStore {
  readonly #db: SqliteDatabase;

  /** `database`: a file path (`':memory:'` for a private in-memory database) or an open better-sqlite3 handle. */
  constructor(database: string | SqliteDatabase) {
    this.#db = openSqlite(database, SCHEMA, ['busy_timeout = 5000']);
  }

  async append(record: NewLedgerRecord): Promise<AppendOutcome> {
    return sqliteCall('append', () =>
      this.#db
        .transaction((): AppendOutcome => {
          const original = this.#db.prepare('SELECT * FROM au_consumption WHERE digest = ?').get(record.digest);
          if (original) return { status: 'duplicate', entry: toRecord(original as Row) };
          const holder = this.#db
            .prepare('SELECT * FROM au_consumption WHERE iss = ? AND meter = ? AND jti = ?')
            .get(record.iss, record.meter, record.jti);
          if (holder) return { status: 'conflict', entry: toRecord(holder as Row) };
          // The primary key's maximum, not COUNT(*): one index lookup however long the ledger.
          const { next } = this.#db.prepare('SELECT COALESCE(MAX(idx), -1) + 1 AS next FROM au_consumption').get() as {
            next: number;
          };
          this.#db
            .prepare(
              `INSERT INTO au_consumption (idx, digest, iss, meter, jti, consumer, period_start, period_end, record)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              next,
              record.digest,
              record.iss,
              record.meter,
              record.jti,
              record.consumer,
              record.periodStart,
              record.periodEnd,
              record.record,
            );
          return { status: 'added', entry: { ...record, record: record.record.slice(), index: next } };
        })
        .immediate(),
    );
  }

  async get(digest: string): Promise<LedgerRecord | undefined> {
    const row = sqliteCall('get', () => this.#db.prepare('SELECT * FROM au_consumption WHERE digest = ?').get(digest));
    return row ? toRecord(row as Row) : undefined;
  }

  async list(query: LedgerQuery = {}): Promise<LedgerRecord[]> {
    const rows = sqliteCall('list', () =>
      this.#db
        .prepare(
          `SELECT * FROM au_consumption WHERE (@consumer IS NULL OR consumer = @consumer)
           AND (@from IS NULL OR period_start >= @from) AND (@to IS NULL OR period_end <= @to) ORDER BY idx`,
        )
        .all({ consumer: query.consumer ?? null, from: query.from ?? null, to: query.to ?? null }),
    );
    return (rows as Row[]).map(toRecord);
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }
}

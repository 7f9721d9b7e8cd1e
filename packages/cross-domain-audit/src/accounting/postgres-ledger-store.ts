import { inTransaction, type StoreFailure, storeCall, toBytea } from '@safety-net/core/internal';
import { type PgPool, runMigrations } from '@safety-net/core/postgres';
import { auError } from '../errors.js';
import type {
  AppendOutcome,
  ConsumptionLedgerStore,
  LedgerQuery,
  LedgerRecord,
  NewLedgerRecord,
} from './ledger-store.js';

const fail: StoreFailure = (detail, options) => auError('ERR_AU_STORE_FAILED', detail, options);

/** The ledger's tables, one string per schema version. Append a step to change them; never edit a shipped one. */
const STEPS = [
  `CREATE TABLE au_consumption (
     idx BIGINT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, iss TEXT NOT NULL, meter TEXT NOT NULL, jti TEXT NOT NULL,
     consumer TEXT NOT NULL, period_start BIGINT NOT NULL, period_end BIGINT NOT NULL, record BYTEA NOT NULL,
     UNIQUE (iss, meter, jti)
   );
   CREATE INDEX au_consumption_consumer ON au_consumption (consumer, period_start);`,
];

/**
 * Creates or upgrades the consumption ledger's tables in the pool's current schema; idempotent and safe when
 * several instances start at once. Run it once at start-up.
 */
export function migrateLedger(pool: PgPool): Promise<number> {
  return runMigrations(pool, { component: 'cross-domain-audit-ledger', steps: STEPS, fail });
}

interface Row {
  idx: string;
  digest: string;
  iss: string;
  meter: string;
  jti: string;
  consumer: string;
  period_start: string;
  period_end: string;
  record: Uint8Array;
}

const toRecord = (r: Row): LedgerRecord => ({
  index: Number(r.idx),
  digest: r.digest,
  iss: r.iss,
  meter: r.meter,
  jti: r.jti,
  consumer: r.consumer,
  periodStart: Number(r.period_start),
  periodEnd: Number(r.period_end),
  record: new Uint8Array(r.record),
});

/**
 * The consumption ledger in PostgreSQL, for meters run as several instances: an append holds a transaction-level
 * advisory lock while it checks the digest and the id and assigns the next index, so concurrent appends of one
 * record admit exactly one and indices have no gaps.
 */
export class PostgresLedgerStore implements ConsumptionLedgerStore {
  readonly #pool: PgPool;

  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  append(record: NewLedgerRecord): Promise<AppendOutcome> {
    return storeCall(fail, 'append', () =>
      inTransaction(this.#pool, async (client): Promise<AppendOutcome> => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('au_consumption ' || current_schema()))");
        const original = await client.query('SELECT * FROM au_consumption WHERE digest = $1', [record.digest]);
        if (original.rows[0]) return { status: 'duplicate', entry: toRecord(original.rows[0] as Row) };
        const holder = await client.query('SELECT * FROM au_consumption WHERE iss = $1 AND meter = $2 AND jti = $3', [
          record.iss,
          record.meter,
          record.jti,
        ]);
        if (holder.rows[0]) return { status: 'conflict', entry: toRecord(holder.rows[0] as Row) };
        // The primary key's maximum, not COUNT(*): one index lookup however long the ledger.
        const next = await client.query('SELECT COALESCE(MAX(idx), -1) + 1 AS n FROM au_consumption');
        const index = Number((next.rows[0] as { n: string }).n);
        await client.query(
          `INSERT INTO au_consumption (idx, digest, iss, meter, jti, consumer, period_start, period_end, record)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            index,
            record.digest,
            record.iss,
            record.meter,
            record.jti,
            record.consumer,
            record.periodStart,
            record.periodEnd,
            toBytea(record.record),
          ],
        );
        return { status: 'added', entry: { ...record, record: record.record.slice(), index } };
      }),
    );
  }

  async get(digest: string): Promise<LedgerRecord | undefined> {
    const r = await storeCall(fail, 'get', () =>
      this.#pool.query('SELECT * FROM au_consumption WHERE digest = $1', [digest]),
    );
    return r.rows[0] ? toRecord(r.rows[0] as Row) : undefined;
  }

  async list(query: LedgerQuery = {}): Promise<LedgerRecord[]> {
    const r = await storeCall(fail, 'list', () =>
      this.#pool.query(
        `SELECT * FROM au_consumption WHERE ($1::text IS NULL OR consumer = $1) AND ($2::bigint IS NULL OR period_start >= $2)
         AND ($3::bigint IS NULL OR period_end <= $3) ORDER BY idx`,
        [query.consumer ?? null, query.from ?? null, query.to ?? null],
      ),
    );
    return (r.rows as Row[]).map(toRecord);
  }
}

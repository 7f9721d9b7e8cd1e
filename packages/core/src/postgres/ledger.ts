import { snError } from '../errors/index.js';
import { checkLedgerEntry } from '../ledger/check-entry.js';
import { deepFreeze } from '../ledger/freeze.js';
import type { Ledger, LedgerEntry, LedgerFormat, LedgerRecord } from '../ledger/types.js';
import type { PgPool } from './pool.js';
import { toTextKey } from './text-key.js';
import { coreStoreFailure, inTransaction, storeCall, toBytea } from './transaction.js';

interface Row {
  seq: string;
  format: LedgerFormat;
  raw: Buffer;
  claims: string;
}

const COLUMNS = 'seq, format, raw, claims';
/** Rows fetched per query while iterating, so a large ledger is never held in memory at once. */
const PAGE = 500;

/**
 * A {@link Ledger} in PostgreSQL, shared by every instance that opens a pool on the same database and schema. Run
 * `migrate(pool)` first. Entries are checked as {@link index.MemoryLedger | MemoryLedger} checks them; records come
 * back frozen, with fresh bytes. An append is one transaction that takes the next `seq` from a one-row counter under
 * its row lock: appends from all instances are serialised, `seq` stays dense (0, 1, 2, … with no gap after a refused
 * duplicate) and a `jti` held by any instance is `ERR_LEDGER_DUPLICATE`. Claims are stored as their JSON text, so a
 * `"__proto__"` member and key order survive. Database failures are `ERR_STORE_FAILED`.
 *
 * @example
 * ```ts
 * await migrate(pool);
 * const ledger = new PostgresLedger(pool);
 * await ledger.append({ claims, format: 'cose', raw: signedBytes });
 * ```
 */
export class PostgresLedger implements Ledger {
  readonly #pool: PgPool;

  /** `pool`: a `pg.Pool` whose `search_path` holds the migrated tables. */
  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  async append(entry: LedgerEntry): Promise<LedgerRecord> {
    const { claims, format, raw } = checkLedgerEntry(entry);
    const text = claimsText(claims);
    return storeCall(coreStoreFailure, 'ledger append', () =>
      inTransaction(this.#pool, async (client) => {
        const head = await client.query('SELECT next FROM sn_ledger_head FOR UPDATE');
        const seq = (head.rows[0] as { next: string }).next;
        const inserted = await client.query(
          `INSERT INTO sn_ledger (seq, jti, wid, format, raw, claims) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (jti) DO NOTHING RETURNING ${COLUMNS}`,
          [seq, toTextKey(claims.jti), toTextKey(claims.wid), format, toBytea(raw), text],
        );
        // Thrown inside the transaction, so the counter is not advanced.
        if (inserted.rowCount !== 1) throw snError('ERR_LEDGER_DUPLICATE', claims.jti);
        await client.query('UPDATE sn_ledger_head SET next = next + 1');
        return record(inserted.rows[0] as Row);
      }),
    );
  }

  get(jti: string): Promise<LedgerRecord | undefined> {
    return storeCall(coreStoreFailure, 'ledger get', async () => {
      const { rows } = await this.#pool.query(`SELECT ${COLUMNS} FROM sn_ledger WHERE jti = $1`, [toTextKey(jti)]);
      return rows[0] === undefined ? undefined : record(rows[0] as Row);
    });
  }

  byWorkflow(wid: string): Promise<LedgerRecord[]> {
    return storeCall(coreStoreFailure, 'ledger byWorkflow', async () => {
      const { rows } = await this.#pool.query(`SELECT ${COLUMNS} FROM sn_ledger WHERE wid = $1 ORDER BY seq`, [
        toTextKey(wid),
      ]);
      return (rows as Row[]).map(record);
    });
  }

  size(): Promise<number> {
    return storeCall(coreStoreFailure, 'ledger size', async () => {
      const { rows } = await this.#pool.query('SELECT next FROM sn_ledger_head');
      return Number((rows[0] as { next: string }).next);
    });
  }

  /** Entries in append order, fetched page by page; those appended after iteration began are not included. */
  async *[Symbol.asyncIterator](): AsyncIterator<LedgerRecord> {
    const end = await this.size();
    for (let from = 0; from < end; from += PAGE) {
      const page = await storeCall(coreStoreFailure, 'ledger iterate', () =>
        this.#pool.query(`SELECT ${COLUMNS} FROM sn_ledger WHERE seq >= $1 AND seq < $2 ORDER BY seq`, [
          from,
          Math.min(from + PAGE, end),
        ]),
      );
      for (const row of page.rows as Row[]) yield record(row);
    }
  }
}

/** The claims as stored; nesting too deep for `JSON.stringify` is refused as the claims' fault, not the store's. */
function claimsText(claims: LedgerEntry['claims']): string {
  try {
    return JSON.stringify(claims);
  } catch (e) {
    throw snError('ERR_CLAIMS_INVALID', 'claims are nested too deeply to store', { cause: e });
  }
}

function record(row: Row): LedgerRecord {
  return Object.freeze({
    // JSON.parse keeps a "__proto__" member as an own property, as the check copied it.
    claims: deepFreeze(JSON.parse(row.claims) as LedgerEntry['claims']),
    format: row.format,
    raw: new Uint8Array(row.raw),
    seq: Number(row.seq),
  });
}

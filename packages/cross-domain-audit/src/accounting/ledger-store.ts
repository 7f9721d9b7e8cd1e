/** One ingested consumption record as a ledger keeps it (spec §8.1). */
export interface LedgerRecord {
  /** Its place in the ledger: 0 for the first record ingested, then 1, 2, … without gaps. */
  readonly index: number;
  /** The content digest (unpadded base64url): the idempotency key. */
  readonly digest: string;
  /** `(iss, meter, jti)`: the record's id; another digest under it is a conflict. */
  readonly iss: string;
  readonly meter: string;
  readonly jti: string;
  readonly consumer: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** The record as ingested: COSE bytes, or the UTF-8 JSON of its General Serialization. */
  readonly record: Uint8Array;
}

/** A record to append: everything but its index, which the store assigns. */
export type NewLedgerRecord = Omit<LedgerRecord, 'index'>;

/**
 * What an append did: `added` (a new index), `duplicate` (the same digest was there: the original), or `conflict`
 * (the same id with another digest: the record holding the id).
 */
export interface AppendOutcome {
  readonly status: 'added' | 'duplicate' | 'conflict';
  readonly entry: LedgerRecord;
}

/** Which records to list: those of a consumer, within a period (`periodStart ≥ from` and `periodEnd ≤ to`). */
export interface LedgerQuery {
  readonly consumer?: string;
  readonly from?: number;
  readonly to?: number;
}

/**
 * Where consumption records are kept exactly once (spec §8.1). `append` is one atomic step: the digest check, the
 * id check and the insert happen together, so concurrent appends of one record admit exactly one, and a
 * resolved `added` is durable.
 */
export interface ConsumptionLedgerStore {
  append(record: NewLedgerRecord): Promise<AppendOutcome>;
  get(digest: string): Promise<LedgerRecord | undefined>;
  /** Matching records in index order. */
  list(query?: LedgerQuery): Promise<LedgerRecord[]>;
}

/** Whether a record matches a query. */
export function matchesQuery(r: LedgerRecord, q: LedgerQuery): boolean {
  return (
    (q.consumer === undefined || r.consumer === q.consumer) &&
    (q.from === undefined || r.periodStart >= q.from) &&
    (q.to === undefined || r.periodEnd <= q.to)
  );
}

/** Process memory: for tests and single-process meters that keep their records elsewhere too. */
export class MemoryLedgerStore implements ConsumptionLedgerStore {
  readonly #records: LedgerRecord[] = [];
  readonly #byDigest = new Map<string, LedgerRecord>();
  readonly #byId = new Map<string, LedgerRecord>();

  async append(record: NewLedgerRecord): Promise<AppendOutcome> {
    const original = this.#byDigest.get(record.digest);
    if (original) return { status: 'duplicate', entry: original };
    const id = JSON.stringify([record.iss, record.meter, record.jti]);
    const holder = this.#byId.get(id);
    if (holder) return { status: 'conflict', entry: holder };
    const entry = { ...record, record: record.record.slice(), index: this.#records.length };
    this.#records.push(entry);
    this.#byDigest.set(entry.digest, entry);
    this.#byId.set(id, entry);
    return { status: 'added', entry };
  }

  async get(digest: string): Promise<LedgerRecord | undefined> {
    return this.#byDigest.get(digest);
  }

  async list(query: LedgerQuery = {}): Promise<LedgerRecord[]> {
    return this.#records.filter((r) => matchesQuery(r, query));
  }
}

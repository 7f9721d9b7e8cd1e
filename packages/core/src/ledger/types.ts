import type { EctClaims } from '../ect/claims.js';

/** The wire form an ECT arrived in. */
export type LedgerFormat = 'cose' | 'jws';

/**
 * What is appended: a verified ECT's claims with the exact signed bytes they came from, so an auditor can verify
 * the signature again later. For `jws`, `raw` holds the compact serialization as ASCII bytes.
 */
export interface LedgerEntry {
  readonly claims: EctClaims;
  readonly format: LedgerFormat;
  readonly raw: Uint8Array;
}

/** A stored entry: frozen, with its place in append order (0, 1, 2, …). */
export interface LedgerRecord extends LedgerEntry {
  readonly seq: number;
}

/**
 * The append-only audit ledger of ECTs the draft calls for, storage-agnostic. Asynchronous so that SQLite or
 * PostgreSQL ledgers can implement it; entries are keyed by `claims.jti`, unique across the ledger.
 *
 * @example
 * ```ts
 * const ledger: Ledger = new MemoryLedger();
 * await ledger.append({ claims, format: 'cose', raw: signedBytes });
 * for await (const record of ledger) console.log(record.seq, record.claims.exec_act);
 * ```
 */
export interface Ledger extends AsyncIterable<LedgerRecord> {
  /** Adds an entry; `ERR_LEDGER_DUPLICATE` when its `jti` is already held. Resolves to the stored record. */
  append(entry: LedgerEntry): Promise<LedgerRecord>;
  /** The entry with this task id, or undefined. */
  get(jti: string): Promise<LedgerRecord | undefined>;
  /** The entries of one workflow, in append order. */
  byWorkflow(wid: string): Promise<LedgerRecord[]>;
  /** Number of entries. */
  size(): Promise<number>;
}

/**
 * `@safety-net/cross-domain-audit/sqlite`: the log's and the ledgers' durable stores on SQLite (better-sqlite3, Node
 * only), kept out of the main entry so that the rest of the package runs on any runtime.
 *
 * @packageDocumentation
 */

export type { SqliteDatabase, SqliteStatement, SqliteTransaction } from '@safety-net/core';
export { SqliteLedgerStore } from './accounting/sqlite-ledger-store.js';
export { SqliteDisclosureStore } from './erasure/sqlite-disclosure-store.js';
export { SqliteLogStore, type SqliteLogStoreOptions } from './store/sqlite-log-store.js';
export { SqliteWitnessStore } from './witness/sqlite-store.js';

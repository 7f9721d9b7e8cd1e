/**
 * `@safety-net/cross-domain-audit/postgres`: the log's and the ledgers' stores on PostgreSQL (node-postgres), for a
 * log run as several appender instances behind one sequencer.
 *
 * @packageDocumentation
 */
export { migrateLedger, PostgresLedgerStore } from './accounting/postgres-ledger-store.js';
export { migrateLog, PostgresLogStore } from './store/postgres-log-store.js';

/**
 * `@safety-net/cross-domain-audit/postgres`: the log's, the disclosure vault's, the ledgers' and the witness's stores
 * on PostgreSQL (node-postgres), for a log run as several appender instances behind one sequencer and a witness run
 * as several instances on one database.
 *
 * @packageDocumentation
 */

export { migrateLedger, PostgresLedgerStore } from './accounting/postgres-ledger-store.js';
export { migrateDisclosures, PostgresDisclosureStore } from './erasure/postgres-disclosure-store.js';
export { migrateLog, PostgresLogStore } from './store/postgres-log-store.js';
export { migrateWitness, PostgresWitnessStore } from './witness/postgres-store.js';

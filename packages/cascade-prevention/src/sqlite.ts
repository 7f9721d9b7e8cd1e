/**
 * `@safety-net/cascade-prevention/sqlite`: the durable rollback store and idempotency record on SQLite
 * (better-sqlite3, Node only), kept out of the main entry so that the rest of the package runs on any runtime.
 *
 * @packageDocumentation
 */
export type { SqliteDatabase, SqliteStatement } from './store/sqlite-database.js';
export { SqliteCompensationRecord, SqliteRollbackStore } from './store/sqlite-store.js';

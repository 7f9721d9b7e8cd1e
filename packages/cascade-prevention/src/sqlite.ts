/**
 * `@safety-net/cascade-prevention/sqlite`: the durable rollback store and participant store on SQLite
 * (better-sqlite3, Node only), kept out of the main entry so that the rest of the package runs on any runtime.
 *
 * @packageDocumentation
 */
export type { SqliteDatabase, SqliteStatement, SqliteTransaction } from '@safety-net/core';
export { SqliteParticipantStore } from './store/sqlite-participant-store.js';
export { SqliteRollbackStore } from './store/sqlite-store.js';

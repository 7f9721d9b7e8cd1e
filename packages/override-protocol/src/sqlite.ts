/**
 * `@safety-net/override-protocol/sqlite`: the guard's and the control plane's durable state on SQLite
 * (better-sqlite3, Node only), kept out of the main entry so that the rest of the package runs on any runtime.
 *
 * @packageDocumentation
 */

export type { SqliteDatabase, SqliteStatement } from '@safety-net/core';
export { SqliteControllerStore } from './store/sqlite-controller-store.js';
export { SqliteStateStore } from './store/sqlite-store.js';

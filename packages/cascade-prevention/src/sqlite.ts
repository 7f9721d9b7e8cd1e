/**
 * `@safety-net/cascade-prevention/sqlite`: the durable rollback store on SQLite (better-sqlite3, Node only), kept
 * out of the main entry so that the rest of the package runs on any runtime.
 *
 * @packageDocumentation
 */
export {};

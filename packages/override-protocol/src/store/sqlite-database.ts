/**
 * The part of a better-sqlite3 database handle that the SQLite store uses, written out so that the published
 * declarations do not need `@types/better-sqlite3`: a better-sqlite3 `Database` satisfies it as it is.
 */
export interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): SqliteStatement;
  transaction(run: () => void): () => void;
  close(): unknown;
}

/** A prepared statement of {@link SqliteDatabase}. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

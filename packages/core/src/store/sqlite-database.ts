/**
 * The part of a better-sqlite3 database handle that the SQLite stores of every Safety Net package use, written out
 * so that their published declarations do not need `@types/better-sqlite3`: a better-sqlite3 `Database` satisfies it
 * as it is.
 */
export interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): SqliteStatement;
  transaction<T>(run: () => T): SqliteTransaction<T>;
  close(): unknown;
}

/** A prepared statement of {@link SqliteDatabase}. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** A transaction function of {@link SqliteDatabase}: call it for a deferred transaction, `immediate` to write at once. */
export interface SqliteTransaction<T> {
  (): T;
  immediate(): T;
}

import { isSafetyNetError, type SqliteDatabase } from '@safety-net/core';
import Database from 'better-sqlite3';
import { auError } from '../errors.js';

/** A driver's `Buffer` as a plain view of the same bytes. */
export const bytesOf = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Every driver failure becomes `ERR_AU_STORE_FAILED`, keeping the driver's error as the cause. */
export function sqliteCall<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw auError('ERR_AU_STORE_FAILED', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Opens a store's database (a file path, `':memory:'`, or a handle the application opened) with the durability every
 * store promises — a write-ahead log and `synchronous = FULL`, so a completed write survives a crash — then the
 * store's own `pragmas` and `schema`: its tables, or the migration that brings an existing file to them.
 */
export function openSqlite(
  database: string | SqliteDatabase,
  schema: string | ((db: SqliteDatabase) => void),
  pragmas: readonly string[] = [],
) {
  return sqliteCall('open', () => {
    const db: SqliteDatabase = typeof database === 'string' ? new Database(database) : database;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    for (const pragma of pragmas) db.pragma(pragma);
    if (typeof schema === 'string') db.exec(schema);
    else schema(db);
    return db;
  });
}

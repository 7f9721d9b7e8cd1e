import type { SqliteDatabase, SqliteStatement } from '@safety-net/core';

/** Rows per multi-row INSERT: an append's rows cross into the driver in calls of this many, not one call per row. */
const ROWS = 64;

/** Inserts rows into one table with prepared multi-row statements, the last few rows one at a time. */
export class SqliteBatchInsert {
  readonly #many: SqliteStatement;
  readonly #one: SqliteStatement;
  readonly #width: number;

  constructor(db: SqliteDatabase, table: string, columns: readonly string[]) {
    const row = `(${columns.map(() => '?').join(', ')})`;
    const into = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.#many = db.prepare(into + Array.from({ length: ROWS }, () => row).join(', '));
    this.#one = db.prepare(into + row);
    this.#width = columns.length;
  }

  /** `values`: the rows' values one after another, `columns.length` per row. */
  run(values: readonly unknown[]): void {
    const chunk = ROWS * this.#width;
    let at = 0;
    for (; at + chunk <= values.length; at += chunk) this.#many.run(...values.slice(at, at + chunk));
    for (; at < values.length; at += this.#width) this.#one.run(...values.slice(at, at + this.#width));
  }
}

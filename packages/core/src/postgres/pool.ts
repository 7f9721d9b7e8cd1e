/**
 * The part of node-postgres (`pg`) the PostgreSQL stores use, stated structurally: a `pg.Pool` fits as it is, and
 * the published types do not import `pg`, so an application that never uses PostgreSQL needs neither the driver
 * nor its types.
 */

/** What a query resolves to: the rows, as the driver parsed them. */
export interface PgResult {
  readonly rows: unknown[];
  readonly rowCount: number | null;
}

/** Anything that runs a parameterised query: a `pg.Pool`, a `pg.Client` or a pooled client. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<PgResult>;
}

/**
 * A client checked out of a pool; `release(true)` discards a connection left in an unknown state. While it is
 * checked out, the pool no longer listens for its `error` event: whoever holds it must.
 */
export interface PgPoolClient extends PgQueryable {
  release(destroy?: boolean | Error): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * A connection pool, e.g. `new pg.Pool({ connectionString })`. Several instances of a service each open their own
 * pool on the same database; the stores keep everything they share in it.
 */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
}

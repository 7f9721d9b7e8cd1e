import { isSafetyNetError, type SafetyNetError, snError } from '../errors/index.js';
import type { PgPool, PgPoolClient } from './pool.js';

/**
 * Runs `work` in one transaction on one pooled client: committed when it resolves, rolled back when it throws.
 * `begin` may name an isolation level (e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`).
 */
export async function inTransaction<T>(
  pool: PgPool,
  work: (client: PgPoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A connection lost between two queries is reported as an `error` event, which would crash the process with
  // nobody listening: note it, let the next query fail, and discard the connection.
  const lost = () => {
    broken = true;
  };
  client.on('error', lost);
  try {
    await client.query(begin);
    const out = await work(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    // A connection whose ROLLBACK failed is in an unknown state: it must not go back to the pool.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    client.removeListener('error', lost);
    client.release(broken);
  }
}

/** Builds a store's typed failure (each package reports its own code, e.g. `ERR_CP_STORE_FAILED`). */
export type StoreFailure = (detail: string, options?: { cause?: unknown }) => SafetyNetError;

/** Core's own store failure, `ERR_STORE_FAILED`. */
export const coreStoreFailure: StoreFailure = (detail, options) => snError('ERR_STORE_FAILED', detail, options);

/**
 * Runs a store operation; a driver failure (connection lost, table missing, …) becomes the store's typed failure,
 * with the driver's error as the cause. Safety Net errors (a duplicate, an unknown id) pass unchanged.
 */
export async function storeCall<T>(fail: StoreFailure, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw fail(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Bytes as node-postgres sends them for a `bytea` parameter (a view on the same memory, not a copy). */
export function toBytea(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
